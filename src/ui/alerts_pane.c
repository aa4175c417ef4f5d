/* The alerts pane: groups (alertname + severity, critical first) with
 * count, age of the oldest, state and summary; groups fold and unfold;
 * Enter on an alert opens its details.  The row list is rebuilt only when
 * the data or the folding changes, and only visible rows are drawn, so
 * 10,000 alerts cost the same per frame as ten. */
#include "ceres/features/alerts.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/panes.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"
#include "alerts_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Groups this small start unfolded. */
#define FOLD_ABOVE	5

static const char *const alerts_help[] = {
	"j k ↑ ↓", N_("select a group or an alert"),
	"Space", N_("fold or unfold the selected group"),
	"Enter", N_("unfold a group; details of an alert (i there: the incident view)"),
	"+ -", N_("unfold / fold every group"),
	"/ n N", N_("search alerts (name, labels, summary); next, previous"),
	"!", N_("from any pane: the newest new critical alert, selected (* marks new alerts)"),
	NULL,
};

struct alerts_row {
	uint32_t	group;
	int32_t		alert;		/* index into the set, -1 for the group line */
};

struct fold {
	char	*key;
	bool	 open;
};

struct alerts_view {
	struct alerts_area	*af;		/* the feature's data */
	unsigned		 gen;		/* generation the rows were built for */
	bool			 built;
	bool			 stale_rows;	/* folding changed */
	struct alerts_row	*rows;
	size_t			 nrows;
	size_t			*group_row;	/* row of each group header */
	size_t			 sel;
	size_t			 top;
	char			*sel_key;	/* group of the selection */
	char			*sel_fp;	/* alert of the selection, or NULL */
	struct fold		*folds;		/* explicit folding by the operator */
	size_t			 nfolds;
	char			*search;
	int			 height;
};

static void *
alerts_view_new(struct app *app, void *data)
{
	struct alerts_view *v = xcalloc(1, sizeof *v);

	(void)app;
	v->af = data;
	return v;
}

static void
alerts_view_free(void *view)
{
	struct alerts_view *v = view;

	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nfolds; i++)
		free(v->folds[i].key);
	free(v->folds);
	free(v->rows);
	free(v->group_row);
	free(v->sel_key);
	free(v->sel_fp);
	free(v->search);
	free(v);
}

static char *
group_key(const struct alert_group *g)
{
	return xasprintf("%s\x1f%s", g->severity, g->alertname);
}

static bool
group_open(const struct alerts_view *v, const struct alert_group *g)
{
	char *key = group_key(g);
	bool open = g->n <= FOLD_ABOVE;

	for (size_t i = 0; i < v->nfolds; i++) {
		if (strcmp(v->folds[i].key, key) == 0) {
			open = v->folds[i].open;
			break;
		}
	}
	free(key);
	return open;
}

static void
set_fold(struct alerts_view *v, const struct alert_group *g, bool open)
{
	char *key = group_key(g);

	v->stale_rows = true;
	for (size_t i = 0; i < v->nfolds; i++) {
		if (strcmp(v->folds[i].key, key) == 0) {
			v->folds[i].open = open;
			free(key);
			return;
		}
	}
	v->folds = xreallocarray(v->folds, v->nfolds + 1, sizeof *v->folds);
	v->folds[v->nfolds].key = key;
	v->folds[v->nfolds].open = open;
	v->nfolds++;
}

/* The group an alert index belongs to (groups are contiguous ranges). */
static size_t
group_of(const struct alert_set *set, size_t k)
{
	size_t lo = 0, hi = set->ngroups;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->groups[mid].first <= k)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
remember_selection(struct alerts_view *v, const struct alert_set *set)
{
	const struct alerts_row *r;

	if (v->sel >= v->nrows)
		return;
	r = &v->rows[v->sel];
	free(v->sel_key);
	v->sel_key = group_key(&set->groups[r->group]);
	str_set(&v->sel_fp, r->alert >= 0 ? set->alerts[r->alert].fingerprint : NULL);
}

