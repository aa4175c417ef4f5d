/* State of the console shared by the files of src/ui/ (not by panes). */
#ifndef CERES_UI_INTERNAL_H
#define CERES_UI_INTERNAL_H

#include <stdbool.h>
#include <wchar.h>
#include "ceres/core/feature.h"
#include "ceres/render/render.h"
#include "ceres/ui/ui.h"

struct loop_timer;
struct theme;

struct ui_prompt {
	bool		 active;
	bool		 confirm;	/* y/n question */
	bool		 history;	/* ':' line: Up/Down walk the history */
	char		*label;
	wchar_t		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 pos;
	int		 cursor_x;
	ui_prompt_cb	 cb;
	ui_confirm_cb	 confirm_cb;
	void		*arg;
	size_t		 hist_pos;
	char		*hint;		/* Tab completion candidates, shown */
	char		**comp;		/* Tab candidates being cycled */
	size_t		 ncomp;
	size_t		 comp_idx;
	char		*comp_prefix;	/* text before the completed part */
	char		*comp_after;	/* text after the cursor */
	bool		 comp_verb;	/* a verb: a space follows it */
};

#define UI_MAX_OVERLAYS 4
struct ui_overlay {
	char				*title;
	const struct overlay_ops	*ops;
	void				*data;
	bool				 full;	/* zoomed: the whole screen but the header */
};

struct ui_command {
	char		*verb;
	char		*usage;
	const char	*help;		/* N_() */
	ui_command_cb	 cb;
	void		*arg;
	ui_complete_cb	 complete;
	void		*complete_arg;
	bool		 complete_whole;	/* candidates replace all the arguments */
};

struct ui_key_hook {
	const void	*owner;
	struct ui_key	 k;
};
struct ui_header_hook {
	const void	*owner;
	ui_header_fn	 fn;
	void		*arg;
};

struct ui {
	bool			 started;	/* curses is on */
	WINDOW			*win[FEATURE_COUNT];
	void			*view[FEATURE_COUNT];	/* each pane's view state */
	int			 focus;
	/* A y/n question answered with one key: an Enter typed after it out
	 * of habit until then (monotonic) is dropped. */
	double			 enter_grace;
	bool			 zoom;
	bool			 single;
	bool			 need_layout;
	char			*msg;
	enum ui_msg_level	 msg_level;
	double			 msg_until;
	struct ui_prompt	 prompt;
	struct ui_overlay	 overlays[UI_MAX_OVERLAYS];
	int			 noverlays;
	struct ui_command	*cmds;
	size_t			 ncmds;
	char			**hist;
	size_t			 nhist;
	struct loop_timer	*rotate_timer;
	struct theme		*theme;
	int			 pass_key;	/* a text overlay closed for it */
	struct ui_key_hook	*keys;		/* added by other layers */
	size_t			 nkeys;
	struct ui_header_hook	*headers;
	size_t			 nheaders;
	ui_site_fn		 switch_site;	/* ":site NAME" */
	/* The sites screen (fleet_pane.c). */
	struct fleet		*fleet;		/* NULL: one site */
	bool			 fleet_on;	/* shown instead of the panes */
	char			*fleet_sel;	/* the selected site's name */
	char			*fleet_filter;	/* "/" text, NULL none */
	struct fleet_slot	*fleet_cache;	/* every site's row, as last made */
	size_t			 fleet_ncache;
	double			 fleet_cache_at;	/* monotonic; 0: make again */
	bool			 fleet_stale;	/* some site changed since */
};

/* A site's row on the sites screen, and when it must be made again. */
struct fleet_slot {
	struct fleet_row	 row;
	bool			 changed;	/* the site changed since the row was made */
	double			 made_at;	/* monotonic */
};

struct ui *ui_get(struct app *app);
void prompt_draw(struct app *app, int y);
void prompt_draw_hint(struct app *app);
void prompt_key(struct app *app, int key);
void prompt_reset(struct ui *ui);
void ui_history_add(struct ui *ui, const char *line);
void overlay_draw(struct app *app);
bool overlay_key(struct app *app, int key);
/* The keys other layers added (ui.c). */
bool ui_key_hooks(struct app *app, int key);

/* The ':' command line (command.c). */
void command_run(struct app *app, const char *line, void *arg);
/* Tab completion of the line before the cursor: what is completed comes
 * after prefix; the candidates match what is typed there. */
struct ui_completion {
	char		*prefix;	/* text before the completed part */
	char		**cands;	/* owned, NULL-terminated */
	size_t		 n;
	size_t		 common;	/* bytes every candidate shares */
	bool		 verb;		/* a verb: a unique one gets a space */
};
void command_completion(struct app *app, const char *before, struct ui_completion *c);
void command_completion_free(struct ui_completion *c);
/* "a, b, c, …": at most max candidates (owned, sanitized). */
char *command_completion_list(const struct ui_completion *c, size_t max);
/* The new text before the cursor after one Tab (owned), and in *hint the
 * candidates when there are several. */
char *command_complete(struct app *app, const char *before, char **hint);
void command_free_all(struct ui *ui);
/* Help text: the focused pane's keys, the global keys and the commands. */
char *command_help_text(struct app *app);
extern const char *const ui_global_help[];	/* key, N_(description) pairs */
void ui_switch_theme(struct app *app, struct theme *t);
/* The sites screen (fleet_pane.c). */
void fleet_draw(struct app *app);
bool fleet_key(struct app *app, int key);
bool fleet_dirty(struct app *app);
extern const char *const fleet_help[];	/* key, N_(description) pairs */
/* The header and the bottom line (header.c). */
void ui_draw_header(struct app *app);
void ui_draw_statusline(struct app *app);

#endif
