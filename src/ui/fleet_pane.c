/* The sites screen: one row per site of the fleet (verdict, services up
 * of all, critical and warning alerts, readiness, data age, the newest
 * change or what fails), worst first, then by name.  Enter opens the
 * site in the console (its data is already there), H comes back here,
 * / filters by name.  Every site polls on the one loop all the time. */
#include "ceres/core/app.h"
#include "ceres/core/fleet.h"
#include "ceres/render/render.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ui_internal.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *const fleet_help[] = {
	"j k ↑ ↓", N_("move the selection"),
	"Enter", N_("open the site in the console (H comes back)"),
	"/", N_("show only the sites whose name contains a text"),
	"Esc", N_("show every site again"),
	"r", N_("poll every site now"),
	":site NAME", N_("open a site"),
	NULL,
};

void
ui_fleet_set(struct app *app, struct fleet *f, bool show)
{
	struct ui *ui = app->ui;

	if (ui == NULL)
		return;
	ui->fleet = f;
	ui->fleet_on = f != NULL && show;
	free(ui->fleet_cache);
	ui->fleet_cache = NULL;
	ui->fleet_ncache = 0;
	ui->need_layout = true;
	app_dirty(app);
}

static bool
name_matches(const char *name, const char *filter)
{
	size_t n = filter != NULL ? strlen(filter) : 0;

	if (n == 0)
		return true;
	for (const char *p = name; *p != '\0'; p++)
		if (strncasecmp(p, filter, n) == 0)
			return true;
	return false;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct fleet_row *x = a, *y = b;
	int rx = render_fleet_rank(x->code), ry = render_fleet_rank(y->code);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

/* A site's row is made again (its verdict, counts and readiness: every
 * feature asked) when the site changed, at most twice a second, and at
 * least every FLEET_ROW_REMAKE seconds for what time alone changes; its
 * data age is brought up to date once a second.  A key or a repaint
 * between uses the rows as they are (50 sites with 200 alerts each are
 * not counted again per key). */
#define FLEET_ROW_REMAKE	5.0

static void
cache_refresh(struct ui *ui)
{
	struct fleet *f = ui->fleet;
	double now = now_mono(), age = now - ui->fleet_cache_at;
	bool fresh, all;

	if (ui->fleet_cache != NULL && ui->fleet_ncache == f->n && ui->fleet_cache_at > 0 &&
	    age < 1.0 && (!ui->fleet_stale || age < 0.5))
		return;
	fresh = ui->fleet_cache == NULL || ui->fleet_ncache != f->n;
	all = fresh || ui->fleet_cache_at <= 0;
	if (fresh) {
		free(ui->fleet_cache);
		ui->fleet_cache = xcalloc(f->n > 0 ? f->n : 1, sizeof *ui->fleet_cache);
		ui->fleet_ncache = f->n;
	}
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_slot *sl = &ui->fleet_cache[i];
		struct app *a = f->site[i];

		if (all || sl->changed || now - sl->made_at >= FLEET_ROW_REMAKE) {
			render_fleet_row(a, &sl->row);
			sl->changed = false;
			sl->made_at = now;
		} else {
			const struct source *stale;

			sl->row.age = sources_vital_age(a->sources, a->nsources, &stale);
		}
	}
	ui->fleet_cache_at = now;
	ui->fleet_stale = false;
}

/* The rows shown: filtered, worst first.  The caller frees *rows. */
static size_t
fleet_rows(struct app *app, struct fleet_row **rows)
{
	struct ui *ui = app->ui;
	size_t n = 0;

	cache_refresh(ui);
	*rows = xcalloc(ui->fleet_ncache > 0 ? ui->fleet_ncache : 1, sizeof **rows);
	for (size_t i = 0; i < ui->fleet_ncache; i++)
		if (name_matches(ui->fleet_cache[i].row.name, ui->fleet_filter))
			(*rows)[n++] = ui->fleet_cache[i].row;
	qsort(*rows, n, sizeof **rows, row_cmp);
	return n;
}

static size_t
selected(const struct ui *ui, const struct fleet_row *rows, size_t n)
{
	for (size_t i = 0; ui->fleet_sel != NULL && i < n; i++)
		if (strcmp(rows[i].name, ui->fleet_sel) == 0)
			return i;
	return 0;
}

static void
select_name(struct ui *ui, const char *name)
{
	free(ui->fleet_sel);
	ui->fleet_sel = name != NULL ? xstrdup(name) : NULL;
}

static const char *const words[] = { N_("OK"), N_("WARNING"), N_("CRITICAL"), N_("UNKNOWN") };

static enum color_role
code_role(enum status_code c)
{
	return c == STATUS_OK ? COLOR_ROLE_OK : c == STATUS_WARNING ? COLOR_ROLE_WARN :
	    c == STATUS_CRITICAL ? COLOR_ROLE_CRIT : COLOR_ROLE_UNKNOWN;
}

