/* The central audit: lines of the spool go into the PostgreSQL table
 * ceres_audit through the loop's libpq client (net/pg.c: connect,
 * CREATE TABLE IF NOT EXISTS, one INSERT ... ON CONFLICT (event_id) DO
 * NOTHING per line).  Lines leave the spool only once the database has
 * them; while it is down they wait there, and a backoff timer tries
 * again, so nothing is lost and a re-sent line is never a second row. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/net/pg.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH_LINES	500
#define BATCH_BYTES	(4u << 20)
#define LINE_MAX_BYTES	(256u << 10)
#define BACKOFF_MIN	2.0
#define BACKOFF_MAX	15.0

static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS ceres_audit ("
    " id bigserial PRIMARY KEY,"
    " time timestamptz NOT NULL,"
    " \"user\" text NOT NULL,"
    " host text NOT NULL,"
    " site text NOT NULL,"
    " action text NOT NULL,"
    " target text NOT NULL,"
    " parameters jsonb NOT NULL DEFAULT '{}'::jsonb,"
    " result text NOT NULL,"
    " event_id uuid NOT NULL UNIQUE);"
    "CREATE INDEX IF NOT EXISTS ceres_audit_time_idx ON ceres_audit (time)";

static const char insert_sql[] =
    "INSERT INTO ceres_audit (time, \"user\", host, site, action, target, parameters, result, event_id)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) ON CONFLICT (event_id) DO NOTHING";

enum adb_phase { ADB_IDLE, ADB_CONNECTING, ADB_BUSY };
enum adb_query { ADB_Q_NONE, ADB_Q_CREATE, ADB_Q_INSERT };

struct audit_db {
	struct app		*app;
	char			*conninfo;	/* may hold a password: never shown */
	char			*spool;
	enum adb_phase		 phase;
	enum adb_query		 query;
	struct pg_conn		*pg;
	bool			 table_ok;
	struct loop_timer	*retry;
	double			 backoff;
	double			 retry_at;	/* monotonic */
	bool			 again;		/* lines were spooled meanwhile */
	/* the batch: complete lines read from the spool, and where each ends */
	char			**lines;
	off_t			*ends;
	size_t			 nlines;
	size_t			 next;		/* lines before this one are in */
	dev_t			 dev;
	ino_t			 ino;
	bool			 more;		/* the spool had more than a batch */
	/* the first error result of the query in flight */
	bool			 failed;
	char			*sqlstate;
	char			*errmsg;
	/* for the audit view */
	char			*error;
	unsigned long		 inserted;
	unsigned long		 duplicates;
	unsigned long		 rejected;
};

static void adb_start(struct audit_db *d);

static void
batch_free(struct audit_db *d)
{
	for (size_t i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->ends);
	d->lines = NULL;
	d->ends = NULL;
	d->nlines = d->next = 0;
}

/* Read complete lines from the spool (under a shared lock, so that no
 * half-appended line is taken). */
