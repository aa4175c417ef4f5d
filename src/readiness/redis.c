/* Readiness evidence from Redis over a non-blocking socket in the loop:
 * an unauthenticated PING first (is AUTH enforced?), then with the
 * configured password INFO replication and INFO memory (replicas online,
 * maxmemory and eviction policy).  One short connection per round. */
#include "ceres/app.h"
#include "ceres/config.h"
#include "ceres/health.h"
#include "ceres/i18n.h"
#include "ceres/readiness.h"
#include "ceres/util.h"
#include "sources_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RDR_MAX_REPLY	(256u << 10)

struct rdr {
	struct app		*app;
	struct source		*s;
	struct rd_data		*d;
	char			*host;
	int			 port;
	char			*password;
	int			 fd;
	struct strbuf		 out;
	size_t			 sent;
	struct strbuf		 in;
	struct loop_timer	*timer;
	int			 want;		/* replies expected */
	double			 started;
};

/* One RESP reply at *off: 1 complete (type, payload), 0 incomplete, -1 bad. */
static int
resp_next(const char *buf, size_t len, size_t *off, char *type, const char **data, size_t *dlen)
{
	const char *p = buf + *off, *nl;
	size_t hl;
	long blen;
	char num[24];

	if (*off >= len || (nl = memchr(p, '\n', len - *off)) == NULL)
		return 0;
	hl = (size_t)(nl - p);
	*type = p[0];
	switch (p[0]) {
	case '+': case '-': case ':':
		*data = p + 1;
		*dlen = hl > 1 && p[hl - 1] == '\r' ? hl - 2 : hl - 1;
		*off += hl + 1;
		return 1;
	case '$':
		snprintf(num, sizeof num, "%.*s", (int)(hl > 20 ? 20 : hl - 1), p + 1);
		num[strcspn(num, "\r")] = '\0';
		if (parse_long(num, -1, RDR_MAX_REPLY, &blen) != 0)
			return -1;
		if (blen < 0) {
			*data = p;
			*dlen = 0;
			*off += hl + 1;
			return 1;
		}
		if (*off + hl + 1 + (size_t)blen + 2 > len)
			return 0;
		*data = p + hl + 1;
		*dlen = (size_t)blen;
		*off += hl + 1 + (size_t)blen + 2;
		return 1;
	default:
		return -1;
	}
}

static void
rdr_close(struct rdr *r)
{
	if (r->fd >= 0) {
		loop_fd_del(r->app->loop, r->fd);
		close(r->fd);
		r->fd = -1;
	}
	if (r->timer != NULL) {
		loop_timer_cancel(r->app->loop, r->timer);
		r->timer = NULL;
	}
}

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
	while (resp_next(r->in.buf, r->in.len, &off, &type, &data, &dlen) == 1) {
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
rdr_finish(struct rdr *r, const char *error)
{
	if (r->fd < 0 && r->timer == NULL)
		return;
	rdr_close(r);
	if (error != NULL) {
		rd_fetch_err(&r->d->redis.f, "%s", error);
		source_error(r->s, "redis: %s", error);
	} else
		rdr_judge(r);
	r->s->round_latency_ms = (now_mono() - r->started) * 1000;
	r->d->generation++;
	app_dirty(r->app);
	source_async_end(r->s);
}

static void
rdr_io(int fd, int events, void *arg)
{
	struct rdr *r = arg;
	char buf[8192];

	if (events & LOOP_WRITE) {
		int soerr = 0;
		socklen_t sl = sizeof soerr;

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr != 0) {
			rdr_finish(r, strerror(soerr));
			return;
		}
		while (r->sent < r->out.len) {
			ssize_t n = send(fd, r->out.buf + r->sent, r->out.len - r->sent, MSG_NOSIGNAL);

			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			if (n < 0) {
				rdr_finish(r, strerror(errno));
				return;
			}
			r->sent += (size_t)n;
		}
		loop_fd_set(r->app->loop, fd, LOOP_READ, rdr_io, r);
		return;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		size_t off = 0, dlen;
		const char *data;
		char type;
		int cnt = 0, rc;

		if (n == 0) {
			rdr_finish(r, _("connection closed"));
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			rdr_finish(r, strerror(errno));
			return;
		}
		strbuf_add(&r->in, buf, (size_t)n);
		if (r->in.len > RDR_MAX_REPLY) {
			rdr_finish(r, _("reply too large"));
			return;
		}
		while ((rc = resp_next(r->in.buf, r->in.len, &off, &type, &data, &dlen)) == 1)
			cnt++;
		if (rc < 0) {
			rdr_finish(r, _("protocol error"));
			return;
		}
		if (cnt >= r->want) {
			rdr_finish(r, NULL);
			return;
		}
	}
}

