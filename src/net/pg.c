/* The asynchronous libpq client: see include/ceres/net/pg.h. */
#include "ceres/net/pg.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pg_phase { PG_IDLE, PG_CONNECTING, PG_READY, PG_QUERY };

struct pg_conn {
	struct loop		*loop;
	const struct pg_conn_ops *ops;
	void			*arg;
	PGconn			*conn;
	int			 fd;
	enum pg_phase		 phase;
	struct loop_timer	*timer;
	char			 error[256];
};

static void pg_step(int fd, int events, void *arg);

struct pg_conn *
pg_conn_new(struct loop *l, const struct pg_conn_ops *ops, void *arg)
{
	struct pg_conn *c = xcalloc(1, sizeof *c);

	c->loop = l;
	c->ops = ops;
	c->arg = arg;
	c->fd = -1;
	return c;
}

static void
set_error(struct pg_conn *c, const char *msg)
{
	size_t n = strcspn(msg, "\n");

	if (n >= sizeof c->error)
		n = sizeof c->error - 1;
	memcpy(c->error, msg, n);
	c->error[n] = '\0';
}

const char *
pg_conn_error(const struct pg_conn *c)
{
	return c->error;
}

bool
pg_conn_busy(const struct pg_conn *c)
{
	return c->phase != PG_IDLE;
}

static void
pg_watch(struct pg_conn *c, int events)
{
	int fd = PQsocket(c->conn);

	/* The socket can change while connecting (several hosts, SSL
	 * fallback): read it again every time. */
	if (c->fd >= 0 && c->fd != fd)
		loop_fd_del(c->loop, c->fd);
	c->fd = fd;
	if (fd >= 0)
		loop_fd_set(c->loop, fd, events, pg_step, c);
}

void
pg_conn_close(struct pg_conn *c)
{
	if (c->fd >= 0)
		loop_fd_del(c->loop, c->fd);
	c->fd = -1;
	loop_timer_cancel(c->loop, c->timer);
	c->timer = NULL;
	if (c->conn != NULL)
		PQfinish(c->conn);
	c->conn = NULL;
	c->phase = PG_IDLE;
}

void
pg_conn_free(struct pg_conn *c)
{
	if (c == NULL)
		return;
	pg_conn_close(c);
	free(c);
}

/* Close and tell the owner; nothing of c is touched afterwards. */
static void
pg_fail(struct pg_conn *c, const char *why)
{
	set_error(c, why);
	pg_conn_close(c);
	c->ops->fail(c, c->error, c->arg);
}

static void
on_timeout(void *arg)
{
	struct pg_conn *c = arg;

	c->timer = NULL;
	pg_fail(c, "timeout");
}

static void
arm(struct pg_conn *c, double timeout)
{
	if (timeout <= 0)
		return;
	loop_timer_cancel(c->loop, c->timer);
	c->timer = loop_timer_add(c->loop, timeout, on_timeout, c);
}

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
pg_conn_start(struct pg_conn *c, const char *conninfo, double timeout)
{
	static const char *const keys[] = { "dbname", "fallback_application_name", NULL };
	const char *vals[] = { conninfo, "ceres-top", NULL };

	pg_conn_close(c);
	c->error[0] = '\0';
	c->conn = PQconnectStartParams(keys, vals, 1);
	if (c->conn == NULL) {
		set_error(c, "out of memory");
		return -1;
	}
	/* libpq prints notices ("relation already exists, skipping") on
	 * stderr, which is the console's screen. */
	PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
	if (PQstatus(c->conn) == CONNECTION_BAD) {
		set_error(c, PQerrorMessage(c->conn));
		pg_conn_close(c);
		return -1;
	}
	PQsetnonblocking(c->conn, 1);
	c->phase = PG_CONNECTING;
	arm(c, timeout);
	pg_watch(c, LOOP_WRITE);
	return 0;
}

