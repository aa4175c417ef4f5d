/* Redis Sentinel ([redis] sentinel = host:port), over a non-blocking
 * socket in the loop, in two short connections per round: SENTINEL
 * MASTERS first (the masters monitored, their flags, quorum, sentinels and
 * replicas known), then per master SENTINEL CKQUORUM (can a failover be
 * authorized now?) and SENTINEL REPLICAS (which replicas are online).
 * The parsers are pure and read one whole RESP reply each. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/net/redis.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is(const char *k, size_t kl, const char *lit)
{
	return kl == strlen(lit) && memcmp(k, lit, kl) == 0;
}

static void
put_n(char *dst, size_t n, const char *s, size_t len)
{
	char *t = xstrndup(s, len);

	rds_put(dst, n, t);
	free(t);
}

static long
num_n(const char *s, size_t len)
{
	char buf[24];
	long v;

	snprintf(buf, sizeof buf, "%.*s", (int)(len < 23 ? len : 23), s);
	return parse_long(buf, 0, 1000000, &v) == 0 ? v : -1;
}

typedef void (*field_fn)(const char *k, size_t kl, const char *v, size_t vl, void *arg);

/* Each element of the array payload p..p+n: a flat array of field and
 * value bulk strings, handed to each() pair by pair; start() is called
 * before each element.  -1 when an element is not such an array. */
static int
each_map(const char *p, size_t n, void (*start)(void *arg), field_fn each, void *arg)
{
	size_t off = 0;

	while (off < n) {
		const char *e, *k, *v;
		size_t el, kl, vl, sub = 0;
		char t, t1, t2;

		if (redis_resp_next(p, n, &off, &t, &e, &el) != 1 || t != '*')
			return -1;
		start(arg);
		while (sub < el) {
			if (redis_resp_next(e, el, &sub, &t1, &k, &kl) != 1 ||
			    redis_resp_next(e, el, &sub, &t2, &v, &vl) != 1)
				return -1;
			if (t1 == '$' && t2 == '$')
				each(k, kl, v, vl, arg);
		}
	}
	return 0;
}

/* The reply must be an array: an error reply is the cause (a plain Redis
 * answers "ERR unknown command"), anything else is not Sentinel's. */
static int
top_array(const char *buf, size_t len, const char **data, size_t *dlen, char **cause)
{
	size_t off = 0;
	char t, msg[120];

	if (redis_resp_next(buf, len, &off, &t, data, dlen) != 1 || (t != '*' && t != '-')) {
		*cause = xstrdup(_("not a Sentinel answer"));
		return -1;
	}
	if (t == '-') {
		put_n(msg, sizeof msg, *data, *dlen);
		*cause = xstrdup(msg);
		return -1;
	}
	return 0;
}

struct masters_walk {
	struct rd_sentinel	*out;
	struct rd_sentinel_master *m;
	char			 ip[48];
};

static void
master_start(void *arg)
{
	struct masters_walk *w = arg;

	w->out->total++;
	w->m = w->out->n < RD_SENTINEL_MASTERS ? &w->out->m[w->out->n++] : NULL;
	if (w->m != NULL) {
		memset(w->m, 0, sizeof *w->m);
		w->m->quorum = w->m->sentinels = w->m->known = w->m->replicas = w->m->online = -1;
		w->m->ckquorum = -1;
	}
	w->ip[0] = '\0';
}

static void
master_field(const char *k, size_t kl, const char *v, size_t vl, void *arg)
{
	struct masters_walk *w = arg;
	struct rd_sentinel_master *m = w->m;
	long x;

	if (m == NULL)
		return;
	if (is(k, kl, "name"))
		put_n(m->name, sizeof m->name, v, vl);
	else if (is(k, kl, "ip"))
		put_n(w->ip, sizeof w->ip, v, vl);
	else if (is(k, kl, "port"))
		snprintf(m->addr, sizeof m->addr, "%s:%ld", w->ip, num_n(v, vl));
	else if (is(k, kl, "flags"))
		put_n(m->flags, sizeof m->flags, v, vl);
	else if (is(k, kl, "quorum"))
		m->quorum = num_n(v, vl);
	else if (is(k, kl, "num-slaves"))
		m->known = num_n(v, vl);
	else if (is(k, kl, "num-other-sentinels"))
		m->sentinels = (x = num_n(v, vl)) >= 0 ? x + 1 : -1;
}

int
rd_parse_sentinel_masters(const char *buf, size_t len, struct rd_sentinel *out, char **cause)
{
	struct masters_walk w = { .out = out };
	const char *p;
	size_t n;

	out->total = out->n = 0;
	if (top_array(buf, len, &p, &n, cause) != 0)
		return -1;
	if (each_map(p, n, master_start, master_field, &w) != 0) {
		*cause = xstrdup(_("malformed SENTINEL MASTERS answer"));
		return -1;
	}
	return 0;
}