static size_t
batch_read(struct audit_db *d)
{
	struct stat st;
	struct strbuf sb;
	char buf[16384];
	ssize_t k;
	size_t start = 0;
	int fd;

	batch_free(d);
	d->more = false;
	fd = open(d->spool, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (flock(fd, LOCK_SH) != 0 && errno == EINTR)
		;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return 0;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	strbuf_init(&sb);
	while (sb.len < BATCH_BYTES && (k = read(fd, buf, sizeof buf)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			break;
		strbuf_add(&sb, buf, (size_t)k);
	}
	close(fd);
	for (size_t i = 0; i < sb.len; i++) {
		if (sb.buf[i] != '\n')
			continue;
		if (d->nlines == BATCH_LINES) {
			d->more = true;
			break;
		}
		d->lines = xreallocarray(d->lines, d->nlines + 1, sizeof *d->lines);
		d->ends = xreallocarray(d->ends, d->nlines + 1, sizeof *d->ends);
		d->lines[d->nlines] = xstrndup(sb.buf + start, i - start);
		d->ends[d->nlines] = (off_t)(i + 1);
		d->nlines++;
		start = i + 1;
	}
	if (sb.len >= BATCH_BYTES)
		d->more = true;
	strbuf_free(&sb);
	return d->nlines;
}

static void
adb_close(struct audit_db *d)
{
	pg_conn_close(d->pg);
	d->table_ok = false;
	d->query = ADB_Q_NONE;
	d->phase = ADB_IDLE;
}

/* Drop the lines the database has from the spool. */
static void
consume_done(struct audit_db *d)
{
	char *cause = NULL;

	if (d->next == 0)
		return;
	if (audit_spool_consume(d->spool, d->dev, d->ino, d->ends[d->next - 1], &cause) < 0) {
		ui_message(d->app, UI_MSG_ERROR, _("audit spool: %s"), cause);
		free(cause);
	}
	/* Changed under us (another console took them): sent again next
	 * time, and ON CONFLICT keeps that harmless. */
}

static void
on_retry(void *arg)
{
	struct audit_db *d = arg;

	d->retry = NULL;
	adb_start(d);
}

static void
adb_fail(struct audit_db *d, const char *why)
{
	char *msg = xstrndup(why, strcspn(why, "\n"));
	bool first = d->error == NULL;

	consume_done(d);
	batch_free(d);
	adb_close(d);
	free(d->error);
	d->error = sanitize_str(msg);
	free(msg);
	d->backoff = d->backoff < BACKOFF_MIN ? BACKOFF_MIN : d->backoff * 2;
	if (d->backoff > BACKOFF_MAX)
		d->backoff = BACKOFF_MAX;
	d->retry_at = now_mono() + d->backoff;
	loop_timer_cancel(d->app->loop, d->retry);
	d->retry = loop_timer_add(d->app->loop, d->backoff, on_retry, d);
	if (first)
		ui_message(d->app, UI_MSG_WARN, _("central audit unreachable (%s): events wait in the spool"),
		    d->error);
}

static void
on_again(void *arg)
{
	struct audit_db *d = arg;

	d->retry = NULL;
	adb_start(d);
}

static void
adb_done(struct audit_db *d)
{
	bool recovered = d->error != NULL;

	consume_done(d);
	batch_free(d);
	adb_close(d);
	free(d->error);
	d->error = NULL;
	d->backoff = 0;
	if (recovered)
		ui_message(d->app, UI_MSG_INFO, "%s", _("central audit reachable again: spooled events sent"));
	if (d->again || d->more) {
		d->again = false;
		loop_timer_cancel(d->app->loop, d->retry);
		d->retry = loop_timer_add(d->app->loop, 0, on_again, d);
	}
}

/* Seconds a query (or the connection) may take. */
static double
query_timeout(const struct audit_db *d)
{
	double t = d->app->timeout > 0 ? d->app->timeout * 2 : 5;

	return t < 5 ? 5 : t;
}

/* A line the database cannot take (not JSON, bad data): kept aside next
 * to the spool instead of blocking the lines behind it forever. */
static void
reject_line(struct audit_db *d, const char *line, const char *why)
{
	char *path = xasprintf("%s.rejected", d->spool), *entry, *cause = NULL;

	entry = xasprintf("%s\n", line);
	if (audit_spool_append(path, entry, strlen(entry), &cause) != 0)
		free(cause);
	free(entry);
	free(path);
	d->rejected++;
	ui_message(d->app, UI_MSG_ERROR, _("central audit rejected an event (kept in %s.rejected): %s"),
	    d->spool, why);
}

static char *
field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return sanitize_str(cJSON_IsString(v) ? v->valuestring : "");
}

/* Send the next line; false when the batch is through. */
static bool
send_next(struct audit_db *d)
{
	while (d->next < d->nlines) {
		const char *line = d->lines[d->next];
		cJSON *o = strlen(line) < LINE_MAX_BYTES ? json_parse_bounded(line, strlen(line), NULL) : NULL;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "event_id");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "parameters");
		char *vals[9], *params;
		const char *cv[9];
		int ok;

		if (!cJSON_IsObject(o) || !cJSON_IsString(id) || !cJSON_IsString(t)) {
			cJSON_Delete(o);
			reject_line(d, line, _("not an audit line"));
			d->next++;
			continue;
		}
		params = cJSON_IsObject(p) ? cJSON_PrintUnformatted(p) : NULL;
		vals[0] = field(o, "time");
		vals[1] = field(o, "user");
		vals[2] = field(o, "host");
		vals[3] = field(o, "site");
		vals[4] = field(o, "action");
		vals[5] = field(o, "target");
		vals[6] = xstrdup(params != NULL ? params : "{}");
		vals[7] = field(o, "result");
		vals[8] = field(o, "event_id");
		for (int i = 0; i < 9; i++)
			cv[i] = vals[i];
		ok = pg_conn_query(d->pg, insert_sql, 9, cv, query_timeout(d)) == 0;
		for (int i = 0; i < 9; i++)
			free(vals[i]);
		cJSON_free(params);
		cJSON_Delete(o);
		if (!ok) {
			adb_fail(d, pg_conn_error(d->pg));
			return true;
		}
		d->query = ADB_Q_INSERT;
		return true;
	}
	return false;
}