/* Rebuild the rows after new data or a fold, keeping the selection on the
 * same alert (or its group, or the same position). */
static void
build_rows(struct alerts_view *v, const struct alerts *al)
{
	const struct alert_set *set = al->set;
	size_t n = 0;

	if (v->built && !v->stale_rows && v->gen == al->generation)
		return;
	v->built = true;
	v->stale_rows = false;
	v->gen = al->generation;
	free(v->rows);
	free(v->group_row);
	v->rows = NULL;
	v->group_row = NULL;
	v->nrows = 0;
	if (set == NULL || set->ngroups == 0)
		return;
	v->group_row = xcalloc(set->ngroups, sizeof *v->group_row);
	for (size_t g = 0; g < set->ngroups; g++)
		n += 1 + (group_open(v, &set->groups[g]) ? set->groups[g].n : 0);
	v->rows = xcalloc(n, sizeof *v->rows);
	for (size_t g = 0; g < set->ngroups; g++) {
		const struct alert_group *gr = &set->groups[g];

		v->group_row[g] = v->nrows;
		v->rows[v->nrows].group = (uint32_t)g;
		v->rows[v->nrows++].alert = -1;
		if (!group_open(v, gr))
			continue;
		for (size_t k = gr->first; k < gr->first + gr->n; k++) {
			v->rows[v->nrows].group = (uint32_t)g;
			v->rows[v->nrows++].alert = (int32_t)k;
		}
	}
	if (v->sel_fp != NULL) {
		const struct alert *a = alert_set_find(set, v->sel_fp);

		if (a != NULL) {
			size_t k = (size_t)(a - set->alerts), g = group_of(set, k);

			v->sel = v->group_row[g];
			if (group_open(v, &set->groups[g]))
				v->sel += 1 + (k - set->groups[g].first);
			return;
		}
	}
	if (v->sel_key != NULL) {
		for (size_t g = 0; g < set->ngroups; g++) {
			char *key = group_key(&set->groups[g]);
			bool same = strcmp(key, v->sel_key) == 0;

			free(key);
			if (same) {
				v->sel = v->group_row[g];
				return;
			}
		}
	}
	if (v->sel >= v->nrows)
		v->sel = v->nrows - 1;
}

static enum color_role
sev_role(enum alert_sev s)
{
	switch (s) {
	case ALERT_SEV_CRITICAL: return COLOR_ROLE_CRIT;
	case ALERT_SEV_WARNING: return COLOR_ROLE_WARN;
	case ALERT_SEV_INFO: return COLOR_ROLE_OK;
	default: return COLOR_ROLE_UNKNOWN;
	}
}

const char *
alerts_state_label(enum alert_state s)
{
	switch (s) {
	case ALERT_ACTIVE: return _("active");
	case ALERT_SILENCED: return _("silenced");
	case ALERT_INHIBITED: return _("inhibited");
	case ALERT_MUTED: return _("muted");
	default: return _("unprocessed");
	}
}

static void
group_state(const struct alert_group *g, char *buf, size_t n)
{
	if (g->nactive == g->n)
		snprintf(buf, n, "%s", _("active"));
	else if (g->nsilenced == g->n)
		snprintf(buf, n, "%s", _("silenced"));
	else if (g->ninhibited == g->n)
		snprintf(buf, n, "%s", _("inhibited"));
	else
		snprintf(buf, n, "%zu %s %zu %s", g->nactive, _("act"),
		    g->nsilenced + g->ninhibited, _("supp"));
}