static void
draw_header(struct app *app, const struct fleet_row *rows, size_t n, size_t total)
{
	struct ui *ui = app->ui;
	enum status_code worst = STATUS_OK;
	size_t count[4] = { 0 };
	char clock[16], line[256];
	time_t t = time(NULL);
	struct tm tm;
	attr_t a = ui_attr(COLOR_ROLE_HEADER);
	int x;

	for (size_t i = 0; i < n; i++) {
		count[rows[i].code & 3]++;
		if (render_fleet_rank(rows[i].code) < render_fleet_rank(worst))
			worst = rows[i].code;
	}
	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	wattr_on(stdscr, a, NULL);
	mvhline(0, 0, ' ', COLS);
	wattr_off(stdscr, a, NULL);
	x = ui_put(stdscr, 0, 0, _(" ceres-top │ fleet │ "), COLS, a | A_BOLD);
	x += ui_put(stdscr, 0, x, _(words[worst & 3]), COLS - x, ui_attr_block(code_role(worst)) | A_BOLD);
	snprintf(line, sizeof line, _(" │ sites %zu/%zu: %zu critical, %zu warning, %zu unknown │ %s%s%s"),
	    n, total, count[STATUS_CRITICAL], count[STATUS_WARNING], count[STATUS_UNKNOWN], clock,
	    ui->fleet_filter != NULL ? " │ /" : "", ui->fleet_filter != NULL ? ui->fleet_filter : "");
	ui_put(stdscr, 0, x, line, COLS - x, a);
}

/* Column widths for the screen width: the name column takes what the
 * longest name needs (at most 24); figures that do not fit are left
 * out, the last column (change or problem) takes the rest. */
struct cols {
	int name, state, ready, age;
};

static void
layout_cols(const struct fleet_row *rows, size_t n, struct cols *c)
{
	c->name = text_width(_("SITE"));
	for (size_t i = 0; i < n; i++) {
		int w = text_width(rows[i].name);

		if (w > c->name)
			c->name = w;
	}
	if (c->name > 24)
		c->name = 24;
	if (c->name > COLS / 4 && COLS < 90)
		c->name = COLS / 4;
	c->state = text_width(_("STATE"));
	for (int i = 0; i < 4; i++)
		if (text_width(_(words[i])) > c->state)
			c->state = text_width(_(words[i]));
	c->ready = COLS >= 70 ? 6 : 0;
	c->age = text_width(_("AGE")) > 6 ? text_width(_("AGE")) : 6;
}

/* One line: the cells, each clipped and padded to its width. */
static int
cell(int y, int x, const char *s, int w, attr_t attr, bool right)
{
	int tw = text_width(s);

	if (w <= 0 || x >= COLS)
		return x;
	if (right && tw < w)
		ui_put(stdscr, y, x + w - tw, s, tw, attr);
	else
		ui_put(stdscr, y, x, s, w, attr);
	return x + w + 1;
}

static void
draw_row(int y, const struct fleet_row *r, const struct cols *c, bool sel)
{
	attr_t base = sel ? ui_attr(COLOR_ROLE_SELECTION) | A_REVERSE : ui_attr(COLOR_ROLE_NORMAL);
	char svc[32], crit[24], warn[24], rd[24], age[16];
	int x = 0;

	if (sel) {
		wattr_on(stdscr, base, NULL);
		mvhline(y, 0, ' ', COLS);
		wattr_off(stdscr, base, NULL);
	}
	snprintf(svc, sizeof svc, r->up >= 0 ? "%ld/%ld" : "-", r->up, r->total);
	snprintf(crit, sizeof crit, r->crit >= 0 ? "%ld" : "-", r->crit);
	snprintf(warn, sizeof warn, r->warn >= 0 ? "%ld" : "-", r->warn);
	snprintf(rd, sizeof rd, r->readiness >= 0 ? "%ld%%" : "-", r->readiness);
	if (r->age >= 0)
		fmt_age(r->age, age, sizeof age);
	else
		snprintf(age, sizeof age, "-");
	x = cell(y, x, sel ? ">" : " ", 1, base, false);
	x = cell(y, x, r->name, c->name, base | A_BOLD, false);
	x = cell(y, x, _(words[r->code & 3]), c->state, sel ? base : ui_attr(code_role(r->code)), false);
	x = cell(y, x, svc, 7, base, true);
	x = cell(y, x, crit, 4, r->crit > 0 && !sel ? ui_attr(COLOR_ROLE_CRIT) : base, true);
	x = cell(y, x, warn, 4, r->warn > 0 && !sel ? ui_attr(COLOR_ROLE_WARN) : base, true);
	x = cell(y, x, rd, c->ready, base, true);
	x = cell(y, x, age, c->age, base, true);
	if (x < COLS) {
		bool failing = r->problem[0] != '\0' && !r->answered;
		char last[200], when[16];

		if (!failing && r->change[0] != '\0' && r->change_time > 0) {
			/* The newest change, with how long ago. */
			fmt_age(now_wall() - r->change_time, when, sizeof when);
			snprintf(last, sizeof last, "%s %s", when, r->change);
		} else
			snprintf(last, sizeof last, "%s", failing || r->change[0] == '\0' ?
			    r->problem : r->change);
		ui_put(stdscr, y, x, last, COLS - x, failing && !sel ?
		    ui_attr(COLOR_ROLE_UNKNOWN) : base);
	}
}

