/* PostgreSQL health over the loop's libpq client (net/pg.c): one
 * connection per round and one query for version, connections used/max,
 * recovery role, streaming replicas and lag. */
#include "ceres/core/app.h"
#include "ceres/net/pg.h"
#include "ceres/sources/health.h"
#include "ceres/util/util.h"

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

struct pg {
	char			*name;
	char			*conninfo;
	struct pg_conn		*conn;
	struct source		*s;
	bool			 busy;
	double			 started;
};

static void
pg_result(struct pg *p, PGresult *res)
{
	struct model *m = &p->s->app->model;
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
pg_end(struct pg *p, const char *error)
{
	struct source *s = p->s;
	struct model *m = &s->app->model;

	if (!p->busy)
		return;
	p->busy = false;
	if (error != NULL) {
		model_service_update(m, model_service(m, p->name, "postgres"), SVC_DOWN, -1, error);
		source_error(s, "%s", error);
	}
	pg_conn_close(p->conn);
	s->round_latency_ms = (now_mono() - p->started) * 1000;
	source_async_end(s);
}

static void
on_ready(struct pg_conn *c, void *arg)
{
	struct pg *p = arg;

	if (pg_conn_query(c, pg_query, 0, NULL, 0) != 0)
		pg_end(p, pg_conn_error(c));
}

static void
on_result(struct pg_conn *c, PGresult *res, void *arg)
{
	struct pg *p = arg;

	(void)c;
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		pg_result(p, res);
	else
		source_error(p->s, "%s", PQresultErrorMessage(res));
}

static void
on_done(struct pg_conn *c, void *arg)
{
	(void)c;
	pg_end(arg, NULL);
}

static void
on_fail(struct pg_conn *c, const char *error, void *arg)
{
	(void)c;
	pg_end(arg, error);
}

static const struct pg_conn_ops pg_conn_ops = {
	.ready = on_ready, .result = on_result, .done = on_done, .fail = on_fail,
};

static void
pg_start(struct source *s)
{
	struct pg *p = s->data;

	p->started = now_mono();
	source_async_begin(s);
	p->busy = true;
	/* A new connection each round: "can a client connect" is the health
	 * question, and a connection the server dropped while idle would
	 * otherwise show as one false "down".  The timeout covers the round. */
	if (pg_conn_start(p->conn, p->conninfo, s->timeout) != 0)
		pg_end(p, pg_conn_error(p->conn));
}

static void
pg_free(struct source *s)
{
	struct pg *p = s->data;

	pg_conn_free(p->conn);
	secret_free(p->conninfo);
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
	p->conn = pg_conn_new(app->loop, &pg_conn_ops, p);
	p->s = source_new(app, &pg_ops, name, p);
	return p->s;
}
