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
	struct config_index	 entry_index;
	struct config_index	 section_index;
	bool			 site_applied;
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

static struct config_private *
priv(const struct config *c)
{
	return (struct config_private *)(uintptr_t)c;
}

static bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Control characters have no business in a config value or name; they
 * would reach the terminal through --check-config and the panes. */
static bool
is_ctrl(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && c != '\t') || u == 0x7f;
}

static const char *
skip_blank(const char *s, const char *e)
{
	while (s < e && is_blank(*s))
		s++;
	return s;
}

/* Names are ASCII whatever the locale says. */
static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_name_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static char *
lower_dup(const char *s, size_t n)
{
	char	*d = xstrndup(s, n);

	for (char *p = d; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return d;
}

static bool
valid_name(const char *s, size_t n)
{
	if (n == 0 || !is_alpha(s[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!is_name_char(s[i]))
			return false;
	}
	return true;
}

static void
sb_wipe(struct strbuf *sb)
{
	if (sb->buf != NULL)
		explicit_bzero(sb->buf, sb->len);
	strbuf_free(sb);
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* ---- schema ---------------------------------------------------------- */

/* key, or key_file / key_env of a secret.  *origin is NULL for a plain
 * key, else the pending origin; *base is the key the entry is stored as. */
static const struct config_key *
schema_lookup(const char *section, const char *key, const char **origin, char **base)
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

static size_t
section_find(const struct config_private *cp, const char *section, const char *name)
{
	return *index_slot(cp, &cp->section_index, true, section, name, NULL);
}

static void
section_add(struct config_private *cp, const char *section, const char *name)
{
	size_t	*slot = index_slot(cp, &cp->section_index, true, section, name, NULL);

	if (*slot != SIZE_MAX)
		return;
	cp->sections = xreallocarray(cp->sections, cp->nsections + 1, sizeof *cp->sections);
	cp->sections[cp->nsections].section = xstrdup(section);
	cp->sections[cp->nsections].name = name != NULL ? xstrdup(name) : NULL;
	*slot = cp->nsections++;
	index_fit(cp, &cp->section_index, true, cp->nsections);
}

static void
entry_clear_value(struct config_entry *e)
{
	if (e->secret)
		free_secret(e->value);
	else
		free(e->value);
	free(e->file);
	free(e->secret_origin);
}

/* Set section.name.key; a key set twice keeps its place and the later
 * value, as git does. */
static void
entry_set(struct config_private *cp, const char *section, const char *name,
    const char *key, const char *value, const char *file, int line, const char *origin)
{
	struct config		*c = &cp->pub;
	size_t			*slot = index_slot(cp, &cp->entry_index, false, section, name, key);
	struct config_entry	*e;

	if (*slot != SIZE_MAX) {
		e = &c->entries[*slot];
		entry_clear_value(e);
	} else {
		c->entries = xreallocarray(c->entries, c->nentries + 1, sizeof *c->entries);
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

static struct config_private *
config_new(void)
{
	struct config_private	*cp = xcalloc(1, sizeof *cp);

	index_fit(cp, &cp->entry_index, false, 0);
	index_fit(cp, &cp->section_index, true, 0);
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

/* ---- values ---------------------------------------------------------- */

/* A key, key_file or key_env value checked; the typed checks are in
 * config_schema.c. */
static char *
value_check(const struct config_key *k, const char *key, const char *origin,
    const char *v, char **why)
{
	char	*x;

	*why = NULL;
	if (origin == NULL || strcmp(origin, ORIGIN_INLINE) == 0)
		return config_check_value(k, v, why);
	if (*v == '\0') {
		*why = xasprintf(_("%s_%s is empty"), key, origin);
		return NULL;
	}
	if (strcmp(origin, ORIGIN_ENV) == 0)
		return xstrdup(v);
	if ((x = config_expand_path(v)) == NULL)
		*why = xasprintf(_("%s_file: cannot expand %s"), key, v);
	return x;
}

/* Read a whole regular file of at most max bytes, NUL-terminated.  Returns
 * 0, or an errno value with a message in *why. */
static int
read_file(const char *path, size_t max, char **out, size_t *len, mode_t *mode, const char **why)
{
	struct stat	 st;
	struct strbuf	 sb;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		*why = strerror(saved);
		return saved;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = _("not a regular file");
		return EINVAL;
	}
	*mode = st.st_mode;
	strbuf_init(&sb);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb.len + (size_t)n > max) {
			n = -1;
			errno = EFBIG;
			break;
		}
		strbuf_add(&sb, chunk, (size_t)n);
	}
	saved = errno;
	close(fd);
	explicit_bzero(chunk, sizeof chunk);
	if (n < 0) {
		sb_wipe(&sb);
		*why = saved == EFBIG ? _("file too large") : strerror(saved);
		return saved;
	}
	*len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

/* ---- parser ---------------------------------------------------------- */

static int perr(struct parser *, int, const char *, ...) __attribute__((format(printf, 3, 4)));

static int
perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(p->error);
	p->error = xasprintf("%s:%d: %s", p->file, line, msg);
	free(msg);
	return -1;
}

static const char *
char_desc(char c, char *buf, size_t n)
{
	if ((unsigned char)c > 0x20 && (unsigned char)c < 0x7f)
		snprintf(buf, n, "'%c'", c);
	else
		snprintf(buf, n, "\\x%02x", (unsigned char)c);
	return buf;
}

static bool
take_line(struct parser *p, const char **s, const char **e)
{
	const char	*nl;

	if (p->next >= p->end)
		return false;
	nl = memchr(p->next, '\n', (size_t)(p->end - p->next));
	*s = p->next;
	*e = nl != NULL ? nl : p->end;
	p->next = nl != NULL ? nl + 1 : p->end;
	if (*e > *s && (*e)[-1] == '\r')
		(*e)--;
	p->line++;
	return true;
}

/* [section] or [section "name"], then only a comment. */
static int
parse_header(struct parser *p, const char *s, const char *e)
{
	const struct config_key	*k;
	const char		*q = skip_blank(s + 1, e), *ns = q;
	struct strbuf		 nb;
	char			*sec, *name = NULL, cd[8];
	bool			 named;

	while (q < e && is_name_char(*q))
		q++;
	if (q == ns) {
		if (q == e)
			return perr(p, p->line, _("missing ']' in section header"));
		if (*q == ']')
			return perr(p, p->line, _("empty section name"));
		return perr(p, p->line, _("invalid character %s in section name"),
		    char_desc(*q, cd, sizeof cd));
	}
	sec = lower_dup(ns, (size_t)(q - ns));
	q = skip_blank(q, e);
	if (q < e && *q == '"') {
		strbuf_init(&nb);
		for (q++;; q++) {
			if (q < e && *q == '\\')
				q++;
			else if (q < e && *q == '"')
				break;
			if (q == e) {
				strbuf_free(&nb);
				free(sec);
				return perr(p, p->line, _("unterminated quote in section name"));
			}
			if (is_ctrl(*q)) {
				strbuf_free(&nb);
				free(sec);
				return perr(p, p->line, _("control character in section name"));
			}
			strbuf_addc(&nb, *q);
		}
		name = strbuf_detach(&nb);
		q = skip_blank(q + 1, e);
		if (*name == '\0') {
			perr(p, p->line, _("empty name in [%s \"\"]"), sec);
			goto fail;
		}
	}
	if (q == e) {
		perr(p, p->line, _("missing ']' in section header"));
		goto fail;
	}
	if (*q != ']') {
		perr(p, p->line, _("unexpected %s in section header"), char_desc(*q, cd, sizeof cd));
		goto fail;
	}
	q = skip_blank(q + 1, e);
	if (q < e && *q != ';' && *q != '#') {
		perr(p, p->line, _("unexpected text after ']'"));
		goto fail;
	}

	if (strcmp(sec, "site") == 0)
		named = true;
	else if ((k = config_schema_section(sec)) != NULL)
		named = k->named;
	else {
		perr(p, p->line, _("unknown section [%s]"), sec);
		goto fail;
	}
	if (named && name == NULL) {
		perr(p, p->line, _("section [%s] needs a name: [%s \"NAME\"]"), sec, sec);
		goto fail;
	}
	if (!named && name != NULL) {
		perr(p, p->line, _("section [%s] takes no name"), sec);
		goto fail;
	}
	free(p->section);
	free(p->name);
	p->section = sec;
	p->name = name;
	section_add(p->cp, sec, name);
	return 0;

fail:
	free(sec);
	free(name);
	return -1;
}

/* A value that is one double-quoted string, with \" \\ \n \t escapes and
 * a backslash before the end of a line continuing it.  Returns 1 for such
 * a value, 0 when text follows the closing quote (then the value is read
 * literally, quotes and all: {job=~".+"} is a LogQL query), -1 on error. */
static int
scan_quoted(struct parser *p, const char *q, const char *e, struct strbuf *sb)
{
	for (q++;;) {
		char	c;

		if (q == e)
			return perr(p, p->line, _("unterminated quote"));
		c = *q++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (q == e) {
				if (!take_line(p, &q, &e))
					return perr(p, p->line, _("unterminated quote"));
				continue;
			}
			c = *q++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '"' && c != '\\')
				strbuf_addc(sb, '\\');
		}
		if (is_ctrl(c) && c != '\n')
			return perr(p, p->line, _("control character in value"));
		strbuf_addc(sb, c);
	}
	q = skip_blank(q, e);
	return q == e || *q == ';' || *q == '#';
}

/* A literal value: ends at a ; or # that follows a blank outside double
 * quotes; backslashes are kept, and one at the end of a line continues. */
static int
scan_literal(struct parser *p, const char *q, const char *e, struct strbuf *sb)
{
	bool	inq = false, blank = true;

	while (q < e) {
		char	c = *q++;

		if (c == '\\') {
			if (q == e) {
				if (!take_line(p, &q, &e))
					strbuf_addc(sb, c);
				continue;
			}
			if (is_ctrl(*q))
				return perr(p, p->line, _("control character in value"));
			strbuf_addc(sb, c);
			strbuf_addc(sb, *q++);
			blank = false;
			continue;
		}
		if (is_ctrl(c))
			return perr(p, p->line, _("control character in value"));
		if (c == '"')
			inq = !inq;
		else if (!inq && blank && (c == ';' || c == '#'))
			break;
		strbuf_addc(sb, c);
		blank = is_blank(c);
	}
	if (inq)
		return perr(p, p->line, _("unterminated quote"));
	while (sb->len > 0 && is_blank(sb->buf[sb->len - 1]))
		sb->buf[--sb->len] = '\0';
	return 0;
}

static int
scan_value(struct parser *p, const char *s, const char *e, char **out)
{
	struct strbuf	 sb;
	const char	*next = p->next;
	int		 line = p->line, r;

	strbuf_init(&sb);
	s = skip_blank(s, e);
	if (s < e && *s == '"') {
		if ((r = scan_quoted(p, s, e, &sb)) != 0)
			goto done;
		sb_wipe(&sb);
		strbuf_init(&sb);
		p->next = next;
		p->line = line;
	}
	r = scan_literal(p, s, e, &sb);
done:
	if (r < 0) {
		sb_wipe(&sb);
		return -1;
	}
	*out = strbuf_detach(&sb);
	return 0;
}

/* section.key or section.name.key of a [site] override.  The name is
 * everything between the first and the last dot, case kept. */
static int
split_override(const char *key, char **sec, char **name, char **k)
{
	const char	*first = strchr(key, '.'), *last = strrchr(key, '.');

	if (first == NULL || !valid_name(key, (size_t)(first - key)) ||
	    !valid_name(last + 1, strlen(last + 1)) || first + 1 == last)
		return -1;
	*sec = lower_dup(key, (size_t)(first - key));
	*name = first == last ? NULL : xstrndup(first + 1, (size_t)(last - first - 1));
	*k = lower_dup(last + 1, strlen(last + 1));
	return 0;
}

/* The first secret written inline in the file, for config_load's check of
 * the file mode; conninfo passwords and user:pass@ in URLs count too. */
static void
note_inline(struct config_private *cp, const char *key, const char *fix)
{
	if (cp->inline_secret == NULL) {
		cp->inline_secret = xstrdup(key);
		cp->inline_fix = xstrdup(fix);
	}
}

static int
store_entry(struct parser *p, const char *key, const char *value, int line)
{
	const struct config_key	*k;
	const char		*tsec = p->section, *origin = NULL;
	char			*osec = NULL, *oname = NULL, *okey = NULL, *base = NULL;
	char			*skey = NULL, *norm = NULL, *why, *x;
	bool			 site = strcmp(p->section, "site") == 0, had;
	int			 r = -1;

	if (site) {
		if (split_override(key, &osec, &oname, &okey) != 0) {
			perr(p, line, _("invalid override '%s' in [site \"%s\"]: use "
			    "section.key or section.name.key"), key, p->name);
			goto out;
		}
		if ((k = config_schema_section(osec)) == NULL) {
			perr(p, line, _("unknown section '%s' in override '%s'"), osec, key);
			goto out;
		}
		if (k->named && oname == NULL) {
			perr(p, line, _("section [%s] needs a name in override '%s': use "
			    "%s.NAME.%s"), osec, key, osec, okey);
			goto out;
		}
		if (!k->named && oname != NULL) {
			perr(p, line, _("section [%s] takes no name in override '%s'"), osec, key);
			goto out;
		}
		tsec = osec;
	} else if (!valid_name(key, strlen(key))) {
		perr(p, line, _("invalid key name '%s'"), key);
		goto out;
	} else
		okey = lower_dup(key, strlen(key));

	if ((k = schema_lookup(tsec, okey, &origin, &base)) == NULL) {
		if (site)
			perr(p, line, _("unknown key '%s' in override '%s'"), okey, key);
		else if (p->name != NULL)
			perr(p, line, _("unknown key '%s' in [%s \"%s\"]"), okey, tsec, p->name);
		else
			perr(p, line, _("unknown key '%s' in [%s]"), okey, tsec);
		goto out;
	}
	if ((norm = value_check(k, base, origin, value, &why)) == NULL) {
		perr(p, line, "%s", why);
		free(why);
		goto out;
	}

	if (site)
		skey = oname != NULL ? xasprintf("%s.%s.%s", osec, oname, base) :
		    xasprintf("%s.%s", osec, base);
	else
		skey = xstrdup(base);
	if (origin != NULL && strcmp(origin, ORIGIN_INLINE) == 0) {
		x = xasprintf(_("use %s_file"), skey);
		note_inline(p->cp, skey, x);
		free(x);
	} else if (origin == NULL) {
		free(config_redact(k, norm, &had));
		if (had && k->type == CONFIG_URL)
			note_inline(p->cp, skey, _("take the password out of the URL"));
		else if (had)
			note_inline(p->cp, skey, _("use a ~/.pgpass file"));
	}
	entry_set(p->cp, p->section, p->name, skey, norm, p->file, line, origin);
	r = 0;
out:
	free(osec);
	free(oname);
	free(okey);
	free(base);
	free(skey);
	if (norm != NULL && origin != NULL)
		free_secret(norm);
	else
		free(norm);
	return r;
}

static int
parse_entry(struct parser *p, const char *s, const char *e)
{
	const char	*q = s;
	char		*key, *value, cd[8];
	int		 line = p->line, r;

	while (q < e && *q != '=' && !is_blank(*q)) {
		if (is_ctrl(*q))
			return perr(p, line, _("unexpected %s"), char_desc(*q, cd, sizeof cd));
		q++;
	}
	if (q == s)
		return perr(p, line, _("missing key before '='"));
	key = xstrndup(s, (size_t)(q - s));
	q = skip_blank(q, e);
	if (q == e || *q != '=') {
		perr(p, line, _("missing '=' after '%s'"), key);
		free(key);
		return -1;
	}
	if (p->section == NULL) {
		perr(p, line, _("key '%s' outside of any section"), key);
		free(key);
		return -1;
	}
	if (scan_value(p, q + 1, e, &value) != 0) {
		free(key);
		return -1;
	}
	r = store_entry(p, key, value, line);
	free(key);
	free_secret(value);
	return r;
}

static int
parse_all(struct parser *p, const char *buf, size_t len)
{
	const char	*s, *e, *nul;

	if ((nul = memchr(buf, '\0', len)) != NULL) {
		int	line = 1;

		for (const char *q = buf; q < nul; q++)
			line += *q == '\n';
		return perr(p, line, _("NUL byte"));
	}
	p->next = buf;
	p->end = buf + len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p->next += 3;
	while (take_line(p, &s, &e)) {
		s = skip_blank(s, e);
		if (s == e || *s == ';' || *s == '#')
			continue;
		if ((*s == '[' ? parse_header(p, s, e) : parse_entry(p, s, e)) != 0)
			return -1;
	}
	return 0;
}

/* ---- site overrides and secrets -------------------------------------- */

static int
apply_site(struct config_private *cp, const char *file, const char *site, char **cause)
{
	struct config	*c = &cp->pub;
	size_t		 n = c->nentries;

	if (section_find(cp, "site", site) == SIZE_MAX) {
		*cause = xasprintf(_("%s: unknown site %s"), file, site);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct config_entry	*e = &c->entries[i];
		char			*sec, *name, *key;

		if (strcmp(e->section, "site") != 0 || strcmp(e->name, site) != 0)
			continue;
		if (split_override(e->key, &sec, &name, &key) != 0)
			abort();	/* checked while parsing */
		section_add(cp, sec, name);
		entry_set(cp, sec, name, key, e->value, e->file, e->line, e->secret_origin);
		free(sec);
		free(name);
		free(key);
	}
	cp->site_applied = true;
	return 0;
}

static int
resolve_secret(struct config_entry *e, char **cause)
{
	const char	*why;
	char		*v = NULL, *origin, *why2;
	size_t		 len;
	mode_t		 mode;

	if (strcmp(e->secret_origin, ORIGIN_FILE) == 0) {
		if (read_file(e->value, SECRET_MAX_SIZE, &v, &len, &mode, &why) != 0) {
			*cause = xasprintf(_("%s:%d: cannot read %s_file %s: %s"),
			    e->file, e->line, e->key, e->value, why);
			return -1;
		}
		if (len > 0 && v[len - 1] == '\n')
			v[--len] = '\0';
		if (len > 0 && v[len - 1] == '\r')
			v[--len] = '\0';
		if (len == 0 || strlen(v) != len) {
			*cause = xasprintf(len == 0 ? _("%s:%d: %s_file %s is empty") :
			    _("%s:%d: %s_file %s contains a NUL byte"), e->file, e->line,
			    e->key, e->value);
			free_secret(v);
			return -1;
		}
		origin = xasprintf("file %s", e->value);
	} else if (strcmp(e->secret_origin, ORIGIN_ENV) == 0) {
		const char *env = getenv(e->value);

		if (env == NULL || *env == '\0') {
			*cause = xasprintf(env == NULL ?
			    _("%s:%d: %s_env: environment variable %s is not set") :
			    _("%s:%d: %s_env: environment variable %s is empty"),
			    e->file, e->line, e->key, e->value);
			return -1;
		}
		v = xstrdup(env);
		origin = xasprintf("env %s", e->value);
	} else
		return 0;
	if (strcmp(e->key, "url") == 0) {
		/* Checked as a URL, but the message must not show it. */
		struct config_key	 url = { e->section, e->key, CONFIG_URL, false, NULL };
		char			*ok = config_check_value(&url, v, &why2);

		free(why2);
		if (ok == NULL) {
			*cause = xasprintf(_("%s:%d: %s from %s is not an http:// or "
			    "https:// URL"), e->file, e->line, e->key, origin);
			free_secret(v);
			free(origin);
			return -1;
		}
		free_secret(ok);
	}
	free(e->value);
	free(e->secret_origin);
	e->value = v;
	e->secret_origin = origin;
	return 0;
}

/* ---- public ---------------------------------------------------------- */

struct config *
config_parse(const char *name, const char *buf, size_t len, const char *site, char **cause)
{
	struct config_private	*cp = config_new();
	struct config		*c = &cp->pub;
	struct parser		 p = { .cp = cp };
	const char		*v;
	char			*why = NULL;
	int			 r;

	if (name == NULL)
		name = "<config>";
	c->path = xstrdup(name);
	p.file = c->path;
	r = parse_all(&p, buf != NULL ? buf : "", buf != NULL ? len : 0);
	free(p.section);
	free(p.name);
	if (r != 0) {
		why = p.error;
		goto fail;
	}
	if (site != NULL && apply_site(cp, name, site, &why) != 0)
		goto fail;
	for (size_t i = 0; i < c->nentries; i++) {
		struct config_entry *e = &c->entries[i];

		if (e->secret && strcmp(e->section, "site") != 0 && resolve_secret(e, &why) != 0)
			goto fail;
	}
	if (site != NULL)
		c->site = xstrdup(site);
	else if ((v = config_get(c, "ceres", NULL, "site")) != NULL)
		c->site = xstrdup(v);
	return c;

fail:
	if (cause != NULL)
		*cause = why;
	else
		free(why);
	config_free(c);
	return NULL;
}

/* Read the config file: the explicit path, else the first of the search
 * list that exists.  Returns 0 with *file NULL when there is none. */
static int
config_read(const char *path, char **file, char **buf, size_t *len, mode_t *mode, char **cause)
{
	const char	*env = getenv("CERES_TOP_CONFIG"), *xdg, *why;
	char		*try[2] = { NULL, NULL };
	int		 error;

	*file = NULL;
	if (path == NULL || *path == '\0')
		path = env != NULL && *env != '\0' ? env : NULL;
	if (path != NULL) {
		if ((*file = config_expand_path(path)) == NULL)
			*file = xstrdup(path);
		if (read_file(*file, CONFIG_MAX_SIZE, buf, len, mode, &why) == 0)
			return 0;
		*cause = xasprintf("%s: %s", *file, why);
		return -1;
	}

	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && *xdg == '/')
		try[0] = xasprintf("%s/ceres-top/config", xdg);
	else
		try[0] = config_expand_path("~/.config/ceres-top/config");
	try[1] = xstrdup("/etc/ceres-top/config");
	for (size_t i = 0; i < 2; i++) {
		if (try[i] == NULL)
			continue;
		error = read_file(try[i], CONFIG_MAX_SIZE, buf, len, mode, &why);
		if (error == 0) {
			*file = try[i];
			try[i] = NULL;
			break;
		}
		if (error != ENOENT && error != ENOTDIR) {
			*cause = xasprintf("%s: %s", try[i], why);
			break;
		}
	}
	free(try[0]);
	free(try[1]);
	return *file == NULL && *cause != NULL ? -1 : 0;
}