struct replicas_walk {
	struct rd_sentinel_master *m;
	char			 flags[64], addr[48], port[8];
	bool			 link_ok, any;
};

/* The previous replica's verdict, when there was one. */
static void
replica_judge(struct replicas_walk *w)
{
	bool down = strstr(w->flags, "s_down") != NULL || strstr(w->flags, "o_down") != NULL ||
	    strstr(w->flags, "disconnected") != NULL;
	char item[160];

	if (!w->any)
		return;
	if (!down && w->link_ok) {
		w->m->online++;
		return;
	}
	if (w->m->down[0] == '\0') {
		snprintf(item, sizeof item, "%s:%s %s", w->addr, w->port, down ? w->flags : _("master link down"));
		rds_put(w->m->down, sizeof w->m->down, item);
	}
}

static void
replica_start(void *arg)
{
	struct replicas_walk *w = arg;

	replica_judge(w);
	w->m->replicas++;
	w->any = true;
	w->flags[0] = w->addr[0] = w->port[0] = '\0';
	w->link_ok = false;
}

static void
replica_field(const char *k, size_t kl, const char *v, size_t vl, void *arg)
{
	struct replicas_walk *w = arg;

	if (is(k, kl, "flags"))
		put_n(w->flags, sizeof w->flags, v, vl);
	else if (is(k, kl, "ip"))
		put_n(w->addr, sizeof w->addr, v, vl);
	else if (is(k, kl, "port"))
		put_n(w->port, sizeof w->port, v, vl);
	else if (is(k, kl, "master-link-status"))
		w->link_ok = is(v, vl, "ok");
}

int
rd_parse_sentinel_replicas(const char *buf, size_t len, struct rd_sentinel_master *m, char **cause)
{
	struct replicas_walk w = { .m = m };
	const char *p;
	size_t n;

	m->replicas = m->online = 0;
	m->down[0] = '\0';
	if (top_array(buf, len, &p, &n, cause) != 0) {
		m->replicas = m->online = -1;
		return -1;
	}
	if (each_map(p, n, replica_start, replica_field, &w) != 0) {
		*cause = xstrdup(_("malformed SENTINEL REPLICAS answer"));
		m->replicas = m->online = -1;
		return -1;
	}
	replica_judge(&w);
	return 0;
}

/* ---- the source ------------------------------------------------------- */

struct rsn {
	struct source		*s;
	struct rd_data		*d;
	struct redis_conn	 conn;
	int			 phase;		/* 1 masters, 2 quorum and replicas */
	double			 started;
};

/* The next whole reply of the connection. */
static bool
next_reply(struct rsn *r, size_t *off, char *type, const char **p, size_t *n)
{
	size_t start = *off, dl;
	const char *d;

	if (redis_resp_next(r->conn.in.buf, r->conn.in.len, off, type, &d, &dl) != 1)
		return false;
	*p = r->conn.in.buf + start;
	*n = *off - start;
	return true;
}

static void
rsn_finish(struct rsn *r)
{
	r->s->round_latency_ms = (now_mono() - r->started) * 1000;
	r->d->generation++;
	app_dirty(r->s->app);
	source_async_end(r->s);
}

static void
rsn_fail(struct rsn *r, const char *what)
{
	rd_fetch_err(&r->d->sentinel.f, "%s", what);
	source_error(r->s, "sentinel: %s", what);
}

/* Queue AUTH when there is a password, then the commands; start. */
static bool
rsn_send(struct rsn *r, int phase)
{
	int err;

	r->phase = phase;
	if (phase == 1) {
		redis_conn_auth(&r->conn);
		redis_conn_command(&r->conn, 2, (const char *const[]){ "SENTINEL", "MASTERS" });
	}
	switch (redis_conn_start(&r->conn, r->s->timeout, &err)) {
	case 0:
		return true;
	case REDIS_CONN_EADDR:
		rd_fetch_err(&r->d->sentinel.f, _("address must be numeric: %s"), r->conn.host);
		source_error(r->s, "sentinel: %s", r->d->sentinel.f.error);
		return false;
	default:
		rsn_fail(r, strerror(err));
		return false;
	}
}

/* The AUTH reply, when AUTH was sent: false (and the fetch's error) when
 * it was refused.  The password is never in Redis's answer. */
static bool
rsn_auth_ok(struct rsn *r, size_t *off)
{
	const char *p = NULL;
	size_t n = 0;
	char t = 0, msg[120];

	if (r->conn.password == NULL)
		return true;
	if (!next_reply(r, off, &t, &p, &n) || t != '+') {
		put_n(msg, sizeof msg, t == '-' && n > 3 ? p + 1 : "?", t == '-' && n > 3 ? n - 3 : 1);
		rd_fetch_err(&r->d->sentinel.f, _("AUTH refused: %s"), msg);
		return false;
	}
	return true;
}

