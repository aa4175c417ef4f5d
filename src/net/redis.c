/* The non-blocking Redis client shared by the health source and the
 * readiness probe: one connection per round, numeric addresses only (name
 * resolution would block the loop), replies capped and timed out. */
#include "ceres/util/i18n.h"
#include "ceres/net/redis.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
parse_address(const char *address, char **host, int *port)
{
	const char *colon = strrchr(address, ':');
	long p = 6379;
	char *h;

	if (colon != NULL && parse_long(colon + 1, 1, 65535, &p) == 0)
		h = xstrndup(address, (size_t)(colon - address));
	else
		h = xstrdup(address);
	/* [::1]:6379 */
	if (h[0] == '[') {
		size_t n = strlen(h);

		memmove(h, h + 1, n);
		if (n >= 2 && h[n - 2] == ']')
			h[n - 2] = '\0';
	}
	*host = h;
	*port = (int)p;
}

/* Arrays nest this deep at most (Sentinel's answers use two levels); a
 * deeper one is malformed, so hostile input cannot exhaust the stack. */
#define RESP_MAX_DEPTH	8

static int resp_next(const char *buf, size_t len, size_t *off, char *type, const char **data,
    size_t *dlen, int depth);

/* An array of n elements whose header line ends at *off + hl: its payload
 * is the bytes of the elements, read again with redis_resp_next(). */
static int
resp_array(const char *buf, size_t len, size_t *off, size_t hl, long n, const char **data,
    size_t *dlen, int depth)
{
	size_t start = *off + hl + 1, sub = start;
	const char *d;
	size_t dl;
	char t;

	if (depth >= RESP_MAX_DEPTH)
		return -1;
	for (long i = 0; i < n; i++) {
		int rc = resp_next(buf, len, &sub, &t, &d, &dl, depth + 1);

		if (rc != 1)
			return rc;
	}
	*data = buf + start;
	*dlen = sub - start;
	*off = sub;
	return 1;
}

int
redis_resp_next(const char *buf, size_t len, size_t *off, char *type, const char **data,
    size_t *dlen)
{
	return resp_next(buf, len, off, type, data, dlen, 0);
}

