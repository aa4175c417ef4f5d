/* The config file: a git-config style parser that checks every key against
 * config_schema[], resolves secrets from *_file and *_env, applies the
 * [site "x"] overrides chosen with --site, and prints the effective config
 * with secrets redacted for --check-config. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#ifndef _
#define _(s) (s)
#endif

#include "config_internal.h"

char *
cfg_lower_dup(const char *s, size_t n)
{
	char	*d = xstrndup(s, n);

	for (char *p = d; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return d;
}

bool
cfg_valid_name(const char *s, size_t n)
{
	if (n == 0 || !is_alpha(s[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!is_name_char(s[i]))
			return false;
	}
	return true;
}

void
cfg_sb_wipe(struct strbuf *sb)
{
	if (sb->buf != NULL)
		explicit_bzero(sb->buf, sb->len);
	strbuf_free(sb);
}

void
cfg_free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* ---- schema ---------------------------------------------------------- */

/* key, or key_file / key_env of a secret.  *origin is NULL for a plain
 * key, else the pending origin; *base is the key the entry is stored as. */
const struct config_key *
cfg_schema_lookup(const char *section, const char *key, const char **origin, char **base)
{
	const struct config_key	*k;
	size_t			 n = strlen(key);

	*origin = NULL;
	if ((k = config_schema_find(section, key)) != NULL) {
		*base = xstrdup(key);
		if (k->type == CONFIG_SECRET)
			*origin = ORIGIN_INLINE;
		return k;
	}
	if ((n > 5 && strcmp(key + n - 5, "_file") == 0) || (n > 4 && strcmp(key + n - 4, "_env") == 0)) {
		bool	 file = strcmp(key + n - 4, "_env") != 0;
		char	*b = xstrndup(key, n - (file ? 5 : 4));

		k = config_schema_find(section, b);
		if (k != NULL && k->type == CONFIG_SECRET) {
			*origin = file ? ORIGIN_FILE : ORIGIN_ENV;
			*base = b;
			return k;
		}
		free(b);
	}
	return NULL;
}

/* section.key or section.name.key of a [site] override.  The name is
 * everything between the first and the last dot, case kept. */
int
cfg_split_override(const char *key, char **sec, char **name, char **k)
{
	const char	*first = strchr(key, '.'), *last = strrchr(key, '.');

	if (first == NULL || !cfg_valid_name(key, (size_t)(first - key)) ||
	    !cfg_valid_name(last + 1, strlen(last + 1)) || first + 1 == last)
		return -1;
	*sec = cfg_lower_dup(key, (size_t)(first - key));
	*name = first == last ? NULL : xstrndup(first + 1, (size_t)(last - first - 1));
	*k = cfg_lower_dup(last + 1, strlen(last + 1));
	return 0;
}

/* ---- entries and sections -------------------------------------------- */