static void
send_first(struct audit_db *d)
{
	d->phase = ADB_BUSY;
	if (!d->table_ok) {
		if (pg_conn_query(d->pg, create_sql, 0, NULL, query_timeout(d)) != 0) {
			adb_fail(d, pg_conn_error(d->pg));
			return;
		}
		d->query = ADB_Q_CREATE;
		return;
	}
	if (!send_next(d))
		adb_done(d);
}

/* One query finished (every result read). */
static void
query_done(struct audit_db *d)
{
	enum adb_query q = d->query;
	bool failed = d->failed;
	char *state = d->sqlstate, *msg = d->errmsg;

	d->query = ADB_Q_NONE;
	d->failed = false;
	d->sqlstate = d->errmsg = NULL;
	if (q == ADB_Q_CREATE) {
		if (failed)
			adb_fail(d, msg != NULL ? msg : "CREATE TABLE failed");
		else {
			d->table_ok = true;
			send_first(d);
		}
	} else if (q == ADB_Q_INSERT) {
		/* Bad data in one line (class 22) must not hold back the rest;
		 * anything else is the database's problem: try again later. */
		if (failed && state != NULL && strncmp(state, "22", 2) == 0) {
			reject_line(d, d->lines[d->next], msg != NULL ? msg : state);
			d->next++;
			if (!send_next(d))
				adb_done(d);
		} else if (failed)
			adb_fail(d, msg != NULL ? msg : "INSERT failed");
		else {
			d->next++;
			if (!send_next(d))
				adb_done(d);
		}
	}
	free(state);
	free(msg);
}

static void
on_ready(struct pg_conn *c, void *arg)
{
	(void)c;
	send_first(arg);
}

/* Count inserted and duplicate lines; keep the query's first error. */
static void
on_result(struct pg_conn *c, PGresult *res, void *arg)
{
	struct audit_db *d = arg;
	ExecStatusType st = PQresultStatus(res);

	(void)c;
	if (st == PGRES_COMMAND_OK && d->query == ADB_Q_INSERT) {
		if (strcmp(PQcmdTuples(res), "0") == 0)
			d->duplicates++;
		else
			d->inserted++;
	} else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !d->failed) {
		const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		d->failed = true;
		d->sqlstate = s != NULL ? xstrdup(s) : NULL;
		d->errmsg = xstrdup(PQresultErrorMessage(res));
	}
}

static void
on_done(struct pg_conn *c, void *arg)
{
	struct audit_db *d = arg;

	(void)c;
	if (d->phase == ADB_BUSY && d->query != ADB_Q_NONE)
		query_done(d);
}

static void
on_fail(struct pg_conn *c, const char *error, void *arg)
{
	(void)c;
	adb_fail(arg, error);
}

