/* The activity pane: the merged Gitea and Redmine timeline, newest first,
 * with relative times, source badges, what happened and where.  Events
 * that arrived since the pane was last looked at carry a mark; `t` cycles
 * the source filter, `f` narrows to the selected repository or project
 * (`:filter NAME` for any), `/` searches (PCRE2, else literal text). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ceres/features/activity.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A look that pauses longer than this (the pane was not drawn focused)
 * has ended: the console redraws at least once a second. */
#define LOOK_GAP	2.5

struct activity_view {
	struct activity		*a;		/* the feature's data */
	size_t			 sel;
	size_t			 top;
	unsigned long		 sel_seq;	/* keeps the selection on its event */
	int			 source;	/* -1 all, else enum act_source */
	char			*scope;		/* repository/project filter */
	char			*search;
	pcre2_code		*re;		/* NULL: literal search */
	pcre2_match_data	*md;
	bool			 viewing;
	double			 view_last;
	int			 height;
};

static const char *const activity_help[] = {
	"j k ↑ ↓", N_("select an event"),
	"Enter", N_("details: every commit of a push, the full comment, the change, the URL"),
	"t", N_("show all sources, only Gitea, only Redmine"),
	"f", N_("only the selected event's repository or project (again: all)"),
	":filter NAME", N_("only repositories or projects matching NAME (no NAME: all)"),
	"/", N_("search (PCRE2, or literal text if not a valid pattern)"),
	"n N", N_("next / previous match"),
	"c", N_("clear filters and search"),
	"●", N_("arrived since you last looked at this pane"),
	NULL,
};

static void *
activity_view_new(struct app *app, void *data)
{
	struct activity_view *v = xcalloc(1, sizeof *v);

	(void)app;
	v->a = data;
	v->source = -1;
	return v;
}

static void
activity_view_free(void *view)
{
	struct activity_view *v = view;

	if (v == NULL)
		return;
	free(v->scope);
	free(v->search);
	pcre2_match_data_free(v->md);
	pcre2_code_free(v->re);
	free(v);
}

static bool
contains_ci(const char *hay, const char *needle)
{
	return needle == NULL || *needle == '\0' || strcasestr(hay, needle) != NULL;
}

static bool
passes(const struct activity_view *v, const struct act_event *e)
{
	if (v->source >= 0 && (int)e->source != v->source)
		return false;
	if (v->scope != NULL && !contains_ci(e->scope, v->scope) && !contains_ci(e->where, v->scope))
		return false;
	return true;
}

static bool
matches(struct activity_view *v, const struct act_event *e)
{
	const char *fields[] = { e->title, e->actor, e->where, act_kind_name(e->kind) };

	if (v->search == NULL)
		return false;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (v->re != NULL) {
			if (pcre2_match(v->re, (PCRE2_SPTR)fields[i], PCRE2_ZERO_TERMINATED, 0, 0, v->md, NULL) >= 0)
				return true;
		} else if (contains_ci(fields[i], v->search))
			return true;
	}
	return false;
}

/* The events that pass the filters, newest first (caller frees). */
static struct act_event **
visible(struct activity *a, struct activity_view *v, size_t *n)
{
	struct act_event **out = xcalloc(a->tl->n + 1, sizeof *out);
	size_t k = 0;

	for (size_t i = 0; i < a->tl->n; i++)
		if (passes(v, a->tl->ev[i]))
			out[k++] = a->tl->ev[i];
	*n = k;
	return out;
}

static void
fix_selection(struct activity_view *v, struct act_event **list, size_t n)
{
	if (v->sel_seq != 0) {
		for (size_t i = 0; i < n; i++) {
			if (list[i]->seq == v->sel_seq) {
				v->sel = i;
				return;
			}
		}
	}
	if (v->sel >= n)
		v->sel = n > 0 ? n - 1 : 0;
}

/* "Last look": the end of the last stretch of time the pane was drawn
 * with the focus.  Events that arrived after it are marked new. */
static void
track_look(struct activity *a, struct activity_view *v, bool focused)
{
	double now = now_wall();

	if (focused) {
		if (v->viewing && now - v->view_last > LOOK_GAP)
			a->tl->seen_until = v->view_last;
		v->viewing = true;
		v->view_last = now;
	} else if (v->viewing) {
		v->viewing = false;
		a->tl->seen_until = v->view_last;
	}
}

static attr_t
badge_attr(enum act_source s)
{
	return ui_attr(s == ACT_SRC_GITEA ? COLOR_ROLE_SPARKLINE : COLOR_ROLE_UNKNOWN);
}