int
pg_conn_query(struct pg_conn *c, const char *sql, int n, const char *const *params, double timeout)
{
	int ok;

	if (c->conn == NULL || c->phase != PG_READY) {
		set_error(c, "not connected");
		return -1;
	}
	if (n > 0)
		ok = PQsendQueryParams(c->conn, sql, n, NULL, params, NULL, NULL, 0);
	else
		ok = PQsendQuery(c->conn, sql);
	if (!ok) {
		set_error(c, PQerrorMessage(c->conn));
		return -1;
	}
	c->phase = PG_QUERY;
	arm(c, timeout);
	/* Flush what did not fit in the socket on the next turn. */
	pg_watch(c, LOOP_READ | LOOP_WRITE);
	return 0;
}

static void
pg_connecting(struct pg_conn *c)
{
	switch (PQconnectPoll(c->conn)) {
	case PGRES_POLLING_READING:
		pg_watch(c, LOOP_READ);
		return;
	case PGRES_POLLING_WRITING:
		pg_watch(c, LOOP_WRITE);
		return;
	case PGRES_POLLING_OK:
		c->phase = PG_READY;
		pg_watch(c, LOOP_READ);
		c->ops->ready(c, c->arg);
		return;
	default:
		pg_fail(c, PQerrorMessage(c->conn));
		return;
	}
}

static void
pg_step(int fd, int events, void *arg)
{
	struct pg_conn *c = arg;

	(void)fd;
	if (c->phase == PG_CONNECTING) {
		pg_connecting(c);
		return;
	}
	if (c->phase != PG_QUERY) {
		/* Idle between queries: a server that goes away shows here. */
		if (c->phase == PG_READY && (events & (LOOP_READ | LOOP_ERROR)) &&
		    !PQconsumeInput(c->conn))
			pg_fail(c, PQerrorMessage(c->conn));
		return;
	}
	if (events & LOOP_WRITE) {
		int f = PQflush(c->conn);

		if (f < 0) {
			pg_fail(c, PQerrorMessage(c->conn));
			return;
		}
		pg_watch(c, f == 1 ? LOOP_READ | LOOP_WRITE : LOOP_READ);
		if (f == 1)
			return;
	}
	if (!PQconsumeInput(c->conn)) {
		pg_fail(c, PQerrorMessage(c->conn));
		return;
	}
	while (!PQisBusy(c->conn)) {
		PGresult *res = PQgetResult(c->conn);

		if (res == NULL) {
			c->phase = PG_READY;
			loop_timer_cancel(c->loop, c->timer);
			c->timer = NULL;
			c->ops->done(c, c->arg);
			return;
		}
		c->ops->result(c, res, c->arg);
		PQclear(res);
	}
}

/* The value of one conninfo keyword (in opts), or NULL. */
static const char *
opt(PQconninfoOption *opts, const char *key)
{
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, key) == 0)
			return o->val;
	return NULL;
}

char *
pg_conninfo_where(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *db, *host, *addr, *port;
	char *raw, *out;

	if (opts == NULL)
		return xstrdup("?");
	db = opt(opts, "dbname");
	host = opt(opts, "host");
	addr = opt(opts, "hostaddr");
	port = opt(opts, "port");
	raw = xasprintf("%s@%s:%s", db != NULL ? db : "?", host != NULL ? host : addr != NULL ? addr : "local",
	    port != NULL ? port : "5432");
	out = sanitize_str(raw);
	free(raw);
	PQconninfoFree(opts);
	return out;
}

bool
pg_conninfo_resolves(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *host, *hostaddr;
	unsigned char buf[16];
	bool r;

	if (opts == NULL)
		return false;
	host = opt(opts, "host");
	hostaddr = opt(opts, "hostaddr");
	r = host != NULL && *host != '\0' && (hostaddr == NULL || *hostaddr == '\0') &&
	    host[0] != '/' && strcmp(host, "localhost") != 0 && strchr(host, ',') == NULL &&
	    inet_pton(AF_INET, host, buf) != 1 && inet_pton(AF_INET6, host, buf) != 1;
	PQconninfoFree(opts);
	return r;
}
