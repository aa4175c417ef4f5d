/* One short-lived Redis connection driven by the event loop: connect to a
 * numeric address, send the queued RESP commands, read until as many
 * complete replies arrived, within a size cap and a timeout.  Shared by the
 * health source (src/sources/redis.c) and the readiness probe
 * (src/readiness/redis.c); each interprets the replies itself. */
#ifndef CERES_REDIS_CONN_H
#define CERES_REDIS_CONN_H

#include "ceres/core/loop.h"
#include "ceres/util/util.h"

#include <stdbool.h>
#include <stddef.h>

#define REDIS_CONN_MAX_REPLY	(256u << 10)

enum redis_conn_status {
	REDIS_CONN_OK,		/* every expected reply arrived */
	REDIS_CONN_ERRNO,	/* a socket error; error is strerror() text */
	REDIS_CONN_REPLY,	/* closed early, too large or malformed; error is an N_() msgid */
	REDIS_CONN_TIMEOUT,	/* error is "timeout" */
};

/* Failures of redis_conn_start(), before anything is in flight. */
enum redis_conn_start_error {
	REDIS_CONN_EADDR = 1,	/* not a numeric address: resolving would block */
	REDIS_CONN_ESOCKET,
	REDIS_CONN_ECONNECT,
};

/* Called once per started round, after the connection is closed; the
 * replies are in conn->in. */
typedef void (*redis_conn_cb)(void *arg, enum redis_conn_status st, const char *error);

struct redis_conn {
	struct loop		*loop;
	redis_conn_cb		 done;
	void			*arg;
	char			*host;		/* numeric, unbracketed */
	int			 port;
	char			*password;	/* NULL: no AUTH */
	bool			 stop_on_error;	/* finish when the first reply is an error */
	int			 fd;
	struct strbuf		 out;		/* queued commands (may hold AUTH) */
	size_t			 sent;
	struct strbuf		 in;
	struct loop_timer	*timer;
	int			 want;		/* replies expected */
};

/* address is "host:port", "[v6]:port" or "host" (port 6379); password
 * may be NULL.  Both are copied. */
void redis_conn_init(struct redis_conn *c, struct loop *loop, const char *address,
    const char *password, redis_conn_cb done, void *arg);
/* Forget the previous round's buffers and queued commands. */
void redis_conn_reset(struct redis_conn *c);
/* Queue one command; each expects one reply. */
void redis_conn_command(struct redis_conn *c, int argc, const char *const *argv);
/* Queue AUTH with the password, when there is one. */
void redis_conn_auth(struct redis_conn *c);
/* Connect and send the queued commands; done is called later.  On failure
 * returns a redis_conn_start_error with *err set to errno (0 for EADDR). */
int redis_conn_start(struct redis_conn *c, double timeout, int *err);
void redis_conn_close(struct redis_conn *c);
/* Close and release everything, wiping the password and the queued commands. */
void redis_conn_free(struct redis_conn *c);

/* One RESP reply at *off: 1 complete (type, payload), 0 incomplete,
 * -1 malformed.  Simple strings, errors, integers, bulk strings and
 * arrays: an array's payload is its elements' bytes, to be read again
 * with this function (a null or empty array has none). */
int redis_resp_next(const char *buf, size_t len, size_t *off, char *type, const char **data,
    size_t *dlen);

#endif