static void
draw_summary(struct app *app, const struct alerts_area *af, WINDOW *win, int w)
{
	const struct alerts *al = &af->al;
	const struct alert_set *set = al->set;
	struct strbuf sb;
	char age[16];
	attr_t a = ui_attr(COLOR_ROLE_DIM);

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	if (set != NULL && al->peer >= 0) {
		strbuf_addf(&sb, "%zu %s · %zu %s", set->n, P_("alert", "alerts", set->n),
		    set->ngroups, P_("group", "groups", set->ngroups));
		if (set->nsuppressed > 0)
			strbuf_addf(&sb, " · %zu %s", set->nsuppressed, _("suppressed"));
		strbuf_addf(&sb, " · %s %s", _("via"), al->peers[al->peer].shown);
		if (al->have_status && al->status_peer == al->peer && al->status.cluster[0] != '\0')
			strbuf_addf(&sb, " (%s %s)", _("cluster"), al->status.cluster);
	}
	/* HA: say when a peer is failing, even while another one answers. */
	for (size_t i = 0; i < al->npeers; i++) {
		if (al->peers[i].error == NULL || (af->src != NULL && af->src->error != NULL))
			continue;
		strbuf_addf(&sb, " · %s %s: %s", _("failing"), al->peers[i].shown, al->peers[i].error);
		a = ui_attr(COLOR_ROLE_WARN);
	}
	if (af->src != NULL && af->src->error != NULL) {
		a = ui_attr(COLOR_ROLE_CRIT);
		if (sb.len > 0) {
			/* Old data on screen: "stale" first, at any width. */
			struct strbuf pre;

			strbuf_init(&pre);
			strbuf_addf(&pre, "%s %s · %s · ", _("STALE"),
			    fmt_age(source_data_age(af->src) > 0 ? source_data_age(af->src) : 0, age, sizeof age),
			    af->src->error);
			strbuf_adds(&pre, sb.buf);
			strbuf_free(&sb);
			sb = pre;
		} else
			strbuf_adds(&sb, af->src->error);
	} else if (al->silences_error != NULL) {
		a = ui_attr(COLOR_ROLE_WARN);
		strbuf_addf(&sb, " · %s", al->silences_error);
	}
	if (sb.len == 0)
		strbuf_adds(&sb, _("waiting for Alertmanager…"));
	(void)app;
	ui_put(win, 0, 0, sb.buf, w, a);
	strbuf_free(&sb);
}

/* Columns: fold mark, severity, alertname, count, age of the oldest, then
 * state and summary when the pane is wide enough; narrow panes (the
 * 80x24 layout gives 38 columns) shorten the severity to four letters. */
static void
draw_group(WINDOW *win, int y, int w, const struct alert_group *g, bool open, attr_t base,
    bool sel, double now, bool fresh)
{
	char cnt[24], age[16], st[64], sev[16];
	int x = 0, sevw = w >= 60 ? 9 : 5, namew;
	bool dim = g->nactive == 0;
	attr_t sa = sel ? base : ui_attr(dim ? COLOR_ROLE_DIM : sev_role(g->sev)) | A_BOLD;
	const char *sv = g->d_severity[0] != '\0' ? g->d_severity : "-";

	snprintf(sev, sizeof sev, "%s", sv);
	x += ui_put(win, y, x, open ? "▾" : "▸", 1, base);
	/* "*": the group holds a new alert, not yet seen. */
	x += ui_put(win, y, x, fresh ? "*" : " ", 1, fresh && !sel ? ui_attr(COLOR_ROLE_CRIT) | A_BOLD : base);
	ui_put(win, y, x, sev, sevw - 1, sa);
	x += sevw;
	snprintf(cnt, sizeof cnt, "×%zu", g->n);
	if (g->oldest > 0)
		fmt_age(now - g->oldest, age, sizeof age);
	else
		snprintf(age, sizeof age, "-");
	group_state(g, st, sizeof st);
	namew = w >= 70 ? w / 3 : w - x - 7 - 6;
	if (namew < 6)
		namew = 6;
	ui_put(win, y, x, g->d_alertname[0] != '\0' ? g->d_alertname : _("(no alertname)"),
	    namew, sel ? base : (dim ? ui_attr(COLOR_ROLE_DIM) : A_BOLD));
	x += namew + 1;
	if (x + 6 > w)
		return;
	ui_put(win, y, x, cnt, 6, base);
	x += 7;
	if (x + 5 > w)
		return;
	ui_put(win, y, x, age, 6, base);
	x += 7;
	if (x + 10 > w)
		return;
	x += ui_put(win, y, x, st, 18, sel ? base : ui_attr(dim ? COLOR_ROLE_DIM : COLOR_ROLE_NORMAL)) + 2;
	if (x < w)
		ui_put(win, y, x, g->d_summary, w - x, sel ? base : ui_attr(COLOR_ROLE_DIM));
}

