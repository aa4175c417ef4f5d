/* Colour roles to curses attributes.  The built-in default is a dark
 * theme; with --no-color or NO_COLOR every role is plain (selection stays
 * reverse video so the cursor remains visible). */
#include "ceres/app.h"
#include "ceres/ui.h"
#include "ceres/theme.h"

#include <string.h>

static attr_t role_attrs[COLOR_ROLE_COUNT];

/* fg, bg (-1 = terminal default), extra attributes. */
static const struct {
	short	fg;
	short	bg;
	attr_t	attr;
} default_theme[COLOR_ROLE_COUNT] = {
	[COLOR_ROLE_NORMAL]	= { -1, -1, A_NORMAL },
	[COLOR_ROLE_OK]		= { COLOR_GREEN, -1, A_NORMAL },
	[COLOR_ROLE_WARN]	= { COLOR_YELLOW, -1, A_BOLD },
	[COLOR_ROLE_CRIT]	= { COLOR_RED, -1, A_BOLD },
	[COLOR_ROLE_UNKNOWN]	= { COLOR_MAGENTA, -1, A_NORMAL },
	[COLOR_ROLE_DIM]	= { COLOR_BLUE, -1, A_NORMAL },
	[COLOR_ROLE_HEADER]	= { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[COLOR_ROLE_SELECTION]	= { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
	[COLOR_ROLE_HIGHLIGHT]	= { COLOR_BLACK, COLOR_YELLOW, A_NORMAL },
	[COLOR_ROLE_TITLE]	= { COLOR_CYAN, -1, A_BOLD },
	[COLOR_ROLE_BORDER]	= { COLOR_BLUE, -1, A_NORMAL },
	[COLOR_ROLE_LOG_ERROR]	= { COLOR_RED, -1, A_NORMAL },
	[COLOR_ROLE_LOG_WARN]	= { COLOR_YELLOW, -1, A_NORMAL },
	[COLOR_ROLE_LOG_INFO]	= { -1, -1, A_NORMAL },
	[COLOR_ROLE_LOG_DEBUG]	= { COLOR_BLUE, -1, A_NORMAL },
	[COLOR_ROLE_SPARKLINE]	= { COLOR_CYAN, -1, A_NORMAL },
};

int
theme_apply(struct app *app, const char *name, char **cause)
{
	bool color = !app->opt.no_color && has_colors();

	(void)name;
	(void)cause;
	if (color) {
		start_color();
		use_default_colors();
	}
	for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
		if (!color) {
			role_attrs[r] = r == COLOR_ROLE_SELECTION || r == COLOR_ROLE_HEADER ? A_REVERSE :
			    r == COLOR_ROLE_HIGHLIGHT ? A_UNDERLINE | A_BOLD :
			    r == COLOR_ROLE_CRIT || r == COLOR_ROLE_TITLE ? A_BOLD : A_NORMAL;
			continue;
		}
		init_pair((short)(r + 1), default_theme[r].fg, default_theme[r].bg);
		role_attrs[r] = COLOR_PAIR(r + 1) | default_theme[r].attr;
	}
	return 0;
}

attr_t
ui_attr(enum color_role role)
{
	if ((int)role < 0 || role >= COLOR_ROLE_COUNT)
		return A_NORMAL;
	return role_attrs[role];
}
