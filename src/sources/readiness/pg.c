/* Readiness queries over the loop's libpq client (net/pg.c): the PostgreSQL settings
 * and pg_stat_replication rows the checks need, and the central audit
 * database ([audit] conninfo).  One short connection per round. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/net/pg.h"
#include "ceres/sources/health.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_REPLICAS	100

static const char settings_sql[] =
    "SELECT current_setting('server_version'), pg_is_in_recovery(),"
    " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),"
    " current_setting('max_connections')::int,"
    " current_setting('password_encryption'), current_setting('autovacuum'),"
    " current_setting('track_counts'), current_setting('shared_preload_libraries'),"
    " current_setting('archive_mode'), current_setting('archive_command'),"
    " current_setting('archive_library', true), current_setting('ssl');"
    "SELECT COALESCE(application_name, ''), COALESCE(host(client_addr), 'local'),"
    " COALESCE(state, ''), COALESCE(sync_state, ''), EXTRACT(EPOCH FROM replay_lag),"
    " CASE WHEN pg_is_in_recovery() THEN NULL"
    "  ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END"
    " FROM pg_stat_replication ORDER BY 1 LIMIT 100";

static const char audit_sql[] =
    "SELECT to_regclass('ceres_audit') IS NOT NULL,"
    " COALESCE((SELECT has_table_privilege(c.oid, 'INSERT') FROM pg_class c"
    "   WHERE c.oid = to_regclass('ceres_audit')), false),"
    " COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false),"
    " COALESCE((SELECT n_live_tup FROM pg_stat_user_tables"
    "   WHERE relid = to_regclass('ceres_audit')), -1)";

struct pgq {
	struct source		*s;
	struct rd_data		*d;
	char			*conninfo;
	const char		*sql;
	struct pg_conn		*conn;
	bool			 busy;
	int			 nres;
	bool			 failed;
	struct rd_fetch		*f;
	double			 started;
	void			(*on_result)(struct pgq *q, int idx, PGresult *res);
};

static void
pgq_end(struct pgq *q, const char *error)
{
	if (!q->busy)
		return;
	q->busy = false;
	if (error != NULL || q->failed) {
		if (error != NULL || q->f->avail != RD_ERR)
			rd_fetch_err(q->f, "%s", error != NULL ? error : "query failed");
		source_error(q->s, "%s", q->f->error);
	} else
		rd_fetch_ok(q->f);
	pg_conn_close(q->conn);
	q->s->round_latency_ms = (now_mono() - q->started) * 1000;
	q->d->generation++;
	app_dirty(q->s->app);
	source_async_end(q->s);
}

static void
on_ready(struct pg_conn *c, void *arg)
{
	struct pgq *q = arg;

	if (pg_conn_query(c, q->sql, 0, NULL, 0) != 0)
		pgq_end(q, pg_conn_error(c));
}

static void
on_result(struct pg_conn *c, PGresult *res, void *arg)
{
	struct pgq *q = arg;

	(void)c;
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		q->on_result(q, q->nres++, res);
	else if (!q->failed) {
		rd_fetch_err(q->f, "%s", PQresultErrorMessage(res));
		q->failed = true;
	}
}

static void
on_done(struct pg_conn *c, void *arg)
{
	(void)c;
	pgq_end(arg, NULL);
}

static void
on_fail(struct pg_conn *c, const char *error, void *arg)
{
	(void)c;
	pgq_end(arg, error);
}

static const struct pg_conn_ops pgq_conn_ops = {
	.ready = on_ready, .result = on_result, .done = on_done, .fail = on_fail,
};

static void
pgq_start(struct source *s)
{
	struct pgq *q = s->data;

	q->nres = 0;
	q->failed = false;
	q->started = now_mono();
	source_async_begin(s);
	q->busy = true;
	if (pg_conn_start(q->conn, q->conninfo, s->timeout) != 0)
		pgq_end(q, pg_conn_error(q->conn));
}

static void
pgq_free(struct source *s)
{
	struct pgq *q = s->data;

	pg_conn_free(q->conn);
	secret_free(q->conninfo);
	free(q);
}

static const struct source_ops pgq_ops = { .kind = "readiness", .start = pgq_start, .free = pgq_free };

static char *
value(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return sanitize_str(PQgetvalue(res, row, col));
}

static double
number(PGresult *res, int row, int col)
{
	double v;

	if (PQgetisnull(res, row, col) || parse_double(PQgetvalue(res, row, col), &v) != 0 || !isfinite(v))
		return -1;
	return v;
}

static void
settings_result(struct pgq *q, int idx, PGresult *res)
{
	struct rd_pg *p = &q->d->pg;

	if (idx == 0 && PQntuples(res) == 1 && PQnfields(res) == 12) {
		char **slots[] = { &p->version, NULL, NULL, NULL, &p->password_encryption, &p->autovacuum,
			&p->track_counts, &p->preload, &p->archive_mode, &p->archive_command,
			&p->archive_library, &p->ssl };

		for (int i = 0; i < 12; i++) {
			if (slots[i] == NULL)
				continue;
			free(*slots[i]);
			*slots[i] = value(res, 0, i);
		}
		p->in_recovery = PQgetvalue(res, 0, 1)[0] == 't';
		p->used = (long)number(res, 0, 2);
		p->max = (long)number(res, 0, 3);
	} else if (idx == 1 && PQnfields(res) == 6) {
		int n = PQntuples(res);

		for (size_t i = 0; i < p->nrep; i++) {
			free(p->rep[i].name);
			free(p->rep[i].client);
			free(p->rep[i].state);
			free(p->rep[i].sync);
		}
		free(p->rep);
		p->rep = NULL;
		p->nrep = 0;
		if (n > PG_MAX_REPLICAS)
			n = PG_MAX_REPLICAS;
		if (n > 0)
			p->rep = xcalloc((size_t)n, sizeof *p->rep);
		for (int i = 0; i < n; i++) {
			struct rd_pg_replica *x = &p->rep[p->nrep++];

			x->name = value(res, i, 0);
			x->client = value(res, i, 1);
			x->state = value(res, i, 2);
			x->sync = value(res, i, 3);
			x->lag = number(res, i, 4);
			x->bytes = number(res, i, 5);
			if (x->name == NULL)
				x->name = xstrdup("");
			if (x->client == NULL)
				x->client = xstrdup("?");
			if (x->state == NULL)
				x->state = xstrdup("");
			if (x->sync == NULL)
				x->sync = xstrdup("");
		}
	}
}

static void
audit_result(struct pgq *q, int idx, PGresult *res)
{
	struct rd_audit_db *a = &q->d->audit_db;

	if (idx != 0 || PQntuples(res) != 1 || PQnfields(res) != 4)
		return;
	a->table = PQgetvalue(res, 0, 0)[0] == 't';
	a->can_insert = PQgetvalue(res, 0, 1)[0] == 't';
	a->can_create = PQgetvalue(res, 0, 2)[0] == 't';
	a->rows = (long)number(res, 0, 3);
}

static void
pgq_new(struct app *app, struct rd_data *d, const char *name, const char *conninfo, const char *sql,
    struct rd_fetch *f, void (*parse)(struct pgq *, int, PGresult *))
{
	struct pgq *q = xcalloc(1, sizeof *q);

	q->d = d;
	q->conninfo = xstrdup(conninfo);
	q->sql = sql;
	q->conn = pg_conn_new(app->loop, &pgq_conn_ops, q);
	q->f = f;
	q->on_result = parse;
	rd_fetch_wait(f);
	q->s = source_new(app, &pgq_ops, name, q);
	q->s->interval = config_get_double(app->config, "readiness", NULL, "interval", 30);
	q->s->timeout = config_get_double(app->config, "readiness", NULL, "timeout", app->timeout);
	q->s->advisory = true;
	app_add_source(app, q->s);
}

void
rd_pg_init(struct app *app, struct rd_data *d)
{
	const char *ci = config_get(app->config, "postgres", NULL, "conninfo");
	const char *audit = config_get(app->config, "audit", NULL, "conninfo");

	if (ci == NULL && app->config->defaults)
		ci = health_kind_find("postgres")->default_url;
	if (ci != NULL)
		pgq_new(app, d, "readiness postgres", ci, settings_sql, &d->pg.f, settings_result);
	if (audit != NULL) {
		d->audit_db.where = pg_conninfo_where(audit);
		pgq_new(app, d, "readiness audit", audit, audit_sql, &d->audit_db.f, audit_result);
	}
}
