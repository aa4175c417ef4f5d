/* The readiness pane: the total score, a bar per category, and the checks
 * of the selected category with their status and evidence.  Enter shows
 * the check's runbook page (paths_data_dir(PATHS_RUNBOOKS): installed in
 * PKGDATADIR/runbooks, doc/runbooks of the source tree of an uninstalled
 * build, or $CERES_TOP_DATADIR/runbooks; never the current directory). */
#include "ceres/core/app.h"
#include "ceres/core/paths.h"
#include "ceres/util/file.h"
#include "ceres/util/i18n.h"
#include "ceres/features/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNBOOK_MAX	(256u << 10)

static const char *const readiness_help[] = {
	"h l ← → [ ]", N_("previous / next category"),
	"j k ↑ ↓", N_("select a check"),
	"Enter", N_("runbook of the selected check: what it means, how to fix it, how to verify"),
	"m", N_("the master plan: phases, the score when each is done, the next step"),
	"n", N_("runbook of the next step of the plan"),
	"r", N_("poll every source now (the score follows)"),
	NULL,
};

/* The pane's view: the selected category, the selection in each, and
 * the first row shown. */
struct readiness_view {
	int	 cat;
	size_t	 sel[RD_NCATEGORIES];
	size_t	 top;
	bool	 plan;		/* the plan instead of the checks */
};

static void *
readiness_view_new(struct app *app, void *data)
{
	(void)app;
	(void)data;
	return xcalloc(1, sizeof(struct readiness_view));
}

static enum color_role
status_role(enum rd_status s)
{
	return s == RD_PASS ? COLOR_ROLE_OK : s == RD_FAIL ? COLOR_ROLE_CRIT : COLOR_ROLE_UNKNOWN;
}

static const char *
status_mark(enum rd_status s)
{
	return s == RD_PASS ? "[x]" : s == RD_FAIL ? "[ ]" : "[?]";
}

static const char *
status_word(enum rd_status s)
{
	return s == RD_PASS ? _("pass") : s == RD_FAIL ? _("fail") : _("unknown");
}

static int
percent(int score, int max)
{
	return max > 0 ? (score * 200 + max) / (max * 2) : 0;
}

/* [██████░░░░] scaled to width cells. */
static void
bar(WINDOW *win, int y, int x, int width, int score, int max, bool any)
{
	int full = max > 0 ? (score * width + max / 2) / max : 0;
	enum color_role role = !any ? COLOR_ROLE_UNKNOWN : percent(score, max) >= 80 ? COLOR_ROLE_OK :
	    percent(score, max) >= 50 ? COLOR_ROLE_WARN : COLOR_ROLE_CRIT;
	struct strbuf on, off;

	strbuf_init(&on);
	strbuf_init(&off);
	strbuf_add(&on, "", 0);
	strbuf_add(&off, "", 0);
	for (int i = 0; i < width; i++)
		strbuf_adds(i < full ? &on : &off, i < full ? "█" : "░");
	ui_put(win, y, x, on.buf, full, ui_attr(role));
	ui_put(win, y, x + full, off.buf, width - full, ui_attr(COLOR_ROLE_DIM));
	strbuf_free(&on);
	strbuf_free(&off);
}

#define SPARK_POINTS	24

/* The category's last points as ▁▂▃▄▅▆▇█ (a space where nothing was
 * decided), then its change since 7 and 30 days: "▃▄▅ 7d +5 30d +12". */
static void
draw_history(const struct rd_history *h, int cat, WINDOW *win, int y, int x, int w, attr_t a)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	struct strbuf sb;
	size_t npts = h->n < SPARK_POINTS ? h->n : SPARK_POINTS;
	char tail[64];
	int d, cells = 0;

	if (h->n == 0 || x + 4 >= w)
		return;
	strbuf_init(&sb);
	strbuf_adds(&sb, "  ");
	for (size_t i = h->n - npts; i < h->n; i++, cells++) {
		int p = h->p[i].pct[cat];

		strbuf_adds(&sb, p < 0 ? " " : blocks[p * 7 / 100]);
	}
	tail[0] = '\0';
	if (rd_history_change(h, cat, 7, &d))
		snprintf(tail, sizeof tail, _(" 7d %+d"), d);
	if (rd_history_change(h, cat, 30, &d))
		snprintf(tail + strlen(tail), sizeof tail - strlen(tail), _(" 30d %+d"), d);
	strbuf_adds(&sb, tail);
	ui_put(win, y, x, sb.buf, w - x, a);
	strbuf_free(&sb);
}

