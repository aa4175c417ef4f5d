/* Theme files: the parser (pure, from memory), colour and attribute
 * names, the search path (user themes first, then $CERES_TOP_THEME_PATH,
 * then the shipped ones: installed, or the source tree's themes/ for
 * an uninstalled build) and "inherit".  The format is in
 * doc/themes.md; nothing here touches the terminal. */
#include "ceres/core/paths.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/theme.h"
#include "ceres/util/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[COLOR_ROLE_COUNT] = {
	[COLOR_ROLE_NORMAL]	= "normal",
	[COLOR_ROLE_OK]		= "ok",
	[COLOR_ROLE_WARN]	= "warn",
	[COLOR_ROLE_CRIT]	= "crit",
	[COLOR_ROLE_UNKNOWN]	= "unknown",
	[COLOR_ROLE_DIM]	= "dim",
	[COLOR_ROLE_HEADER]	= "header",
	[COLOR_ROLE_SELECTION]	= "selection",
	[COLOR_ROLE_HIGHLIGHT]	= "highlight",
	[COLOR_ROLE_TITLE]	= "title",
	[COLOR_ROLE_BORDER]	= "border",
	[COLOR_ROLE_LOG_ERROR]	= "log_error",
	[COLOR_ROLE_LOG_WARN]	= "log_warn",
	[COLOR_ROLE_LOG_INFO]	= "log_info",
	[COLOR_ROLE_LOG_DEBUG]	= "log_debug",
	[COLOR_ROLE_SPARKLINE]	= "sparkline",
};

static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const struct {
	const char	*name;
	unsigned	 bit;
} attr_names[] = {
	{ "bold", THEME_BOLD },
	{ "dim", THEME_DIM },
	{ "underline", THEME_UNDERLINE },
	{ "reverse", THEME_REVERSE },
	{ "italic", THEME_ITALIC },
	{ "standout", THEME_STANDOUT },
	{ "none", 0 },
	{ "normal", 0 },
};

#define D	THEME_COLOR_DEFAULT
/* The built-in dark theme; themes/default.theme says the same (a unit
 * test keeps them equal), so a missing data directory changes nothing. */
static const struct theme_style builtin_roles[COLOR_ROLE_COUNT] = {
	[COLOR_ROLE_NORMAL]	= { D, D, 0 },
	[COLOR_ROLE_OK]		= { 2, D, 0 },
	[COLOR_ROLE_WARN]	= { 3, D, THEME_BOLD },
	[COLOR_ROLE_CRIT]	= { 9, D, THEME_BOLD },
	[COLOR_ROLE_UNKNOWN]	= { 5, D, 0 },
	[COLOR_ROLE_DIM]	= { 8, D, 0 },
	[COLOR_ROLE_HEADER]	= { 0, 6, 0 },
	[COLOR_ROLE_SELECTION]	= { 0, 7, 0 },
	[COLOR_ROLE_HIGHLIGHT]	= { 0, 3, 0 },
	[COLOR_ROLE_TITLE]	= { 6, D, THEME_BOLD },
	[COLOR_ROLE_BORDER]	= { 4, D, 0 },
	[COLOR_ROLE_LOG_ERROR]	= { 1, D, 0 },
	[COLOR_ROLE_LOG_WARN]	= { 3, D, 0 },
	[COLOR_ROLE_LOG_INFO]	= { D, D, 0 },
	[COLOR_ROLE_LOG_DEBUG]	= { 8, D, 0 },
	[COLOR_ROLE_SPARKLINE]	= { 6, D, 0 },
};
#undef D

const char *
theme_role_name(enum color_role r)
{
	return (int)r >= 0 && r < COLOR_ROLE_COUNT ? role_names[r] : "?";
}

/* Role names accept '-' for '_' (log-error), as colour names do. */
int
theme_role_find(const char *name)
{
	for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
		const char *a = role_names[r], *b = name;

		while (*a != '\0' && (*a == *b || (*a == '_' && *b == '-')))
			a++, b++;
		if (*a == '\0' && *b == '\0')
			return r;
	}
	return -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The xterm 256-colour palette, for "#rrggbb" and for fitting colours
 * to terminals with fewer. */