static void
draw_alert(WINDOW *win, int y, int w, const struct alert_group *g, const struct alert *a,
    attr_t base, bool sel, double now, bool fresh)
{
	struct strbuf sb;
	char age[16], *labels;
	int x = w >= 60 ? 4 : 2;
	bool dim = a->state != ALERT_ACTIVE && a->state != ALERT_UNPROCESSED;

	if (fresh)	/* new, not yet seen */
		ui_put(win, y, x - 2, "*", 1, sel ? base : ui_attr(COLOR_ROLE_CRIT) | A_BOLD);

	ui_put(win, y, x, alerts_state_label(a->state), 10, sel ? base :
	    ui_attr(dim ? COLOR_ROLE_DIM : sev_role(a->sev)));
	x += 11;
	if (a->starts > 0)
		fmt_age(now - a->starts, age, sizeof age);
	else
		snprintf(age, sizeof age, "-");
	x += ui_put(win, y, x, age, 7, base) + 1;
	if (x >= w)
		return;
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	alert_own_labels(g, a, false, &sb);
	if (a->d_summary[0] != '\0' && strcmp(a->d_summary, g->d_summary) != 0) {
		strbuf_adds(&sb, "  ");
		strbuf_adds(&sb, a->summary);
	}
	if (sb.len == 0)
		strbuf_adds(&sb, a->fingerprint);
	labels = sanitize_str(sb.buf);
	ui_put(win, y, x, labels, w - x, sel ? base : ui_attr(dim ? COLOR_ROLE_DIM : COLOR_ROLE_NORMAL));
	free(labels);
	strbuf_free(&sb);
}

static bool
group_fresh(const struct alerts_area *af, const struct alert_group *g)
{
	for (size_t i = 0; i < af->news.nfresh; i++) {
		const struct alert *a = alert_set_find(af->al.set, af->news.fresh[i]);

		if (a != NULL && (size_t)(a - af->al.set->alerts) >= g->first &&
		    (size_t)(a - af->al.set->alerts) < g->first + g->n)
			return true;
	}
	return false;
}

/* What is selected in the focused pane has been seen: an alert, or every
 * alert of a selected group. */
static void
mark_seen(struct alerts_area *af, const struct alerts_view *v)
{
	const struct alert_set *set = af->al.set;
	const struct alerts_row *r;

	if (set == NULL || v->sel >= v->nrows || af->news.nfresh == 0)
		return;
	r = &v->rows[v->sel];
	if (r->alert >= 0) {
		alerts_news_seen(af, set->alerts[r->alert].fingerprint);
		return;
	}
	for (size_t k = set->groups[r->group].first; k < set->groups[r->group].first + set->groups[r->group].n; k++)
		alerts_news_seen(af, set->alerts[k].fingerprint);
}

/* `!` from anywhere: the newest new critical alert (else the newest
 * critical one) in view, selected, its group open, the pane focused. */
static void
jump_critical(struct app *app, struct alerts_view *v, struct alerts *al)
{
	const struct alert *best = NULL;
	const struct alert_set *set = al->set;

	alerts_news_critical(v->af, &best);
	if (best == NULL && set != NULL) {
		for (size_t i = 0; i < set->n; i++) {
			const struct alert *a = &set->alerts[i];

			if (a->sev == ALERT_SEV_CRITICAL && a->state == ALERT_ACTIVE &&
			    (best == NULL || a->starts > best->starts))
				best = a;
		}
	}
	if (best == NULL) {
		ui_message(app, UI_MSG_INFO, "%s", _("no critical alert firing"));
		return;
	}
	set_fold(v, &set->groups[group_of(set, (size_t)(best - set->alerts))], true);
	str_set(&v->sel_fp, best->fingerprint);
	build_rows(v, al);
	ui_focus(app, FEATURE_ALERTS);
}