/* The first line: each source's state (an error is never an empty list
 * without a word), the new count, filters and search. */
static void
draw_status(struct app *app, struct activity *a, struct activity_view *v, WINDOW *win, int w,
    size_t nvis)
{
	struct source *src[2] = { a->gitea, a->redmine };
	bool conf[2] = { a->gitea_configured, a->redmine_configured };
	size_t fresh = act_timeline_count_new(a->tl);
	char buf[256];
	int x = 0;

	(void)app;
	for (int i = 0; i < 2 && x < w; i++) {
		const char *name = act_source_name((enum act_source)i);

		if (src[i] == NULL && !conf[i])
			continue;
		x += ui_put(win, 0, x, name, w - x, badge_attr((enum act_source)i) | A_BOLD);
		if (src[i] == NULL)
			x += ui_put(win, 0, x, _(" no repos configured "), w - x, ui_attr(COLOR_ROLE_DIM));
		else if (src[i]->error != NULL) {
			snprintf(buf, sizeof buf, " ✗ %s ", src[i]->error);
			x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_CRIT));
		} else if (!src[i]->polled)
			x += ui_put(win, 0, x, " … ", w - x, ui_attr(COLOR_ROLE_DIM));
		else if (source_stale(src[i])) {
			char age[16];

			snprintf(buf, sizeof buf, _(" stale %s "), fmt_age(source_data_age(src[i]) > 0 ? source_data_age(src[i]) : 0, age, sizeof age));
			x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_WARN));
		} else
			x += ui_put(win, 0, x, " ✓ ", w - x, ui_attr(COLOR_ROLE_OK));
	}
	if (fresh > 0 && x < w) {
		snprintf(buf, sizeof buf, P_("│ ● %zu new ", "│ ● %zu new ", fresh), fresh);
		x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_WARN));
	}
	if ((v->source >= 0 || v->scope != NULL) && x < w) {
		snprintf(buf, sizeof buf, "│ %s%s%s%s (%zu) ", _("only "),
		    v->source >= 0 ? act_source_name((enum act_source)v->source) : "",
		    v->source >= 0 && v->scope != NULL ? " " : "", v->scope != NULL ? v->scope : "", nvis);
		x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_TITLE));
	}
	if (v->search != NULL && x < w) {
		snprintf(buf, sizeof buf, "│ /%s%s ", v->search, v->re == NULL ? _(" (text)") : "");
		ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_HIGHLIGHT));
	}
}

static void
draw_row(struct activity *a, struct activity_view *v, WINDOW *win, int y, int w,
    const struct act_event *e, bool sel, double now)
{
	bool fresh = act_timeline_is_new(a->tl, e);
	attr_t base = sel ? ui_attr(COLOR_ROLE_SELECTION) : fresh ? A_BOLD : A_NORMAL;
	int x = 0, rest, aw, ww, kw;
	char age[16], agecol[16];
	bool wide = w >= 60;

	if (sel) {
		wattr_on(win, base, NULL);
		mvwhline(win, y, 0, ' ', w);
		wattr_off(win, base, NULL);
	}
	ui_put(win, y, x, fresh ? "●" : " ", 1, sel ? base : ui_attr(COLOR_ROLE_WARN) | A_BOLD);
	x = 2;
	fmt_age(now - e->time, age, sizeof age);
	snprintf(agecol, sizeof agecol, "%5s", age);
	x += ui_put(win, y, x, agecol, w - x, sel ? base : base | ui_attr(COLOR_ROLE_DIM)) + 1;
	if (wide)
		ui_put(win, y, x, act_source_name(e->source), 7, sel ? base : badge_attr(e->source) | base);
	else
		ui_put(win, y, x, e->source == ACT_SRC_GITEA ? "G" : "R", 1, sel ? base : badge_attr(e->source) | base);
	x += wide ? 8 : 2;
	rest = w - x;
	if (rest <= 0)
		return;
	/* Actor, where and kind get a share of what is left; the title
	 * takes the rest. */
	aw = rest / 7 < 6 ? 6 : rest / 7 > 14 ? 14 : rest / 7;
	ww = rest < 45 ? 0 : rest / 5 < 8 ? 8 : rest / 5 > 22 ? 22 : rest / 5;
	kw = rest < 30 ? 0 : 9;
	ui_put(win, y, x, e->actor, aw, base);
	x += aw + 1;
	if (ww > 0) {
		ui_put(win, y, x, e->where, ww, sel ? base : base | ui_attr(COLOR_ROLE_TITLE));
		x += ww + 1;
	}
	if (kw > 0) {
		ui_put(win, y, x, act_kind_label(e->kind), kw, base);
		x += kw + 1;
	}
	if (x < w)
		ui_put(win, y, x, e->title, w - x,
		    !sel && matches(v, e) ? ui_attr(COLOR_ROLE_HIGHLIGHT) : base);
}

