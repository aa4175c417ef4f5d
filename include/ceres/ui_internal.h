/* State of the console shared by the files of src/ui/ (not by panes). */
#ifndef CERES_UI_INTERNAL_H
#define CERES_UI_INTERNAL_H

#include <stdbool.h>
#include <wchar.h>
#include "ceres/feature.h"
#include "ceres/ui.h"

struct loop_timer;

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
	char		**comp;		/* Tab candidates being cycled */
	size_t		 ncomp;
	size_t		 comp_idx;
};

#define UI_MAX_OVERLAYS 4
struct ui_overlay {
	char				*title;
	const struct overlay_ops	*ops;
	void				*data;
};

struct ui_command {
	char		*verb;
	ui_command_cb	 cb;
	void		*arg;
	ui_complete_cb	 complete;
	void		*complete_arg;
};

struct ui {
	WINDOW			*win[FEATURE_COUNT];
	int			 focus;
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
};

struct ui *ui_get(struct app *app);
void prompt_draw(struct app *app, int y);
void prompt_key(struct app *app, int key);
void prompt_reset(struct ui *ui);
void ui_history_add(struct ui *ui, const char *line);
void overlay_draw(struct app *app);
bool overlay_key(struct app *app, int key);
void ui_on_signal(struct app *app, int signo);

#endif