static const struct pg_conn_ops adb_conn_ops = {
	.ready = on_ready, .result = on_result, .done = on_done, .fail = on_fail,
};

static void
adb_start(struct audit_db *d)
{
	if (d->phase != ADB_IDLE) {
		d->again = true;
		return;
	}
	loop_timer_cancel(d->app->loop, d->retry);
	d->retry = NULL;
	d->again = false;
	if (batch_read(d) == 0)
		return;
	d->phase = ADB_CONNECTING;
	if (pg_conn_start(d->pg, d->conninfo, query_timeout(d)) != 0)
		adb_fail(d, pg_conn_error(d->pg));
}

/* libpq resolves a host name with a blocking getaddrinfo(); say so once
 * rather than freeze without a word when DNS is slow. */
/* libpq resolves a host name with a blocking getaddrinfo(); say so once
 * rather than freeze without a word when DNS is slow. */
static void
warn_blocking_dns(struct app *app, const char *conninfo)
{
	if (pg_conninfo_resolves(conninfo))
		ui_message(app, UI_MSG_WARN, "%s",
		    _("[audit] conninfo: give hostaddr= too, or name lookups may stall the console"));
}

struct audit_db *
audit_db_new(struct app *app)
{
	const char *conninfo = config_get(app->config, "audit", NULL, "conninfo");
	struct audit_db *d;

	char *spool;

	if (conninfo == NULL || *conninfo == '\0' || (spool = audit_spool_path(app)) == NULL)
		return NULL;
	d = xcalloc(1, sizeof *d);
	d->app = app;
	d->pg = pg_conn_new(app->loop, &adb_conn_ops, d);
	d->conninfo = xstrdup(conninfo);
	d->spool = spool;
	warn_blocking_dns(app, conninfo);
	/* Left over from an earlier run: send it now. */
	d->retry = loop_timer_add(app->loop, 0, on_again, d);
	return d;
}

void
audit_db_free(struct audit_db *d, double deadline)
{
	if (d == NULL)
		return;
	if (d->phase == ADB_IDLE && d->error == NULL && d->retry != NULL)
		on_again(d);	/* spooled just now: try once before leaving */
	while (d->phase != ADB_IDLE && now_mono() < deadline)
		loop_run_once(d->app->loop, 0.05);
	loop_timer_cancel(d->app->loop, d->retry);
	d->retry = NULL;
	adb_close(d);
	batch_free(d);
	free(d->sqlstate);
	free(d->errmsg);
	free(d->error);
	pg_conn_free(d->pg);
	secret_free(d->conninfo);
	free(d->spool);
	free(d);
}

void
audit_db_kick(struct app *app)
{
	struct audit_db *d = app->actions != NULL ? app->actions->audit_db : NULL;

	if (d != NULL)
		adb_start(d);
}

static size_t
spool_count(const char *path)
{
	char *cause = NULL, *text;
	size_t len, n = 0;

	text = file_read_small(path, 64u << 20, &len, &cause);
	free(cause);
	if (text == NULL)
		return 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

char *
audit_db_status(struct app *app)
{
	struct audit_db *d = app->actions != NULL ? app->actions->audit_db : NULL;
	size_t waiting;
	char *s;

	if (d == NULL)
		return xstrdup(_("central audit: not configured ([audit] conninfo)"));
	waiting = spool_count(d->spool);
	if (d->error != NULL)
		s = xasprintf(_("central audit: %lu sent; %zu waiting in the spool; last error: %s; next try in %.0f s"),
		    d->inserted, waiting, d->error, d->retry_at - now_mono() > 0 ? d->retry_at - now_mono() : 0);
	else
		s = xasprintf(_("central audit: %lu sent, %lu already there, %zu waiting in the spool"),
		    d->inserted, d->duplicates, waiting);
	if (d->rejected > 0) {
		char *t = xasprintf(_("%s; %lu rejected"), s, d->rejected);

		free(s);
		s = t;
	}
	return s;
}