static void
draw_categories(struct readiness *r, const struct readiness_view *v, WINDOW *win, int y, int w,
    bool focused)
{
	int namew = 15, barw = w >= 90 ? 30 : w >= 60 ? 16 : 8;

	for (int c = 0; c < RD_NCATEGORIES; c++) {
		const struct rd_cat_score *cs = &r->score.cat[c];
		bool sel = c == v->cat;
		attr_t a = sel && focused ? ui_attr(COLOR_ROLE_SELECTION) : sel ? A_BOLD : A_NORMAL;
		char nums[64];
		int x = 0;

		if (sel && focused) {
			wattr_on(win, a, NULL);
			mvwhline(win, y + c, 0, ' ', w);
			wattr_off(win, a, NULL);
		}
		x += ui_put(win, y + c, x, sel ? "▸ " : "  ", 2, a);
		ui_put(win, y + c, x, _(rd_category_title((enum rd_category)c)), namew, a);
		x += namew;
		if (x + barw + 2 < w) {
			bar(win, y + c, x, barw, cs->score, cs->max, cs->max > 0);
			x += barw + 1;
		}
		if (cs->max > 0)
			snprintf(nums, sizeof nums, " %2d/%-2d %3d%%", cs->score, cs->max, percent(cs->score, cs->max));
		else
			snprintf(nums, sizeof nums, " %s", _("nothing decided"));
		x += ui_put(win, y + c, x, nums, w - x, a);
		/* The score is by weight; the checks are counted apart, as
		 * the list below shows them. */
		snprintf(nums, sizeof nums, _("  passed %d  failed %d"), cs->passed, cs->failed);
		x += ui_put(win, y + c, x, nums, w - x, a);
		if (cs->unknown > 0 && x < w) {
			snprintf(nums, sizeof nums, _("  %d unknown"), cs->unknown);
			x += ui_put(win, y + c, x, nums, w - x, sel && focused ? a : ui_attr(COLOR_ROLE_UNKNOWN));
		}
		draw_history(&r->hist, c, win, y + c, x, w, sel && focused ? a : ui_attr(COLOR_ROLE_DIM));
	}
}

static const char *
item_mark(const struct rd_plan_item *it, const struct rd_result *res, enum color_role *role)
{
	*role = COLOR_ROLE_UNKNOWN;
	if (it->check[0] == NULL)
		return "n/a";
	for (size_t c = 0; c < RD_PLAN_CHECKS && it->check[c] != NULL; c++) {
		const struct rd_check *ck = rd_check_find(it->check[c]);

		if (ck != NULL && res[ck - rd_checks].status != RD_PASS) {
			*role = COLOR_ROLE_CRIT;
			return "[ ]";
		}
	}
	*role = COLOR_ROLE_OK;
	return "[x]";
}

/* The plan: a line per phase, the next step, then every item of every
 * phase (n/a ones with their reason) as far as there is room. */
static void
draw_plan(const struct readiness *r, WINDOW *win, int y, int w, int h)
{
	const struct rd_plan_state *st = &r->plan;
	char line[256];

	for (int p = 0; p < RD_PLAN_PHASES && y < h; p++, y++) {
		const struct rd_plan_phase *ph = &st->phase[p];

		snprintf(line, sizeof line, _("%d %-18s items %d/%d  checks %d/%d  when done %d%% (assessment %d%%)"),
		    p + 1, _(rd_plan[p].title), ph->items_done, ph->items_done + ph->items_left,
		    ph->checks_done, ph->checks_done + ph->checks_left, ph->percent_when_done,
		    rd_plan[p].seed_target);
		ui_put(win, y, 0, line, w, p == st->next_phase ? A_BOLD : ph->done ? ui_attr(COLOR_ROLE_OK) : A_NORMAL);
	}
	if (y < h) {
		if (st->next >= 0)
			snprintf(line, sizeof line, _("Next step (n: runbook): %s (weight %d) %s"),
			    _(rd_checks[st->next].title), rd_checks[st->next].weight, r->res[st->next].evidence);
		else
			snprintf(line, sizeof line, "%s", _("Next step: none, every checkable item is done"));
		ui_put(win, y++, 0, line, w, ui_attr(COLOR_ROLE_HIGHLIGHT) | A_BOLD);
	}
	for (int p = 0; p < RD_PLAN_PHASES && y < h; p++)
		for (size_t k = 0; k < RD_PLAN_ITEMS && rd_plan[p].item[k].title != NULL && y < h; k++, y++) {
			const struct rd_plan_item *it = &rd_plan[p].item[k];
			enum color_role role;
			const char *m = item_mark(it, r->res, &role);
			int x = 0;

			snprintf(line, sizeof line, "%d ", p + 1);
			x += ui_put(win, y, x, line, w, ui_attr(COLOR_ROLE_DIM));
			x += ui_put(win, y, x, m, w - x, ui_attr(role) | A_BOLD) + 1;
			x += ui_put(win, y, x, _(it->title), w - x, A_NORMAL);
			if (it->na_reason != NULL && x + 3 < w) {
				snprintf(line, sizeof line, ": %s", _(it->na_reason));
				ui_put(win, y, x, line, w - x, ui_attr(COLOR_ROLE_DIM));
			}
		}
}

