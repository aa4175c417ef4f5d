/* The round machinery shared by every backend module: count the requests
 * of a round, record the first error, then schedule the next round at the
 * interval, or at twice the interval after a failure (and no sooner than a
 * Retry-After asks). */
#include "ceres/core/app.h"
#include "ceres/core/source.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A failing backend is asked half as often, never less: a wall screen
 * must show it up again within two intervals of its return (an
 * exponential backoff left a restarted PostgreSQL red for minutes). */
#define BACKOFF_FACTOR	2.0
#define RETRY_AFTER_MAX	300.0
/* The longest wait after failures when the source sets no cap. */
#define BACKOFF_MAX	300.0

struct source_req {
	struct source		*src;
	http_cb			 cb;
	void			*arg;
	struct http_handle	*h;
	struct source_req	*next;
};

static void
inflight_remove(struct source *s, struct source_req *sr)
{
	struct source_req **pp;

	for (pp = &s->inflight; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == sr) {
			*pp = sr->next;
			return;
		}
	}
}

static void source_round_start(void *arg);

struct source *
source_new(struct app *app, const struct source_ops *ops, const char *name, void *data)
{
	struct source *s = xcalloc(1, sizeof *s);

	s->ops = ops;
	s->app = app;
	s->name = xstrdup(name);
	s->data = data;
	s->interval = app->interval;
	s->timeout = app->timeout;
	s->max_bytes = 8u << 20;
	s->latency_ms = -1;
	return s;
}

void
source_free(struct source *s)
{
	if (s == NULL)
		return;
	if (s->timer != NULL)
		loop_timer_cancel(s->app->loop, s->timer);
	while (s->inflight != NULL) {
		struct source_req *sr = s->inflight;

		s->inflight = sr->next;
		loop_http_cancel(s->app->loop, sr->h);
		free(sr);
	}
	if (s->ops->free != NULL)
		s->ops->free(s);
	free(s->name);
	free(s->error);
	free(s->round_error);
	free(s);
}

double
source_next_delay(const struct source *s)
{
	double d = s->interval;
	double cap = s->backoff_max > 0 ? s->backoff_max : BACKOFF_MAX;

	/* Twice the interval after a failure, never more than the cap
	 * ([ceres] health_backoff_max for health checks), never less than
	 * the interval. */
	if (s->failures > 0) {
		d *= BACKOFF_FACTOR;
		if (d > cap)
			d = cap;
		if (d < s->interval)
			d = s->interval;
	}
	/* A server's Retry-After is honoured up to its own limit. */
	if (s->retry_after > d)
		d = s->retry_after > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : s->retry_after;
	return d;
}

double
source_next_start(const struct source *s, double spent)
{
	double d;

	if (s->failures > 0 || s->retry_after > 0)
		return source_next_delay(s);
	d = s->interval - (spent > 0 ? spent : 0);
	return d < s->interval / 2 ? s->interval / 2 : d;
}

/* A backend came back: the evidence gathered from it (readiness) is
 * fetched again now rather than after its own backoff.  Advisory sources
 * that are failing, or named after this one ("readiness loki"), re-run. */
static void
source_recovered(struct source *s)
{
	size_t nlen = strlen(s->name);

	for (size_t i = 0; i < s->app->nsources; i++) {
		struct source *o = s->app->sources[i];
		size_t olen;

		if (o == s || !o->advisory || o->in_round)
			continue;
		olen = strlen(o->name);
		if (o->failures > 0 || (olen > nlen && o->name[olen - nlen - 1] == ' ' &&
		    strcmp(o->name + olen - nlen, s->name) == 0))
			source_poll_now(o);
	}
}

/* Seconds until the server lets us ask again (Retry-After), else 0. */
static double
retry_wait(const struct source *s)
{
	double left = s->retry_until - now_mono();

	return left > 0 ? left : 0;
}

static void
source_round_end(struct source *s)
{
	bool recovered;

	s->in_round = false;
	s->polled = true;
	s->rounds++;
	s->last_round = now_wall();
	s->latency_ms = s->round_latency_ms;
	free(s->error);
	s->error = s->round_error;
	s->round_error = NULL;
	s->ok = s->error == NULL;
	recovered = s->ok && s->failures > 0;
	if (s->ok) {
		s->failures = 0;
		s->last_ok = s->last_round;
	} else if (s->failures++ == 0)
		s->failing_since = s->last_round;
	if (s->ops->round_end != NULL)
		s->ops->round_end(s);
	if (recovered && !s->advisory && !s->once_only)
		source_recovered(s);
	/* Retry-After binds every next request, even a manual refresh, and
	 * also after a round that was otherwise fine (a 503 with it). */
	if (s->retry_after > 0)
		s->retry_until = now_mono() + (s->retry_after > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : s->retry_after);
	app_dirty(s->app);
	if (!s->once_only)
		s->timer = loop_timer_add(s->app->loop, source_next_start(s, now_mono() - s->round_started),
		    source_round_start, s);
}

static void
source_round_start(void *arg)
{
	struct source *s = arg;

	s->timer = NULL;
	if (s->in_round)
		return;
	s->in_round = true;
	s->pending = 1;		/* held by start() itself */
	s->round_started = now_mono();
	s->round_latency_ms = -1;
	s->retry_after = 0;
	free(s->round_error);
	s->round_error = NULL;
	s->ops->start(s);
	source_async_end(s);
}

