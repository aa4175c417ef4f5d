/* The health pane: every service worst first, with state, latency, a
 * latency sparkline and the detail line; Enter shows everything known
 * about the selected row. */
#include "ceres/core/app.h"
#include "ceres/model/services.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const health_help[] = {
	"j k ↑ ↓", N_("select a service"),
	"Enter", N_("details of the selected service"),
	"r", N_("poll every source now"),
	NULL,
};

static enum color_role
state_role(enum svc_state s)
{
	switch (s) {
	case SVC_UP: return COLOR_ROLE_OK;
	case SVC_DEGRADED: return COLOR_ROLE_WARN;
	case SVC_DOWN: return COLOR_ROLE_CRIT;
	default: return COLOR_ROLE_UNKNOWN;
	}
}

static const char *
state_label(enum svc_state s)
{
	switch (s) {
	case SVC_UP: return _("up");
	case SVC_DEGRADED: return _("degraded");
	case SVC_DOWN: return _("down");
	default: return _("unknown");
	}
}

/* The state column fits the longest state word of the language in use
 * ("недоступен" is wider than "down"), so every row's columns line up. */
static int
state_width(void)
{
	static const enum svc_state all[] = { SVC_UP, SVC_DEGRADED, SVC_DOWN, SVC_UNKNOWN };
	int w = 7;

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (text_width(state_label(all[i])) > w)
			w = text_width(state_label(all[i]));
	return w > 14 ? 14 : w;
}

/* Eight-level block sparkline of the latency history, scaled to its max. */
static void
sparkline(const struct service *sv, char *buf, size_t n, int width)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	double max = 0;
	int start = sv->nspark > width ? sv->nspark - width : 0;
	size_t off = 0;

	buf[0] = '\0';
	for (int i = start; i < sv->nspark; i++)
		if (sv->spark[i] > max)
			max = sv->spark[i];
	for (int i = start; i < sv->nspark && off + 4 < n; i++) {
		int lvl = max > 0 ? (int)(sv->spark[i] / max * 7.0 + 0.5) : 0;

		off += (size_t)snprintf(buf + off, n - off, "%s", blocks[lvl < 0 ? 0 : lvl > 7 ? 7 : lvl]);
	}
}

/* A row under a parent ("prometheus target node x") drops the parent's
 * name: the indentation already says whose it is. */
static const char *
display_name(const struct service *sv)
{
	size_t n;

	if (sv->parent == NULL)
		return sv->name;
	n = strlen(sv->parent);
	if (strncmp(sv->name, sv->parent, n) == 0 && (sv->name[n] == ' ' || sv->name[n] == ':')) {
		const char *p = sv->name + n + 1;

		while (*p == ' ')
			p++;
		return p;
	}
	return sv->name;
}

/* The pane's view: the selection follows its row when the order changes. */
struct health_view {
	size_t	 sel;
	size_t	 top;
	char	*sel_name;
};

static void *
health_view_new(struct app *app, void *data)
{
	(void)app;
	(void)data;
	return xcalloc(1, sizeof(struct health_view));
}

static void
health_view_free(void *view)
{
	struct health_view *v = view;

	if (v == NULL)
		return;
	free(v->sel_name);
	free(v);
}

static void
fix_selection(struct health_view *v, struct service **list, size_t n)
{
	if (v->sel_name != NULL) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(list[i]->name, v->sel_name) == 0) {
				v->sel = i;
				return;
			}
		}
	}
	if (v->sel >= n)
		v->sel = n > 0 ? n - 1 : 0;
}

/* The source a row comes from (its own, or its parent's). */
static struct source *
row_source(struct app *app, const struct service *sv)
{
	const char *name = sv->parent != NULL ? sv->parent : sv->name;

	for (size_t i = 0; i < app->nsources; i++)
		if (strcmp(app->sources[i]->name, name) == 0)
			return app->sources[i];
	return NULL;
}

/* The age of a row's last good data: its source's, not the time of the
 * last failed retry (which rewrites the row). */
static double
row_age(struct app *app, const struct service *sv)
{
	struct source *src = row_source(app, sv);
	double age = src != NULL ? source_data_age(src) : -1;

	if (age >= 0)
		return age;
	return sv->updated > 0 ? now_wall() - sv->updated : 0;
}

/* Fit the scroll to the rows (after a resize or a shorter list no empty
 * rows under a scrolled list), keep the selection in view, and pin the
 * down rows that are scrolled off above to the top of the pane: the worst
 * is always on screen.  Returns how many rows are pinned; the scrolled
 * part shows list[top ...] in the h - pinned rows under them. */