static void
activity_draw(struct app *app, void *data, void *view, WINDOW *win, bool focused)
{
	struct activity *a = data;
	struct activity_view *v = view;
	struct act_event **list;
	size_t n;
	int h = getmaxy(win), w = getmaxx(win), rows;
	double now = now_wall();

	if (a == NULL) {
		ui_put(win, 0, 0, _("not enabled (see --panes)"), w, ui_attr(COLOR_ROLE_DIM));
		return;
	}
	track_look(a, v, focused);
	if (a->gitea == NULL && a->redmine == NULL && !a->gitea_configured) {
		ui_put(win, 0, 0, _("not configured: add [gitea] repos or a [redmine] section"), w,
		    ui_attr(COLOR_ROLE_DIM));
		return;
	}
	list = visible(a, v, &n);
	fix_selection(v, list, n);
	draw_status(app, a, v, win, w, n);
	rows = h - 1;
	v->height = rows;
	if (n == 0) {
		ui_put(win, 1, 0, a->tl->n > 0 ? _("no events match the filter") : _("no events yet"), w,
		    ui_attr(COLOR_ROLE_DIM));
		free(list);
		return;
	}
	if (v->sel < v->top)
		v->top = v->sel;
	if (rows > 0 && v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	/* After a resize or a shorter list the rows fill the pane. */
	if (rows > 0 && v->top + (size_t)rows > n)
		v->top = n > (size_t)rows ? n - (size_t)rows : 0;
	for (int r = 0; r < rows && v->top + (size_t)r < n; r++)
		draw_row(a, v, win, r + 1, w, list[v->top + (size_t)r], focused && v->top + (size_t)r == v->sel, now);
	free(list);
}

static void
details(struct app *app, const struct act_event *e)
{
	struct strbuf sb;
	char utc[40], local[64], age[16];
	time_t tt = (time_t)e->time;
	struct tm tm;

	strbuf_init(&sb);
	if (localtime_r(&tt, &tm) == NULL || strftime(local, sizeof local, "%Y-%m-%d %H:%M:%S %z", &tm) == 0)
		local[0] = '\0';
	strbuf_addf(&sb, "%s: %s\n", _("Source"), act_source_name(e->source));
	/* the backend's own word (commit_repo ...) only when it is not one we know */
	strbuf_addf(&sb, "%s: %s%s%s%s\n", _("What"), act_kind_label(e->kind),
	    e->kind == ACT_OTHER && e->op != NULL ? " (" : "",
	    e->kind == ACT_OTHER && e->op != NULL ? e->op : "",
	    e->kind == ACT_OTHER && e->op != NULL ? ")" : "");
	strbuf_addf(&sb, "%s: %s  (%s, %s %s)\n", _("Time"), local, fmt_rfc3339(e->time, utc, sizeof utc),
	    fmt_age(now_wall() - e->time, age, sizeof age), _("ago"));
	strbuf_addf(&sb, "%s: %s\n", _("Actor"), e->actor);
	strbuf_addf(&sb, "%s: %s\n", _("Where"), e->where);
	strbuf_addf(&sb, "%s: %s\n", _("Title"), e->title);
	strbuf_addf(&sb, "%s: %s\n", _("URL"), e->url[0] != '\0' ? e->url : "-");
	if (e->detail != NULL && e->detail[0] != '\0')
		strbuf_addf(&sb, "\n%s", e->detail);
	ui_text_overlay(app, e->title, strbuf_detach(&sb));
}

static void
search_set(struct app *app, struct activity_view *v, const char *pat)
{
	int err;
	PCRE2_SIZE off;

	free(v->search);
	v->search = NULL;
	pcre2_match_data_free(v->md);
	v->md = NULL;
	pcre2_code_free(v->re);
	v->re = NULL;
	if (pat == NULL || *pat == '\0')
		return;
	v->search = sanitize_str(pat);
	v->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS | PCRE2_UTF,
	    &err, &off, NULL);
	if (v->re != NULL)
		v->md = pcre2_match_data_create_from_pattern(v->re, NULL);
	else
		ui_message(app, UI_MSG_WARN, "%s", _("not a valid pattern: searching for the text"));
}