void
source_poll_now(struct source *s)
{
	if (s->in_round)
		return;
	if (s->timer != NULL) {
		loop_timer_cancel(s->app->loop, s->timer);
		s->timer = NULL;
	}
	/* Start from the loop, not from inside a key handler or callback;
	 * a server that asked us to wait is not asked before its time. */
	s->timer = loop_timer_add(s->app->loop, retry_wait(s), source_round_start, s);
}

void
source_async_begin(struct source *s)
{
	s->pending++;
}

void
source_async_end(struct source *s)
{
	if (--s->pending == 0)
		source_round_end(s);
}

static void
source_http_done(const struct http_response *r, void *arg)
{
	struct source_req *sr = arg;
	struct source *s = sr->src;

	if (r->latency_ms > s->round_latency_ms)
		s->round_latency_ms = r->latency_ms;
	if (r->status == 429 || r->status == 503) {
		if (r->retry_after > s->retry_after)
			s->retry_after = r->retry_after;
	}
	/* Rate limited: no data this round, whatever the module makes of the
	 * body.  Said first, so this is the error the user sees. */
	if (r->status == 429) {
		if (r->retry_after > 0)
			source_error(s, "rate limited (HTTP 429), retry after %.0fs", r->retry_after);
		else
			source_error(s, "rate limited (HTTP 429)");
	}
	inflight_remove(s, sr);
	sr->cb(r, sr->arg);
	free(sr);
	source_async_end(s);
}

struct source_req *
source_http(struct source *s, const struct http_request *req, http_cb cb, void *arg)
{
	struct source_req *sr = xcalloc(1, sizeof *sr);
	struct http_request r = *req;

	sr->src = s;
	sr->cb = cb;
	sr->arg = arg;
	if (r.timeout <= 0)
		r.timeout = s->timeout;
	if (r.max_bytes == 0)
		r.max_bytes = s->max_bytes;
	if (r.scope == NULL)
		r.scope = s->app;	/* DNS and connection caches per site */
	source_async_begin(s);
	sr->next = s->inflight;
	s->inflight = sr;
	sr->h = loop_http(s->app->loop, &r, source_http_done, sr);
	return sr;
}

/* Drop a request of the round that is no longer wanted: its callback is
 * never called.  Only for a request still in flight; it may be called
 * from the callback of another request of the same source. */
void
source_http_cancel(struct source *s, struct source_req *sr)
{
	if (sr == NULL)
		return;
	inflight_remove(s, sr);
	loop_http_cancel(s->app->loop, sr->h);
	free(sr);
	source_async_end(s);
}

/* Replace every occurrence of needle in *text (needles shorter than 4
 * bytes would redact ordinary words, and are too weak to matter). */
static void
redact(char **text, const char *needle, size_t nlen)
{
	struct strbuf sb;
	const char *p, *hit;

	if (nlen < 4 || strstr(*text, needle) == NULL)
		return;
	strbuf_init(&sb);
	for (p = *text; (hit = strstr(p, needle)) != NULL; p = hit + nlen) {
		strbuf_add(&sb, p, (size_t)(hit - p));
		strbuf_adds(&sb, "<redacted>");
	}
	strbuf_adds(&sb, p);
	free(*text);
	*text = strbuf_detach(&sb);
}

char *
source_scrub(const struct source *s, const char *text)
{
	const struct config *c = s->app != NULL ? s->app->config : NULL;
	char *out = xstrdup(text != NULL ? text : "");

	for (size_t i = 0; c != NULL && i < c->nentries; i++) {
		const struct config_entry *e = &c->entries[i];
		const char *last;

		if (!e->secret || e->value == NULL)
			continue;
		redact(&out, e->value, strlen(e->value));
		/* A secret URL's key is its last path segment, and a server
		 * may quote the path alone. */
		if (strstr(e->value, "://") != NULL && (last = strrchr(e->value, '/')) != NULL &&
		    strlen(last + 1) >= 8)
			redact(&out, last + 1, strlen(last + 1));
	}
	return out;
}

void
source_error(struct source *s, const char *fmt, ...)
{
	va_list ap;
	char *msg, *clean;

	if (s->round_error != NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* Errors quote backend text: no secret it echoed, and terminal-safe,
	 * once, here. */
	clean = source_scrub(s, msg);
	s->round_error = sanitize_str(clean);
	free(clean);
	free(msg);
}

double
source_age(const struct source *s)
{
	if (s->last_ok <= 0)
		return -1;
	return now_wall() - s->last_ok;
}

double
source_data_age(const struct source *s)
{
	if (s->last_ok > 0)
		return now_wall() - s->last_ok;
	if (s->failures > 0)
		return now_wall() - s->failing_since;
	return -1;
}

bool
source_stale(const struct source *s)
{
	double age = source_age(s);

	return age < 0 ? s->polled : age > 3 * s->interval + s->timeout;
}

double
sources_vital_age(struct source *const *v, size_t n, const struct source **stale)
{
	double oldest = -1;

	*stale = NULL;
	for (size_t i = 0; i < n; i++) {
		double ag;

		if (!v[i]->vital)
			continue;
		ag = source_age(v[i]);
		if (ag > oldest)
			oldest = ag;
		if (*stale == NULL && source_stale(v[i]))
			*stale = v[i];
	}
	return oldest;
}
