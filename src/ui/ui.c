/* The console: curses set-up and teardown, the layout of the five panes,
 * header and status line, key dispatch (overlay, prompt, focused pane,
 * global keys), and the main loop with one redraw per pass. */
#include "ceres/features/alerts.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/theme.h"
#include "ceres/ui/ui.h"
#include "ui_internal.h"
#include "ceres/util/util.h"

#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

const char *const ui_global_help[] = {
	"q", N_("quit"),
	"?", N_("this help"),
	"Tab / 1-5", N_("move focus between panes"),
	"z", N_("zoom the focused pane"),
	"j k ↑ ↓", N_("move the selection"),
	"PgUp PgDn g G", N_("page, top, bottom"),
	"Enter", N_("details"),
	"Esc", N_("back"),
	"r", N_("refresh now"),
	":", N_("command line"),
	"p", N_("pause or resume the log tail"),
	"H", N_("the sites screen (a config with several sites, or --fleet)"),
	NULL,
};

struct ui *
ui_get(struct app *app)
{
	return app->ui;
}

void
ui_message(struct app *app, enum ui_msg_level level, const char *fmt, ...)
{
	struct ui *ui = app->ui;
	va_list ap;
	char *msg;

	if (ui == NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(ui->msg);
	ui->msg = sanitize_str(msg);
	free(msg);
	ui->msg_level = level;
	ui->msg_until = now_mono() + (level == UI_MSG_ERROR ? 10 : 5);
	app_dirty(app);
}

/* Put a sanitized string, clipped to width columns; wide and combining
 * characters are measured with wcwidth so columns stay aligned. */
int
ui_put(WINDOW *win, int y, int x, const char *s, int width, attr_t attr)
{
	mbstate_t st;
	size_t len = strlen(s);
	int used = 0;

	if (width <= 0 || y < 0 || y >= getmaxy(win))
		return 0;
	memset(&st, 0, sizeof st);
	wattr_on(win, attr, NULL);
	wmove(win, y, x);
	while (len > 0) {
		wchar_t wc[2] = { 0, 0 };
		size_t n = MB_CUR_MAX == 1 && (unsigned char)*s >= 0x80 ? ascii_fallback(s, len, &wc[0]) :
		    mbrtowc(&wc[0], s, len, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			wc[0] = L'?';
			n = 1;
		}
		cw = wcwidth(wc[0]);
		if (cw < 0) {
			wc[0] = L'?';
			cw = 1;
		}
		if (used + cw > width)
			break;
		if (wc[0] < 0x20 || wc[0] == 0x7f)
			wc[0] = L'?';	/* never reached: input is sanitized */
		waddnwstr(win, wc, 1);
		used += cw;
		s += n;
		len -= n;
	}
	wattr_off(win, attr, NULL);
	return used;
}

/* A pane is on screen when its feature is among --panes. */
static bool
pane_shown(const struct app *app, int i)
{
	return app_feature_enabled(app, i);
}

/* The first shown pane from i on, going by step (+1 or -1). */
static int
pane_from(const struct app *app, int i, int step)
{
	for (int k = 0; k < FEATURE_COUNT; k++) {
		if (pane_shown(app, i))
			return i;
		i = (i + step + FEATURE_COUNT) % FEATURE_COUNT;
	}
	return i;
}

/* Panes shown in this layout, and where: the rows of ui_layout share
 * the height by weight (the last takes what is left), the panes of a
 * row share its width (the last takes what is left). */
static void
layout(struct app *app)
{
	struct ui *ui = app->ui;
	int h = LINES, w = COLS, body = h - 2, weights = 0, y = 1, nrows = 0;
	bool small = w < 80 || h < 24;
	struct {
		const struct ui_layout_row	*r;
		int				 shown[UI_LAYOUT_COLS];
		int				 n;
	} rows[FEATURE_COUNT];

	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (ui->win[i] != NULL)
			delwin(ui->win[i]);
		ui->win[i] = NULL;
	}
	ui->single = small || ui->zoom;
	if (body < 3)
		return;
	if (ui->single) {
		ui->win[ui->focus] = newwin(body, w, 1, 0);
		if (ui->win[ui->focus] != NULL)
			wbkgdset(ui->win[ui->focus], ' ' | ui_attr(COLOR_ROLE_NORMAL));
		return;
	}
	/* Only the panes of --panes: a row without any is left out, the
	 * others share its room. */
	for (const struct ui_layout_row *r = ui_layout; r->weight > 0; r++) {
		int shown[UI_LAYOUT_COLS], n = 0;

		for (int k = 0; k < UI_LAYOUT_COLS && r->panes[k] >= 0; k++)
			if (pane_shown(app, r->panes[k]))
				shown[n++] = r->panes[k];
		if (n == 0)
			continue;
		rows[nrows].r = r;
		rows[nrows].n = n;
		memcpy(rows[nrows++].shown, shown, sizeof shown);
		weights += r->weight;
	}
	for (int i = 0; i < nrows; i++) {
		int rh = i + 1 < nrows ? body * rows[i].r->weight / weights : body - (y - 1), x = 0;
		int n = rows[i].n;

		for (int k = 0; k < n; k++) {
			int cw = k + 1 < n ? w / n : w - x;

			ui->win[rows[i].shown[k]] = newwin(rh, cw, y, x);
			x += cw;
		}
		y += rh;
	}
	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (ui->win[i] != NULL) {
			keypad(ui->win[i], TRUE);
			wbkgdset(ui->win[i], ' ' | ui_attr(COLOR_ROLE_NORMAL));
		}
	}
}

