/* Redis health over a plain non-blocking socket in the same loop: AUTH
 * (when a password is set), PING, INFO replication and server; role and
 * connected replicas.  One short-lived connection per round. */
#include "ceres/app.h"
#include "ceres/health.h"
#include "ceres/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REDIS_MAX_REPLY	(256u << 10)

struct redis {
	char			*name;
	char			*host;
	int			 port;
	char			*password;
	int			 fd;
	struct strbuf		 out;		/* bytes still to send */
	size_t			 sent;
	struct strbuf		 in;
	double			 started;
	struct loop_timer	*timer;
	int			 replies_needed;
};

static void redis_finish(struct source *s, const char *error);

/* Count complete RESP replies in buf; returns -1 on a protocol error. */
static int
resp_count(const char *buf, size_t len, size_t *bulk_off, size_t *bulk_len)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		long blen;
		char num[24];
		size_t hl;

		if (nl == NULL)
			return n;
		hl = (size_t)(nl - (buf + i));
		switch (buf[i]) {
		case '+': case '-': case ':':
			i += hl + 1;
			n++;
			break;
		case '$':
			snprintf(num, sizeof num, "%.*s", (int)(hl > 20 ? 20 : hl), buf + i + 1);
			num[strcspn(num, "\r")] = '\0';
			if (parse_long(num, -1, REDIS_MAX_REPLY, &blen) != 0)
				return -1;
			if (blen < 0) {
				i += hl + 1;
				n++;
				break;
			}
			if (i + hl + 1 + (size_t)blen + 2 > len)
				return n;
			*bulk_off = i + hl + 1;
			*bulk_len = (size_t)blen;
			i += hl + 1 + (size_t)blen + 2;
			n++;
			break;
		default:
			return -1;
		}
	}
	return n;
}

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
	for (size_t i = 0; i < r->in.len; i++) {
		if ((i == 0 || r->in.buf[i - 1] == '\n') && r->in.buf[i] == '-') {
			err = r->in.buf + i + 1;
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
	if (redis_info_parse(r->in.buf, r->in.len, &info, &cause) != 0) {
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
	model_service_set_fact(m, sv, "redis.role", info.role);
	snprintf(fact, sizeof fact, "%ld", info.connected_slaves);
	model_service_set_fact(m, sv, "redis.connected_slaves", fact);
}

static void
redis_io(int fd, int events, void *arg)
{
	struct source *s = arg;
	struct redis *r = s->data;
	char buf[8192];

	if (events & LOOP_WRITE) {
		int soerr = 0;
		socklen_t sl = sizeof soerr;

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr != 0) {
			redis_finish(s, strerror(soerr));
			return;
		}
		while (r->sent < r->out.len) {
			ssize_t n = send(fd, r->out.buf + r->sent, r->out.len - r->sent, MSG_NOSIGNAL);

			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return;
				redis_finish(s, strerror(errno));
				return;
			}
			r->sent += (size_t)n;
		}
		loop_fd_set(s->app->loop, fd, LOOP_READ, redis_io, s);
		return;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		size_t off, blen;
		int cnt;

		if (n == 0) {
			redis_finish(s, "connection closed");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			redis_finish(s, strerror(errno));
			return;
		}
		strbuf_add(&r->in, buf, (size_t)n);
		if (r->in.len > REDIS_MAX_REPLY) {
			redis_finish(s, "reply too large");
			return;
		}
		cnt = resp_count(r->in.buf, r->in.len, &off, &blen);
		if (cnt < 0) {
			redis_finish(s, "protocol error");
			return;
		}
		if (cnt >= r->replies_needed || (r->in.len > 0 && r->in.buf[0] == '-')) {
			redis_finish(s, NULL);
			return;
		}
	}
}

static void
redis_timeout(void *arg)
{
	struct source *s = arg;
	struct redis *r = s->data;

	r->timer = NULL;
	redis_finish(s, "timeout");
}