/* Below the checks: the category's items not checkable from here, with
 * the reason (shown, never counted, not selectable). */
static void
draw_na_items(enum rd_category cat, WINDOW *win, int y, int h, int w, int titlew)
{
	for (size_t i = 0; i < rd_nitem && y < h; i++) {
		const struct rd_item *it = &rd_items[i];
		int x = 0;

		if (it->category != cat || it->na_reason == NULL)
			continue;
		x += ui_put(win, y, x, "n/a", 3, ui_attr(COLOR_ROLE_DIM)) + 1;
		ui_put(win, y, x, _(it->title), titlew, ui_attr(COLOR_ROLE_DIM));
		x += titlew + 1;
		if (x < w)
			ui_put(win, y, x, _(it->na_reason), w - x, ui_attr(COLOR_ROLE_DIM));
		y++;
	}
}

static void
readiness_draw(struct app *app, void *data, void *view, WINDOW *win, bool focused)
{
	struct readiness *r = data;
	struct readiness_view *v = view;
	int h = getmaxy(win), w = getmaxx(win), y = 0, rows, titlew;
	size_t n, *sel;
	char line[160];

	if (r == NULL)
		return;
	readiness_update(app, r);
	n = readiness_count((enum rd_category)v->cat);
	sel = &v->sel[v->cat];
	if (*sel >= n)
		*sel = n > 0 ? n - 1 : 0;
	snprintf(line, sizeof line, _("Score %d/%d (%d%%) by weight   checks: passed %d  failed %d  unknown %d (not counted)"),
	    r->score.score, r->score.max, r->score.percent, r->score.passed, r->score.failed, r->score.unknown);
	draw_history(&r->hist, RD_NCATEGORIES, win, y, ui_put(win, y, 0, line, w, A_BOLD), w, A_BOLD);
	y++;
	if (h >= RD_NCATEGORIES + 5) {
		draw_categories(r, v, win, y, w, focused);
		y += RD_NCATEGORIES;
	} else {
		const struct rd_cat_score *cs = &r->score.cat[v->cat];

		snprintf(line, sizeof line, _("◂ %s %d/%d by weight, passed %d failed %d unknown %d ▸"),
		    _(rd_category_title((enum rd_category)v->cat)), cs->score, cs->max, cs->passed,
		    cs->failed, cs->unknown);
		ui_put(win, y++, 0, line, w, ui_attr(COLOR_ROLE_HIGHLIGHT));
	}
	if (y < h)
		mvwhline(win, y++, 0, ACS_HLINE, w);
	if (v->plan) {
		draw_plan(r, win, y, w, h);
		return;
	}
	rows = h - y;
	if (rows <= 0)
		return;
	if (*sel < v->top)
		v->top = *sel;
	if (*sel >= v->top + (size_t)rows)
		v->top = *sel - (size_t)rows + 1;
	/* After a resize the rows fill the pane (no empty rows below a
	 * list scrolled further than it needs). */
	if (v->top + (size_t)rows > n)
		v->top = n > (size_t)rows ? n - (size_t)rows : 0;
	/* As wide as the longest title of the category, leaving the evidence
	 * at least three fifths of the line. */
	titlew = 12;
	for (size_t k = 0; k < n; k++) {
		int tw = text_width(_(rd_checks[readiness_check_at((enum rd_category)v->cat, k)].title));

		if (tw > titlew)
			titlew = tw;
	}
	if (titlew > w * 2 / 5)
		titlew = w * 2 / 5 > 12 ? w * 2 / 5 : 12;
	for (int row = 0; row < rows && v->top + (size_t)row < n; row++) {
		size_t k = v->top + (size_t)row;
		int i = readiness_check_at((enum rd_category)v->cat, k);
		const struct rd_result *res = &r->res[i];
		bool isel = focused && k == *sel;
		attr_t base = isel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;
		int x = 0;

		if (isel) {
			wattr_on(win, base, NULL);
			mvwhline(win, y + row, 0, ' ', w);
			wattr_off(win, base, NULL);
		}
		x += ui_put(win, y + row, x, status_mark(res->status), 3, isel ? base :
		    ui_attr(status_role(res->status)) | A_BOLD) + 1;
		ui_put(win, y + row, x, _(rd_checks[i].title), titlew, base);
		x += titlew + 1;
		if (x < w)
			ui_put(win, y + row, x, res->evidence, w - x, isel ? base : ui_attr(COLOR_ROLE_DIM));
	}
	draw_na_items((enum rd_category)v->cat, win, y + (int)(n - v->top), h, w, titlew);
}

