/* The logs pane: a tail of the Loki query, newest at the bottom.  Follow
 * mode tracks the newest line; scrolling or `p` pauses (lines keep coming
 * into the ring and are counted); `/` searches with PCRE2 and highlights,
 * `f`/`F` filter, `w` wraps, h/l scroll sideways, Enter shows a line
 * whole, ':query' changes the query.  This file holds the view state and
 * the keys; logs_draw.c draws. */
#include "ceres/app.h"
#include "ceres/i18n.h"
#include "ceres/logs.h"
#include "ceres/logs_ui.h"
#include "ceres/ui.h"
#include "ceres/util.h"

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
	"W", N_("wrap long lines / truncate them"),
	"h l ← →", N_("scroll sideways (truncated lines)"),
	":query", N_("tail another LogQL query; Tab completes labels"),
	NULL,
};

/* ---- Which lines are shown ---- */

static bool
visible(struct logs *lg, struct log_line *ln)
{
	struct logs_view *v = &lg->view;
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
logs_seek(struct logs *lg, uint64_t *seq, int dir, bool incl)
{
	struct log_ring *r = lg->ring;
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
		if (visible(lg, log_ring_get(r, q))) {
			*seq = q;
			return true;
		}
		if ((dir < 0 && q == first) || (dir > 0 && q + 1 >= r->next_seq))
			return false;
		q = dir < 0 ? q - 1 : q + 1;
	}
}

bool
logs_newest(struct logs *lg, uint64_t *seq)
{
	*seq = lg->ring->next_seq;
	return lg->ring->count > 0 && logs_seek(lg, seq, -1, true);
}

/* The selected line, kept on a visible line that is still held. */
bool
logs_selection(struct logs *lg, uint64_t *seq)
{
	struct logs_view *v = &lg->view;

	if (v->follow)
		return logs_newest(lg, seq);
	if (lg->ring->count == 0)
		return false;
	if (!logs_seek(lg, &v->sel, -1, true) && !logs_seek(lg, &v->sel, +1, true))
		return false;
	*seq = v->sel;
	return true;
}

static void
pause_at(struct logs *lg, uint64_t sel)
{
	struct logs_view *v = &lg->view;

	if (v->follow) {
		v->follow = false;
		v->pause_seq = lg->ring->next_seq;
		v->bottom = sel;
	}
	v->sel = sel;
	if (sel + 1 > lg->ring->seen_seq)
		lg->ring->seen_seq = sel + 1;
}

/* ---- Details ---- */

static void
details(struct app *app, struct logs *lg, struct log_line *ln)
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
	strbuf_addf(&sb, "%s: %s\n", _("Time"), loki_ts_format(ln->ts, ts, sizeof ts));
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
	(void)lg;
}

/* ---- Search and filters ---- */

static bool
matches(struct logs *lg, uint64_t q)
{
	struct log_line *ln = log_ring_get(lg->ring, q);
	size_t ms, me;

	return log_regex_find(&lg->view.search, ln->text, ln->len, 0, &ms, &me);
}

/* The next matching visible line from the selection, older (dir < 0) or
 * newer; the selection itself counts when incl. */
static void
search_step(struct app *app, struct logs *lg, int dir, bool incl)
{
	uint64_t q;

	if (!log_regex_active(&lg->view.search)) {
		ui_message(app, UI_MSG_INFO, "%s", _("no search: type / and a pattern"));
		return;
	}
	if (!logs_selection(lg, &q))
		return;
	if (!incl && !logs_seek(lg, &q, dir, false)) {
		ui_message(app, UI_MSG_WARN, "%s", dir < 0 ? _("no older match") : _("no newer match"));
		return;
	}
	for (;;) {
		if (matches(lg, q)) {
			pause_at(lg, q);
			return;
		}
		if (!logs_seek(lg, &q, dir, false))
			break;
	}
	ui_message(app, UI_MSG_WARN, dir < 0 ? _("no older match for %s") : _("no newer match for %s"),
	    lg->view.search.pattern);
}