static void
draw_pane(struct app *app, int i)
{
	struct ui *ui = app->ui;
	WINDOW *w = ui->win[i];
	const struct pane_ops *p = ui_panes[i];
	bool focused = ui->focus == i;
	char title[128];
	attr_t ba = focused ? ui_attr(COLOR_ROLE_TITLE) : ui_attr(COLOR_ROLE_BORDER);
	WINDOW *inner;

	if (w == NULL)
		return;
	werase(w);
	wattr_on(w, ba, NULL);
	box(w, 0, 0);
	wattr_off(w, ba, NULL);
	snprintf(title, sizeof title, " %d %s ", i + 1, _(p->title));
	ui_put(w, 0, 2, title, getmaxx(w) - 4, focused ? ui_attr(COLOR_ROLE_TITLE) | A_REVERSE :
	    ui_attr(COLOR_ROLE_TITLE));
	/* Panes draw inside the border. */
	if (getmaxy(w) > 2 && getmaxx(w) > 2) {
		inner = derwin(w, getmaxy(w) - 2, getmaxx(w) - 2, 1, 1);
		if (inner != NULL) {
			if (p->draw != NULL)
				p->draw(app, app->feature_data[i], ui->view[i], inner, focused);
			delwin(inner);
		}
	}
	wnoutrefresh(w);
}

static void
redraw(struct app *app)
{
	struct ui *ui = app->ui;

	if (ui->need_layout) {
		layout(app);
		ui->need_layout = false;
		clearok(curscr, TRUE);
	}
	erase();
	if (ui->fleet_on)
		fleet_draw(app);
	else {
		ui_draw_header(app);
		ui_draw_statusline(app);
	}
	wnoutrefresh(stdscr);
	for (int i = 0; i < FEATURE_COUNT && !ui->fleet_on; i++)
		draw_pane(app, i);
	overlay_draw(app);
	prompt_draw_hint(app);
	if (ui->prompt.active) {
		curs_set(1);
		move(LINES - 1, ui->prompt.cursor_x);
		wnoutrefresh(stdscr);
	} else
		curs_set(0);
	doupdate();
	app->model.dirty = false;
}