static void
palette_rgb(int c, int rgb[3])
{
	static const int base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		memcpy(rgb, base[c], sizeof base[c]);
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[c / 6 % 6];
		rgb[2] = level[c % 6];
	} else
		rgb[0] = rgb[1] = rgb[2] = 8 + (c - 232) * 10;
}

/* Nearest palette entry in [from, to) by (weighted) RGB distance. */
static short
nearest(const int rgb[3], int from, int to)
{
	long best = -1;
	short pick = (short)from;

	for (int c = from; c < to; c++) {
		int p[3];
		long dr, dg, db, d;

		palette_rgb(c, p);
		dr = rgb[0] - p[0];
		dg = rgb[1] - p[1];
		db = rgb[2] - p[2];
		d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
		if (best < 0 || d < best) {
			best = d;
			pick = (short)c;
		}
	}
	return pick;
}

int
theme_color_parse(const char *s, short *out)
{
	const char *num = NULL;
	long n;

	if (strcasecmp(s, "default") == 0 || strcmp(s, "-") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	if (strcasecmp(s, "grey") == 0 || strcasecmp(s, "gray") == 0) {
		*out = 8;
		return 0;
	}
	for (int i = 0; i < 16; i++) {
		const char *a = color_names[i], *b = s;

		/* bright-red, bright_red and brightred are the same. */
		if (i >= 8 && strncasecmp(b, "bright", 6) == 0) {
			a += 7;
			b += 6;
			if (*b == '-' || *b == '_')
				b++;
		}
		if (strcasecmp(a, b) == 0) {
			*out = (short)i;
			return 0;
		}
	}
	if (s[0] == '#') {
		int rgb[3];

		if (strlen(s) != 7)
			return -1;
		for (int i = 0; i < 3; i++) {
			int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);

			if (hi < 0 || lo < 0)
				return -1;
			rgb[i] = hi * 16 + lo;
		}
		/* Only the fixed part of the palette: 0-15 are whatever the
		 * terminal's scheme makes them. */
		*out = nearest(rgb, 16, 256);
		return 0;
	}
	if (strncasecmp(s, "colour", 6) == 0)
		num = s + 6;
	else if (strncasecmp(s, "color", 5) == 0)
		num = s + 5;
	else if (isdigit((unsigned char)s[0]))
		num = s;
	if (num == NULL || !isdigit((unsigned char)num[0]))
		return -1;
	if (parse_long(num, 0, 255, &n) != 0)
		return -2;
	*out = (short)n;
	return 0;
}

const char *
theme_color_name(short c, char *buf, size_t n)
{
	if (c < 0)
		snprintf(buf, n, "default");
	else if (c < 16)
		snprintf(buf, n, "%s", color_names[c]);
	else
		snprintf(buf, n, "colour%d", c);
	return buf;
}

short
theme_color_fit(short c, int ncolors, bool *bright)
{
	int rgb[3];

	*bright = false;
	if (c < 0 || c < ncolors)
		return c;
	if (c >= 16) {
		palette_rgb(c, rgb);
		c = nearest(rgb, 0, 16);
		if (c < ncolors)
			return c;
	}
	/* 8 colours: a bright colour is its base colour drawn bold, which is
	 * how such terminals show bright text; bright black is nearest white. */
	if (c == 8)
		return 7;
	*bright = true;
	return (short)(c - 8);
}

void
theme_file_clear(struct theme_file *f)
{
	free(f->inherit);
	memset(f, 0, sizeof *f);
}