static void
rsn_quorum_done(struct rsn *r)
{
	struct rd_sentinel *x = &r->d->sentinel;
	size_t off = 0, n;
	const char *p;
	char t, *cause;

	if (!rsn_auth_ok(r, &off))
		return;
	for (size_t i = 0; i < x->n; i++) {
		struct rd_sentinel_master *m = &x->m[i];

		if (next_reply(r, &off, &t, &p, &n) && (t == '+' || t == '-')) {
			m->ckquorum = t == '+';
			put_n(m->ckmsg, sizeof m->ckmsg, p + 1, n > 3 ? n - 3 : 0);
			/* "OK 3 usable Sentinels. Quorum and failover ...": the
			 * first sentence says it; the quorum is shown beside. */
			if (strstr(m->ckmsg, ". ") != NULL)
				*strstr(m->ckmsg, ". ") = '\0';
		}
		cause = NULL;
		if (next_reply(r, &off, &t, &p, &n) && rd_parse_sentinel_replicas(p, n, m, &cause) != 0) {
			rds_put(m->down, sizeof m->down, cause);
			free(cause);
		}
	}
	rd_fetch_ok(&x->f);
}

/* SENTINEL MASTERS answered: ask each master's quorum and replicas. */
static bool
rsn_masters_done(struct rsn *r)
{
	struct rd_sentinel *x = &r->d->sentinel;
	size_t off = 0, n;
	const char *p;
	char t, *cause = NULL;

	if (!rsn_auth_ok(r, &off))
		return false;
	if (!next_reply(r, &off, &t, &p, &n) || rd_parse_sentinel_masters(p, n, x, &cause) != 0) {
		rd_fetch_err(&x->f, "%s", cause != NULL ? cause : _("no answer"));
		free(cause);
		return false;
	}
	if (x->n == 0) {
		rd_fetch_ok(&x->f);
		return false;
	}
	redis_conn_reset(&r->conn);
	redis_conn_auth(&r->conn);
	for (size_t i = 0; i < x->n; i++) {
		redis_conn_command(&r->conn, 3, (const char *const[]){ "SENTINEL", "CKQUORUM", x->m[i].name });
		redis_conn_command(&r->conn, 3, (const char *const[]){ "SENTINEL", "REPLICAS", x->m[i].name });
	}
	return rsn_send(r, 2);
}

static void
rsn_done(void *arg, enum redis_conn_status st, const char *error)
{
	struct rsn *r = arg;

	if (st == REDIS_CONN_TIMEOUT)
		rsn_fail(r, _("timeout"));
	else if (st != REDIS_CONN_OK)
		rsn_fail(r, st == REDIS_CONN_REPLY ? _(error) : error);
	else if (r->phase == 1 && rsn_masters_done(r))
		return;		/* the second connection is under way */
	else if (r->phase == 2)
		rsn_quorum_done(r);
	rsn_finish(r);
}

static void
rsn_start(struct source *s)
{
	struct rsn *r = s->data;

	redis_conn_reset(&r->conn);
	r->started = now_mono();
	if (rsn_send(r, 1))
		source_async_begin(s);
}

static void
rsn_free(struct source *s)
{
	struct rsn *r = s->data;

	redis_conn_free(&r->conn);
	free(r);
}

static const struct source_ops rsn_ops = { .kind = "readiness", .start = rsn_start, .free = rsn_free };

void
rd_sentinel_init(struct app *app, struct rd_data *d)
{
	const char *addr = config_get(app->config, "redis", NULL, "sentinel");
	const char *pw = config_get(app->config, "redis", NULL, "sentinel_password");
	const char *want = config_get(app->config, "redis", NULL, "sentinel_master");
	struct rsn *r;

	if (addr == NULL || *addr == '\0')
		return;
	r = xcalloc(1, sizeof *r);
	r->d = d;
	d->sentinel.address = xstrdup(addr);
	if (want != NULL)
		rds_put(d->sentinel.want, sizeof d->sentinel.want, want);
	redis_conn_init(&r->conn, app->loop, addr, pw, rsn_done, r);
	rd_fetch_wait(&d->sentinel.f);
	r->s = source_new(app, &rsn_ops, "readiness sentinel", r);
	r->s->interval = config_get_double(app->config, "readiness", NULL, "interval", 30);
	r->s->timeout = config_get_double(app->config, "readiness", NULL, "timeout", app->timeout);
	r->s->advisory = true;
	app_add_source(app, r->s);
}
