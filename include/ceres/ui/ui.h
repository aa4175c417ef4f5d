/* The curses user interface: layout, focus, header, status line, modal
 * prompts and overlays.  Panes draw from the model and their own view
 * state; keys go to the overlay, else the prompt, else the focused pane,
 * else the global bindings. */
#ifndef CERES_UI_H
#define CERES_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

struct app;

/* Colour roles (semantic slots), mapped by the theme to curses pairs. */
enum color_role {
	COLOR_ROLE_NORMAL = 0,
	COLOR_ROLE_OK,
	COLOR_ROLE_WARN,
	COLOR_ROLE_CRIT,
	COLOR_ROLE_UNKNOWN,
	COLOR_ROLE_DIM,
	COLOR_ROLE_HEADER,
	COLOR_ROLE_SELECTION,
	COLOR_ROLE_HIGHLIGHT,
	COLOR_ROLE_TITLE,
	COLOR_ROLE_BORDER,
	COLOR_ROLE_LOG_ERROR,
	COLOR_ROLE_LOG_WARN,
	COLOR_ROLE_LOG_INFO,
	COLOR_ROLE_LOG_DEBUG,
	COLOR_ROLE_SPARKLINE,
	COLOR_ROLE_COUNT
};
/* The attributes (colour pair | A_BOLD ...) of a role in the current theme. */
attr_t ui_attr(enum color_role role);
/* The role as a solid block (state words in bars): its own colours when
 * the theme gives it a background, else reverse video. */
attr_t ui_attr_block(enum color_role role);

/* Returned by key handlers. */
#define KEY_UNHANDLED	0
#define KEY_HANDLED	1

/* A pane draws one feature's data.  Its view state (selection, scroll,
 * folding, search) belongs to the console, not to the feature: the view
 * is made when the console starts and again after a site switch. */
struct pane_ops {
	const char	*name;
	const char	*title;		/* N_() */
	/* The view of the feature's data (may be NULL); NULL view_new: the
	 * pane keeps no state. */
	void		*(*view_new)(struct app *app, void *data);
	void		(*view_free)(void *view);
	void		(*draw)(struct app *app, void *data, void *view, WINDOW *win, bool focused);
	int		(*key)(struct app *app, void *data, void *view, int key);
	/* NULL-terminated pairs: key, description (N_()). */
	const char *const *help;
	/* Keys this pane takes from any pane (the logs pane's "p"), given to
	 * its key function when no other binding took them. */
	const char	*global_keys;
	/* The status line's keys when the pane has the focus, most useful
	 * first, items separated by two spaces (N_()). */
	const char	*keyline;
	/* Optional: called when the view is made (register ':' commands). */
	void		(*attach)(struct app *app, void *data, void *view);
};

/* Where the panes go: rows from top to bottom, each a weight (its share
 * of the height) and the panes side by side in it (FEATURE_* indices,
 * ending with -1).  Below 80x24, and zoomed, one pane fills the screen. */
#define UI_LAYOUT_COLS	4
struct ui_layout_row {
	int	 weight;
	int	 panes[UI_LAYOUT_COLS + 1];
};
/* The registry (src/registry.c): each feature's pane, and the layout. */
extern const struct pane_ops *const ui_panes[];
extern const struct ui_layout_row ui_layout[];	/* ends with weight 0 */

/* The console's life: start curses and make the panes' views (-1 with
 * a message on stderr when the terminal or the theme is unusable), run
 * until the operator quits, stop (the terminal is restored).  After a
 * site switch the views are made again for the new features' data. */
int ui_start(struct app *app);
void ui_run(struct app *app);
void ui_stop(struct app *app);
void ui_views_reset(struct app *app);

/* ":site NAME" asks the app to switch sites with this (0, or -1 with
 * *cause); the console then makes its views again. */
typedef int (*ui_site_fn)(struct app *app, const char *site, char **cause);
void ui_on_site_switch(struct app *app, ui_site_fn fn);
/* The sites screen over the fleet f (NULL: none), shown now when show;
 * H shows it again from the console, Enter on a site opens it there
 * (through the site switcher, which opens a site of the fleet). */
struct fleet;
void ui_fleet_set(struct app *app, struct fleet *f, bool show);

/* The view of the pane of feature index, NULL when the console is not
 * running or the pane keeps no state. */
void *ui_view(struct app *app, int index);
/* Move the focus to pane index (a value of enum feature_id). */
void ui_focus(struct app *app, int index);
/* The focused pane (a value of enum feature_id), -1 with no console. */
int ui_focused(const struct app *app);

/* Keys that other layers (the actions) add to the console.  run returns
 * false when it did not take the key, so the console's own binding
 * applies.  owner identifies who added it, for ui_hooks_remove(). */
