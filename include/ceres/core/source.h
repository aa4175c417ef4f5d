/* A source polls one backend: start a round of requests, parse the
 * answers into the model, schedule the next round (at twice the interval
 * after a failure).  Every backend module implements struct source_ops. */
#ifndef CERES_SOURCE_H
#define CERES_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/core/loop.h"

struct app;
struct source;

struct source_ops {
	const char	*kind;			/* "prometheus", "http", ... */
	/* Begin one poll round: issue requests with source_http() or
	 * source_async_begin().  The round ends when all of them ended. */
	void		(*start)(struct source *s);
	/* Called when a round ends (ok or not), after the last answer. */
	void		(*round_end)(struct source *s);
	/* Cancel anything in flight and free s->data. */
	void		(*free)(struct source *s);
};

struct source_req;

struct source {
	const struct source_ops	*ops;
	struct app		*app;
	char			*name;		/* "prometheus", "service grafana" */
	void			*data;		/* the module's own state */

	double			 interval;	/* seconds between rounds */
	double			 backoff_max;	/* longest wait after failures (0: 300 s) */
	double			 timeout;	/* per request */
	size_t			 max_bytes;	/* per response */

	/* Round state. */
	int			 pending;
	bool			 in_round;
	char			*round_error;	/* first error of this round */
	double			 round_started;
	double			 round_latency_ms;

	/* Results, for the sources list, data age and backoff. */
	bool			 ok;
	bool			 polled;	/* at least one round ended */
	char			*error;		/* last round's error, NULL if ok */
	double			 latency_ms;
	double			 last_ok;	/* wall clock, 0 never */
	double			 last_round;	/* wall clock */
	int			 failures;	/* consecutive failed rounds */
	double			 failing_since;	/* wall clock of the first of them */
	double			 retry_after;	/* server asked us to wait (this round) */
	double			 retry_until;	/* monotonic: no request before this */
	unsigned		 rounds;
	struct loop_timer	*timer;
	bool			 once_only;	/* --once: do not reschedule */
	/* Advisory sources gather evidence (readiness) rather than watch a
	 * service: their failures do not make --once report "unreachable". */
	bool			 advisory;
	/* Vital sources (health, alerts) make the header's data age. */
	bool			 vital;
	struct source_req	*inflight;	/* requests of this round (opaque: source.c) */
};

struct source *source_new(struct app *app, const struct source_ops *ops, const char *name, void *data);
void source_free(struct source *s);
/* Seconds from the end of a round to the next one: the interval, twice
 * it after a failed round, longer only when the server asked
 * (Retry-After, at most 300 s). */
double source_next_delay(const struct source *s);
/* After a round that took spent seconds, how long until the next one
 * starts: a round that went well keeps the beat (the next starts one
 * interval after this one started, however long it took, but never
 * sooner than half an interval after it ended), so every source of a
 * site asks its backends in the same moment round after round and the
 * data is never older than the interval plus one round; otherwise
 * source_next_delay() after the end. */
double source_next_start(const struct source *s, double spent);
/* Start a round now (cancelling a pending timer); no-op while in a round. */
void source_poll_now(struct source *s);

/* Issue a request as part of the current round.  The request inherits the
 * source's timeout and size cap when its own are 0.  The request it
 * returns is valid until its callback runs or source_http_cancel(). */
struct source_req *source_http(struct source *s, const struct http_request *req, http_cb cb, void *arg);
/* Cancel a request still in flight (its callback never runs). */
void source_http_cancel(struct source *s, struct source_req *sr);
/* For non-HTTP work (libpq, sockets): count it into the round. */
void source_async_begin(struct source *s);
void source_async_end(struct source *s);
/* Record an error for this round (first one wins); printf-style. */
void source_error(struct source *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A copy of backend text with every configured secret (token, API key,
 * password, webhook URL and its last path segment) replaced by
 * "<redacted>": for servers that echo the credentials they were sent.
 * source_error() applies it; use it for backend text put in the model. */
char *source_scrub(const struct source *s, const char *text);

/* Seconds since the last good round, or -1 if never. */
double source_age(const struct source *s);
/* The age of the last good data, as shown: since the last good round, or,
 * failing since the start, since the first failure; -1 when unknown. */
double source_data_age(const struct source *s);
/* True when the data is older than 3 intervals. */
bool source_stale(const struct source *s);
/* The header's data age: the oldest age of the vital sources (-1 when
 * none has data yet), and the first stale one (NULL when none is). */
double sources_vital_age(struct source *const *v, size_t n, const struct source **stale);

#endif