static void
draw_titles(int y, const struct cols *c)
{
	attr_t a = ui_attr(COLOR_ROLE_TITLE) | A_BOLD;
	int x = 2;

	x = cell(y, x, _("SITE"), c->name, a, false);
	x = cell(y, x, _("STATE"), c->state, a, false);
	x = cell(y, x, _("UP/ALL"), 7, a, true);
	x = cell(y, x, _("CRIT"), 4, a, true);
	x = cell(y, x, _("WARN"), 4, a, true);
	x = cell(y, x, _("READY"), c->ready, a, true);
	x = cell(y, x, _("AGE"), c->age, a, true);
	if (x < COLS)
		ui_put(stdscr, y, x, _("NEWEST CHANGE / PROBLEM"), COLS - x, a);
}

static void
draw_keyline(struct app *app)
{
	struct ui *ui = app->ui;

	if (ui->prompt.active || (ui->msg != NULL && now_mono() < ui->msg_until)) {
		ui_draw_statusline(app);
		return;
	}
	ui_put(stdscr, LINES - 1, 0, _("Enter open  / filter  Esc clear filter  r refresh  : command  ? help  q quit"),
	    COLS, ui_attr(COLOR_ROLE_DIM));
}

void
fleet_draw(struct app *app)
{
	struct ui *ui = app->ui;
	struct fleet_row *rows;
	size_t n = fleet_rows(app, &rows), sel = selected(ui, rows, n), page, top = 0;
	struct cols c;

	draw_header(app, rows, n, ui->fleet->n);
	layout_cols(rows, n, &c);
	page = LINES > 4 ? (size_t)(LINES - 4) : 1;
	if (sel >= page)
		top = sel - page + 1;
	if (LINES > 3)
		draw_titles(2, &c);
	for (size_t i = top; i < n && (int)(i - top) + 3 < LINES - 1; i++)
		draw_row(3 + (int)(i - top), &rows[i], &c, i == sel);
	if (n == 0 && LINES > 4)
		ui_put(stdscr, 3, 2, _("(no site matches the filter)"), COLS - 2, ui_attr(COLOR_ROLE_DIM));
	draw_keyline(app);
	free(rows);
}

/* Some site changed since the last look: redraw, at most twice a
 * second. */
bool
fleet_dirty(struct app *app)
{
	struct ui *ui = app->ui;
	struct fleet *f = ui->fleet;

	for (size_t i = 0; i < f->n; i++) {
		if (f->site[i]->model.dirty) {
			ui->fleet_stale = true;
			if (ui->fleet_cache != NULL && i < ui->fleet_ncache)
				ui->fleet_cache[i].changed = true;
			else
				ui->fleet_cache_at = 0;	/* no rows yet: all of them */
		}
		f->site[i]->model.dirty = false;
	}
	return ui->fleet_stale && now_mono() - ui->fleet_cache_at >= 0.5;
}

static void
filter_done(struct app *app, const char *answer, void *arg)
{
	struct ui *ui = app->ui;

	(void)arg;
	free(ui->fleet_filter);
	ui->fleet_filter = answer != NULL && *answer != '\0' ? xstrdup(answer) : NULL;
	app_dirty(app);
}

static void
open_site(struct app *app, const char *name)
{
	char *line = xasprintf("site %s", name);

	command_run(app, line, NULL);
	free(line);
	app->ui->fleet_cache_at = 0;
}

/* The keys of the sites screen; false for those it leaves to the
 * console (q, ?, :). */
bool
fleet_key(struct app *app, int key)
{
	struct ui *ui = app->ui;
	struct fleet_row *rows;
	size_t n = fleet_rows(app, &rows), sel = selected(ui, rows, n);
	bool handled = true;

	if (ui_list_move(key, &sel, n, LINES > 4 ? (size_t)(LINES - 4) : 1)) {
		if (n > 0)
			select_name(ui, rows[sel].name);
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		if (n > 0) {
			select_name(ui, rows[sel].name);
			open_site(app, rows[sel].name);
		}
	} else if (key == '/') {
		ui_prompt(app, "/", ui->fleet_filter != NULL ? ui->fleet_filter : "", filter_done, NULL);
	} else if (key == 27) {
		filter_done(app, NULL, NULL);
	} else if (key == 'r') {
		for (size_t i = 0; i < ui->fleet->n; i++)
			for (size_t j = 0; j < ui->fleet->site[i]->nsources; j++)
				source_poll_now(ui->fleet->site[i]->sources[j]);
		ui->fleet_cache_at = 0;
		ui_message(app, UI_MSG_INFO, "%s", _("refreshing"));
	} else
		handled = key != 'q' && key != '?' && key != ':' && key != KEY_RESIZE;
	free(rows);
	return handled;
}