struct config *
config_load(const char *path, const char *site, char **cause)
{
	struct config_private	*cp;
	struct config		*c;
	char			*file, *buf, *err = NULL;
	size_t			 len;
	mode_t			 mode;

	/* -c /dev/null: an empty config (no built-in layout), as with
	 * tmux -f /dev/null or ssh -F /dev/null. */
	if (path != NULL && strcmp(path, "/dev/null") == 0)
		return config_parse(path, "", 0, site, cause);
	if (config_read(path, &file, &buf, &len, &mode, &err) != 0)
		goto fail;
	if (file == NULL) {
		if (site != NULL) {
			err = xasprintf(_("unknown site %s: there is no config file"), site);
			goto fail;
		}
		cp = config_new();
		cp->pub.defaults = true;
		return &cp->pub;
	}
	c = config_parse(file, buf, len, site, &err);
	explicit_bzero(buf, len);
	free(buf);
	if (c == NULL)
		goto fail;
	cp = priv(c);
	if ((mode & 077) != 0 && cp->inline_secret != NULL) {
		err = xasprintf(_("%s: contains an inline secret (%s) but is readable by "
		    "group/other; chmod 600 it or %s"), file, cp->inline_secret, cp->inline_fix);
		config_free(c);
		goto fail;
	}
	free(file);
	return c;

fail:
	free(file);
	if (cause != NULL)
		*cause = err;
	else
		free(err);
	return NULL;
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
		else if (split_override(e->key, &sec, &name, &key) == 0)
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

		sec[i] = section_find(cp, e->section, e->name);
		start[sec[i] + 1]++;
		if (!cp->site_applied || strcmp(e->section, "site") != 0 ||
		    strcmp(e->name, c->site) != 0 || split_override(e->key, &s, &n, &k) != 0)
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