static void
alerts_draw(struct app *app, void *data, void *view, WINDOW *win, bool focused)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	struct alerts_view *v = view;
	int h = getmaxy(win), w = getmaxx(win);
	double now = now_wall();

	if (al == NULL)
		return;
	if (al->npeers == 0) {
		ui_put(win, 0, 0, _("Alertmanager not configured ([alertmanager] url)"), w,
		    ui_attr(COLOR_ROLE_DIM));
		return;
	}
	draw_summary(app, af, win, w);
	build_rows(v, al);
	v->height = h - 1;
	if (al->set != NULL && al->set->n == 0) {
		ui_put(win, 1, 0, _("no alerts firing"), w, ui_attr(COLOR_ROLE_OK));
		return;
	}
	if (v->nrows == 0 || h < 2)
		return;
	if (v->sel >= v->nrows)
		v->sel = v->nrows - 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)v->height)
		v->top = v->sel - (size_t)v->height + 1;
	if (v->top + (size_t)v->height > v->nrows)
		v->top = v->nrows > (size_t)v->height ? v->nrows - (size_t)v->height : 0;
	for (int row = 0; row < v->height && v->top + (size_t)row < v->nrows; row++) {
		size_t i = v->top + (size_t)row;
		const struct alerts_row *r = &v->rows[i];
		const struct alert_group *g = &al->set->groups[r->group];
		bool sel = focused && i == v->sel;
		attr_t base = sel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;

		if (sel) {
			wattr_on(win, base, NULL);
			mvwhline(win, row + 1, 0, ' ', w);
			wattr_off(win, base, NULL);
		}
		if (r->alert < 0)
			draw_group(win, row + 1, w, g, group_open(v, g), base, sel, now, group_fresh(af, g));
		else
			draw_alert(win, row + 1, w, g, &al->set->alerts[r->alert], base, sel, now,
			    alerts_news_is_new(af, al->set->alerts[r->alert].fingerprint));
	}
	remember_selection(v, al->set);
	if (focused)
		mark_seen(af, v);
}

static bool
alert_matches(const struct alert *a, const char *q)
{
	if (strcasestr(a->alertname, q) != NULL || strcasestr(a->summary, q) != NULL ||
	    strcasestr(a->fingerprint, q) != NULL)
		return true;
	for (size_t i = 0; i < a->nlabels; i++)
		if (strcasestr(a->labels[i].value, q) != NULL)
			return true;
	return false;
}

/* Select the next (dir 1) or previous (-1) alert matching the search,
 * unfolding its group. */
static void
search_step(struct app *app, struct alerts_view *v, int dir)
{
	struct alerts *al = &v->af->al;
	const struct alert_set *set = al->set;
	size_t start, n;

	if (v->search == NULL || set == NULL || set->n == 0)
		return;
	build_rows(v, al);
	n = set->n;
	start = 0;
	if (v->sel < v->nrows) {
		const struct alerts_row *r = &v->rows[v->sel];

		start = r->alert >= 0 ? (size_t)r->alert : set->groups[r->group].first +
		    (dir > 0 ? n - 1 : 0);
		start %= n;
	}
	for (size_t step = 1; step <= n; step++) {
		size_t k = dir > 0 ? (start + step) % n : (start + n - step % n) % n;
		const struct alert *a = &set->alerts[k];

		if (!alert_matches(a, v->search))
			continue;
		set_fold(v, &set->groups[group_of(set, k)], true);
		str_set(&v->sel_fp, a->fingerprint);
		build_rows(v, al);
		return;
	}
	ui_message(app, UI_MSG_WARN, _("no alert matches \"%s\""), v->search);
}

static void
search_done(struct app *app, const char *answer, void *arg)
{
	struct alerts_view *v = arg;

	if (answer == NULL)
		return;
	/* An empty answer searches again for the last text, as in vi. */
	if (*answer != '\0')
		str_set(&v->search, answer);
	search_step(app, v, 1);
}

