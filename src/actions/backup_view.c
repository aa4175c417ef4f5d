/* The backup's window (its output, live, scrollable) and keys: `b` asks
 * for confirmation and starts the command, Esc/c in the window cancels a
 * run, quitting while one runs asks first; the header shows the last run. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/util/i18n.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"
#include "backup_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- keys and the window ---- */

static void
confirm_cancel(struct app *app, bool yes, void *arg)
{
	struct backup *b = arg;
	char *cause = NULL;

	if (!yes || !b->running)
		return;
	if (audit_record(app, "backup.cancel", b->program, NULL, "SIGTERM sent", &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("not cancelled: %s"), cause);
		free(cause);
		return;
	}
	b->cancelled = true;
	b->cancel_reason = "operator";
	backup_note(b, _("── cancelled by %s: sending SIGTERM"), app->user_host);
	backup_terminate(b);
}

/* Bytes of s that fit in w columns (at least one character, so that a
 * line always makes progress). */
static size_t
fit(const char *s, int w)
{
	mbstate_t st;
	size_t len = strlen(s), off = 0;
	int used = 0;

	memset(&st, 0, sizeof st);
	while (off < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + off, len - off, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else if ((cw = wcwidth(wc)) < 0)
			cw = 1;
		if (used + cw > w && off > 0)
			break;
		used += cw;
		off += n;
	}
	return off;
}

/* Rows a line takes when wrapped to w columns. */
static int
wrapped_rows(const char *s, int w)
{
	int rows = 1;

	while (*s != '\0') {
		s += fit(s, w);
		if (*s != '\0')
			rows++;
	}
	return rows;
}

static void
window_draw(struct app *app, void *data, WINDOW *win)
{
	struct backup *b = data;
	int h = getmaxy(win), w = getmaxx(win), y = 0, rows, need = 0;
	char line[512], age[16];
	size_t first, last;

	(void)app;
	if (b->running)
		snprintf(line, sizeof line, _("running %s · pid %ld · c cancel · Esc hide (it keeps running)"),
		    fmt_age(now_mono() - b->started_mono, age, sizeof age), (long)b->pid);
	else
		snprintf(line, sizeof line, _("%s (exit %d) after %.1f s"),
		    b->last_status != NULL ? b->last_status : "-", b->last_exit, b->last_duration);
	ui_put(win, y++, 0, line, w, ui_attr(b->running ? COLOR_ROLE_HIGHLIGHT :
	    b->last_status != NULL && strcmp(b->last_status, "success") == 0 ? COLOR_ROLE_OK :
	    COLOR_ROLE_CRIT) | A_BOLD);
	if (b->dropped > 0 && y < h) {
		snprintf(line, sizeof line, P_("(%zu earlier line not kept)", "(%zu earlier lines not kept)",
		    b->dropped), b->dropped);
		ui_put(win, y++, 0, line, w, ui_attr(COLOR_ROLE_DIM));
	}
	rows = h - y;
	b->height = rows;
	if (rows <= 0 || w <= 0 || b->nlines == 0)
		return;
	if (b->scroll >= b->nlines)
		b->scroll = b->nlines - 1;
	/* Long lines wrap (an error is often at the end): walk back from the
	 * last line shown until the window is full. */
	last = b->nlines - b->scroll;
	first = last;
	while (first > 0) {
		int r = wrapped_rows(b->lines[(b->head + first - 1) % RING_LINES].text, w);

		if (need + r > rows && first < last)
			break;
		need += r;
		first--;
	}
	for (size_t i = first; i < last && y < h; i++) {
		const struct bk_line *l = &b->lines[(b->head + i) % RING_LINES];
		const char *p = l->text;
		int skip = need > rows && i == first ? need - rows : 0;	/* top line cut */

		do {
			size_t n = fit(p, w);
			char *piece = xstrndup(p, n);

			if (skip > 0)
				skip--;
			else
				ui_put(win, y++, 0, piece, w, l->err ? ui_attr(COLOR_ROLE_WARN) : A_NORMAL);
			free(piece);
			p += n;
		} while (*p != '\0' && y < h);
	}
}