static size_t
fit_view(struct health_view *v, struct service **list, size_t n, int h)
{
	size_t nbad = 0, pin = 0, rows;

	if (h <= 0)
		return 0;
	while (nbad < n && list[nbad]->state == SVC_DOWN)
		nbad++;
	for (int pass = 0; pass < 3; pass++) {
		pin = v->top < nbad ? v->top : nbad;
		if (pin > (size_t)h - 1)
			pin = (size_t)h - 1;
		rows = (size_t)h - pin;
		if (v->top + rows > n)
			v->top = n > rows ? n - rows : 0;
		if (v->sel >= pin && v->sel < v->top)
			v->top = v->sel;
		if (v->sel >= v->top + rows)
			v->top = v->sel - rows + 1;
	}
	pin = v->top < nbad ? v->top : nbad;
	return pin > (size_t)h - 1 ? (size_t)h - 1 : pin;
}

/* A name too wide for its column: when it ends in ":PORT" (an HA peer,
 * "alertmanager 127.0.0.1:9093"), the host part is shortened first so
 * that the port stays visible: "alertmanager 127.0…:9093". */
static const char *
fit_name(const char *name, int width, char *buf, size_t n)
{
	const char *colon = strrchr(name, ':');
	size_t len = strlen(name), tail;

	if (width <= 0 || text_width(name) <= width || colon == NULL || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return name;
	for (const char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return name;	/* plain ASCII names only */
	tail = len - (size_t)(colon - name);
	if ((size_t)width < tail + 4 || (size_t)width >= n)
		return name;
	/* head + "…" (one column) + ":PORT" */
	snprintf(buf, n, "%.*s%s%s", (int)((size_t)width - tail - 1), name,
	    MB_CUR_MAX > 1 ? "…" : "~", colon);
	return buf;
}

struct row_geom {
	int	 w, namew, sparkw, statew;
};

static void
draw_row(struct app *app, WINDOW *win, int row, struct service *sv, bool sel,
    const struct row_geom *g)
{
	attr_t base = sel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;
	char lat[16], spark[128];
	int x, indent = sv->parent != NULL ? 2 : 0, w = g->w;

	if (sel) {
		wattr_on(win, base, NULL);
		mvwhline(win, row, 0, ' ', w);
		wattr_off(win, base, NULL);
	}
	ui_put(win, row, 0, state_label(sv->state), g->statew,
	    sel ? base : ui_attr(state_role(sv->state)));
	{
		char fit[256];

		ui_put(win, row, g->statew + 1 + indent, fit_name(display_name(sv), g->namew - indent,
		    fit, sizeof fit), g->namew - indent, base);
	}
	x = g->statew + 1 + g->namew + 1;
	if (sv->latency_ms >= 0)
		snprintf(lat, sizeof lat, "%5.0fms", sv->latency_ms);
	else
		snprintf(lat, sizeof lat, "%7s", "-");
	x += ui_put(win, row, x, lat, 7, base) + 1;
	if (g->sparkw > 0) {
		sparkline(sv, spark, sizeof spark, g->sparkw);
		ui_put(win, row, x, spark, g->sparkw, sel ? base : ui_attr(COLOR_ROLE_SPARKLINE));
		x += g->sparkw + 1;
	}
	if (x < w) {
		double age = row_age(app, sv);

		/* A row without good data for three polls says so: its
		 * state is what was last seen, not what is. */
		if (age > 3 * app->interval + app->timeout) {
			char stale[64], agebuf[16];

			snprintf(stale, sizeof stale, _("stale %s: "), fmt_age(age, agebuf, sizeof agebuf));
			x += ui_put(win, row, x, stale, w - x, sel ? base : ui_attr(COLOR_ROLE_WARN));
		}
		if (x < w)
			ui_put(win, row, x, sv->detail, w - x, sel ? base : ui_attr(COLOR_ROLE_DIM));
	}
}

/* A scroll mark with the count of hidden rows, right-aligned on a row. */
static void
scroll_mark(WINDOW *win, int row, int w, bool up, size_t count)
{
	char buf[64];
	int tw;

	if (count == 0 || row < 0)
		return;
	if (up)
		snprintf(buf, sizeof buf, _(" %s %zu more above "), MB_CUR_MAX > 1 ? "▲" : "^", count);
	else
		snprintf(buf, sizeof buf, _(" %s %zu more below "), MB_CUR_MAX > 1 ? "▼" : "v", count);
	tw = text_width(buf);
	if (tw < w)
		ui_put(win, row, w - tw, buf, tw, ui_attr(COLOR_ROLE_HEADER) | A_BOLD);
}

static void
health_draw(struct app *app, void *data, void *view, WINDOW *win, bool focused)
{
	struct health_view *v = view;
	size_t n, pin, rows, below;
	struct service **list;
	int h = getmaxy(win);
	struct row_geom g = { .w = getmaxx(win), .statew = state_width() };

	(void)data;
	if (v == NULL)
		return;
	list = model_services_sorted(&app->model, &n);
	fix_selection(v, list, n);
	if (n == 0) {
		ui_put(win, 0, 0, _("no services configured"), g.w, ui_attr(COLOR_ROLE_DIM));
		free(list);
		return;
	}
	pin = fit_view(v, list, n, h);
	rows = h > 0 ? (size_t)h - pin : 0;
	/* The name column fits the longest shown name, within reason. */
	g.namew = 8;
	for (size_t i = 0; i < n; i++) {
		int tw = text_width(display_name(list[i])) + (list[i]->parent != NULL ? 2 : 0);

		if (tw > g.namew)
			g.namew = tw;
	}
	if (g.namew > g.w * 2 / 5)
		g.namew = g.w * 2 / 5;
	g.sparkw = g.w >= 110 ? 12 : g.w >= 90 ? 8 : 0;
	for (size_t r = 0; r < pin; r++)
		draw_row(app, win, (int)r, list[r], focused && r == v->sel, &g);
	for (size_t r = 0; r < rows && v->top + r < n; r++)
		draw_row(app, win, (int)(pin + r), list[v->top + r], focused && v->top + r == v->sel, &g);
	below = v->top + rows < n ? n - v->top - rows : 0;
	scroll_mark(win, (int)pin, g.w, true, v->top - pin);
	scroll_mark(win, h - 1, g.w, false, below);
	free(list);
}

static void
health_details(struct app *app, struct service *sv)
{
	struct source *src = row_source(app, sv);

	struct strbuf sb;
	char ts[40];

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s: %s\n", _("Service"), sv->name);
	strbuf_addf(&sb, "%s: %s\n", _("Kind"), sv->kind);
	strbuf_addf(&sb, "%s: %s\n", _("State"), state_label(sv->state));
	if (sv->latency_ms >= 0)
		strbuf_addf(&sb, "%s: %.1f ms\n", _("Latency"), sv->latency_ms);
	strbuf_addf(&sb, "%s: %s\n", _("Detail"), sv->detail);
	if (sv->updated > 0)
		strbuf_addf(&sb, "%s: %s\n", _("Updated"), fmt_rfc3339(sv->updated, ts, sizeof ts));
	if (src != NULL) {
		char age[16];

		strbuf_addf(&sb, "\n%s: %s\n", _("Source"), src->name);
		strbuf_addf(&sb, "  %s: %.0fs, %s: %.0fs\n", _("interval"), src->interval,
		    _("timeout"), src->timeout);
		strbuf_addf(&sb, "  %s: %s\n", _("last error"), src->error != NULL ? src->error : "-");
		strbuf_addf(&sb, "  %s: %u, %s: %d\n", _("rounds"), src->rounds,
		    _("consecutive failures"), src->failures);
		if (source_data_age(src) >= 0)
			strbuf_addf(&sb, "  %s: %s\n", _("data age"), fmt_age(source_data_age(src), age, sizeof age));
	}
	if (sv->facts != NULL && sv->facts[0] != '\0')
		strbuf_addf(&sb, "\n%s:\n%s", _("Facts"), sv->facts);
	if (sv->info != NULL)
		strbuf_addf(&sb, "\n%s\n", sv->info);
	ui_text_overlay(app, sv->name, strbuf_detach(&sb));
}

static int
health_key(struct app *app, void *data, void *view, int key)
{
	struct health_view *v = view;
	size_t n;
	struct service **list;
	int rc = KEY_HANDLED;

	if (v == NULL)
		return KEY_UNHANDLED;
	list = model_services_sorted(&app->model, &n);
	fix_selection(v, list, n);
	switch (key) {
	case 'j': case 'k': case 'g': case 'G': case KEY_DOWN: case KEY_UP:
	case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
		ui_list_move(key, &v->sel, n, 10);
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (v->sel < n)
			health_details(app, list[v->sel]);
		break;
	default:
		rc = KEY_UNHANDLED;
		break;
	}
	if (v->sel < n)
		str_set(&v->sel_name, list[v->sel]->name);
	free(list);
	return rc;
}

const struct pane_ops health_pane = {
	.name = "health",
	.title = N_("Health"),
	.view_new = health_view_new,
	.view_free = health_view_free,
	.draw = health_draw,
	.key = health_key,
	.help = health_help,
	.keyline = N_("Enter details  j k select  r refresh  z zoom"),
};
