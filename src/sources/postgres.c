/* PostgreSQL health through asynchronous libpq: PQconnectStart and
 * PQconnectPoll driven by the loop, then one PQsendQuery for version,
 * connections used/max, recovery role, streaming replicas and lag. */
#include "ceres/core/app.h"
#include "ceres/sources/health.h"
#include "ceres/util/util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char pg_query[] =
    "SELECT split_part(current_setting('server_version'), ' ', 1),"
    " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),"
    " current_setting('max_connections')::int,"
    " pg_is_in_recovery(),"
    " (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'),"
    " (SELECT COALESCE(max(EXTRACT(EPOCH FROM COALESCE(replay_lag, '0'::interval))), 0)"
    "    FROM pg_stat_replication),"
    " CASE WHEN pg_is_in_recovery() THEN COALESCE(EXTRACT(EPOCH FROM now() -"
    "    pg_last_xact_replay_timestamp()), 0) END";

enum pg_phase { PG_IDLE, PG_CONNECTING, PG_QUERY };

struct pg {
	char			*name;
	char			*conninfo;
	PGconn			*conn;
	int			 fd;
	enum pg_phase		 phase;
	double			 started;
	struct loop_timer	*timer;
};

static void pg_step(int fd, int events, void *arg);

static void
pg_watch(struct source *s, int events)
{
	struct pg *p = s->data;
	int fd = PQsocket(p->conn);

	/* The socket can change during connection (several hosts, SSL
	 * fallback): re-read it every time. */
	if (p->fd >= 0 && p->fd != fd)
		loop_fd_del(s->app->loop, p->fd);
	p->fd = fd;
	if (fd >= 0)
		loop_fd_set(s->app->loop, fd, events, pg_step, s);
}

static void
pg_unwatch(struct source *s)
{
	struct pg *p = s->data;

	if (p->fd >= 0)
		loop_fd_del(s->app->loop, p->fd);
	p->fd = -1;
	if (p->timer != NULL) {
		loop_timer_cancel(s->app->loop, p->timer);
		p->timer = NULL;
	}
}

static void
pg_drop(struct source *s)
{
	struct pg *p = s->data;

	pg_unwatch(s);
	if (p->conn != NULL)
		PQfinish(p->conn);
	p->conn = NULL;
}

static void
pg_end(struct source *s, const char *error)
{
	struct pg *p = s->data;
	struct model *m = &s->app->model;

	if (p->phase == PG_IDLE)
		return;
	p->phase = PG_IDLE;
	if (error != NULL) {
		char *msg = xstrndup(error, strcspn(error, "\n"));

		model_service_update(m, model_service(m, p->name, "postgres"), SVC_DOWN, -1, msg);
		source_error(s, "%s", msg);
		free(msg);
	}
	pg_drop(s);
	s->round_latency_ms = (now_mono() - p->started) * 1000;
	source_async_end(s);
}

static void
pg_result(struct source *s, PGresult *res)
{
	struct pg *p = s->data;
	struct model *m = &s->app->model;
	struct service *sv = model_service(m, p->name, "postgres");
	char detail[256];
	const char *ver, *used, *max, *rec, *reps, *lag, *rlag;
	long nused = 0, nmax = 0, nreps = 0;
	double dlag = 0, drlag = 0;
	bool replica;
	enum svc_state st = SVC_UP;

	if (PQntuples(res) != 1 || PQnfields(res) != 7) {
		model_service_update(m, sv, SVC_DEGRADED, -1, "unexpected answer to the health query");
		return;
	}
	ver = PQgetvalue(res, 0, 0);
	used = PQgetvalue(res, 0, 1);
	max = PQgetvalue(res, 0, 2);
	rec = PQgetvalue(res, 0, 3);
	reps = PQgetvalue(res, 0, 4);
	lag = PQgetvalue(res, 0, 5);
	rlag = PQgetvalue(res, 0, 6);
	parse_long(used, 0, 1000000, &nused);
	parse_long(max, 0, 1000000, &nmax);
	parse_long(reps, 0, 100000, &nreps);
	parse_double(lag, &dlag);
	parse_double(rlag, &drlag);
	replica = rec[0] == 't';
	if (nmax > 0 && nused * 10 >= nmax * 9)
		st = SVC_DEGRADED;	/* connection pool nearly exhausted */
	if (replica)
		snprintf(detail, sizeof detail, "pg %s: %ld/%ld conns, replica, replay lag %.1fs",
		    ver, nused, nmax, drlag);
	else if (nreps > 0)
		snprintf(detail, sizeof detail, "pg %s: %ld/%ld conns, primary, %ld replica%s, lag %.1fs",
		    ver, nused, nmax, nreps, nreps == 1 ? "" : "s", dlag);
	else
		snprintf(detail, sizeof detail, "pg %s: %ld/%ld conns, primary, no replica", ver, nused, nmax);
	model_service_update(m, sv, st, (now_mono() - p->started) * 1000, detail);
	model_service_set_fact(m, sv, FACT_PG_VERSION, ver);
	model_service_set_fact(m, sv, FACT_PG_CONNECTIONS, used);
	model_service_set_fact(m, sv, FACT_PG_MAX_CONNECTIONS, max);
	model_service_set_fact(m, sv, FACT_PG_ROLE, replica ? "replica" : "primary");
	model_service_set_fact(m, sv, FACT_PG_REPLICAS, reps);
	model_service_set_fact(m, sv, FACT_PG_MAX_LAG, lag);
}

