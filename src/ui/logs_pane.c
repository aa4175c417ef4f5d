/* The logs pane: a tail of the Loki query, newest at the bottom.  Follow
 * mode tracks the newest line; scrolling or `p` pauses (lines keep coming
 * into the ring and are counted); `/` searches with PCRE2 and highlights,
 * `f`/`F` filter, `w` wraps, h/l scroll sideways, Enter shows a line
 * whole, ':query' changes the query.  This file holds the view state and
 * the keys; logs_draw.c draws. */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/features/logs.h"
#include "logs_ui.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define HSTEP		8

static const char *const logs_help[] = {
	"p", N_("pause / resume following (new lines are counted)"),
	"j k ↑ ↓", N_("select a line (pauses)"),
	"PgUp PgDn g G", N_("page, oldest, newest and follow"),
	"Enter", N_("the whole line, every label, the exact timestamp"),
	"/", N_("search (PCRE2; lower case pattern = any case)"),
	"n N", N_("next match older / newer"),
	"f", N_("show only lines matching a PCRE2 pattern (empty: off)"),
	"F", N_("hide lines matching a PCRE2 pattern (empty: off)"),
	"c", N_("clear the filters and the search"),
	"W", N_("wrap long lines / truncate them"),
	"h l ← →", N_("scroll sideways (truncated lines)"),
	":query", N_("tail another LogQL query; Tab completes labels"),
	NULL,
};

/* ---- Which lines are shown ---- */

static bool
visible(struct logs_view *v, struct log_line *ln)
{
	size_t ms, me;
	bool ok = true;

	if (!log_regex_active(&v->include) && !log_regex_active(&v->exclude))
		return true;
	if (ln->vis_gen == v->vis_gen)
		return ln->visible;
	if (log_regex_active(&v->include) && !log_regex_find(&v->include, ln->text, ln->len, 0, &ms, &me))
		ok = false;
	if (ok && log_regex_active(&v->exclude) && log_regex_find(&v->exclude, ln->text, ln->len, 0, &ms, &me))
		ok = false;
	ln->visible = ok;
	ln->vis_gen = v->vis_gen;
	return ok;
}

/* Move *seq to the nearest visible line in direction dir (-1 older, +1
 * newer), *seq itself included when incl.  False when there is none. */
bool
logs_seek(struct logs_view *v, uint64_t *seq, int dir, bool incl)
{
	struct log_ring *r = v->lg->ring;
	uint64_t first = log_ring_first(r), q = *seq;

	if (r->count == 0)
		return false;
	if (q < first)
		q = first;
	if (q >= r->next_seq)
		q = r->next_seq - 1;
	if (!incl) {
		if (dir < 0 && q == first)
			return false;
		if (dir > 0 && q + 1 >= r->next_seq)
			return false;
		q = dir < 0 ? q - 1 : q + 1;
	}
	for (;;) {
		if (visible(v, log_ring_get(r, q))) {
			*seq = q;
			return true;
		}
		if ((dir < 0 && q == first) || (dir > 0 && q + 1 >= r->next_seq))
			return false;
		q = dir < 0 ? q - 1 : q + 1;
	}
}

bool
logs_newest(struct logs_view *v, uint64_t *seq)
{
	*seq = v->lg->ring->next_seq;
	return v->lg->ring->count > 0 && logs_seek(v, seq, -1, true);
}

/* The selected line, kept on a visible line that is still held. */
bool
logs_selection(struct logs_view *v, uint64_t *seq)
{

	if (v->follow)
		return logs_newest(v, seq);
	if (v->lg->ring->count == 0)
		return false;
	if (!logs_seek(v, &v->sel, -1, true) && !logs_seek(v, &v->sel, +1, true))
		return false;
	*seq = v->sel;
	return true;
}

static void
pause_at(struct logs_view *v, uint64_t sel)
{

	if (v->follow) {
		v->follow = false;
		v->pause_seq = v->lg->ring->next_seq;
		v->bottom = sel;
	}
	v->sel = sel;
	if (sel + 1 > v->lg->ring->seen_seq)
		v->lg->ring->seen_seq = sel + 1;
}

/* ---- Details ---- */

