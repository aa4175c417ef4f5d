/* Shared between the files of the logs pane (src/ui/logs_pane.c, the
 * view and keys, and src/ui/logs_draw.c, the drawing). */
#ifndef CERES_LOGS_UI_H
#define CERES_LOGS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curses.h>
#include "ceres/features/logs.h"

struct app;

/* The pane's view of the tail: following or paused, the selection, the
 * search and the filters. */
struct logs_view {
	struct logs_area	*f;		/* the feature's data */
	struct logs		*lg;		/* &f->lg */
	bool			 no_color;	/* no curses pairs for SGR colours */
	bool			 follow;	/* bottom is the newest visible line */
	uint64_t		 sel;		/* selected line when paused */
	uint64_t		 bottom;	/* line drawn last when paused */
	uint64_t		 pause_seq;	/* lines from here on are "new" */
	bool			 wrap;
	int			 hscroll;
	int			 height;	/* rows of lines at the last draw */
	struct log_regex	 search;
	bool			 search_back;	/* n goes to older lines */
	struct log_regex	 include;
	struct log_regex	 exclude;
	uint32_t		 vis_gen;	/* bumped when a filter changes */
	struct logs_pair {
		int16_t		 fg;
		int16_t		 bg;
		short		 pair;
	}			 pairs[192];	/* SGR colours given curses pairs */
	int			 npairs;
};

/* Move *seq to the nearest line shown under the filters in direction dir
 * (-1 older, +1 newer), *seq itself included when incl. */
bool logs_seek(struct logs_view *v, uint64_t *seq, int dir, bool incl);
bool logs_newest(struct logs_view *v, uint64_t *seq);
/* The selected line: the newest when following. */
bool logs_selection(struct logs_view *v, uint64_t *seq);
/* Row breaks of UTF-8 text in rows of width columns (newlines break). */
size_t logs_wrap_rows(const char *t, size_t len, int width, size_t **offsets);
void logs_pane_draw(struct app *app, void *data, void *view, WINDOW *win, bool focused);

#endif