bool
alerts_pane_selection(struct app *app, const struct alert_pair **labels, size_t *n,
    char **target)
{
	struct alerts_view *v = ui_view(app, FEATURE_ALERTS);
	const struct alert_set *set;
	const struct alerts_row *r;

	if (v == NULL || v->af->al.set == NULL)
		return false;
	set = v->af->al.set;
	build_rows(v, &v->af->al);
	if (v->sel >= v->nrows)
		return false;
	r = &v->rows[v->sel];
	if (r->alert >= 0) {
		const struct alert *a = &set->alerts[r->alert];

		*labels = a->labels;
		*n = a->nlabels;
		*target = xasprintf("alert %s alertname=\"%s\"", a->fingerprint, a->alertname);
	} else {
		const struct alert_group *g = &set->groups[r->group];

		*labels = g->common;
		*n = g->ncommon;
		*target = xasprintf("group alertname=\"%s\" severity=\"%s\"", g->alertname,
		    g->severity);
	}
	return true;
}

static int
alerts_key(struct app *app, void *data, void *view, int key)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	struct alerts_view *v = view;
	size_t page;

	if (al == NULL || al->npeers == 0)
		return KEY_UNHANDLED;
	build_rows(v, al);
	page = v->height > 1 ? (size_t)v->height - 1 : 1;
	switch (key) {
	case 'j': case 'k': case 'g': case 'G': case KEY_DOWN: case KEY_UP:
	case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
		ui_list_move(key, &v->sel, v->nrows, page);
		break;
	case ' ': case '\r': case '\n': case KEY_ENTER:
		if (v->sel >= v->nrows)
			break;
		if (v->rows[v->sel].alert >= 0 && key != ' ') {
			alerts_details(app, al, &al->set->alerts[v->rows[v->sel].alert]);
			break;
		}
		{
			const struct alert_group *g = &al->set->groups[v->rows[v->sel].group];

			set_fold(v, g, !group_open(v, g));
			str_set(&v->sel_fp, NULL);
			free(v->sel_key);
			v->sel_key = group_key(g);
			build_rows(v, al);
		}
		break;
	case '+': case '-':
		for (size_t g = 0; al->set != NULL && g < al->set->ngroups; g++)
			set_fold(v, &al->set->groups[g], key == '+');
		if (key == '-')
			str_set(&v->sel_fp, NULL);
		build_rows(v, al);
		break;
	case '/':
		ui_prompt(app, _("search alerts: "), "", search_done, v);
		return KEY_HANDLED;
	case '!':
		jump_critical(app, v, al);
		break;
	case 'n':
		search_step(app, v, 1);
		break;
	case 'N':
		search_step(app, v, -1);
		break;
	default:
		return KEY_UNHANDLED;
	}
	if (al->set != NULL)
		remember_selection(v, al->set);
	return KEY_HANDLED;
}

const struct pane_ops alerts_pane = {
	.name = "alerts",
	.title = N_("Alerts"),
	.view_new = alerts_view_new,
	.view_free = alerts_view_free,
	.draw = alerts_draw,
	.key = alerts_key,
	.help = alerts_help,
	.global_keys = "!",
	.keyline = N_("! newest critical  s silence  A ack  S silences  Enter details  / search  Space fold"),
};

bool
alerts_pane_selected(struct app *app, const struct alert **a, const struct alert_group **g)
{
	struct alerts_view *v = ui_view(app, FEATURE_ALERTS);
	const struct alert_set *set;
	const struct alerts_row *r;

	if (v == NULL || v->af->al.set == NULL)
		return false;
	set = v->af->al.set;
	build_rows(v, &v->af->al);
	if (v->sel >= v->nrows)
		return false;
	r = &v->rows[v->sel];
	if (r->alert >= 0) {
		*a = &set->alerts[r->alert];
		*g = NULL;
	} else {
		*g = &set->groups[r->group];
		*a = &set->alerts[(*g)->first];
	}
	return true;
}
