/* Themes: each colour role (include/ceres/ui.h) gets a foreground, a
 * background and attributes from a theme file (doc/themes.md).  Files are
 * read and checked before curses starts, so a broken theme is reported as
 * "file:line: message" on stderr; applying one maps its colours down to
 * what the terminal has (256, 16, 8 or none). */
#ifndef CERES_THEME_H
#define CERES_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/ui/ui.h"

#define THEME_COLOR_DEFAULT	(-1)	/* the terminal's own colour */
#define THEME_NAME_MAX		64
#define THEME_FILE_MAX		(64 * 1024)
#define THEME_INHERIT_MAX	4	/* depth of "inherit" chains */

enum theme_attr {
	THEME_BOLD	= 1 << 0,
	THEME_DIM	= 1 << 1,
	THEME_UNDERLINE	= 1 << 2,
	THEME_REVERSE	= 1 << 3,
	THEME_ITALIC	= 1 << 4,
	THEME_STANDOUT	= 1 << 5,
};

struct theme_style {
	short		fg;		/* THEME_COLOR_DEFAULT or 0-255 */
	short		bg;
	unsigned	attrs;		/* enum theme_attr bits */
};

struct theme {
	char			*name;
	char			*path;		/* NULL: the built-in default */
	struct theme_style	 role[COLOR_ROLE_COUNT];
};

/* One parsed file before "inherit" is resolved: which roles it sets. */
struct theme_file {
	char			*inherit;	/* NULL, or the theme it extends */
	int			 inherit_line;
	bool			 set[COLOR_ROLE_COUNT];
	struct theme_style	 role[COLOR_ROLE_COUNT];
};

/* Parse a theme file from memory (pure: no file or terminal access).
 * Returns 0, or -1 with "file:line: message" in *cause. */
int theme_parse(const char *file, const char *buf, size_t len, struct theme_file *out, char **cause);
void theme_file_clear(struct theme_file *f);

/* Find and load a theme: a path (contains '/' or ends in .theme), else
 * NAME.theme in $XDG_CONFIG_HOME/ceres-top/themes, the directories of
 * $CERES_TOP_THEME_PATH, then $(pkgdatadir)/themes; "default" is built in
 * when no file of that name exists.  NULL and *cause on error. */
struct theme *theme_load(const char *name, char **cause);
/* The built-in dark default (same as themes/default.theme). */
struct theme *theme_builtin(void);
void theme_free(struct theme *t);
/* Names of every theme found (sorted, unique, NULL-terminated; the
 * caller frees the strings and the array). */
char **theme_list(void);
/* The effective theme as a theme file (--check-theme). */
char *theme_describe(const struct theme *t);

const char *theme_role_name(enum color_role r);
int theme_role_find(const char *name);
/* A colour name or number ("bright-red", "colour208", "208", "#ff8700");
 * -1 when unknown.  *out is THEME_COLOR_DEFAULT for "default". */
int theme_color_parse(const char *s, short *out);
const char *theme_color_name(short c, char *buf, size_t n);

/* The colour to use for c on a terminal with ncolors colours (256, 16,
 * 8): c itself, or the nearest one it has.  *bright is set when a bright
 * foreground had to become its base colour (drawn bold instead). */
short theme_color_fit(short c, int ncolors, bool *bright);

/* Install t into curses (after initscr; again to switch themes live).
 * no_color (--no-color, NO_COLOR): attributes only, and a role with a
 * background colour is drawn in reverse video so bars stay visible. */
void theme_apply(const struct theme *t, bool no_color);

/* The theme name to use: --theme, else [ceres] theme, else "default". */
struct app;
const char *theme_name(const struct app *app);

#endif
