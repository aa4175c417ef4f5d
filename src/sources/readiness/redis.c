/* Readiness evidence from Redis over a non-blocking socket in the loop:
 * an unauthenticated PING first (is AUTH enforced?), then with the
 * configured password INFO replication and INFO memory (replicas online,
 * maxmemory and eviction policy).  One short connection per round. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/sources/health.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/net/redis.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct rdr {
	struct source		*s;
	struct rd_data		*d;
	struct redis_conn	 conn;
	double			 started;
};

/* Interpret the replies: PING, [AUTH], INFO replication, INFO memory. */
static void
rdr_judge(struct rdr *r)
{
	struct rd_redis *x = &r->d->redis;
	size_t off = 0, dlen;
	const char *data;
	char type;
	int i = 0;

	x->have_info = false;
	x->maxmemory = -1;
	x->policy[0] = x->role[0] = '\0';
	x->replicas = x->replicas_online = x->link_up = -1;
	x->noauth = -1;
	while (redis_resp_next(r->conn.in.buf, r->conn.in.len, &off, &type, &data, &dlen) == 1) {
		if (i == 0)
			x->noauth = type == '-' && dlen >= 6 && strncmp(data, "NOAUTH", 6) == 0 ? 1 :
			    type == '+' ? 0 : -1;
		else if (type == '$' && dlen > 0) {
			char *cause = NULL;

			if (rd_parse_redis_info(data, dlen, x, &cause) != 0)
				free(cause);
		}
		i++;
	}
	rd_fetch_ok(&x->f);
}

static void
rdr_done(void *arg, enum redis_conn_status st, const char *error)
{
	struct rdr *r = arg;

	if (st == REDIS_CONN_TIMEOUT) {
		rd_fetch_err(&r->d->redis.f, "%s", _("timeout"));
		source_error(r->s, "redis: timeout");
		r->d->generation++;
		source_async_end(r->s);
		return;
	}
	if (st != REDIS_CONN_OK) {
		if (st == REDIS_CONN_REPLY)
			error = _(error);
		rd_fetch_err(&r->d->redis.f, "%s", error);
		source_error(r->s, "redis: %s", error);
	} else
		rdr_judge(r);
	r->s->round_latency_ms = (now_mono() - r->started) * 1000;
	r->d->generation++;
	app_dirty(r->s->app);
	source_async_end(r->s);
}

static void
rdr_start(struct source *s)
{
	struct rdr *r = s->data;
	int err;

	redis_conn_reset(&r->conn);
	r->started = now_mono();
	/* The unauthenticated PING comes first: its answer is the evidence. */
	redis_conn_command(&r->conn, 1, (const char *const[]){ "PING" });
	redis_conn_auth(&r->conn);
	redis_conn_command(&r->conn, 2, (const char *const[]){ "INFO", "replication" });
	redis_conn_command(&r->conn, 2, (const char *const[]){ "INFO", "memory" });
	switch (redis_conn_start(&r->conn, s->timeout, &err)) {
	case 0:
		source_async_begin(s);
		break;
	case REDIS_CONN_EADDR:
		rd_fetch_err(&r->d->redis.f, _("address must be numeric: %s"), r->conn.host);
		source_error(s, "redis: %s", r->d->redis.f.error);
		break;
	default:
		rd_fetch_err(&r->d->redis.f, "%s", strerror(err));
		source_error(s, "redis: %s", r->d->redis.f.error);
		break;
	}
}

static void
rdr_free(struct source *s)
{
	struct rdr *r = s->data;

	redis_conn_free(&r->conn);
	free(r);
}

static const struct source_ops rdr_ops = { .kind = "readiness", .start = rdr_start, .free = rdr_free };

void
rd_redis_init(struct app *app, struct rd_data *d)
{
	const char *addr = config_get(app->config, "redis", NULL, "address");
	const char *pw = config_get(app->config, "redis", NULL, "password");
	struct rdr *r;

	if (addr == NULL && app->config->defaults)
		addr = health_kind_find("redis")->default_url;
	if (addr == NULL)
		return;
	r = xcalloc(1, sizeof *r);
	r->d = d;
	redis_conn_init(&r->conn, app->loop, addr, pw, rdr_done, r);
	rd_fetch_wait(&d->redis.f);
	r->s = source_new(app, &rdr_ops, "readiness redis", r);
	r->s->interval = config_get_double(app->config, "readiness", NULL, "interval", 30);
	r->s->timeout = config_get_double(app->config, "readiness", NULL, "timeout", app->timeout);
	r->s->advisory = true;
	app_add_source(app, r->s);
}