static uint64_t
hash_triple(const char *s, const char *n, const char *k)
{
	const char	*parts[3] = { s, n, k };
	uint64_t	 h = 1469598103934665603ULL;

	for (int i = 0; i < 3; i++) {
		if (parts[i] == NULL) {
			h = (h ^ 1) * 1099511628211ULL;
			continue;
		}
		for (const char *q = parts[i]; *q != '\0'; q++)
			h = (h ^ (unsigned char)*q) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

static size_t *
index_slot(const struct config_private *cp, const struct config_index *ix,
    bool sections, const char *s, const char *n, const char *k)
{
	size_t	mask = ix->cap - 1, i = (size_t)hash_triple(s, n, k) & mask;

	for (;;) {
		size_t	v = ix->slots[i];

		if (v == SIZE_MAX)
			return &ix->slots[i];
		if (sections) {
			const struct config_section *x = &cp->sections[v];

			if (same(x->section, s) && same(x->name, n))
				return &ix->slots[i];
		} else {
			const struct config_entry *x = &cp->pub.entries[v];

			if (same(x->section, s) && same(x->name, n) && same(x->key, k))
				return &ix->slots[i];
		}
		i = (i + 1) & mask;
	}
}

/* Grow the table before it is half full; items never leave the arrays,
 * so rebuilding from them is enough. */
static void
index_fit(struct config_private *cp, struct config_index *ix, bool sections, size_t count)
{
	if (ix->cap != 0 && count * 2 < ix->cap)
		return;
	free(ix->slots);
	ix->cap = ix->cap == 0 ? 64 : ix->cap * 2;
	ix->slots = xreallocarray(NULL, ix->cap, sizeof *ix->slots);
	for (size_t i = 0; i < ix->cap; i++)
		ix->slots[i] = SIZE_MAX;
	for (size_t i = 0; i < count; i++) {
		size_t	*slot;

		if (sections) {
			slot = index_slot(cp, ix, true, cp->sections[i].section,
			    cp->sections[i].name, NULL);
		} else {
			struct config_entry *e = &cp->pub.entries[i];

			slot = index_slot(cp, ix, false, e->section, e->name, e->key);
		}
		*slot = i;
	}
}

size_t
cfg_section_find(const struct config_private *cp, const char *section, const char *name)
{
	return *index_slot(cp, &cp->section_index, true, section, name, NULL);
}

void
cfg_section_add(struct config_private *cp, const char *section, const char *name)
{
	size_t	*slot = index_slot(cp, &cp->section_index, true, section, name, NULL);

	if (*slot != SIZE_MAX)
		return;
	if (cp->nsections == cp->sections_cap) {
		cp->sections_cap = cp->sections_cap > 0 ? cp->sections_cap * 2 : 16;
		cp->sections = xreallocarray(cp->sections, cp->sections_cap, sizeof *cp->sections);
	}
	cp->sections[cp->nsections].section = xstrdup(section);
	cp->sections[cp->nsections].name = name != NULL ? xstrdup(name) : NULL;
	*slot = cp->nsections++;
	index_fit(cp, &cp->section_index, true, cp->nsections);
}

static void
entry_clear_value(struct config_entry *e)
{
	if (e->secret)
		cfg_free_secret(e->value);
	else
		free(e->value);
	free(e->file);
	free(e->secret_origin);
}

/* Set section.name.key; a key set twice keeps its place and the later
 * value, as git does. */
void
cfg_entry_set(struct config_private *cp, const char *section, const char *name,
    const char *key, const char *value, const char *file, int line, const char *origin)
{
	struct config		*c = &cp->pub;
	size_t			*slot = index_slot(cp, &cp->entry_index, false, section, name, key);
	struct config_entry	*e;

	if (*slot != SIZE_MAX) {
		e = &c->entries[*slot];
		entry_clear_value(e);
	} else {
		if (c->nentries == cp->entries_cap) {
			cp->entries_cap = cp->entries_cap > 0 ? cp->entries_cap * 2 : 16;
			c->entries = xreallocarray(c->entries, cp->entries_cap, sizeof *c->entries);
		}
		e = &c->entries[c->nentries];
		e->section = xstrdup(section);
		e->name = name != NULL ? xstrdup(name) : NULL;
		e->key = xstrdup(key);
		*slot = c->nentries++;
	}
	e->value = xstrdup(value);
	e->file = xstrdup(file);
	e->line = line;
	e->secret = origin != NULL;
	e->secret_origin = origin != NULL ? xstrdup(origin) : NULL;
	index_fit(cp, &cp->entry_index, false, c->nentries);
}

struct config_private *
cfg_config_new(void)
{
	struct config_private	*cp = xcalloc(1, sizeof *cp);

	index_fit(cp, &cp->entry_index, false, 0);
	index_fit(cp, &cp->section_index, true, 0);
	return cp;
}

/* A copy of a config as written: every section, every entry but those
 * of other sites than site (all of them when site is NULL). */
struct config_private *
cfg_config_clone(const struct config_private *src, const char *site)
{
	struct config_private	*cp = cfg_config_new();
	const struct config	*b = &src->pub;

	cp->pub.path = b->path != NULL ? xstrdup(b->path) : NULL;
	cp->pub.defaults = b->defaults;
	for (size_t i = 0; i < src->nsections; i++)
		cfg_section_add(cp, src->sections[i].section, src->sections[i].name);
	for (size_t i = 0; i < b->nentries; i++) {
		const struct config_entry *e = &b->entries[i];

		if (site != NULL && strcmp(e->section, "site") == 0 && !same(e->name, site))
			continue;
		cfg_entry_set(cp, e->section, e->name, e->key, e->value, e->file, e->line,
		    e->secret_origin);
	}
	if (src->inline_secret != NULL)
		cp->inline_secret = xstrdup(src->inline_secret);
	if (src->inline_fix != NULL)
		cp->inline_fix = xstrdup(src->inline_fix);
	return cp;
}

void
config_free(struct config *c)
{
	struct config_private	*cp;

	if (c == NULL)
		return;
	cp = priv(c);
	for (size_t i = 0; i < c->nentries; i++) {
		entry_clear_value(&c->entries[i]);
		free(c->entries[i].section);
		free(c->entries[i].name);
		free(c->entries[i].key);
	}
	free(c->entries);
	for (size_t i = 0; i < cp->nsections; i++) {
		free(cp->sections[i].section);
		free(cp->sections[i].name);
	}
	free(cp->sections);
	free(cp->entry_index.slots);
	free(cp->section_index.slots);
	free(cp->inline_secret);
	free(cp->inline_fix);
	free(c->path);
	free(c->site);
	free(cp);
}

const char *
config_get(const struct config *c, const char *section, const char *name, const char *key)
{
	if (c == NULL || section == NULL || key == NULL)
		return NULL;
	for (size_t i = 0; i < c->nentries; i++) {
		const struct config_entry *e = &c->entries[i];

		if (strcasecmp(e->section, section) == 0 && same(e->name, name) &&
		    strcasecmp(e->key, key) == 0)
			return e->value;
	}
	return NULL;
}

void
config_each_url(const struct config *c, config_url_fn fn, void *arg)
{
	for (size_t i = 0; c != NULL && i < c->nentries; i++) {
		const struct config_entry *e = &c->entries[i];
		const struct config_key *k;
		const char *v = e->value;

		if (strcmp(e->section, "site") == 0 || e->secret || v == NULL ||
		    (k = config_schema_find(e->section, e->key)) == NULL || k->type != CONFIG_URL)
			continue;
		for (v += strspn(v, " \t"); *v != '\0'; v += strspn(v, " \t")) {
			size_t len = strcspn(v, " \t");
			char *u = xstrndup(v, len);

			fn(u, e, arg);
			free(u);
			v += len;
		}
	}
}

const char *
config_get_default(const struct config *c, const char *section, const char *name,
    const char *key, const char *def)
{
	const char	*v = config_get(c, section, name, key);

	return v != NULL ? v : def;
}

long
config_get_int(const struct config *c, const char *section, const char *name,
    const char *key, long def)
{
	const char	*v = config_get(c, section, name, key);
	long		 l;

	return v != NULL && parse_long(v, LONG_MIN, LONG_MAX, &l) == 0 ? l : def;
}

double
config_get_double(const struct config *c, const char *section, const char *name,
    const char *key, double def)
{
	const char	*v = config_get(c, section, name, key);
	double		 d;

	return v != NULL && parse_double(v, &d) == 0 && isfinite(d) ? d : def;
}

bool
config_get_bool(const struct config *c, const char *section, const char *name,
    const char *key, bool def)
{
	const char	*v = config_get(c, section, name, key);
	bool		 b;

	return v != NULL && config_parse_bool(v, &b) == 0 ? b : def;
}

/* name NULL for a named kind ([service]) asks whether there is any. */
bool
config_has_section(const struct config *c, const char *section, const char *name)
{
	const struct config_private	*cp = priv(c);

	if (c == NULL || section == NULL)
		return false;
	for (size_t i = 0; i < cp->nsections; i++) {
		const struct config_section *s = &cp->sections[i];

		if (strcasecmp(s->section, section) == 0 &&
		    (same(s->name, name) || name == NULL))
			return true;
	}
	return false;
}

size_t
config_names(const struct config *c, const char *section, const char ***names)
{
	const struct config_private	*cp = priv(c);
	const char			**v;
	size_t				  n = 0;

	if (names != NULL)
		*names = NULL;
	if (c == NULL || section == NULL)
		return 0;
	v = xreallocarray(NULL, cp->nsections + 1, sizeof *v);
	for (size_t i = 0; i < cp->nsections; i++) {
		if (cp->sections[i].name != NULL && strcasecmp(cp->sections[i].section, section) == 0)
			v[n++] = cp->sections[i].name;
	}
	v[n] = NULL;
	if (names != NULL)
		*names = v;
	else
		free(v);
	return n;
}

/* ---- dump ------------------------------------------------------------ */

static void
dump_quoted(struct strbuf *sb, const char *v)
{
	const char	*last = *v != '\0' ? v + strlen(v) - 1 : v;
	size_t		 quotes = 0;

	for (const char *q = v; *q != '\0'; q++)
		quotes += *q == '"';
	if (*v != '\0' && !is_blank(*v) && !is_blank(*last) && *v != '"' && *last != '\\' &&
	    quotes % 2 == 0 && (quotes == 0 || strchr(v, '\\') == NULL) &&
	    strpbrk(v, ";#\n") == NULL) {
		strbuf_adds(sb, v);
		return;
	}
	strbuf_addc(sb, '"');
	for (const char *q = v; *q != '\0'; q++) {
		if (*q == '\n')
			strbuf_adds(sb, "\\n");
		else if (*q == '\t')
			strbuf_adds(sb, "\\t");
		else {
			if (*q == '"' || *q == '\\')
				strbuf_addc(sb, '\\');
			strbuf_addc(sb, *q);
		}
	}
	strbuf_addc(sb, '"');
}

static void
dump_entry(struct strbuf *sb, const struct config_entry *e, bool overridden, const char *site)
{
	const struct config_key	*k;
	const char		*o = e->secret_origin;
	char			*sec = NULL, *name = NULL, *key = NULL, *v = NULL;
	bool			 had, comment = false;

	strbuf_addf(sb, "%s = ", e->key);
	if (e->secret) {
		strbuf_adds(sb, REDACTED " ; ");
		if (strcmp(o, ORIGIN_FILE) == 0 || strcmp(o, ORIGIN_ENV) == 0)
			strbuf_addf(sb, "from %s %s", o, e->value);
		else if (strcmp(o, ORIGIN_INLINE) == 0)
			strbuf_adds(sb, ORIGIN_INLINE);
		else
			strbuf_addf(sb, "from %s", o);
		comment = true;
	} else {
		if (strcmp(e->section, "site") != 0)
			k = config_schema_find(e->section, e->key);
		else if (cfg_split_override(e->key, &sec, &name, &key) == 0)
			k = config_schema_find(sec, key);
		else
			k = NULL;
		v = k != NULL ? config_redact(k, e->value, &had) : NULL;
		dump_quoted(sb, v != NULL ? v : e->value);
		free(v);
		free(sec);
		free(name);
		free(key);
	}
	if (overridden)
		strbuf_addf(sb, "%s site %s", comment ? "," : " ;", site);
	strbuf_addc(sb, '\n');
}

char *
config_dump(const struct config *c)
{
	const struct config_private	*cp = priv(c);
	struct strbuf			 sb;
	size_t				*sec, *start, *order;
	bool				*over;

	if (c == NULL)
		return xstrdup("");
	strbuf_init(&sb);
	if (c->path != NULL)
		strbuf_addf(&sb, "; ceres-top configuration from %s\n", c->path);
	else
		strbuf_adds(&sb, "; ceres-top built-in defaults (no config file)\n");
	if (c->site != NULL) {
		strbuf_addf(&sb, "; site %s%s\n", c->site,
		    cp->site_applied ? " (its overrides are applied)" : "");
	}

	/* Group the entries by section in one pass: a counting sort. */
	sec = xreallocarray(NULL, c->nentries + 1, sizeof *sec);
	start = xcalloc(cp->nsections + 1, sizeof *start);
	order = xreallocarray(NULL, c->nentries + 1, sizeof *order);
	over = xcalloc(c->nentries + 1, sizeof *over);
	for (size_t i = 0; i < c->nentries; i++) {
		const struct config_entry *e = &c->entries[i];
		char *s, *n, *k;

		sec[i] = cfg_section_find(cp, e->section, e->name);
		start[sec[i] + 1]++;
		if (!cp->site_applied || strcmp(e->section, "site") != 0 ||
		    strcmp(e->name, c->site) != 0 || cfg_split_override(e->key, &s, &n, &k) != 0)
			continue;
		size_t t = *index_slot(cp, &cp->entry_index, false, s, n, k);
		if (t != SIZE_MAX && c->entries[t].line == e->line && same(c->entries[t].file, e->file))
			over[t] = true;
		free(s);
		free(n);
		free(k);
	}
	for (size_t i = 1; i <= cp->nsections; i++)
		start[i] += start[i - 1];
	for (size_t i = 0; i < c->nentries; i++)
		order[start[sec[i]]++] = i;

	for (size_t s = 0, i = 0; s < cp->nsections; s++) {
		const struct config_section *x = &cp->sections[s];

		strbuf_addf(&sb, "\n[%s", x->section);
		if (x->name != NULL) {
			strbuf_adds(&sb, " \"");
			for (const char *q = x->name; *q != '\0'; q++) {
				if (*q == '"' || *q == '\\')
					strbuf_addc(&sb, '\\');
				strbuf_addc(&sb, *q);
			}
			strbuf_addc(&sb, '"');
		}
		strbuf_adds(&sb, "]\n");
		for (; i < start[s]; i++)
			dump_entry(&sb, &c->entries[order[i]], over[order[i]], c->site);
	}
	free(sec);
	free(start);
	free(order);
	free(over);
	return strbuf_detach(&sb);
}