static int
perr(char **cause, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
perr(char **cause, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*cause = xasprintf("%s:%d: %s", file, line, msg);
	free(msg);
	return -1;
}

/* Split a line into words.  Comments: a line whose first non-blank is
 * '#', a '#' followed by a blank or the end of the line, and ';'.  Any
 * other '#' word is a #rrggbb colour.  Returns the number of words (max + 1
 * when there are more). */
static int
split_words(char *line, char **w, int max)
{
	int n = 0;
	char *p = line;

	p += strspn(p, " \t\r");
	if (*p == '#')
		return 0;
	for (;;) {
		p += strspn(p, " \t\r,=");
		if (*p == '\0' || *p == ';')
			break;
		if (*p == '#' && (p[1] == '\0' || p[1] == ' ' || p[1] == '\t' || p[1] == '\r'))
			break;
		if (n == max)
			return max + 1;
		w[n++] = p;
		p += strcspn(p, " \t\r,=;");
		if (*p == ';') {
			*p = '\0';
			break;
		}
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

static char *
shown(const char *word)
{
	return sanitize_str(word);
}

static int
parse_color_word(const char *file, int line, const char *word, short *out, char **cause)
{
	char *s;
	int rc = theme_color_parse(word, out);

	if (rc == 0)
		return 0;
	s = shown(word);
	if (rc == -2)
		perr(cause, file, line, _("colour %s is out of range (0-255)"), s);
	else
		perr(cause, file, line, _("unknown colour '%s' (a name such as red or bright-blue, "
		    "colour0-colour255, #rrggbb, or default)"), s);
	free(s);
	return -1;
}

static int
parse_line(const char *file, int line, char *text, struct theme_file *out, int *set_line,
    char **cause)
{
	char *w[40], *s;
	int n = split_words(text, w, 39), r, i;
	struct theme_style st = { THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0 };

	if (n == 0)
		return 0;
	if (n > 39)
		return perr(cause, file, line, "%s", _("too many words"));
	if (strcmp(w[0], "inherit") == 0) {
		if (n != 2)
			return perr(cause, file, line, "%s", _("inherit takes one theme name"));
		if (out->inherit != NULL)
			return perr(cause, file, line, "%s", _("inherit given twice"));
		for (r = 0; r < COLOR_ROLE_COUNT; r++)
			if (out->set[r])
				return perr(cause, file, line, "%s",
				    _("inherit must come before the roles"));
		out->inherit = xstrdup(w[1]);
		out->inherit_line = line;
		return 0;
	}
	if ((r = theme_role_find(w[0])) < 0) {
		s = shown(w[0]);
		perr(cause, file, line, _("unknown role '%s' (normal, ok, warn, crit, unknown, dim, "
		    "header, selection, highlight, title, border, log_error, log_warn, log_info, "
		    "log_debug, sparkline)"), s);
		free(s);
		return -1;
	}
	if (out->set[r])
		return perr(cause, file, line, _("role %s is set twice (first on line %d)"),
		    role_names[r], set_line[r]);
	if (n < 2)
		return perr(cause, file, line, _("role %s needs a foreground colour"), role_names[r]);
	if (parse_color_word(file, line, w[1], &st.fg, cause) != 0)
		return -1;
	i = 2;
	/* The background is optional: a word that is an attribute is not one. */
	if (i < n) {
		bool attr = false;

		for (size_t a = 0; a < sizeof attr_names / sizeof attr_names[0]; a++)
			attr = attr || strcasecmp(w[i], attr_names[a].name) == 0;
		if (!attr) {
			if (theme_color_parse(w[i], &st.bg) == -1) {
				s = shown(w[i]);
				perr(cause, file, line, _("unknown background colour or attribute '%s'"), s);
				free(s);
				return -1;
			}
			if (parse_color_word(file, line, w[i], &st.bg, cause) != 0)
				return -1;
			i++;
		}
	}
	for (; i < n; i++) {
		size_t a;

		for (a = 0; a < sizeof attr_names / sizeof attr_names[0]; a++)
			if (strcasecmp(w[i], attr_names[a].name) == 0)
				break;
		if (a == sizeof attr_names / sizeof attr_names[0]) {
			s = shown(w[i]);
			perr(cause, file, line, _("unknown attribute '%s' (bold, dim, underline, "
			    "reverse, italic, standout, none)"), s);
			free(s);
			return -1;
		}
		st.attrs |= attr_names[a].bit;
	}
	out->role[r] = st;
	out->set[r] = true;
	set_line[r] = line;
	return 0;
}

int
theme_parse(const char *file, const char *buf, size_t len, struct theme_file *out, char **cause)
{
	int set_line[COLOR_ROLE_COUNT] = { 0 };
	int line = 0;
	size_t off = 0;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if (len > THEME_FILE_MAX)
		return perr(cause, file, 1, "%s", _("file too large"));
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - (buf + off)) : len - off;
		char *text;

		line++;
		if (memchr(buf + off, '\0', n) != NULL) {
			theme_file_clear(out);
			return perr(cause, file, line, "%s", _("NUL byte"));
		}
		text = xstrndup(buf + off, n);
		if (parse_line(file, line, text, out, set_line, cause) != 0) {
			free(text);
			theme_file_clear(out);
			return -1;
		}
		free(text);
		off += n + (nl != NULL ? 1 : 0);
	}
	return 0;
}

struct theme *
theme_builtin(void)
{
	struct theme *t = xcalloc(1, sizeof *t);

	t->name = xstrdup("default");
	memcpy(t->role, builtin_roles, sizeof t->role);
	return t;
}

void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->path);
	free(t);
}