static bool
window_key(struct app *app, void *data, int key)
{
	struct backup *b = data;
	size_t page = b->height > 1 ? (size_t)b->height - 1 : 1;

	switch (key) {
	case 27: case 'q':
		if (b->running)
			ui_message(app, UI_MSG_INFO, "%s", _("the backup keeps running; b shows it again"));
		return true;
	case 'c':
		if (!b->running) {
			ui_message(app, UI_MSG_WARN, "%s", _("no backup is running"));
			break;
		}
		if (!app_action_allowed(app))
			break;
		ui_confirm(app, _("Cancel the running backup (SIGTERM, SIGKILL after 5 s)?"),
		    confirm_cancel, b);
		break;
	case 'k': case KEY_UP:
		if (b->scroll + 1 < b->nlines)
			b->scroll++;
		break;
	case 'j': case KEY_DOWN:
		if (b->scroll > 0)
			b->scroll--;
		break;
	case KEY_PPAGE:
		b->scroll = b->scroll + page < b->nlines ? b->scroll + page : b->nlines;
		break;
	case KEY_NPAGE: case ' ':
		b->scroll = b->scroll > page ? b->scroll - page : 0;
		break;
	case 'g': case KEY_HOME:
		b->scroll = b->nlines;
		break;
	case 'G': case KEY_END:
		b->scroll = 0;
		break;
	default:
		break;
	}
	return false;
}

static void
window_free(void *data)
{
	struct backup *b = data;

	b->window_open = false;
}

static const struct overlay_ops window_ops = {
	.draw = window_draw,
	.key = window_key,
	.free = window_free,
};

void
backup_window(struct backup *b)
{
	if (b->window_open || b->app->ui == NULL)
		return;
	b->window_open = true;
	ui_overlay_open(b->app, _("Backup"), &window_ops, b);
}

static void
confirm_start(struct app *app, bool yes, void *arg)
{
	struct backup *b = arg;

	(void)app;
	if (yes && !b->running)
		backup_start(b);
}

bool
backup_key(struct app *app, void *arg)
{
	struct backup *b = app->actions != NULL ? app->actions->backup : NULL;
	char *cause = NULL, *q;

	(void)arg;
	if (b == NULL)
		return true;
	if (b->running) {
		backup_window(b);
		return true;
	}
	if (!app_action_allowed(app))
		return true;
	if (b->command == NULL) {
		ui_message(app, UI_MSG_WARN, "%s", _("no backup configured: set [backup] command"));
		return true;
	}
	if (audit_check(app, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("backup not started: %s"), cause);
		free(cause);
		return true;
	}
	q = xasprintf(_("Run the backup now (%s)?"), b->program);
	ui_confirm(app, q, confirm_start, b);
	free(q);
	return true;
}

static void
confirm_quit(struct app *app, bool yes, void *arg)
{
	(void)arg;
	if (yes)
		app->quit = true;
}

bool
backup_quit_guard(struct app *app, void *arg)
{
	struct backup *b = app->actions != NULL ? app->actions->backup : NULL;

	(void)arg;
	if (b == NULL || !b->running)
		return false;
	ui_confirm(app, _("A backup is running. Quit and cancel it?"), confirm_quit, NULL);
	return true;
}

void
backup_header(struct app *app, char *buf, size_t n)
{
	struct backup *b = app->actions != NULL ? app->actions->backup : NULL;
	char age[16];

	buf[0] = '\0';
	if (b == NULL || !b->configured)	/* no backup configured: nothing to say */
		return;
	if (b->running)
		snprintf(buf, n, _("backup running %s"), fmt_age(now_mono() - b->started_mono, age, sizeof age));
	else if (b->last_success > 0)
		snprintf(buf, n, _("backup %s ago%s"), fmt_age(now_wall() - b->last_success, age, sizeof age),
		    b->last_status != NULL && strcmp(b->last_status, "success") != 0 ?
		    _(", last run failed") : "");
	else if (b->last_status != NULL)
		snprintf(buf, n, "%s", _("no successful backup"));
	else if (b->command != NULL)
		snprintf(buf, n, "%s", _("no backup yet"));
}
