/* Readiness queries over asynchronous libpq (PQconnectStart/PQconnectPoll,
 * PQsendQuery; the socket watched by the loop): the PostgreSQL settings
 * and pg_stat_replication rows the checks need, and the central audit
 * database ([audit] conninfo).  One short connection per round. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/sources/health.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <libpq-fe.h>
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

enum pgq_phase { PGQ_IDLE, PGQ_CONNECTING, PGQ_QUERY };

struct pgq {
	struct app		*app;
	struct source		*s;
	struct rd_data		*d;
	char			*conninfo;
	const char		*sql;
	PGconn			*conn;
	int			 fd;
	enum pgq_phase		 phase;
	struct loop_timer	*timer;
	int			 nres;
	bool			 failed;
	struct rd_fetch		*f;
	double			 started;
	void			(*on_result)(struct pgq *q, int idx, PGresult *res);
};

static void pgq_step(int fd, int events, void *arg);

static void
pgq_watch(struct pgq *q, int events)
{
	int fd = PQsocket(q->conn);

	if (q->fd >= 0 && q->fd != fd)
		loop_fd_del(q->app->loop, q->fd);
	q->fd = fd;
	if (fd >= 0)
		loop_fd_set(q->app->loop, fd, events, pgq_step, q);
}

static void
pgq_drop(struct pgq *q)
{
	if (q->fd >= 0)
		loop_fd_del(q->app->loop, q->fd);
	q->fd = -1;
	if (q->timer != NULL) {
		loop_timer_cancel(q->app->loop, q->timer);
		q->timer = NULL;
	}
	if (q->conn != NULL)
		PQfinish(q->conn);
	q->conn = NULL;
}

static void
pgq_end(struct pgq *q, const char *error)
{
	if (q->phase == PGQ_IDLE)
		return;
	q->phase = PGQ_IDLE;
	if (error != NULL || q->failed) {
		char *msg = xstrndup(error != NULL ? error : "query failed", strcspn(error != NULL ? error : "query failed", "\n"));

		if (error != NULL || q->f->avail != RD_ERR)
			rd_fetch_err(q->f, "%s", msg);
		source_error(q->s, "%s", q->f->error);
		free(msg);
	} else
		rd_fetch_ok(q->f);
	pgq_drop(q);
	q->s->round_latency_ms = (now_mono() - q->started) * 1000;
	q->d->generation++;
	app_dirty(q->app);
	source_async_end(q->s);
}

static void
pgq_timeout(void *arg)
{
	struct pgq *q = arg;

	q->timer = NULL;
	pgq_end(q, "timeout");
}

static void
pgq_step(int fd, int events, void *arg)
{
	struct pgq *q = arg;

	(void)fd;
	if (q->phase == PGQ_CONNECTING) {
		switch (PQconnectPoll(q->conn)) {
		case PGRES_POLLING_READING:
			pgq_watch(q, LOOP_READ);
			return;
		case PGRES_POLLING_WRITING:
			pgq_watch(q, LOOP_WRITE);
			return;
		case PGRES_POLLING_OK:
			if (!PQsendQuery(q->conn, q->sql)) {
				pgq_end(q, PQerrorMessage(q->conn));
				return;
			}
			q->phase = PGQ_QUERY;
			pgq_watch(q, LOOP_READ | LOOP_WRITE);
			return;
		default:
			pgq_end(q, PQerrorMessage(q->conn));
			return;
		}
	}
	if (q->phase != PGQ_QUERY)
		return;
	if (events & LOOP_WRITE) {
		int rc = PQflush(q->conn);

		if (rc < 0) {
			pgq_end(q, PQerrorMessage(q->conn));
			return;
		}
		pgq_watch(q, rc == 1 ? LOOP_READ | LOOP_WRITE : LOOP_READ);
		if (rc == 1)
			return;
	}
	if (!PQconsumeInput(q->conn)) {
		pgq_end(q, PQerrorMessage(q->conn));
		return;
	}
	while (!PQisBusy(q->conn)) {
		PGresult *res = PQgetResult(q->conn);

		if (res == NULL) {
			pgq_end(q, NULL);
			return;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			q->on_result(q, q->nres++, res);
		else if (!q->failed) {
			rd_fetch_err(q->f, "%s", PQresultErrorMessage(res));
			q->failed = true;
		}
		PQclear(res);
	}
}

static void
pgq_start(struct source *s)
{
	struct pgq *q = s->data;

	q->nres = 0;
	q->failed = false;
	q->started = now_mono();
	source_async_begin(s);
	pgq_drop(q);
	q->phase = PGQ_CONNECTING;
	q->timer = loop_timer_add(q->app->loop, s->timeout, pgq_timeout, q);
	q->conn = PQconnectStart(q->conninfo);
	if (q->conn == NULL) {
		pgq_end(q, "out of memory");
		return;
	}
	PQsetnonblocking(q->conn, 1);
	if (PQstatus(q->conn) == CONNECTION_BAD) {
		pgq_end(q, PQerrorMessage(q->conn));
		return;
	}
	pgq_watch(q, LOOP_WRITE);
}

static void
pgq_free(struct source *s)
{
	struct pgq *q = s->data;

	pgq_drop(q);
	memset(q->conninfo, 0, strlen(q->conninfo));
	free(q->conninfo);
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

/* "dbname@host:port" of a conninfo, never its password. */
static char *
conninfo_where(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *db = NULL, *host = NULL, *addr = NULL, *port = NULL;
	char *raw, *out;

	if (opts == NULL)
		return xstrdup("?");
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
		else if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0)
			addr = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
	}
	raw = xasprintf("%s@%s:%s", db != NULL ? db : "?", host != NULL ? host : addr != NULL ? addr : "local",
	    port != NULL ? port : "5432");
	out = sanitize_str(raw);
	free(raw);
	PQconninfoFree(opts);
	return out;
}

static void
pgq_new(struct app *app, struct rd_data *d, const char *name, const char *conninfo, const char *sql,
    struct rd_fetch *f, void (*on_result)(struct pgq *, int, PGresult *))
{
	struct pgq *q = xcalloc(1, sizeof *q);

	q->app = app;
	q->d = d;
	q->conninfo = xstrdup(conninfo);
	q->sql = sql;
	q->fd = -1;
	q->f = f;
	q->on_result = on_result;
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
		d->audit_db.where = conninfo_where(audit);
		pgq_new(app, d, "readiness audit", audit, audit_sql, &d->audit_db.f, audit_result);
	}
}