static int
resp_next(const char *buf, size_t len, size_t *off, char *type, const char **data,
    size_t *dlen, int depth)
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
	case '$': case '*':
		snprintf(num, sizeof num, "%.*s", (int)(hl > 20 ? 20 : hl - 1), p + 1);
		num[strcspn(num, "\r")] = '\0';
		if (parse_long(num, -1, REDIS_CONN_MAX_REPLY, &blen) != 0)
			return -1;
		if (p[0] == '*' && blen > 0)
			return resp_array(buf, len, off, hl, blen, data, dlen, depth);
		if (blen < 0 || p[0] == '*') {
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

void
redis_conn_init(struct redis_conn *c, struct loop *loop, const char *address,
    const char *password, redis_conn_cb done, void *arg)
{
	memset(c, 0, sizeof *c);
	c->loop = loop;
	parse_address(address, &c->host, &c->port);
	c->password = password != NULL ? xstrdup(password) : NULL;
	c->done = done;
	c->arg = arg;
	c->fd = -1;
	strbuf_init(&c->in);
	strbuf_init(&c->out);
}

static void
wipe_out(struct redis_conn *c)
{
	if (c->out.buf != NULL)
		memset(c->out.buf, 0, c->out.len);
	strbuf_free(&c->out);
}

void
redis_conn_reset(struct redis_conn *c)
{
	wipe_out(c);
	strbuf_free(&c->in);
	strbuf_add(&c->in, "", 0);
	c->sent = 0;
	c->want = 0;
}

void
redis_conn_command(struct redis_conn *c, int argc, const char *const *argv)
{
	strbuf_addf(&c->out, "*%d\r\n", argc);
	for (int i = 0; i < argc; i++) {
		strbuf_addf(&c->out, "$%zu\r\n", strlen(argv[i]));
		strbuf_adds(&c->out, argv[i]);
		strbuf_adds(&c->out, "\r\n");
	}
	c->want++;
}

void
redis_conn_auth(struct redis_conn *c)
{
	if (c->password != NULL)
		redis_conn_command(c, 2, (const char *const[]){ "AUTH", c->password });
}

void
redis_conn_close(struct redis_conn *c)
{
	if (c->fd >= 0) {
		loop_fd_del(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	if (c->timer != NULL) {
		loop_timer_cancel(c->loop, c->timer);
		c->timer = NULL;
	}
}

void
redis_conn_free(struct redis_conn *c)
{
	redis_conn_close(c);
	strbuf_free(&c->in);
	wipe_out(c);
	secret_free(c->password);
	c->password = NULL;
	free(c->host);
	c->host = NULL;
}

static void
conn_finish(struct redis_conn *c, enum redis_conn_status st, const char *error)
{
	if (c->fd < 0 && c->timer == NULL)
		return;
	redis_conn_close(c);
	c->done(c->arg, st, error);
}

static void
conn_io(int fd, int events, void *arg)
{
	struct redis_conn *c = arg;
	char buf[8192];

	if (events & LOOP_WRITE) {
		int soerr = 0;
		socklen_t sl = sizeof soerr;

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr != 0) {
			conn_finish(c, REDIS_CONN_ERRNO, strerror(soerr));
			return;
		}
		while (c->sent < c->out.len) {
			ssize_t n = send(fd, c->out.buf + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);

			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return;
				conn_finish(c, REDIS_CONN_ERRNO, strerror(errno));
				return;
			}
			c->sent += (size_t)n;
		}
		loop_fd_set(c->loop, fd, LOOP_READ, conn_io, c);
		return;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		size_t off = 0, dlen;
		const char *data;
		char type;
		int cnt = 0, rc;

		if (n == 0) {
			conn_finish(c, REDIS_CONN_REPLY, N_("connection closed"));
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			conn_finish(c, REDIS_CONN_ERRNO, strerror(errno));
			return;
		}
		strbuf_add(&c->in, buf, (size_t)n);
		if (c->in.len > REDIS_CONN_MAX_REPLY) {
			conn_finish(c, REDIS_CONN_REPLY, N_("reply too large"));
			return;
		}
		while ((rc = redis_resp_next(c->in.buf, c->in.len, &off, &type, &data, &dlen)) == 1)
			cnt++;
		if (rc < 0) {
			conn_finish(c, REDIS_CONN_REPLY, N_("protocol error"));
			return;
		}
		if (cnt >= c->want || (c->stop_on_error && c->in.len > 0 && c->in.buf[0] == '-')) {
			conn_finish(c, REDIS_CONN_OK, NULL);
			return;
		}
	}
}

static void
conn_timeout(void *arg)
{
	struct redis_conn *c = arg;

	c->timer = NULL;
	conn_finish(c, REDIS_CONN_TIMEOUT, "timeout");
}

int
redis_conn_start(struct redis_conn *c, double timeout, int *err)
{
	struct sockaddr_in sa;
	struct sockaddr_in6 sa6;
	struct sockaddr *addr;
	socklen_t alen;
	int fd;

	*err = 0;
	memset(&sa, 0, sizeof sa);
	memset(&sa6, 0, sizeof sa6);
	if (inet_pton(AF_INET, c->host, &sa.sin_addr) == 1) {
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)c->port);
		addr = (struct sockaddr *)&sa;
		alen = sizeof sa;
	} else if (inet_pton(AF_INET6, c->host, &sa6.sin6_addr) == 1) {
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)c->port);
		addr = (struct sockaddr *)&sa6;
		alen = sizeof sa6;
	} else
		return REDIS_CONN_EADDR;
	fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return REDIS_CONN_ESOCKET;
	}
	if (connect(fd, addr, alen) < 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return REDIS_CONN_ECONNECT;
	}
	c->fd = fd;
	loop_fd_set(c->loop, fd, LOOP_WRITE, conn_io, c);
	c->timer = loop_timer_add(c->loop, timeout, conn_timeout, c);
	return 0;
}