static void
ui_on_signal(struct app *app, int signo)
{
	struct ui *ui = app->ui;

	/* SIGCONT: a resize while stopped (Ctrl-Z) signalled the shell. */
	if (signo == SIGWINCH || signo == SIGCONT) {
		struct winsize ws;

		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		if (signo == SIGCONT)
			clearok(curscr, TRUE);
		ui->need_layout = true;
		app_dirty(app);
	}
}

/* Install another theme: colour pairs change in place, windows are made
 * again for their background, and the whole screen is repainted. */
void
ui_switch_theme(struct app *app, struct theme *t)
{
	struct ui *ui = app->ui;

	theme_free(ui->theme);
	ui->theme = t;
	theme_apply(t, app->opt.no_color);
	ui->need_layout = true;
	app_dirty(app);
}

static void
focus_set(struct app *app, int i)
{
	struct ui *ui = app->ui;

	if (i < 0 || i >= FEATURE_COUNT || !pane_shown(app, i))
		return;
	if (ui->focus != i && ui->single)
		ui->need_layout = true;
	ui->focus = i;
	app_dirty(app);
}

void
ui_focus(struct app *app, int index)
{
	focus_set(app, index);
}

int
ui_focused(const struct app *app)
{
	return app->ui != NULL ? app->ui->focus : -1;
}

static void
help_open(struct app *app)
{
	ui_text_overlay(app, _("Help"), command_help_text(app));
}

/* Keys added by other layers: those of the focused pane first, then the
 * ones that work anywhere, in the order they were added. */
bool
ui_key_hooks(struct app *app, int key)
{
	struct ui *ui = app->ui;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ui->nkeys; i++) {
			const struct ui_key *k = &ui->keys[i].k;

			if (k->key != key || (pass == 0 ? k->pane != ui->focus : k->pane != UI_ANY_PANE))
				continue;
			if (k->run(app, k->arg))
				return true;
		}
	}
	return false;
}

/* A key a pane takes from anywhere (the logs pane's "p"). */
static void
pane_global_key(struct app *app, int key)
{
	struct ui *ui = app->ui;

	if (key <= 0 || key >= 0x80)
		return;
	for (int i = 0; i < FEATURE_COUNT; i++) {
		const struct pane_ops *p = ui_panes[i];

		if (p->global_keys == NULL || strchr(p->global_keys, key) == NULL ||
		    p->key == NULL || app->feature_data[i] == NULL)
			continue;
		p->key(app, app->feature_data[i], ui->view[i], key);
		return;
	}
}

/* The keys of the whole console (after the pane's and the hooks'). */
static void
global_key(struct app *app, int key)
{
	struct ui *ui = app->ui;

	switch (key) {
	case 'q':
		app->quit = true;
		break;
	case '?':
		help_open(app);
		break;
	case '\t':
		focus_set(app, pane_from(app, (ui->focus + 1) % FEATURE_COUNT, 1));
		break;
	case KEY_BTAB:
		focus_set(app, pane_from(app, (ui->focus + FEATURE_COUNT - 1) % FEATURE_COUNT, -1));
		break;
	case '1': case '2': case '3': case '4': case '5':
		focus_set(app, key - '1');
		break;
	case 'z':
		ui->zoom = !ui->zoom;
		ui->need_layout = true;
		break;
	case 'r':
		for (size_t i = 0; i < app->nsources; i++)
			source_poll_now(app->sources[i]);
		ui_message(app, UI_MSG_INFO, "%s", _("refreshing"));
		break;
	case ':':
		ui_prompt(app, ":", "", command_run, NULL);
		ui->prompt.history = true;
		break;
	case KEY_RESIZE:
		ui->need_layout = true;
		break;
	default:
		if (!ui->fleet_on)
			pane_global_key(app, key);
		break;
	}
}

