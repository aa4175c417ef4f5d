/* Redis health over a plain non-blocking socket in the same loop: AUTH
 * (when a password is set), PING, INFO replication and server; role and
 * connected replicas.  One short-lived connection per round. */
#include "ceres/core/app.h"
#include "ceres/sources/health.h"
#include "ceres/net/redis.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct redis {
	char			*name;
	struct redis_conn	 conn;
	double			 started;
};

static void
redis_judge(struct source *s)
{
	struct redis *r = s->data;
	struct model *m = &s->app->model;
	struct service *sv = model_service(m, r->name, "redis");
	struct redis_info info;
	char *cause = NULL, detail[256], fact[32];
	const char *err = NULL;
	enum svc_state st = SVC_UP;

	/* Any "-ERR"/"-NOAUTH" line means trouble. */
	for (size_t i = 0; i < r->conn.in.len; i++) {
		if ((i == 0 || r->conn.in.buf[i - 1] == '\n') && r->conn.in.buf[i] == '-') {
			err = r->conn.in.buf + i + 1;
			break;
		}
	}
	if (err != NULL) {
		snprintf(detail, sizeof detail, "error: %.*s", (int)strcspn(err, "\r\n"), err);
		model_service_update(m, sv, strstr(err, "NOAUTH") || strstr(err, "WRONGPASS") ?
		    SVC_DEGRADED : SVC_DOWN, (now_mono() - r->started) * 1000, detail);
		source_error(s, "%s", detail);
		return;
	}
	/* The RESP framing lines have no ':' and are skipped by the parser,
	 * so both INFO sections parse as one text. */
	if (redis_info_parse(r->conn.in.buf, r->conn.in.len, &info, &cause) != 0) {
		model_service_update(m, sv, SVC_DEGRADED, -1, cause);
		source_error(s, "%s", cause);
		free(cause);
		return;
	}
	if (strcmp(info.role, "slave") == 0) {
		if (info.master_link_up == 0)
			st = SVC_DEGRADED;
		snprintf(detail, sizeof detail, "redis %s: replica, master link %s", info.version,
		    info.master_link_up == 1 ? "up" : "down");
	} else
		snprintf(detail, sizeof detail, "redis %s: %s, %ld replica%s",
		    info.version, info.role, info.connected_slaves,
		    info.connected_slaves == 1 ? "" : "s");
	model_service_update(m, sv, st, (now_mono() - r->started) * 1000, detail);
	model_service_set_fact(m, sv, FACT_REDIS_ROLE, info.role);
	snprintf(fact, sizeof fact, "%ld", info.connected_slaves);
	model_service_set_fact(m, sv, FACT_REDIS_REPLICAS, fact);
}

static void
redis_done(void *arg, enum redis_conn_status st, const char *error)
{
	struct source *s = arg;
	struct redis *r = s->data;

	if (st != REDIS_CONN_OK) {
		struct model *m = &s->app->model;

		model_service_update(m, model_service(m, r->name, "redis"), SVC_DOWN, -1, error);
		source_error(s, "%s", error);
	} else
		redis_judge(s);
	s->round_latency_ms = (now_mono() - r->started) * 1000;
	source_async_end(s);
}

static void
redis_start(struct source *s)
{
	struct redis *r = s->data;
	int err;

	redis_conn_reset(&r->conn);
	r->started = now_mono();
	redis_conn_auth(&r->conn);
	redis_conn_command(&r->conn, 1, (const char *const[]){ "PING" });
	redis_conn_command(&r->conn, 2, (const char *const[]){ "INFO", "replication" });
	/* The server section gives the version; a second INFO keeps parsing simple. */
	redis_conn_command(&r->conn, 2, (const char *const[]){ "INFO", "server" });
	switch (redis_conn_start(&r->conn, s->timeout, &err)) {
	case 0:
		source_async_begin(s);
		break;
	case REDIS_CONN_EADDR:
		source_error(s, "redis address must be numeric (host:port): %s", r->conn.host);
		break;
	case REDIS_CONN_ESOCKET:
		source_error(s, "socket: %s", strerror(err));
		break;
	default: {
		struct model *m = &s->app->model;

		model_service_update(m, model_service(m, r->name, "redis"), SVC_DOWN, -1, strerror(err));
		source_error(s, "connect: %s", strerror(err));
		break;
	}
	}
}

static void
redis_free(struct source *s)
{
	struct redis *r = s->data;

	redis_conn_free(&r->conn);
	free(r->name);
	free(r);
}

static const struct source_ops redis_ops = {
	.kind = "redis",
	.start = redis_start,
	.free = redis_free,
};

struct source *
redis_source_new(struct app *app, const char *name, const char *address, const char *password)
{
	struct redis *r = xcalloc(1, sizeof *r);
	struct source *s;

	r->name = xstrdup(name);
	s = source_new(app, &redis_ops, name, r);
	redis_conn_init(&r->conn, app->loop, address, password, redis_done, s);
	/* An -ERR/-NOAUTH reply to the first command ends the round early. */
	r->conn.stop_on_error = true;
	return s;
}