static void
redis_close(struct source *s)
{
	struct redis *r = s->data;

	if (r->fd >= 0) {
		loop_fd_del(s->app->loop, r->fd);
		close(r->fd);
		r->fd = -1;
	}
	if (r->timer != NULL) {
		loop_timer_cancel(s->app->loop, r->timer);
		r->timer = NULL;
	}
}

static void
redis_finish(struct source *s, const char *error)
{
	struct redis *r = s->data;

	if (r->fd < 0 && r->timer == NULL)
		return;
	redis_close(s);
	if (error != NULL) {
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
	struct sockaddr_in sa;
	struct sockaddr_in6 sa6;
	struct sockaddr *addr;
	socklen_t alen;
	int fd, rc;

	strbuf_free(&r->out);
	strbuf_free(&r->in);
	strbuf_add(&r->in, "", 0);
	r->sent = 0;
	r->started = now_mono();
	r->replies_needed = 3;
	memset(&sa, 0, sizeof sa);
	memset(&sa6, 0, sizeof sa6);
	if (inet_pton(AF_INET, r->host, &sa.sin_addr) == 1) {
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)r->port);
		addr = (struct sockaddr *)&sa;
		alen = sizeof sa;
	} else if (inet_pton(AF_INET6, r->host, &sa6.sin6_addr) == 1) {
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)r->port);
		addr = (struct sockaddr *)&sa6;
		alen = sizeof sa6;
	} else {
		/* Name resolution would block the loop: addresses only. */
		source_error(s, "redis address must be numeric (host:port): %s", r->host);
		return;
	}
	fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		source_error(s, "socket: %s", strerror(errno));
		return;
	}
	rc = connect(fd, addr, alen);
	if (rc < 0 && errno != EINPROGRESS) {
		struct model *m = &s->app->model;

		model_service_update(m, model_service(m, r->name, "redis"), SVC_DOWN, -1, strerror(errno));
		source_error(s, "connect: %s", strerror(errno));
		close(fd);
		return;
	}
	r->fd = fd;
	if (r->password != NULL) {
		strbuf_addf(&r->out, "*2\r\n$4\r\nAUTH\r\n$%zu\r\n", strlen(r->password));
		strbuf_adds(&r->out, r->password);
		strbuf_adds(&r->out, "\r\n");
		r->replies_needed++;
	}
	strbuf_adds(&r->out, "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n");
	/* The server section gives the version; a second INFO keeps parsing simple. */
	strbuf_adds(&r->out, "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n");
	source_async_begin(s);
	loop_fd_set(s->app->loop, fd, LOOP_WRITE, redis_io, s);
	r->timer = loop_timer_add(s->app->loop, s->timeout, redis_timeout, s);
}

static void
redis_free(struct source *s)
{
	struct redis *r = s->data;

	redis_close(s);
	strbuf_free(&r->in);
	if (r->out.buf != NULL)
		memset(r->out.buf, 0, r->out.len);
	strbuf_free(&r->out);
	if (r->password != NULL) {
		memset(r->password, 0, strlen(r->password));
		free(r->password);
	}
	free(r->name);
	free(r->host);
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
	const char *colon = strrchr(address, ':');
	long port = 6379;

	if (colon != NULL && parse_long(colon + 1, 1, 65535, &port) == 0)
		r->host = xstrndup(address, (size_t)(colon - address));
	else
		r->host = xstrdup(address);
	/* [::1]:6379 */
	if (r->host[0] == '[') {
		size_t n = strlen(r->host);

		memmove(r->host, r->host + 1, n);
		if (n >= 2 && r->host[n - 2] == ']')
			r->host[n - 2] = '\0';
	}
	r->port = (int)port;
	r->fd = -1;
	r->name = xstrdup(name);
	r->password = password != NULL ? xstrdup(password) : NULL;
	strbuf_init(&r->in);
	strbuf_init(&r->out);
	return source_new(app, &redis_ops, name, r);
}