/* Move the selection to the next (dir 1) or previous (-1) match. */
static void
search_step(struct app *app, struct activity *a, struct activity_view *v, int dir, bool here)
{
	struct act_event **list;
	size_t n;

	if (v->search == NULL)
		return;
	list = visible(a, v, &n);
	fix_selection(v, list, n);
	for (size_t k = here ? 0 : 1; k <= n && n > 0; k++) {
		size_t i = dir > 0 ? (v->sel + k) % n : (v->sel + n - k % n) % n;

		if (matches(v, list[i])) {
			v->sel = i;
			v->sel_seq = list[i]->seq;
			free(list);
			return;
		}
	}
	free(list);
	ui_message(app, UI_MSG_WARN, _("no match for %s"), v->search);
}

static void
search_done(struct app *app, const char *answer, void *arg)
{
	struct activity_view *v = arg;
	struct activity *a = v->a;

	if (answer == NULL)
		return;
	search_set(app, v, answer);
	search_step(app, a, v, 1, true);
}

static void
scope_set(struct activity_view *v, const char *scope)
{
	free(v->scope);
	v->scope = scope != NULL && *scope != '\0' ? sanitize_str(scope) : NULL;
}

static bool
filter_cmd(struct app *app, const char *args, void *arg)
{
	struct activity_view *v = arg;

	/* A command acts on the focused pane, never on one out of sight. */
	if (ui_focused(app) != FEATURE_ACTIVITY) {
		ui_message(app, UI_MSG_ERROR, _(":filter acts on the activity pane: focus it first (4)"));
		return true;
	}
	scope_set(v, args);
	ui_message(app, UI_MSG_INFO, v->scope != NULL ? _("activity: only %s") : _("activity: all%s"),
	    v->scope != NULL ? v->scope : "");
	app_dirty(app);
	return true;
}

static void
activity_attach(struct app *app, void *data, void *view)
{
	static const struct ui_command_def def = {
		.verb = "filter", .usage = N_("filter NAME"),
		.help = N_("only repositories or projects matching NAME (no NAME: all)"), .run = filter_cmd,
	};

	if (data != NULL)
		ui_command_add(app, &def, view);
}

static int
activity_key(struct app *app, void *data, void *view, int key)
{
	struct activity *a = data;
	struct activity_view *v = view;
	struct act_event **list;
	size_t n, page;
	int rc = KEY_HANDLED;

	if (a == NULL)
		return KEY_UNHANDLED;
	list = visible(a, v, &n);
	fix_selection(v, list, n);
	page = v->height > 1 ? (size_t)v->height - 1 : 10;
	switch (key) {
	case 'j': case 'k': case 'g': case 'G': case KEY_DOWN: case KEY_UP:
	case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
		ui_list_move(key, &v->sel, n, page);
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (v->sel < n)
			details(app, list[v->sel]);
		break;
	case 't':
		v->source = v->source + 1 >= ACT_SRC_COUNT ? -1 : v->source + 1;
		break;
	case 'f':
		if (v->scope != NULL)
			scope_set(v, NULL);
		else if (v->sel < n)
			scope_set(v, list[v->sel]->scope);
		break;
	case 'c':
		scope_set(v, NULL);
		v->source = -1;
		search_set(app, v, NULL);
		break;
	case '/':
		ui_prompt(app, "/", v->search != NULL ? v->search : "", search_done, v);
		break;
	case 'n':
		search_step(app, a, v, 1, false);
		break;
	case 'N':
		search_step(app, a, v, -1, false);
		break;
	default:
		rc = KEY_UNHANDLED;
		break;
	}
	if (rc == KEY_HANDLED && key != 'n' && key != 'N') {
		free(list);
		list = visible(a, v, &n);
		if (key == 't' || key == 'f' || key == 'c')
			fix_selection(v, list, n);
		if (v->sel < n && key != '/')
			v->sel_seq = list[v->sel]->seq;
	}
	free(list);
	return rc;
}

const struct pane_ops activity_pane = {
	.name = "activity",
	.title = N_("Activity"),
	.view_new = activity_view_new,
	.view_free = activity_view_free,
	.draw = activity_draw,
	.key = activity_key,
	.help = activity_help,
	.attach = activity_attach,
	.keyline = N_("Enter details  t sources  f this repo  / search  c clear"),
};