static void
details(struct app *app, struct logs_view *v, struct log_line *ln)
{
	struct strbuf sb;
	char ts[48], local[64], hms[40];
	time_t t = (time_t)(ln->ts / 1000000000);
	struct tm tm;
	int width = (COLS - 8 > 40 ? COLS - 8 : COLS) - 4;
	size_t *rows, k;

	localtime_r(&t, &tm);
	strftime(hms, sizeof hms, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(local, sizeof local, "%s.%09lld", hms, (long long)(ln->ts % 1000000000));
	strftime(hms, sizeof hms, " %Z", &tm);
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s: %s\n", _("Time"), fmt_rfc3339_ns(ln->ts, ts, sizeof ts));
	strbuf_addf(&sb, "%s: %lld ns\n", _("Timestamp"), (long long)ln->ts);
	strbuf_addf(&sb, "%s: %s%s\n", _("Local time"), local, hms);
	if (ln->level != LOG_LEVEL_NONE)
		strbuf_addf(&sb, "%s: %s\n", _("Level"), log_level_name((enum log_level)ln->level));
	strbuf_addf(&sb, "%s:\n", _("Labels"));
	for (size_t i = 0; i < ln->stream->nlabels; i++)
		strbuf_addf(&sb, "  %s = %s\n", ln->stream->labels[i].name, ln->stream->labels[i].value);
	strbuf_addf(&sb, "\n%s (%u %s):\n", _("Line"), ln->len, _("bytes"));
	/* The overlay clips: wrap the line to its width here. */
	k = logs_wrap_rows(ln->text, ln->len, width > 10 ? width : 10, &rows);
	for (size_t r = 0; r < k; r++) {
		size_t to = r + 1 < k ? rows[r + 1] : ln->len;

		while (to > rows[r] && ln->text[to - 1] == '\n')
			to--;
		strbuf_add(&sb, ln->text + rows[r], to - rows[r]);
		strbuf_addc(&sb, '\n');
	}
	free(rows);
	ui_text_overlay(app, _("Log line"), strbuf_detach(&sb));
	(void)v;
}

/* ---- Search and filters ---- */

static bool
matches(struct logs_view *v, uint64_t q)
{
	struct log_line *ln = log_ring_get(v->lg->ring, q);
	size_t ms, me;

	return log_regex_find(&v->search, ln->text, ln->len, 0, &ms, &me);
}

/* The next matching visible line from the selection, older (dir < 0) or
 * newer; the selection itself counts when incl. */
static void
search_step(struct app *app, struct logs_view *v, int dir, bool incl)
{
	uint64_t q;

	if (!log_regex_active(&v->search)) {
		ui_message(app, UI_MSG_INFO, "%s", _("no search: type / and a pattern"));
		return;
	}
	if (!logs_selection(v, &q))
		return;
	if (!incl && !logs_seek(v, &q, dir, false)) {
		ui_message(app, UI_MSG_WARN, "%s", dir < 0 ? _("no older match") : _("no newer match"));
		return;
	}
	for (;;) {
		if (matches(v, q)) {
			pause_at(v, q);
			return;
		}
		if (!logs_seek(v, &q, dir, false))
			break;
	}
	ui_message(app, UI_MSG_WARN, dir < 0 ? _("no older match for %s") : _("no newer match for %s"),
	    v->search.pattern);
}

static void
search_cb(struct app *app, const char *answer, void *arg)
{
	struct logs_view *v = arg;
	char *cause = NULL;

	if (answer == NULL)
		return;
	if (*answer == '\0') {
		log_regex_clear(&v->search);
		return;
	}
	if (log_regex_set(&v->search, answer, true, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("search: %s"), cause);
		free(cause);
		return;
	}
	search_step(app, v, -1, true);
}

static void
filter_set(struct app *app, struct logs_view *v, struct log_regex *re, const char *answer, const char *what)
{
	char *cause = NULL;

	if (answer == NULL)
		return;
	if (*answer == '\0')
		log_regex_clear(re);
	else if (log_regex_set(re, answer, true, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", what, cause);
		free(cause);
		return;
	}
	if (++v->vis_gen == 0)
		v->vis_gen = 1;
	app_dirty(app);
}

static void
include_cb(struct app *app, const char *answer, void *arg)
{
	struct logs_view *v = arg;

	filter_set(app, v, &v->include, answer, _("include filter"));
}

static void
exclude_cb(struct app *app, const char *answer, void *arg)
{
	struct logs_view *v = arg;

	filter_set(app, v, &v->exclude, answer, _("exclude filter"));
}

/* The f and F prompts open empty, the current pattern named in the
 * label: Enter never applies the old pattern again unseen. */
static void
filter_prompt(struct app *app, struct logs_view *v, bool hide)
{
	struct log_regex *re = hide ? &v->exclude : &v->include;
	char *l;

	if (!log_regex_active(re))
		l = xstrdup(hide ? _("hide lines matching (PCRE2, empty: none): ") :
		    _("show lines matching (PCRE2, empty: all): "));
	else if (hide)
		l = xasprintf(_("hide lines matching (PCRE2, now %s, empty: none): "), re->pattern);
	else
		l = xasprintf(_("show lines matching (PCRE2, now %s, empty: all): "), re->pattern);
	ui_prompt(app, l, "", hide ? exclude_cb : include_cb, v);
	free(l);
}

/* ---- Keys ---- */

static void
move_sel(struct logs_view *v, int dir, int count)
{
	uint64_t q;

	if (!logs_selection(v, &q))
		return;
	for (int i = 0; i < count && logs_seek(v, &q, dir, false); i++)
		;
	pause_at(v, q);
}

static int
logs_key(struct app *app, void *data, void *view, int key)
{
	struct logs_view *v = view;
	uint64_t q;
	int page;

	if (data == NULL || v->f->src == NULL)
		return KEY_UNHANDLED;
	page = v->height > 2 ? v->height - 1 : 1;
	switch (key) {
	case 'p':
		if (v->follow) {
			if (logs_newest(v, &q))
				pause_at(v, q);
			else {
				v->follow = false;
				v->pause_seq = v->lg->ring->next_seq;
			}
		} else
			v->follow = true;
		break;
	case 'k': case KEY_UP:
		move_sel(v, -1, 1);
		break;
	case 'j': case KEY_DOWN:
		if (!v->follow)
			move_sel(v, +1, 1);
		break;
	case KEY_PPAGE:
		move_sel(v, -1, page);
		break;
	case KEY_NPAGE:
		if (!v->follow)
			move_sel(v, +1, page);
		break;
	case 'g': case KEY_HOME:
		q = log_ring_first(v->lg->ring);
		if (logs_seek(v, &q, +1, true))
			pause_at(v, q);
		break;
	case 'G': case KEY_END:
		v->follow = true;
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (logs_selection(v, &q))
			details(app, v, log_ring_get(v->lg->ring, q));
		break;
	case '/':
		ui_prompt(app, "/", v->search.pattern, search_cb, v);
		break;
	case 'n':
		search_step(app, v, -1, false);
		break;
	case 'N':
		search_step(app, v, +1, false);
		break;
	case 'f':
		filter_prompt(app, v, false);
		break;
	case 'F':
		filter_prompt(app, v, true);
		break;
	case 'c':
		log_regex_clear(&v->include);
		log_regex_clear(&v->exclude);
		log_regex_clear(&v->search);
		if (++v->vis_gen == 0)
			v->vis_gen = 1;
		ui_message(app, UI_MSG_INFO, "%s", _("logs: filters and search cleared"));
		break;
	case 'W':
		v->wrap = !v->wrap;
		break;
	case 'h': case KEY_LEFT:
		v->hscroll = v->hscroll > HSTEP ? v->hscroll - HSTEP : 0;
		break;
	case 'l': case KEY_RIGHT:
		if (!v->wrap && v->hscroll < 1000000)
			v->hscroll += HSTEP;
		break;
	default:
		return KEY_UNHANDLED;
	}
	return KEY_HANDLED;
}

/* ---- ':query' ---- */

static bool
query_cmd(struct app *app, const char *args, void *arg)
{
	struct logs_view *v = arg;

	if (v->f->src == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Loki is not configured"));
		return true;
	}
	if (args == NULL || *args == '\0') {
		ui_message(app, UI_MSG_INFO, _("query: %s"), v->lg->query);
		return true;
	}
	v->follow = true;
	logs_set_query(v->f, args);
	ui_message(app, UI_MSG_INFO, _("tailing %s"), args);
	return true;
}

static char **
query_complete(struct app *app, const char *args, void *arg)
{
	struct logs_view *v = arg;
	size_t n;

	(void)app;
	return logql_complete(args, v->lg->labels, v->lg->nlabels, &n);
}

static void *
logs_view_new(struct app *app, void *data)
{
	struct logs_view *v = xcalloc(1, sizeof *v);

	v->f = data;
	v->lg = v->f != NULL ? &v->f->lg : NULL;
	v->no_color = app->opt.no_color;
	v->follow = true;
	v->vis_gen = 1;
	return v;
}

static void
logs_view_free(void *view)
{
	struct logs_view *v = view;

	if (v == NULL)
		return;
	log_regex_clear(&v->search);
	log_regex_clear(&v->include);
	log_regex_clear(&v->exclude);
	free(v);
}

static void
logs_attach(struct app *app, void *data, void *view)
{
	struct logs_view *v = view;

	if (data == NULL)
		return;
	static const struct ui_command_def def = {
		.verb = "query", .usage = N_("query LOGQL"),
		.help = N_("tail another LogQL query; Tab completes labels"), .run = query_cmd,
	};

	ui_command_add(app, &def, v);
	ui_command_complete(app, "query", query_complete, v);
}

const struct pane_ops logs_pane = {
	.name = "logs",
	.title = N_("Logs"),
	.view_new = logs_view_new,
	.view_free = logs_view_free,
	.draw = logs_pane_draw,
	.key = logs_key,
	.help = logs_help,
	.global_keys = "p",
	.attach = logs_attach,
	.keyline = N_("p pause  / search  f show only  F hide  c clear  W wrap  :query LogQL"),
};