/* The page of a check in the data directory (paths_data_dir(): the
 * installed one, or $CERES_TOP_DATADIR), never the current directory. */
static char *
runbook_load(const char *id, char **where)
{
	char *dir = paths_data_dir(PATHS_RUNBOOKS), *text = NULL;
	const char *why;
	size_t len;

	*where = xasprintf("%s/%s.md", dir, id);
	free(dir);
	if (file_read_regular(*where, RUNBOOK_MAX, &text, &len, NULL, &why) != 0)
		return NULL;
	return text;
}

static void
show_runbook(struct app *app, int i, const struct rd_result *res)
{
	const struct rd_check *c = &rd_checks[i];
	struct strbuf sb;
	char *where, *text = runbook_load(c->id, &where);

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s\n", _(c->title));
	strbuf_addf(&sb, "%s: %s   %s: %s   %s: %d\n", _("Check"), c->id, _("Category"),
	    _(rd_category_title(c->category)), _("Weight"), c->weight);
	strbuf_addf(&sb, "%s: %s\n", _("Status"), status_word(res->status));
	strbuf_addf(&sb, "%s: %s\n\n", _("Evidence"), res->evidence);
	if (text != NULL) {
		strbuf_adds(&sb, text);
		strbuf_addf(&sb, "\n\n(%s)\n", where);
	} else {
		strbuf_addf(&sb, "%s: %s\n\n", _("Remedy"), _(c->remedy));
		strbuf_addf(&sb, _("No runbook page found (looked in %s).\n"), where);
	}
	free(text);
	free(where);
	ui_text_overlay(app, c->id, strbuf_detach(&sb));
}

static int
readiness_key(struct app *app, void *data, void *view, int key)
{
	struct readiness *r = data;
	struct readiness_view *v = view;
	size_t n, *sel;

	if (r == NULL)
		return KEY_UNHANDLED;
	n = readiness_count((enum rd_category)v->cat);
	sel = &v->sel[v->cat];
	switch (key) {
	case 'h': case KEY_LEFT: case '[':
		v->cat = (v->cat + RD_NCATEGORIES - 1) % RD_NCATEGORIES;
		v->top = 0;
		break;
	case 'm':	/* not p: that pauses the log tail from any pane */
		v->plan = !v->plan;
		break;
	case 'n':
		readiness_update(app, r);
		if (r->plan.next >= 0)
			show_runbook(app, r->plan.next, &r->res[r->plan.next]);
		break;
	case 'l': case KEY_RIGHT: case ']':
		v->cat = (v->cat + 1) % RD_NCATEGORIES;
		v->top = 0;
		break;
	case 'j': case 'k': case 'g': case 'G': case KEY_DOWN: case KEY_UP:
	case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
		ui_list_move(key, sel, n, 10);
		break;
	case '\r': case '\n': case KEY_ENTER: {
		int i = readiness_check_at((enum rd_category)v->cat, *sel);

		if (i >= 0) {
			readiness_update(app, r);
			show_runbook(app, i, &r->res[i]);
		}
		break;
	}
	default:
		return KEY_UNHANDLED;
	}
	app_dirty(app);
	return KEY_HANDLED;
}

const struct pane_ops readiness_pane = {
	.name = "readiness",
	.title = N_("Readiness"),
	.view_new = readiness_view_new,
	.view_free = free,
	.draw = readiness_draw,
	.key = readiness_key,
	.help = readiness_help,
	.keyline = N_("h l category  Enter runbook  r refresh"),
};
