/* git-config style configuration: [section], [section "name"], key = value,
 * ; and # comments, [site "x"] overrides selected with --site.  Every key
 * is checked against the schema table (config_schema.c); errors carry
 * file:line.  Secrets come inline, from *_file or from *_env. */
#ifndef CERES_CONFIG_H
#define CERES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum config_type {
	CONFIG_STRING,
	CONFIG_INT,
	CONFIG_DOUBLE,		/* seconds and other numbers */
	CONFIG_BOOL,
	CONFIG_URL,		/* http(s) URL, possibly a space-separated list */
	CONFIG_SECRET,		/* also accepted as key_file and key_env */
	CONFIG_PATH,		/* ~ expanded */
	CONFIG_REGEX,		/* PCRE2, compiled to validate */
	CONFIG_LIST,		/* space-separated words */
	CONFIG_FILE,		/* a readable file, ~ expanded */
	CONFIG_MATCHERS,	/* Alertmanager label matchers: site="berlin", ... */
	CONFIG_HEADER,		/* text sent in a request header: no control characters */
};

/* One row of the schema: section "service" matches [service "x"]. */
struct config_key {
	const char		*section;
	const char		*key;
	enum config_type	 type;
	bool			 named;		/* section takes a "name" */
	const char		*help;		/* N_() text for --check-config and docs */
};
extern const struct config_key config_schema[];

struct config_entry {
	char	*section;
	char	*name;		/* subsection name or NULL */
	char	*key;
	char	*value;		/* for secrets read from *_file/_env: the secret */
	char	*file;		/* where it was set */
	int	 line;
	bool	 secret;
	char	*secret_origin;	/* "inline", "file /path", "env NAME" */
};

struct config {
	char			*path;		/* NULL: built-in defaults */
	char			*site;		/* --site, or [ceres] site */
	struct config_entry	*entries;
	size_t			 nentries;
	bool			 defaults;	/* no file: the Ceres local layout */
};

/* Find and load the config: explicit path, else $CERES_TOP_CONFIG, else
 * $XDG_CONFIG_HOME/ceres-top/config (or ~/.config/...), else
 * /etc/ceres-top/config, else built-in defaults.  site may be NULL.
 * Returns NULL and sets *cause ("file:line: message") on error. */
struct config *config_load(const char *path, const char *site, char **cause);
/* The fleet reads the file once: config_load_base() parses it as written
 * (no site applied, no secret read), config_site() makes each site's
 * config from it, as config_load(path, site) would (same errors).  The
 * base itself is for config_site() and config_free() only. */
struct config *config_load_base(const char *path, char **cause);
struct config *config_site(const struct config *base, const char *site, char **cause);
/* Parse from memory (tests, fuzzing); name is used in messages. */
struct config *config_parse(const char *name, const char *buf, size_t len, const char *site, char **cause);
void config_free(struct config *c);

/* Look-ups after site overrides.  name is NULL for unnamed sections. */
const char *config_get(const struct config *c, const char *section, const char *name, const char *key);
const char *config_get_default(const struct config *c, const char *section, const char *name, const char *key, const char *def);
long config_get_int(const struct config *c, const char *section, const char *name, const char *key, long def);
double config_get_double(const struct config *c, const char *section, const char *name, const char *key, double def);
bool config_get_bool(const struct config *c, const char *section, const char *name, const char *key, bool def);
bool config_has_section(const struct config *c, const char *section, const char *name);
/* Names of every [section "name"] in file order; *names is the caller's
 * (free the array, not the strings). */
size_t config_names(const struct config *c, const char *section, const char ***names);
/* Every URL the config names: each word of every URL-typed value outside
 * the [site] sections (a site's overrides are applied already), secrets
 * (webhook URLs) left out.  fn gets the URL and the entry it is in. */
typedef void (*config_url_fn)(const char *url, const struct config_entry *e, void *arg);
void config_each_url(const struct config *c, config_url_fn fn, void *arg);

/* Print the effective config, secrets redacted, in config-file syntax. */
char *config_dump(const struct config *c);

/* The schema and its value types (config_schema.c). */
const struct config_key *config_schema_find(const char *section, const char *key);
/* The first row of a section, or NULL: whether it exists, and is named. */
const struct config_key *config_schema_section(const char *section);
/* Check a value against the type of k.  Returns the value to store (a path
 * with ~ expanded) or NULL and a message naming the key in *cause. */
char *config_check_value(const struct config_key *k, const char *value, char **cause);
/* A copy of value safe to show: a secret becomes <redacted>, and so do the
 * password of user:pass@ in URLs and password= in a libpq conninfo.  *had
 * (may be NULL) says whether anything was redacted. */
char *config_redact(const struct config_key *k, const char *value, bool *had);
/* ~ and ~user at the start of a path expanded; NULL if that home is unknown. */
char *config_expand_path(const char *path);
/* true/yes/on/1 and false/no/off/0 in any case; -1 for anything else. */
int config_parse_bool(const char *s, bool *out);

#endif
