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
/* In a single-byte locale (LANG=C) a UTF-8 character is one column, not
 * one "?" per byte: the console's own symbols become their ASCII
 * look-alikes, anything else one "?".  Returns the bytes used. */
static size_t
ascii_fallback(const char *s, size_t len, wchar_t *out)
{
	static const struct { unsigned cp; char ascii; } map[] = {
		{ 0x2502, '|' }, { 0x2500, '-' }, { 0x25be, 'v' }, { 0x25b8, '>' },
		{ 0x25bc, 'v' }, { 0x25b2, '^' }, { 0x2193, 'v' }, { 0x2191, '^' },
		{ 0x2190, '<' }, { 0x2192, '>' }, { 0x00d7, 'x' }, { 0x25cf, '*' },
		{ 0x00b7, '-' }, { 0x2026, '~' }, { 0x2014, '-' }, { 0x2013, '-' },
		{ 0x2588, '#' }, { 0x2581, '_' }, { 0x2582, '_' }, { 0x2583, '_' },
		{ 0x2584, '=' }, { 0x2585, '=' }, { 0x2586, '=' }, { 0x2587, '#' },
	};
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	unsigned cp = n == 4 ? u[0] & 0x07 : n == 3 ? u[0] & 0x0f : u[0] & 0x1f;

	*out = L'?';
	if (n > len)
		return 1;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return i;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].cp == cp)
			*out = (wchar_t)map[i].ascii;
	return n;
}

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

/* Panes shown in this layout, and where: the rows of ui_layout share
 * the height by weight (the last takes what is left), the panes of a
 * row share its width (the last takes what is left). */
