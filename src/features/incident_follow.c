/* Following the incident window while the view is open: a firing alert's
 * window ends now, so its end moves on and the lines Loki gets after the
 * newest one held are appended, round after round, the per-minute counts
 * growing with the window.  The lines stay bounded: past the cap the
 * oldest followed lines go, never those of the first answer. */
#include "ceres/features/incident_app.h"
#include "ceres/core/app.h"
#include "ceres/features/logs.h"
#include "ceres/sources/logs.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

#define FOLLOW_MAX_BYTES	(64u << 20)
#define FOLLOW_MIN_INTERVAL	1.0

void
incident_extend(struct incident *inc, double to)
{
	struct inc_counts *c = &inc->counts;
	size_t n;

	if (inc->win.end > 0 || to <= inc->win.to)
		return;
	inc->win.to = to;
	if (c->n == 0)
		return;		/* counts_init sizes them at the first line */
	n = (size_t)((to - c->from) / 60.0) + 2;
	if (n > INCIDENT_MINUTES_MAX)
		n = INCIDENT_MINUTES_MAX;
	if (n <= c->n)
		return;
	c->errors = xreallocarray(c->errors, n, sizeof *c->errors);
	c->warns = xreallocarray(c->warns, n, sizeof *c->warns);
	memset(c->errors + c->n, 0, (n - c->n) * sizeof *c->errors);
	memset(c->warns + c->n, 0, (n - c->n) * sizeof *c->warns);
	c->n = n;
}

void
incident_drop_lines(struct incident *inc, size_t at, size_t k)
{
	if (at >= inc->nlines)
		return;
	if (k > inc->nlines - at)
		k = inc->nlines - at;
	for (size_t i = at; i < at + k; i++)
		free(inc->lines[i].text);
	memmove(inc->lines + at, inc->lines + at + k, (inc->nlines - at - k) * sizeof *inc->lines);
	inc->nlines -= k;
}

struct inc_follow {
	struct app		*app;
	const struct inc_config	*ic;
	struct incident		*inc;
	struct logs_area	*logs;
	inc_follow_cb		 cb;
	void			*arg;
	size_t			 base;		/* lines of the first answer: kept */
	struct http_handle	*h;
	struct loki_reader	*rd;		/* the answer being read */
	struct loop_timer	*timer;
	bool			 set_error;	/* inc->logs_error is this module's */
};

static void follow_tick(void *arg);

static double
interval(const struct inc_follow *fl)
{
	double s = fl->logs->src->interval;

	return s > FOLLOW_MIN_INTERVAL ? s : FOLLOW_MIN_INTERVAL;
}

static void
follow_next(struct inc_follow *fl, double delay)
{
	fl->timer = loop_timer_add(fl->app->loop, delay, follow_tick, fl);
}

static void
follow_error(struct inc_follow *fl, char *msg)
{
	struct incident *inc = fl->inc;

	if (inc->logs_error != NULL && !fl->set_error) {
		free(msg);	/* the first answer's error stays */
		return;
	}
	free(inc->logs_error);
	inc->logs_error = xasprintf("%s: %s", _("Loki query"), msg);
	fl->set_error = true;
	free(msg);
	fl->cb(inc, 0, 0, 0, fl->arg);
}

/* Append the answer's lines; make room first when they would pass the
 * cap.  Returns how many values the answer held. */
static size_t
follow_add(struct inc_follow *fl, struct loki_result *res)
{
	struct incident *inc = fl->inc;
	size_t n0, at = fl->base, drop = 0, i, j;

	loki_result_order(res, false);
	if (inc->nlines + res->nentries > INCIDENT_LINES_MAX && inc->nlines > fl->base) {
		drop = inc->nlines + res->nentries - INCIDENT_LINES_MAX;
		if (drop > inc->nlines - fl->base)
			drop = inc->nlines - fl->base;
		incident_drop_lines(inc, at, drop);
	}
	n0 = inc->nlines;
	for (i = 0; i < res->nstreams; i++)
		for (j = 0; j < res->streams[i].nvalues; j++)
			incident_add_line(inc, &res->streams[i], &res->streams[i].values[j],
			    &fl->logs->lg.levels);
	incident_sort_lines_from(inc, n0);
	if (inc->nlines > n0 || drop > 0)
		fl->cb(inc, inc->nlines - n0, at, drop, fl->arg);
	return res->nentries;
}

static void
follow_done(const struct http_response *r, void *arg)
{
	struct inc_follow *fl = arg;
	struct loki_result res;
	char *cause = NULL;
	size_t got = 0;

	fl->h = NULL;
	if (r->status != 200 || r->error != NULL) {
		follow_error(fl, r->error != NULL ? xstrdup(r->error) : loki_error_text(r->body, r->len));
	} else if (loki_answer_streams(r, fl->rd, &res, &cause) != 0) {
		follow_error(fl, cause);
	} else {
		if (fl->set_error) {
			free(fl->inc->logs_error);
			fl->inc->logs_error = NULL;
			fl->set_error = false;
			fl->cb(fl->inc, 0, 0, 0, fl->arg);
		}
		got = follow_add(fl, &res);
		loki_result_free(&res);
	}
	loki_reader_free(fl->rd);
	fl->rd = NULL;
	/* A full answer: more lines wait, ask again at once. */
	follow_next(fl, got >= fl->ic->limit ? 0 : interval(fl));
}

static void
follow_tick(void *arg)
{
	struct inc_follow *fl = arg;
	struct incident *inc = fl->inc;
	double now = now_wall();
	int64_t from;
	char *path;

	fl->timer = NULL;
	incident_extend(inc, now);
	from = inc->nlines > 0 ? inc->lines[inc->nlines - 1].ts + 1 : (int64_t)(inc->win.from * 1e9);
	path = loki_range_path(inc->sel.selector, from, (int64_t)(now * 1e9) + 1000000000, fl->ic->limit,
	    true);
	fl->rd = loki_reader_new();
	fl->h = loki_request(fl->logs->src, path, fl->logs->src->timeout, FOLLOW_MAX_BYTES, fl->rd,
	    follow_done, fl);
	free(path);
}

struct inc_follow *
incident_follow(struct app *app, const struct inc_config *ic, struct incident *inc,
    inc_follow_cb cb, void *arg)
{
	struct logs_area *logs = app_feature(app, FEATURE_LOGS);
	struct inc_follow *fl;

	if (inc->win.end > 0 || logs == NULL || logs->src == NULL || inc->sel.selector == NULL)
		return NULL;
	fl = xcalloc(1, sizeof *fl);
	fl->app = app;
	fl->ic = ic;
	fl->inc = inc;
	fl->logs = logs;
	fl->cb = cb;
	fl->arg = arg;
	fl->base = inc->nlines;
	follow_next(fl, interval(fl));
	return fl;
}

void
incident_follow_cancel(struct app *app, struct inc_follow *fl)
{
	if (fl == NULL)
		return;
	if (fl->h != NULL)
		loop_http_cancel(app->loop, fl->h);
	if (fl->timer != NULL)
		loop_timer_cancel(app->loop, fl->timer);
	loki_reader_free(fl->rd);
	free(fl);
}