static void
handle_key(struct app *app, int key)
{
	struct ui *ui = app->ui;
	const struct pane_ops *p;

	if (ui->prompt.active) {
		prompt_key(app, key);
		return;
	}
	if ((key == '\r' || key == '\n' || key == KEY_ENTER) && now_mono() < ui->enter_grace) {
		ui->enter_grace = 0;	/* the Enter after a one-key y/n answer */
		return;
	}
	if (key != '\r' && key != '\n' && key != KEY_ENTER)
		ui->enter_grace = 0;
	if (overlay_key(app, key))
		return;
	if (ui->fleet_on) {
		if (!fleet_key(app, key))
			global_key(app, key);
		app_dirty(app);
		return;
	}
	if (ui->fleet != NULL && !ui->fleet_on && key == 'H') {
		ui->fleet_on = true;
		app_dirty(app);
		return;
	}
	p = ui_panes[ui->focus];
	if (p->key != NULL && p->key(app, app->feature_data[ui->focus], ui->view[ui->focus],
	    key) == KEY_HANDLED) {
		app_dirty(app);
		return;
	}
	if (ui_key_hooks(app, key)) {
		app_dirty(app);
		return;
	}
	global_key(app, key);
	app_dirty(app);
}

static bool
tty_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void
on_tty(int fd, int events, void *arg)
{
	struct app *app = arg;
	wint_t wch;
	int rc;

	int nkeys = 0;

	(void)events;
	/* Drain every pending key after a wake-up. */
	while ((rc = get_wch(&wch)) != ERR) {
		int key;

		if (rc == KEY_CODE_YES)
			key = (int)wch;
		else if (wch >= KEY_MIN)
			key = (int)wch | UI_KEY_CHAR;	/* a character, not a KEY_* code */
		else
			key = (int)wch;
		handle_key(app, key);
		nkeys++;
		if (app->quit)
			break;
	}
	/* Readable yet no key: if the terminal hung up (a lost SSH connection
	 * whose SIGHUP was blocked or never came), quit rather than spin on a
	 * dead descriptor.  curl_multi_poll() does not pass POLLHUP on. */
	if (nkeys == 0 && tty_hung_up(fd))
		app->quit = true;
}

static void
rotate_tick(void *arg)
{
	struct app *app = arg;

	app->ui->rotate_timer = NULL;
	if (!ui_overlay_active(app) && !app->ui->prompt.active)
		focus_set(app, pane_from(app, (app->ui->focus + 1) % FEATURE_COUNT, 1));
	app->ui->rotate_timer = loop_timer_add(app->loop, app->opt.rotate, rotate_tick, app);
}

/* Make every pane's view again (at start and after a site switch: the
 * old views point into the old features' data) and let the panes
 * register their commands. */
void
ui_views_reset(struct app *app)
{
	struct ui *ui = app->ui;

	for (int i = 0; i < FEATURE_COUNT; i++) {
		const struct pane_ops *p = ui_panes[i];

		if (ui->view[i] != NULL && p->view_free != NULL)
			p->view_free(ui->view[i]);
		ui->view[i] = NULL;
		if (p->view_new != NULL)
			ui->view[i] = p->view_new(app, app->feature_data[i]);
		if (p->attach != NULL)
			p->attach(app, app->feature_data[i], ui->view[i]);
	}
	ui->need_layout = true;
	app_dirty(app);
}

void
ui_on_site_switch(struct app *app, ui_site_fn fn)
{
	if (app->ui != NULL)
		app->ui->switch_site = fn;
}

void *
ui_view(struct app *app, int index)
{
	if (app->ui == NULL || index < 0 || index >= FEATURE_COUNT)
		return NULL;
	return app->ui->view[index];
}

void
ui_key_add(struct app *app, const void *owner, const struct ui_key *k)
{
	struct ui *ui = app->ui;

	if (ui == NULL)
		return;
	ui->keys = xreallocarray(ui->keys, ui->nkeys + 1, sizeof *ui->keys);
	ui->keys[ui->nkeys].owner = owner;
	ui->keys[ui->nkeys].k = *k;
	ui->nkeys++;
}