static void
rdr_timeout(void *arg)
{
	struct rdr *r = arg;

	r->timer = NULL;
	if (r->fd >= 0) {
		loop_fd_del(r->app->loop, r->fd);
		close(r->fd);
		r->fd = -1;
	}
	rd_fetch_err(&r->d->redis.f, "%s", _("timeout"));
	source_error(r->s, "redis: timeout");
	r->d->generation++;
	source_async_end(r->s);
}

static void
rdr_start(struct source *s)
{
	struct rdr *r = s->data;
	struct sockaddr_storage ss;
	struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)&ss;
	socklen_t alen;
	int fd;

	strbuf_free(&r->out);
	strbuf_free(&r->in);
	strbuf_add(&r->in, "", 0);
	r->sent = 0;
	r->started = now_mono();
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, r->host, &sa->sin_addr) == 1) {
		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)r->port);
		alen = sizeof *sa;
	} else if (inet_pton(AF_INET6, r->host, &sa6->sin6_addr) == 1) {
		sa6->sin6_family = AF_INET6;
		sa6->sin6_port = htons((uint16_t)r->port);
		alen = sizeof *sa6;
	} else {
		/* Name resolution would block the loop. */
		rd_fetch_err(&r->d->redis.f, _("address must be numeric: %s"), r->host);
		source_error(s, "redis: %s", r->d->redis.f.error);
		return;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&ss, alen) < 0 && errno != EINPROGRESS)) {
		rd_fetch_err(&r->d->redis.f, "%s", strerror(errno));
		source_error(s, "redis: %s", r->d->redis.f.error);
		if (fd >= 0)
			close(fd);
		return;
	}
	r->fd = fd;
	/* The unauthenticated PING comes first: its answer is the evidence. */
	strbuf_adds(&r->out, "*1\r\n$4\r\nPING\r\n");
	r->want = 3;
	if (r->password != NULL) {
		strbuf_addf(&r->out, "*2\r\n$4\r\nAUTH\r\n$%zu\r\n", strlen(r->password));
		strbuf_adds(&r->out, r->password);
		strbuf_adds(&r->out, "\r\n");
		r->want++;
	}
	strbuf_adds(&r->out, "*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n");
	source_async_begin(s);
	loop_fd_set(r->app->loop, fd, LOOP_WRITE, rdr_io, r);
	r->timer = loop_timer_add(r->app->loop, s->timeout, rdr_timeout, r);
}

static void
rdr_free(struct source *s)
{
	struct rdr *r = s->data;

	rdr_close(r);
	strbuf_free(&r->in);
	if (r->out.buf != NULL)
		memset(r->out.buf, 0, r->out.len);
	strbuf_free(&r->out);
	if (r->password != NULL) {
		memset(r->password, 0, strlen(r->password));
		free(r->password);
	}
	free(r->host);
	free(r);
}

static const struct source_ops rdr_ops = { .kind = "readiness", .start = rdr_start, .free = rdr_free };

void
rd_redis_init(struct app *app, struct rd_data *d)
{
	const char *addr = config_get(app->config, "redis", NULL, "address");
	const char *pw = config_get(app->config, "redis", NULL, "password");
	const char *colon;
	struct rdr *r;
	long port = 6379;

	if (addr == NULL && app->config->defaults)
		addr = health_kind_find("redis")->default_url;
	if (addr == NULL)
		return;
	r = xcalloc(1, sizeof *r);
	r->app = app;
	r->d = d;
	colon = strrchr(addr, ':');
	if (colon != NULL && parse_long(colon + 1, 1, 65535, &port) == 0)
		r->host = xstrndup(addr, (size_t)(colon - addr));
	else
		r->host = xstrdup(addr);
	if (r->host[0] == '[') {
		size_t n = strlen(r->host);

		memmove(r->host, r->host + 1, n);
		if (n >= 2 && r->host[n - 2] == ']')
			r->host[n - 2] = '\0';
	}
	r->port = (int)port;
	r->fd = -1;
	r->password = pw != NULL ? xstrdup(pw) : NULL;
	strbuf_init(&r->in);
	strbuf_init(&r->out);
	rd_fetch_wait(&d->redis.f);
	r->s = source_new(app, &rdr_ops, "readiness redis", r);
	r->s->interval = config_get_double(app->config, "readiness", NULL, "interval", 30);
	r->s->timeout = config_get_double(app->config, "readiness", NULL, "timeout", app->timeout);
	r->s->advisory = true;
	app_add_source(app, r->s);
}