static bool
name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > THEME_NAME_MAX || name[0] == '.')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") == n;
}

static bool
is_path(const char *name)
{
	size_t n = strlen(name);

	return strchr(name, '/') != NULL || (n > 6 && strcmp(name + n - 6, ".theme") == 0);
}

/* The directories searched, most personal first. */
static size_t
theme_dirs(char ***out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const char *extra = getenv("CERES_TOP_THEME_PATH");
	char **d = NULL;
	size_t n = 0;

	if (xdg != NULL && xdg[0] == '/') {
		d = xreallocarray(d, n + 1, sizeof *d);
		d[n++] = xasprintf("%s/ceres-top/themes", xdg);
	} else if (home != NULL && home[0] == '/') {
		d = xreallocarray(d, n + 1, sizeof *d);
		d[n++] = xasprintf("%s/.config/ceres-top/themes", home);
	}
	while (extra != NULL && *extra != '\0') {
		size_t len = strcspn(extra, ":");

		if (len > 0) {
			d = xreallocarray(d, n + 1, sizeof *d);
			d[n++] = xstrndup(extra, len);
		}
		extra += len + (extra[len] == ':' ? 1 : 0);
	}
	d = xreallocarray(d, n + 1, sizeof *d);
	d[n++] = paths_data_dir(PATHS_THEMES);
	*out = d;
	return n;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
read_theme_file(const char *path, char **buf, size_t *len, char **cause)
{
	FILE *f = fopen(path, "re");
	struct strbuf sb;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	strbuf_init(&sb);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (sb.len + n > THEME_FILE_MAX) {
			fclose(f);
			strbuf_free(&sb);
			*cause = xasprintf("%s: %s", path, _("file too large"));
			return -1;
		}
		strbuf_add(&sb, chunk, n);
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		strbuf_free(&sb);
		return -1;
	}
	fclose(f);
	*len = sb.len;
	strbuf_addc(&sb, '\0');
	*buf = strbuf_detach(&sb);
	return 0;
}

/* Where the theme called name lives; NULL when nowhere. */
static char *
theme_find(const char *name)
{
	char **dirs, *found = NULL;
	size_t n = theme_dirs(&dirs);

	for (size_t i = 0; i < n && found == NULL; i++) {
		char *p = xasprintf("%s/%s.theme", dirs[i], name);
		FILE *f = fopen(p, "re");

		if (f != NULL) {
			fclose(f);
			found = p;
		} else
			free(p);
	}
	free_list(dirs, n);
	return found;
}

