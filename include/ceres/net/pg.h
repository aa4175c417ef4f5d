/* One asynchronous PostgreSQL connection driven by the event loop
 * (PQconnectStartParams/PQconnectPoll, PQsendQuery, PQflush and
 * PQconsumeInput on the socket the loop watches).  Shared by the health
 * source (src/sources/postgres.c), the readiness evidence
 * (src/sources/readiness/pg.c) and the central audit writer
 * (src/actions/audit_db.c); each keeps its own SQL and reads the results
 * itself.  Notices are never printed (stderr is the console's screen). */
#ifndef CERES_NET_PG_H
#define CERES_NET_PG_H

#include "ceres/core/loop.h"

#include <libpq-fe.h>
#include <stdbool.h>

struct pg_conn;

struct pg_conn_ops {
	/* Connected: send the first query. */
	void	(*ready)(struct pg_conn *c, void *arg);
	/* One result of the current query (PQclear is done after). */
	void	(*result)(struct pg_conn *c, PGresult *res, void *arg);
	/* Every result of the current query read: send the next or close. */
	void	(*done)(struct pg_conn *c, void *arg);
	/* The connection failed (connect, I/O, timeout): it is closed
	 * already; error is its first line. */
	void	(*fail)(struct pg_conn *c, const char *error, void *arg);
};

struct pg_conn *pg_conn_new(struct loop *l, const struct pg_conn_ops *ops, void *arg);
/* Close (no callback) and free. */
void pg_conn_free(struct pg_conn *c);
/* Connect with a conninfo string, closing any connection first.  timeout
 * (seconds, 0 none) covers everything until a query re-arms it.  -1 when
 * it cannot even start; pg_conn_error() says why. */
int pg_conn_start(struct pg_conn *c, const char *conninfo, double timeout);
/* Send a query (params: n text values, or n = 0).  timeout > 0 re-arms
 * the timer for this query.  -1 on failure; pg_conn_error() says why and
 * the connection is left for the caller to close. */
int pg_conn_query(struct pg_conn *c, const char *sql, int n, const char *const *params, double timeout);
/* Close now, without a callback. */
void pg_conn_close(struct pg_conn *c);
bool pg_conn_busy(const struct pg_conn *c);
/* The last error's first line ("" for none). */
const char *pg_conn_error(const struct pg_conn *c);

/* "dbname@host:port" of a conninfo, never its password (terminal-safe). */
char *pg_conninfo_where(const char *conninfo);
/* True when the conninfo names a host that libpq would look up with a
 * blocking getaddrinfo() (a name, not an address or a socket path). */
bool pg_conninfo_resolves(const char *conninfo);

#endif
