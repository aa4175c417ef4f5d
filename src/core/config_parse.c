/* The config file parser: reads the file (size, mode and owner checked),
 * parses the git-config style syntax, checks every key against
 * config_schema[], applies the [site "x"] overrides and resolves secrets
 * from *_file and *_env. */
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

#include "ceres/util/file.h"
#include "config_internal.h"

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
	sec = cfg_lower_dup(ns, (size_t)(q - ns));
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
	cfg_section_add(p->cp, sec, name);
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
		cfg_sb_wipe(&sb);
		strbuf_init(&sb);
		p->next = next;
		p->line = line;
	}
	r = scan_literal(p, s, e, &sb);
done:
	if (r < 0) {
		cfg_sb_wipe(&sb);
		return -1;
	}
	*out = strbuf_detach(&sb);
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
		if (cfg_split_override(key, &osec, &oname, &okey) != 0) {
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
	} else if (!cfg_valid_name(key, strlen(key))) {
		perr(p, line, _("invalid key name '%s'"), key);
		goto out;
	} else
		okey = cfg_lower_dup(key, strlen(key));

	if ((k = cfg_schema_lookup(tsec, okey, &origin, &base)) == NULL) {
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
	cfg_entry_set(p->cp, p->section, p->name, skey, norm, p->file, line, origin);
	r = 0;
out:
	free(osec);
	free(oname);
	free(okey);
	free(base);
	free(skey);
	if (norm != NULL && origin != NULL)
		cfg_free_secret(norm);
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
	cfg_free_secret(value);
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

	if (cfg_section_find(cp, "site", site) == SIZE_MAX) {
		*cause = xasprintf(_("%s: unknown site %s"), file, site);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct config_entry	*e = &c->entries[i];
		char			*sec, *name, *key;

		if (strcmp(e->section, "site") != 0 || strcmp(e->name, site) != 0)
			continue;
		if (cfg_split_override(e->key, &sec, &name, &key) != 0)
			abort();	/* checked while parsing */
		cfg_section_add(cp, sec, name);
		cfg_entry_set(cp, sec, name, key, e->value, e->file, e->line, e->secret_origin);
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
		if (file_read_regular(e->value, SECRET_MAX_SIZE, &v, &len, &mode, &why) != 0) {
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
			cfg_free_secret(v);
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
			cfg_free_secret(v);
			free(origin);
			return -1;
		}
		cfg_free_secret(ok);
	}
	free(e->value);
	free(e->secret_origin);
	e->value = v;
	e->secret_origin = origin;
	return 0;
}

/* ---- public ---------------------------------------------------------- */

/* The file's sections and entries as written: no site applied, no
 * secret read.  NULL and *why on a syntax or schema error. */
static struct config_private *
parse_raw(const char *name, const char *buf, size_t len, char **why)
{
	struct config_private	*cp = cfg_config_new();
	struct parser		 p = { .cp = cp };
	int			 r;

	cp->pub.path = xstrdup(name != NULL ? name : "<config>");
	p.file = cp->pub.path;
	r = parse_all(&p, buf != NULL ? buf : "", buf != NULL ? len : 0);
	free(p.section);
	free(p.name);
	if (r != 0) {
		*why = p.error;
		config_free(&cp->pub);
		return NULL;
	}
	return cp;
}

/* Apply the site's overrides and read the secrets: the config the
 * program looks up.  Frees cp on error. */
static struct config *
finish(struct config_private *cp, const char *site, char **cause)
{
	struct config	*c = &cp->pub;
	const char	*v;
	char		*why = NULL;

	if (site != NULL && apply_site(cp, c->path, site, &why) != 0)
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

struct config *
config_parse(const char *name, const char *buf, size_t len, const char *site, char **cause)
{
	char			*why = NULL;
	struct config_private	*cp = parse_raw(name, buf, len, &why);

	if (cp == NULL) {
		if (cause != NULL)
			*cause = why;
		else
			free(why);
		return NULL;
	}
	return finish(cp, site, cause);
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
		if (file_read_regular(*file, CONFIG_MAX_SIZE, buf, len, mode, &why) == 0)
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
		error = file_read_regular(try[i], CONFIG_MAX_SIZE, buf, len, mode, &why);
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

/* No config file: the built-in layout, which has no sites. */
static struct config *
defaults(const char *site, char **cause)
{
	struct config_private *cp;

	if (site != NULL) {
		if (cause != NULL)
			*cause = xasprintf(_("unknown site %s: there is no config file"), site);
		return NULL;
	}
	cp = cfg_config_new();
	cp->pub.defaults = true;
	return &cp->pub;
}

/* Read and parse the config; with base set, stop before the site and
 * the secrets (config_site() finishes a copy per site). */
static struct config *
load(const char *path, const char *site, bool base, char **cause)
{
	struct config_private	*cp;
	char			*file, *buf, *err = NULL;
	size_t			 len;
	mode_t			 mode;

	/* -c /dev/null: an empty config (no built-in layout), as with
	 * tmux -f /dev/null or ssh -F /dev/null. */
	if (path != NULL && strcmp(path, "/dev/null") == 0) {
		buf = NULL;
		len = 0;
		file = xstrdup(path);
		mode = 0600;
	} else if (config_read(path, &file, &buf, &len, &mode, &err) != 0)
		goto fail;
	if (file == NULL) {
		struct config *c = defaults(site, cause);

		if (c != NULL)
			priv(c)->base = base;
		return c;
	}
	cp = parse_raw(file, buf, len, &err);
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	if (cp == NULL)
		goto fail;
	if ((mode & 077) != 0 && cp->inline_secret != NULL) {
		err = xasprintf(_("%s: contains an inline secret (%s) but is readable by "
		    "group/other; chmod 600 it or %s"), file, cp->inline_secret, cp->inline_fix);
		config_free(&cp->pub);
		goto fail;
	}
	free(file);
	if (base) {
		cp->base = true;
		return &cp->pub;
	}
	return finish(cp, site, cause);

fail:
	free(file);
	if (cause != NULL)
		*cause = err;
	else
		free(err);
	return NULL;
}

struct config *
config_load(const char *path, const char *site, char **cause)
{
	return load(path, site, false, cause);
}

struct config *
config_load_base(const char *path, char **cause)
{
	return load(path, NULL, true, cause);
}

/* A site's config from the base: only that site's [site] entries come
 * along (the sections all do, so config_names() still lists every site),
 * so a fleet of N sites holds N small configs rather than N whole files. */
struct config *
config_site(const struct config *base, const char *site, char **cause)
{
	const struct config_private *b = priv(base);

	if (!b->base)
		abort();
	if (base->defaults)
		return defaults(site, cause);
	return finish(cfg_config_clone(b, site), site, cause);
}