#define UI_ANY_PANE	(-1)
struct ui_key {
	int		 key;
	const char	*name;		/* shown in the help, e.g. "w" */
	const char	*help;		/* N_(); NULL: not listed in the help */
	int		 pane;		/* UI_ANY_PANE, or the only pane it works in */
	bool		(*run)(struct app *app, void *arg);
	void		*arg;
};
void ui_key_add(struct app *app, const void *owner, const struct ui_key *k);
/* A fragment of the header line ("backup 3h ago"); buf "" for none. */
typedef void (*ui_header_fn)(struct app *app, void *arg, char *buf, size_t n);
void ui_header_add(struct app *app, const void *owner, ui_header_fn fn, void *arg);
void ui_hooks_remove(struct app *app, const void *owner);

/* Keys are KEY_* codes for function keys and characters otherwise; a
 * character whose value collides with the KEY_* range carries this bit. */
#define UI_KEY_CHAR	0x1000000

/* A modal window above the panes (details, menus, silence list, backup
 * output).  key returns true to close it; free runs on close. */
struct overlay_ops {
	void		(*draw)(struct app *app, void *data, WINDOW *win);
	bool		(*key)(struct app *app, void *data, int key);
	void		(*free)(void *data);
};
void ui_overlay_open(struct app *app, const char *title, const struct overlay_ops *ops, void *data);
void ui_overlay_close(struct app *app);
/* Zoom the top overlay to the whole screen below the header, or back. */
void ui_overlay_zoom(struct app *app, bool full);
bool ui_overlay_active(const struct app *app);
/* How many overlays are open (0 when none, or without a console). */
int ui_overlay_depth(const struct app *app);

/* A one-line text prompt at the bottom; cb gets the answer, or NULL when
 * cancelled with Esc. */
typedef void (*ui_prompt_cb)(struct app *app, const char *answer, void *arg);
void ui_prompt(struct app *app, const char *label, const char *initial, ui_prompt_cb cb, void *arg);
/* y/n confirmation; cb gets true only on an explicit yes. */
typedef void (*ui_confirm_cb)(struct app *app, bool yes, void *arg);
void ui_confirm(struct app *app, const char *question, ui_confirm_cb cb, void *arg);

/* A message in the status line for a few seconds. */
enum ui_msg_level { UI_MSG_INFO, UI_MSG_WARN, UI_MSG_ERROR };
void ui_message(struct app *app, enum ui_msg_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Draw helpers: a sanitized UTF-8 string clipped to width columns
 * starting at column x; returns columns used. */
int ui_put(WINDOW *win, int y, int x, const char *s, int width, attr_t attr);
/* The list keys every pane and list shares (j k ↑ ↓ PgUp PgDn g G Home
 * End): move *sel within n rows, page rows at a time.  Returns true when
 * key was one of them. */
bool ui_list_move(int key, size_t *sel, size_t n, size_t page);

/* A scrolling text viewer overlay over owned lines (details views). */
void ui_text_overlay(struct app *app, const char *title, char *text);
/* The same, and a key of pass closes it and then runs as if pressed
 * under it (the alert details pass `i` to the incident view). */
void ui_text_overlay_pass(struct app *app, const char *title, char *text, const char *pass);

/* ':' command hooks: features register handlers for their verbs (from
 * pane_ops.attach; after ":site" re-creates the features, attach runs
 * again with the new data, so register there and nowhere else). */
typedef bool (*ui_command_cb)(struct app *app, const char *args, void *arg);
void ui_command_register(struct app *app, const char *verb, ui_command_cb cb, void *arg);
/* Tab completion of a command's arguments: args is the text typed after
 * the verb up to the cursor; return every candidate for its last word
 * (NULL-terminated array of owned strings, or NULL); the prompt keeps the
 * ones starting with what is typed.  One Tab completes the common prefix
 * and lists the candidates; further Tabs cycle through them. */
typedef char **(*ui_complete_cb)(struct app *app, const char *args, void *arg);
struct ui_command_def {
	const char	*verb;
	const char	*usage;		/* "query LOGQL", shown by :help */
	const char	*help;		/* N_(), one line for :help */
	ui_command_cb	 run;
	ui_complete_cb	 complete;	/* may be NULL */
};
void ui_command_add(struct app *app, const struct ui_command_def *def, void *arg);
/* A completer for a verb registered with ui_command_register() whose
 * candidates each replace all the arguments typed so far (a LogQL
 * selector is not made of blank-separated words). */
void ui_command_complete(struct app *app, const char *verb, ui_complete_cb cb, void *arg);

#endif
