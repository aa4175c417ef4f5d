/* A loaded theme into curses: one colour pair per role, colours fitted
 * to what the terminal has (256, 16 or 8 colours; none with --no-color,
 * NO_COLOR or a terminal without colours: then attributes only, and a
 * role with a background colour becomes reverse video so the header bar
 * and the selection stay visible). */
#include "ceres/core/app.h"
#include "ceres/ui/theme.h"
#include "ceres/ui/ui.h"

#include <string.h>

/* The attributes of each role.  This mirrors curses' own colour-pair
 * table (which is global state in curses anyway), so ui_attr() needs no
 * struct app and panes can call it from anywhere. */
static attr_t role_attrs[COLOR_ROLE_COUNT];
static attr_t role_block[COLOR_ROLE_COUNT];

const char *
theme_name(const struct app *app)
{
	const char *v;

	if (app->opt.theme != NULL && *app->opt.theme != '\0')
		return app->opt.theme;
	if (app->config != NULL && (v = config_get(app->config, "ceres", NULL, "theme")) != NULL &&
	    *v != '\0')
		return v;
	return "default";
}

static attr_t
curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

void
theme_apply(const struct theme *t, bool no_color)
{
	bool color = false, dflt = false;
	int ncolors = 0;

	/* COLORS is known only once start_color() has run. */
	if (!no_color && has_colors() && start_color() == OK && COLORS >= 8) {
		color = true;
		ncolors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
		dflt = use_default_colors() == OK;
	}
	for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
		const struct theme_style *s = &t->role[r];
		attr_t a = curses_attrs(s->attrs);
		bool bright = false, unused;
		short fg, bg;

		role_block[r] = s->bg != THEME_COLOR_DEFAULT ? 0 : A_REVERSE;
		if (!color) {
			if (s->bg != THEME_COLOR_DEFAULT)
				a |= A_REVERSE;
			role_attrs[r] = a;
			continue;
		}
		fg = theme_color_fit(s->fg, ncolors, &bright);
		bg = theme_color_fit(s->bg, ncolors, &unused);
		if (bright)
			a |= A_BOLD;
		if (!dflt) {
			/* No "terminal default" colour: white on black. */
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		if ((fg < 0 && bg < 0) || r + 1 >= COLOR_PAIRS) {
			role_attrs[r] = a;
			continue;
		}
		init_pair((short)(r + 1), fg, bg);
		role_attrs[r] = COLOR_PAIR(r + 1) | a;
	}
	for (int r = 0; r < COLOR_ROLE_COUNT; r++)
		role_block[r] |= role_attrs[r];
	bkgdset(' ' | role_attrs[COLOR_ROLE_NORMAL]);
}

attr_t
ui_attr(enum color_role role)
{
	if ((int)role < 0 || role >= COLOR_ROLE_COUNT)
		return A_NORMAL;
	return role_attrs[role];
}

attr_t
ui_attr_block(enum color_role role)
{
	if ((int)role < 0 || role >= COLOR_ROLE_COUNT)
		return A_REVERSE;
	return role_block[role];
}
