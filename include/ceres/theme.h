/* Themes: colour roles mapped to curses colours and attributes. */
#ifndef CERES_THEME_H
#define CERES_THEME_H

struct app;

/* Set up curses colours for the theme called name (after initscr). */
int theme_apply(struct app *app, const char *name, char **cause);

#endif