static void
pg_timeout(void *arg)
{
	struct source *s = arg;
	struct pg *p = s->data;

	p->timer = NULL;
	pg_end(s, "timeout");
}

static void
pg_send(struct source *s)
{
	struct pg *p = s->data;

	if (!PQsendQuery(p->conn, pg_query)) {
		pg_end(s, PQerrorMessage(p->conn));
		return;
	}
	p->phase = PG_QUERY;
	pg_step(p->fd, LOOP_WRITE, s);
}

static void
pg_step(int fd, int events, void *arg)
{
	struct source *s = arg;
	struct pg *p = s->data;

	(void)fd;
	if (p->phase == PG_CONNECTING) {
		switch (PQconnectPoll(p->conn)) {
		case PGRES_POLLING_READING:
			pg_watch(s, LOOP_READ);
			return;
		case PGRES_POLLING_WRITING:
			pg_watch(s, LOOP_WRITE);
			return;
		case PGRES_POLLING_OK:
			pg_watch(s, LOOP_READ);
			pg_send(s);
			return;
		default:
			pg_end(s, PQerrorMessage(p->conn));
			return;
		}
	}
	if (p->phase != PG_QUERY)
		return;
	if (events & LOOP_WRITE) {
		int f = PQflush(p->conn);

		if (f < 0) {
			pg_end(s, PQerrorMessage(p->conn));
			return;
		}
		pg_watch(s, f == 1 ? LOOP_READ | LOOP_WRITE : LOOP_READ);
		if (f == 1)
			return;
	}
	if (!PQconsumeInput(p->conn)) {
		pg_end(s, PQerrorMessage(p->conn));
		return;
	}
	while (!PQisBusy(p->conn)) {
		PGresult *res = PQgetResult(p->conn);

		if (res == NULL) {
			pg_end(s, NULL);
			return;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			pg_result(s, res);
		else
			source_error(s, "%s", PQresultErrorMessage(res));
		PQclear(res);
	}
}

static void
pg_start(struct source *s)
{
	struct pg *p = s->data;

	p->started = now_mono();
	source_async_begin(s);
	/* A new connection each round: "can a client connect" is the health
	 * question, and a connection the server dropped while idle would
	 * otherwise show as one false "down". */
	pg_drop(s);
	p->timer = loop_timer_add(s->app->loop, s->timeout, pg_timeout, s);
	p->conn = PQconnectStart(p->conninfo);
	if (p->conn == NULL) {
		p->phase = PG_CONNECTING;
		pg_end(s, "out of memory");
		return;
	}
	PQsetnonblocking(p->conn, 1);
	p->phase = PG_CONNECTING;
	if (PQstatus(p->conn) == CONNECTION_BAD) {
		pg_end(s, PQerrorMessage(p->conn));
		return;
	}
	pg_watch(s, LOOP_WRITE);
}

static void
pg_free(struct source *s)
{
	struct pg *p = s->data;

	pg_drop(s);
	if (p->conninfo != NULL) {
		memset(p->conninfo, 0, strlen(p->conninfo));
		free(p->conninfo);
	}
	free(p->name);
	free(p);
}

static const struct source_ops pg_ops = {
	.kind = "postgres",
	.start = pg_start,
	.free = pg_free,
};

struct source *
postgres_source_new(struct app *app, const char *name, const char *conninfo)
{
	struct pg *p = xcalloc(1, sizeof *p);

	p->name = xstrdup(name);
	p->conninfo = xstrdup(conninfo);
	p->fd = -1;
	return source_new(app, &pg_ops, name, p);
}