static void
search_cb(struct app *app, const char *answer, void *arg)
{
	struct logs *lg = arg;
	char *cause = NULL;

	if (answer == NULL)
		return;
	if (*answer == '\0') {
		log_regex_clear(&lg->view.search);
		return;
	}
	if (log_regex_set(&lg->view.search, answer, true, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("search: %s"), cause);
		free(cause);
		return;
	}
	search_step(app, lg, -1, true);
}

static void
filter_set(struct app *app, struct logs *lg, struct log_regex *re, const char *answer, const char *what)
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
	if (++lg->view.vis_gen == 0)
		lg->view.vis_gen = 1;
	app_dirty(app);
}

static void
include_cb(struct app *app, const char *answer, void *arg)
{
	struct logs *lg = arg;

	filter_set(app, lg, &lg->view.include, answer, _("include filter"));
}

static void
exclude_cb(struct app *app, const char *answer, void *arg)
{
	struct logs *lg = arg;

	filter_set(app, lg, &lg->view.exclude, answer, _("exclude filter"));
}

/* ---- Keys ---- */

static void
move_sel(struct logs *lg, int dir, int count)
{
	uint64_t q;

	if (!logs_selection(lg, &q))
		return;
	for (int i = 0; i < count && logs_seek(lg, &q, dir, false); i++)
		;
	pause_at(lg, q);
}

static int
logs_key(struct app *app, void *data, int key)
{
	struct logs *lg = data;
	struct logs_view *v;
	uint64_t q;
	int page;

	if (lg == NULL || lg->src == NULL)
		return KEY_UNHANDLED;
	v = &lg->view;
	page = v->height > 2 ? v->height - 1 : 1;
	switch (key) {
	case 'p':
		if (v->follow) {
			if (logs_newest(lg, &q))
				pause_at(lg, q);
			else {
				v->follow = false;
				v->pause_seq = lg->ring->next_seq;
			}
		} else
			v->follow = true;
		break;
	case 'k': case KEY_UP:
		move_sel(lg, -1, 1);
		break;
	case 'j': case KEY_DOWN:
		if (!v->follow)
			move_sel(lg, +1, 1);
		break;
	case KEY_PPAGE:
		move_sel(lg, -1, page);
		break;
	case KEY_NPAGE:
		if (!v->follow)
			move_sel(lg, +1, page);
		break;
	case 'g': case KEY_HOME:
		q = log_ring_first(lg->ring);
		if (logs_seek(lg, &q, +1, true))
			pause_at(lg, q);
		break;
	case 'G': case KEY_END:
		v->follow = true;
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (logs_selection(lg, &q))
			details(app, lg, log_ring_get(lg->ring, q));
		break;
	case '/':
		ui_prompt(app, "/", v->search.pattern, search_cb, lg);
		break;
	case 'n':
		search_step(app, lg, -1, false);
		break;
	case 'N':
		search_step(app, lg, +1, false);
		break;
	case 'f':
		ui_prompt(app, _("show lines matching (PCRE2, empty: all): "), v->include.pattern,
		    include_cb, lg);
		break;
	case 'F':
		ui_prompt(app, _("hide lines matching (PCRE2, empty: none): "), v->exclude.pattern,
		    exclude_cb, lg);
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
	struct logs *lg = arg;

	if (lg->src == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Loki is not configured"));
		return true;
	}
	if (args == NULL || *args == '\0') {
		ui_message(app, UI_MSG_INFO, _("query: %s"), lg->query);
		return true;
	}
	lg->view.follow = true;
	loki_set_query(lg->src, args);
	ui_message(app, UI_MSG_INFO, _("tailing %s"), args);
	return true;
}

static char **
query_complete(struct app *app, const char *args, void *arg)
{
	struct logs *lg = arg;
	size_t n;

	(void)app;
	return logql_complete(args, lg->labels, lg->nlabels, &n);
}

static void
logs_attach(struct app *app, void *data)
{
	struct logs *lg = data;

	if (lg == NULL)
		return;
	ui_command_register(app, "query", query_cmd, lg);
	ui_command_complete(app, "query", query_complete, lg);
}

const struct pane_ops logs_pane = {
	.name = "logs",
	.title = N_("Logs"),
	.draw = logs_pane_draw,
	.key = logs_key,
	.help = logs_help,
	.attach = logs_attach,
};
