/* Overlays: modal windows above the panes (details, menus, lists), and
 * the scrolling text viewer most details views use. */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ui_internal.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

void
ui_overlay_open(struct app *app, const char *title, const struct overlay_ops *ops, void *data)
{
	struct ui *ui = app->ui;

	if (ui == NULL || ui->noverlays == UI_MAX_OVERLAYS) {
		if (ops->free != NULL)
			ops->free(data);
		return;
	}
	ui->overlays[ui->noverlays].title = sanitize_str(title);
	ui->overlays[ui->noverlays].ops = ops;
	ui->overlays[ui->noverlays].data = data;
	ui->noverlays++;
	app_dirty(app);
}

void
ui_overlay_close(struct app *app)
{
	struct ui *ui = app->ui;
	struct ui_overlay *o;

	if (ui == NULL || ui->noverlays == 0)
		return;
	o = &ui->overlays[--ui->noverlays];
	if (o->ops->free != NULL)
		o->ops->free(o->data);
	free(o->title);
	memset(o, 0, sizeof *o);
	app_dirty(app);
}

void
ui_overlay_zoom(struct app *app, bool full)
{
	struct ui *ui = app->ui;

	if (ui == NULL || ui->noverlays == 0)
		return;
	ui->overlays[ui->noverlays - 1].full = full;
	app_dirty(app);
}

bool
ui_overlay_active(const struct app *app)
{
	return app->ui != NULL && app->ui->noverlays > 0;
}

void
overlay_draw(struct app *app)
{
	struct ui *ui = app->ui;
	struct ui_overlay *o;
	int h, w, y, x;
	WINDOW *win, *inner;
	char title[256];

	if (ui->noverlays == 0)
		return;
	o = &ui->overlays[ui->noverlays - 1];
	h = LINES - 4 > 6 ? LINES - 4 : LINES;
	w = COLS - 8 > 40 ? COLS - 8 : COLS;
	if (o->full) {
		h = LINES > 3 ? LINES - 1 : LINES;
		w = COLS;
	}
	y = o->full ? LINES - h : (LINES - h) / 2;
	x = (COLS - w) / 2;
	win = newwin(h, w, y, x);
	if (win == NULL)
		return;
	werase(win);
	wattr_on(win, ui_attr(COLOR_ROLE_TITLE), NULL);
	box(win, 0, 0);
	wattr_off(win, ui_attr(COLOR_ROLE_TITLE), NULL);
	snprintf(title, sizeof title, " %s ", o->title);
	ui_put(win, 0, 2, title, w - 4, ui_attr(COLOR_ROLE_TITLE) | A_REVERSE);
	ui_put(win, h - 1, 2, _(" Esc close "), w - 4, ui_attr(COLOR_ROLE_DIM));
	inner = derwin(win, h - 2, w - 4, 1, 2);
	if (inner != NULL) {
		o->ops->draw(app, o->data, inner);
		delwin(inner);
	}
	wnoutrefresh(win);
	delwin(win);
}

bool
overlay_key(struct app *app, int key)
{
	struct ui *ui = app->ui;
	struct ui_overlay *o;

	if (ui->noverlays == 0)
		return false;
	o = &ui->overlays[ui->noverlays - 1];
	if (o->ops->key(app, o->data, key))
		ui_overlay_close(app);
	if (ui->pass_key != 0) {
		key = ui->pass_key;
		ui->pass_key = 0;
		ui_key_hooks(app, key);
	}
	app_dirty(app);
	return true;
}

/* The text viewer: lines of an owned string, scrolled with the usual keys. */
struct text_view {
	char	*text;
	char	**lines;
	size_t	 nlines;
	size_t	 top;
	int	 height;
	const char *pass;	/* keys that close it and run under it */
};

static void
text_draw(struct app *app, void *data, WINDOW *win)
{
	struct text_view *tv = data;
	int h = getmaxy(win), w = getmaxx(win);

	(void)app;
	tv->height = h;
	for (int i = 0; i < h && tv->top + (size_t)i < tv->nlines; i++)
		ui_put(win, i, 0, tv->lines[tv->top + (size_t)i], w, A_NORMAL);
}

static bool
text_key(struct app *app, void *data, int key)
{
	struct text_view *tv = data;
	size_t page = tv->height > 1 ? (size_t)tv->height - 1 : 1;
	size_t max = tv->nlines > page ? tv->nlines - page : 0;

	if (key > 0 && key < 0x80 && tv->pass != NULL && strchr(tv->pass, key) != NULL) {
		app->ui->pass_key = key;
		return true;
	}
	switch (key) {
	case 27: case 'q': case '\r': case '\n': case KEY_ENTER:
		return true;
	case ' ':
		/* Space pages down as in less(1); the top line ranges over
		 * 0..max, a list of max + 1 positions. */
		ui_list_move(KEY_NPAGE, &tv->top, max + 1, page);
		break;
	case 'j': case 'k': case 'g': case 'G': case KEY_DOWN: case KEY_UP:
	case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
		ui_list_move(key, &tv->top, max + 1, page);
		break;
	default:
		break;
	}
	return false;
}

static void
text_free(void *data)
{
	struct text_view *tv = data;

	free(tv->lines);
	free(tv->text);
	free(tv);
}

static const struct overlay_ops text_ops = {
	.draw = text_draw,
	.key = text_key,
	.free = text_free,
};

void
ui_text_overlay(struct app *app, const char *title, char *text)
{
	ui_text_overlay_pass(app, title, text, NULL);
}

void
ui_text_overlay_pass(struct app *app, const char *title, char *text, const char *pass)
{
	struct text_view *tv = xcalloc(1, sizeof *tv);
	char *p;

	/* Make the text safe once, keeping its line structure. */
	tv->pass = pass;
	tv->text = sanitize_multiline(text, strlen(text));
	free(text);
	for (p = tv->text;;) {
		char *nl = strchr(p, '\n');

		tv->lines = xreallocarray(tv->lines, tv->nlines + 1, sizeof *tv->lines);
		tv->lines[tv->nlines++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	ui_overlay_open(app, title, &text_ops, tv);
}

int
ui_overlay_depth(const struct app *app)
{
	return app->ui != NULL ? app->ui->noverlays : 0;
}