static struct theme *
load_depth(const char *name, int depth, char **cause)
{
	struct theme_file tf;
	struct theme *t, *base;
	char *path, *buf, *sub = NULL;
	size_t len;

	if (strcmp(name, "builtin") == 0)
		return theme_builtin();
	if (is_path(name))
		path = xstrdup(name);
	else if (!name_ok(name)) {
		char *s = shown(name);

		*cause = xasprintf(_("invalid theme name '%s'"), s);
		free(s);
		return NULL;
	} else if ((path = theme_find(name)) == NULL) {
		char **dirs;
		size_t n;
		struct strbuf sb;

		if (strcmp(name, "default") == 0)
			return theme_builtin();
		n = theme_dirs(&dirs);
		strbuf_init(&sb);
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&sb, "%s%s", i > 0 ? ", " : "", dirs[i]);
		*cause = xasprintf(_("theme %s not found (looked in %s)"), name, sb.buf);
		strbuf_free(&sb);
		free_list(dirs, n);
		return NULL;
	}
	if (read_theme_file(path, &buf, &len, cause) != 0) {
		free(path);
		return NULL;
	}
	if (theme_parse(path, buf, len, &tf, cause) != 0) {
		free(buf);
		free(path);
		return NULL;
	}
	free(buf);
	if (tf.inherit == NULL)
		base = theme_builtin();
	else if (depth >= THEME_INHERIT_MAX) {
		*cause = xasprintf(_("%s:%d: inherit: more than %d levels (a loop?)"), path,
		    tf.inherit_line, THEME_INHERIT_MAX);
		base = NULL;
	} else if ((base = load_depth(tf.inherit, depth + 1, &sub)) == NULL) {
		*cause = xasprintf("%s:%d: inherit %s: %s", path, tf.inherit_line, tf.inherit, sub);
		free(sub);
	}
	if (base == NULL) {
		theme_file_clear(&tf);
		free(path);
		return NULL;
	}
	t = base;
	for (int r = 0; r < COLOR_ROLE_COUNT; r++)
		if (tf.set[r])
			t->role[r] = tf.role[r];
	theme_file_clear(&tf);
	if (is_path(name)) {
		/* Shown as its name: "/x/noc.theme" is theme "noc". */
		const char *b = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
		size_t n = strlen(b);

		free(t->name);
		t->name = n > 6 && strcmp(b + n - 6, ".theme") == 0 ? xstrndup(b, n - 6) : xstrdup(b);
	} else
		str_set(&t->name, name);
	free(t->path);
	t->path = path;
	return t;
}

struct theme *
theme_load(const char *name, char **cause)
{
	*cause = NULL;
	return load_depth(name, 0, cause);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
theme_list(void)
{
	char **dirs, **names = NULL;
	size_t nd = theme_dirs(&dirs), n = 0, out = 0;

	names = xreallocarray(names, n + 1, sizeof *names);
	names[n++] = xstrdup("default");
	for (size_t i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			size_t len = strlen(e->d_name);
			char *base;

			if (len <= 6 || strcmp(e->d_name + len - 6, ".theme") != 0)
				continue;
			base = xstrndup(e->d_name, len - 6);
			if (!name_ok(base)) {
				free(base);
				continue;
			}
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = base;
		}
		closedir(d);
	}
	free_list(dirs, nd);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && strcmp(names[out - 1], names[i]) == 0)
			free(names[i]);
		else
			names[out++] = names[i];
	}
	names = xreallocarray(names, out + 1, sizeof *names);
	names[out] = NULL;
	return names;
}

char *
theme_describe(const struct theme *t)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "# theme %s (%s)\n", t->name, t->path != NULL ? t->path : "built in");
	strbuf_addf(&sb, "# %-10s %-14s %-14s %s\n", "role", "foreground", "background", "attributes");
	for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
		char fg[24], bg[24];
		const struct theme_style *s = &t->role[r];

		strbuf_addf(&sb, "%-12s %-14s %-14s", role_names[r],
		    theme_color_name(s->fg, fg, sizeof fg), theme_color_name(s->bg, bg, sizeof bg));
		if (s->attrs == 0)
			strbuf_adds(&sb, " none");
		for (size_t a = 0; a < sizeof attr_names / sizeof attr_names[0]; a++)
			if (attr_names[a].bit != 0 && (s->attrs & attr_names[a].bit))
				strbuf_addf(&sb, " %s", attr_names[a].name);
		strbuf_addc(&sb, '\n');
	}
	return strbuf_detach(&sb);
}
