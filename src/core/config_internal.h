/* What the config store (config.c) and the config parser (config_parse.c)
 * share: the private layout behind struct config and the small helpers
 * both use.  Not a public header. */
#ifndef CERES_CONFIG_INTERNAL_H
#define CERES_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "ceres/core/config.h"
#include "ceres/util/util.h"

#define CONFIG_MAX_SIZE		(16 * 1024 * 1024)
#define SECRET_MAX_SIZE		(64 * 1024)
#define REDACTED		"<redacted>"

/* While parsing, a secret from *_file or *_env keeps the path or variable
 * name as its value and one of these two origins; resolving replaces the
 * value with the secret and the origin with "file PATH" or "env NAME".
 * Entries of [site] sections are never resolved themselves: their copies
 * in the overridden sections are. */
#define ORIGIN_FILE		"file"
#define ORIGIN_ENV		"env"
#define ORIGIN_INLINE		"inline"

/* Open addressing over the entry or section arrays, so that huge files
 * do not make duplicate detection quadratic.  SIZE_MAX marks a free slot. */
struct config_index {
	size_t	*slots;
	size_t	 cap;
};

struct config_section {
	char	*section;
	char	*name;
};

/* struct config is the public head; the rest is private to this file.
 * Every struct config handed out comes from config_new(). */
struct config_private {
	struct config		 pub;
	struct config_section	*sections;	/* file order, no duplicates */
	size_t			 nsections;
	size_t			 sections_cap;	/* the arrays grow by doubling */
	size_t			 entries_cap;
	struct config_index	 entry_index;
	struct config_index	 section_index;
	bool			 site_applied;
	bool			 base;		/* config_load_base(): as written */
	char			*inline_secret;	/* first secret written inline */
	char			*inline_fix;	/* how to move it out of the file */
};

struct parser {
	struct config_private	*cp;
	const char		*file;
	const char		*next;		/* start of the next physical line */
	const char		*end;
	int			 line;
	char			*section;	/* current section, NULL before the first */
	char			*name;
	char			*error;
};

static inline struct config_private *
priv(const struct config *c)
{
	return (struct config_private *)(uintptr_t)c;
}

static inline bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static inline bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Control characters have no business in a config value or name; they
 * would reach the terminal through --check-config and the panes. */
static inline bool
is_ctrl(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && c != '\t') || u == 0x7f;
}

static inline const char *
skip_blank(const char *s, const char *e)
{
	while (s < e && is_blank(*s))
		s++;
	return s;
}

/* Names are ASCII whatever the locale says. */
static inline bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
is_name_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

char *cfg_lower_dup(const char *s, size_t n);
bool cfg_valid_name(const char *s, size_t n);
void cfg_sb_wipe(struct strbuf *sb);
void cfg_free_secret(char *s);
const struct config_key *cfg_schema_lookup(const char *section, const char *key, const char **origin, char **base);
size_t cfg_section_find(const struct config_private *cp, const char *section, const char *name);
void cfg_section_add(struct config_private *cp, const char *section, const char *name);
void cfg_entry_set(struct config_private *cp, const char *section, const char *name,
    const char *key, const char *value, const char *file, int line, const char *origin);
struct config_private *cfg_config_new(void);
struct config_private *cfg_config_clone(const struct config_private *src, const char *site);
int cfg_split_override(const char *key, char **sec, char **name, char **k);

#endif
