/* Shared between the files of the logs pane (src/ui/logs_pane.c, the
 * view and keys, and src/ui/logs_draw.c, the drawing). */
#ifndef CERES_LOGS_UI_H
#define CERES_LOGS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curses.h>

struct app;
struct logs;

/* Move *seq to the nearest line shown under the filters in direction dir
 * (-1 older, +1 newer), *seq itself included when incl. */
bool logs_seek(struct logs *lg, uint64_t *seq, int dir, bool incl);
bool logs_newest(struct logs *lg, uint64_t *seq);
/* The selected line: the newest when following. */
bool logs_selection(struct logs *lg, uint64_t *seq);
/* Row breaks of UTF-8 text in rows of width columns (newlines break). */
size_t logs_wrap_rows(const char *t, size_t len, int width, size_t **offsets);
void logs_pane_draw(struct app *app, void *data, WINDOW *win, bool focused);

#endif