void
ui_header_add(struct app *app, const void *owner, ui_header_fn fn, void *arg)
{
	struct ui *ui = app->ui;

	if (ui == NULL)
		return;
	ui->headers = xreallocarray(ui->headers, ui->nheaders + 1, sizeof *ui->headers);
	ui->headers[ui->nheaders].owner = owner;
	ui->headers[ui->nheaders].fn = fn;
	ui->headers[ui->nheaders].arg = arg;
	ui->nheaders++;
}

void
ui_hooks_remove(struct app *app, const void *owner)
{
	struct ui *ui = app->ui;
	size_t k = 0;

	if (ui == NULL)
		return;
	for (size_t i = 0; i < ui->nkeys; i++)
		if (ui->keys[i].owner != owner)
			ui->keys[k++] = ui->keys[i];
	ui->nkeys = k;
	k = 0;
	for (size_t i = 0; i < ui->nheaders; i++)
		if (ui->headers[i].owner != owner)
			ui->headers[k++] = ui->headers[i];
	ui->nheaders = k;
}

void
ui_stop(struct app *app)
{
	struct ui *ui = app->ui;

	if (ui == NULL)
		return;
	loop_fd_del(app->loop, STDIN_FILENO);
	if (ui->started) {
		endwin();
		signals_set_tty_restore(false);
	}
	while (ui_overlay_active(app))
		ui_overlay_close(app);
	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (ui->win[i] != NULL)
			delwin(ui->win[i]);
		if (ui->view[i] != NULL && ui_panes[i]->view_free != NULL)
			ui_panes[i]->view_free(ui->view[i]);
	}
	command_free_all(ui);
	for (size_t i = 0; i < ui->nhist; i++)
		free(ui->hist[i]);
	free(ui->hist);
	prompt_reset(ui);
	free(ui->msg);
	free(ui->fleet_sel);
	free(ui->fleet_filter);
	free(ui->fleet_cache);
	if (ui->rotate_timer != NULL)
		loop_timer_cancel(app->loop, ui->rotate_timer);
	theme_free(ui->theme);
	free(ui->keys);
	free(ui->headers);
	free(ui);
	app->ui = NULL;
	app->on_signal = NULL;
}

int
ui_start(struct app *app)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	char *cause = NULL;

	app->ui = ui;
	app->on_signal = ui_on_signal;
	ui->need_layout = true;
	ui->focus = pane_from(app, FEATURE_HEALTH, 1);	/* the first of --panes */
	/* The theme is read before curses starts, so that a broken file is
	 * reported as file:line on a normal terminal. */
	if ((ui->theme = theme_load(theme_name(app), &cause)) == NULL) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		ui_stop(app);
		return -1;
	}
	if (initscr() == NULL) {
		fprintf(stderr, "ceres-top: %s\n", _("cannot initialise the terminal"));
		ui_stop(app);
		return -1;
	}
	ui->started = true;
	signals_set_tty_restore(true);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	theme_apply(ui->theme, app->opt.no_color);
	loop_fd_set(app->loop, STDIN_FILENO, LOOP_READ, on_tty, app);
	ui_views_reset(app);
	if (app->opt.rotate > 0)
		ui->rotate_timer = loop_timer_add(app->loop, app->opt.rotate, rotate_tick, app);
	app->model.dirty = true;
	return 0;
}

/* Draw and dispatch until the operator quits: one redraw per pass of the
 * loop when something changed, and at least once a second (the clock). */
void
ui_run(struct app *app)
{
	struct ui *ui = app->ui;

	while (!app->quit) {
		double now = now_wall();
		long second = (long)now;

		if (app->model.dirty || ui->need_layout || (ui->fleet_on && fleet_dirty(app)))
			redraw(app);
		/* Wake at the next second for the clock and message expiry. */
		loop_run_once(app->loop, 1.0 - (now - (double)second));
		if (ui->msg != NULL && now_mono() >= ui->msg_until) {
			free(ui->msg);
			ui->msg = NULL;
			app->model.dirty = true;
		}
		if ((long)now_wall() != second)
			app->model.dirty = true;
	}
}