static void
layout(struct app *app)
{
	struct ui *ui = app->ui;
	int h = LINES, w = COLS, body = h - 2, weights = 0, y = 1;
	bool small = w < 80 || h < 24;

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
	for (const struct ui_layout_row *r = ui_layout; r->weight > 0; r++)
		weights += r->weight;
	for (const struct ui_layout_row *r = ui_layout; r->weight > 0; r++) {
		int rh = r[1].weight > 0 ? body * r->weight / weights : body - (y - 1), n = 0, x = 0;

		while (n < UI_LAYOUT_COLS && r->panes[n] >= 0)
			n++;
		for (int k = 0; k < n; k++) {
			int cw = k + 1 < n ? w / n : w - x;

			ui->win[r->panes[k]] = newwin(rh, cw, y, x);
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

/* The header fragments of the hooks, " │ "-separated. */
static void
header_hooks(struct app *app, char *buf, size_t n)
{
	struct ui *ui = app->ui;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ui->nheaders && used + 1 < n; i++) {
		char part[128];

		part[0] = '\0';
		ui->headers[i].fn(app, ui->headers[i].arg, part, sizeof part);
		if (part[0] == '\0')
			continue;
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used > 0 ? " │ " : "", part);
		if (used >= n)
			used = n - 1;
	}
}

/* [ceres] bell = critical: one bell when new critical alerts arrive. */
static void
ring_bell(struct app *app)
{
	struct alerts_area *af = app_feature_enabled(app, FEATURE_ALERTS) ?
	    app->feature_data[FEATURE_ALERTS] : NULL;
	const char *bell = config_get(app->config, "ceres", NULL, "bell");

	if (af == NULL || af->news.bell == 0)
		return;
	af->news.bell = 0;
	if (bell != NULL && strcmp(bell, "critical") == 0)
		beep();
}

static void
draw_header(struct app *app)
{
	struct status st;
	char clock[16], age[16], agetext[160], line[512], extra[128];
	time_t t = time(NULL);
	struct tm tm;
	const struct source *stale;
	double oldest;
	attr_t a;
	int x;

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	/* The age of what matters (health and alerts), naming a stale one. */
	oldest = sources_vital_age(app->sources, app->nsources, &stale);
	if (oldest >= 0)
		fmt_age(oldest, age, sizeof age);
	else
		snprintf(age, sizeof age, "-");
	if (stale != NULL)
		snprintf(agetext, sizeof agetext, _("data age %s (stale: %s)"), age, stale->name);
	else
		snprintf(agetext, sizeof agetext, "%s %s", _("data age"), age);
	status_init(&st);
	for (int i = 0; i < FEATURE_COUNT; i++)
		if (app_feature_enabled(app, i) && features[i]->status != NULL)
			features[i]->status(app, app->feature_data[i], &st);
	ring_bell(app);
	a = ui_attr(COLOR_ROLE_HEADER);
	wattr_on(stdscr, a, NULL);
	mvhline(0, 0, ' ', COLS);
	wattr_off(stdscr, a, NULL);
	snprintf(line, sizeof line, " ceres-top │ %s │ ", app->site);
	x = ui_put(stdscr, 0, 0, line, COLS, a | A_BOLD);
	{
		static const char *const words[] = { N_("OK"), N_("WARNING"), N_("CRITICAL"), N_("UNKNOWN") };
		enum color_role r = st.code == STATUS_OK ? COLOR_ROLE_OK : st.code == STATUS_WARNING ?
		    COLOR_ROLE_WARN : st.code == STATUS_CRITICAL ? COLOR_ROLE_CRIT : COLOR_ROLE_UNKNOWN;

		x += ui_put(stdscr, 0, x, _(words[st.code]), COLS - x, ui_attr_block(r) | A_BOLD);
	}
	header_hooks(app, extra, sizeof extra);
	snprintf(line, sizeof line, " %s │ %s │ %s%s%s%s%s", st.summary.len ? st.summary.buf : "",
	    clock, agetext, *extra != '\0' ? " │ " : "", extra,
	    app->read_only ? " │ " : "", app->read_only ? _("READ-ONLY") : "");
	ui_put(stdscr, 0, x, line, COLS - x, a);
	status_free(&st);
}

/* Append the items of a two-space separated list while they fit in
 * budget columns; returns the columns used. */
static int
keyline_add(struct strbuf *sb, const char *items, int budget)
{
	int used = 0;

	while (*items != '\0') {
		const char *end = strstr(items, "  ");
		size_t len = end != NULL ? (size_t)(end - items) : strlen(items);
		char *item = xstrndup(items, len);
		int tw = text_width(item) + (sb->len > 0 ? 2 : 0);

		if (used + tw > budget) {
			free(item);
			break;
		}
		if (sb->len > 0)
			strbuf_adds(sb, "  ");
		strbuf_adds(sb, item);
		used += tw;
		free(item);
		items += len;
		while (*items == ' ')
			items++;
	}
	return used;
}

/* The key line follows the focus: the focused pane's most useful keys
 * first, then "? help" (always shown), then the global keys, whole items
 * only, within the width. */
static void
keyline_draw(struct app *app, int y)
{
	const struct pane_ops *p = ui_panes[app->ui->focus];
	const char *help = _("? help");
	struct strbuf sb;
	int reserve = text_width(help) + 2, used = 0;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	if (p->keyline != NULL)
		used = keyline_add(&sb, _(p->keyline), COLS - 1 - reserve);
	used += keyline_add(&sb, help, COLS - 1 - used);
	keyline_add(&sb, _("Tab focus  : command  q quit"), COLS - 1 - used);
	ui_put(stdscr, y, 0, sb.buf, COLS, ui_attr(COLOR_ROLE_DIM));
	strbuf_free(&sb);
}

static void
draw_statusline(struct app *app)
{
	struct ui *ui = app->ui;
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (ui->prompt.active) {
		prompt_draw(app, y);
		return;
	}
	if (ui->msg != NULL && now_mono() < ui->msg_until) {
		enum color_role r = ui->msg_level == UI_MSG_ERROR ? COLOR_ROLE_CRIT :
		    ui->msg_level == UI_MSG_WARN ? COLOR_ROLE_WARN : COLOR_ROLE_OK;

		ui_put(stdscr, y, 0, ui->msg, COLS, ui_attr(r));
		return;
	}
	keyline_draw(app, y);
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
	draw_header(app);
	draw_statusline(app);
	wnoutrefresh(stdscr);
	for (int i = 0; i < FEATURE_COUNT; i++)
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

	if (signo == SIGWINCH) {
		struct winsize ws;

		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
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

	if (i < 0 || i >= FEATURE_COUNT)
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

static void
help_open(struct app *app)
{
	ui_text_overlay(app, _("Help"), command_help_text(app));
}

/* Keys added by other layers: those of the focused pane first, then the
 * ones that work anywhere, in the order they were added. */
static bool
key_hooks(struct app *app, int key)
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
	p = ui_panes[ui->focus];
	if (p->key != NULL && p->key(app, app->feature_data[ui->focus], ui->view[ui->focus],
	    key) == KEY_HANDLED) {
		app_dirty(app);
		return;
	}
	if (key_hooks(app, key)) {
		app_dirty(app);
		return;
	}
	switch (key) {
	case 'q':
		app->quit = true;
		break;
	case '?':
		help_open(app);
		break;
	case '\t':
		focus_set(app, (ui->focus + 1) % FEATURE_COUNT);
		break;
	case KEY_BTAB:
		focus_set(app, (ui->focus + FEATURE_COUNT - 1) % FEATURE_COUNT);
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
		pane_global_key(app, key);
		break;
	}
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
		focus_set(app, (app->ui->focus + 1) % FEATURE_COUNT);
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
	ui->focus = FEATURE_HEALTH;
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

		if (app->model.dirty || ui->need_layout)
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
