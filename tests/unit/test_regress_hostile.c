/* Regression tests for the hostile-backend fixes: Retry-After binds the
 * next request of a source, a 429 is a source error, credentials never
 * follow a redirect to another host, the size cap holds, URL redaction
 * drops all user information.  The backends are tiny HTTP servers inside
 * the test's own event loop, so nothing here needs the network or sleeps. */
#include "ceres/core/app.h"
#include "ceres/sources/health.h"
#include "ceres/core/loop.h"
#include "ceres/util/sanitize.h"
#include "ceres/core/source.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- a canned-answer HTTP server living in the loop ---- */

struct srv;
struct conn {
	struct srv	*srv;
	int		 fd;
	struct strbuf	 in;
	char		*out;
	size_t		 outlen, outoff;
};

struct srv {
	struct loop	*loop;
	int		 fd;
	int		 port;
	unsigned	 requests;
	char		 last_auth[256];	/* Authorization of the last request */
	/* Answer for a request path: raw bytes, malloc'd. */
	char		*(*answer)(struct srv *srv, const char *path, size_t *len);
	void		*arg;
};

static void
conn_free(struct conn *c)
{
	loop_fd_del(c->srv->loop, c->fd);
	close(c->fd);
	strbuf_free(&c->in);
	free(c->out);
	free(c);
}

static void
conn_io(int fd, int events, void *arg)
{
	struct conn *c = arg;
	char buf[4096];
	ssize_t n;

	(void)events;
	if (c->out == NULL) {
		char *end, *path, *auth;

		n = read(fd, buf, sizeof buf);
		if (n <= 0) {
			if (n < 0 && errno == EAGAIN)
				return;
			conn_free(c);
			return;
		}
		strbuf_add(&c->in, buf, (size_t)n);
		if ((end = strstr(c->in.buf, "\r\n\r\n")) == NULL)
			return;
		c->srv->requests++;
		auth = strcasestr(c->in.buf, "\r\nAuthorization: ");
		c->srv->last_auth[0] = '\0';
		if (auth != NULL)
			snprintf(c->srv->last_auth, sizeof c->srv->last_auth, "%.*s",
			    (int)strcspn(auth + 17, "\r"), auth + 17);
		path = c->in.buf + strcspn(c->in.buf, " ") + 1;
		path[strcspn(path, " ")] = '\0';
		c->out = c->srv->answer(c->srv, path, &c->outlen);
		loop_fd_set(c->srv->loop, fd, LOOP_WRITE, conn_io, c);
		return;
	}
	n = write(fd, c->out + c->outoff, c->outlen - c->outoff);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0 || (c->outoff += (size_t)n) == c->outlen)
		conn_free(c);
}

static void
srv_accept(int fd, int events, void *arg)
{
	struct srv *srv = arg;
	int cfd;

	(void)events;
	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct conn *c = xcalloc(1, sizeof *c);

		c->srv = srv;
		c->fd = cfd;
		strbuf_init(&c->in);
		strbuf_add(&c->in, "", 0);
		loop_fd_set(srv->loop, cfd, LOOP_READ, conn_io, c);
	}
}

static void
srv_start(struct srv *srv, struct loop *l)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;

	srv->loop = l;
	srv->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(srv->fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(srv->fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(srv->fd, 16), 0);
	assert_int_equal(getsockname(srv->fd, (struct sockaddr *)&sa, &sl), 0);
	srv->port = ntohs(sa.sin_port);
	loop_fd_set(l, srv->fd, LOOP_READ, srv_accept, srv);
}

static void
srv_stop(struct srv *srv)
{
	loop_fd_del(srv->loop, srv->fd);
	close(srv->fd);
}

static char *
reply(size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	*len = strlen(s);
	return s;
}

/* ---- a source that GETs one URL per round ---- */

struct probe {
	char		*url;
	const char	*auth;		/* header with a secret, or NULL */
	size_t		 max_bytes;
	unsigned	 answers;
	long		 last_status;
};

static void
probe_http_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct probe *p = s->data;

	p->answers++;
	p->last_status = r->status;
	if (r->error != NULL)
		source_error(s, "%s", r->error);
}

static void
probe_start(struct source *s)
{
	struct probe *p = s->data;
	const char *hdrs[2] = { p->auth, NULL };
	struct http_request req;

	memset(&req, 0, sizeof req);
	req.url = p->url;
	req.headers = hdrs;
	req.follow = true;
	req.authenticated = p->auth != NULL;
	req.max_bytes = p->max_bytes;
	source_http(s, &req, probe_http_done, s);
}

static void
probe_free(struct source *s)
{
	struct probe *p = s->data;

	free(p->url);
	free(p);
}

static const struct source_ops probe_ops = {
	.kind = "probe",
	.start = probe_start,
	.free = probe_free,
};

struct fixture {
	struct app	 app;
	struct srv	 srv, other;
	struct source	*src;
	struct probe	*probe;
};

static struct fixture *
fixture_new(char *(*answer)(struct srv *, const char *, size_t *))
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	f->app.loop = loop_new(&cause);
	assert_non_null(f->app.loop);
	f->app.interval = 1;
	f->app.timeout = 5;
	model_init(&f->app.model);
	f->srv.answer = answer;
	f->srv.arg = f;
	srv_start(&f->srv, f->app.loop);
	f->other.answer = answer;
	f->other.arg = f;
	srv_start(&f->other, f->app.loop);
	f->probe = xcalloc(1, sizeof *f->probe);
	f->src = source_new(&f->app, &probe_ops, "probe", f->probe);
	f->src->once_only = true;
	return f;
}

static void
fixture_free(struct fixture *f)
{
	source_free(f->src);
	srv_stop(&f->srv);
	srv_stop(&f->other);
	loop_free(f->app.loop);
	model_free(&f->app.model);
	free(f);
}

/* Run the loop until the source finished a round (or 5 s passed). */
static void
run_round(struct fixture *f)
{
	unsigned before = f->src->rounds;
	double end = now_mono() + 5;

	while (f->src->rounds == before && now_mono() < end)
		loop_run_once(f->app.loop, 0.05);
	assert_int_equal(f->src->rounds, before + 1);
}

static void
run_for(struct fixture *f, double seconds)
{
	double end = now_mono() + seconds;

	while (now_mono() < end)
		loop_run_once(f->app.loop, 0.02);
}

static void
set_url(struct fixture *f, struct srv *srv, const char *path)
{
	free(f->probe->url);
	f->probe->url = xasprintf("http://127.0.0.1:%d%s", srv->port, path);
}

/* ---- answers by path ---- */

static char *
answer(struct srv *srv, const char *path, size_t *len)
{
	struct fixture *f = srv->arg;

	if (strcmp(path, "/429") == 0)
		return reply(len, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n"
		    "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
	if (strcmp(path, "/503") == 0)
		return reply(len, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 4\r\n"
		    "Content-Length: 9\r\nConnection: close\r\n\r\nnot ready");
	if (strcmp(path, "/redirect-other") == 0)
		return reply(len, "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/ok\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n", f->other.port);
	if (strcmp(path, "/redirect-same") == 0)
		return reply(len, "HTTP/1.1 302 Found\r\nLocation: /ok\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
	if (strcmp(path, "/big") == 0) {
		size_t n = 100000;
		char *head = reply(len, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", n);
		char *s = xmalloc(*len + n);

		memcpy(s, head, *len);
		memset(s + *len, 'x', n);
		*len += n;
		free(head);
		return s;
	}
	return reply(len, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
}

/* ---- tests ---- */

static void
test_429_is_error_and_retry_after_binds(void **state)
{
	struct fixture *f = fixture_new(answer);
	unsigned before;

	(void)state;
	set_url(f, &f->srv, "/429");
	source_poll_now(f->src);
	run_round(f);
	assert_false(f->src->ok);
	assert_non_null(f->src->error);
	assert_non_null(strstr(f->src->error, "rate limited (HTTP 429)"));
	assert_non_null(strstr(f->src->error, "retry after 7s"));
	assert_true(f->src->retry_until > now_mono() + 6.5);
	assert_true(f->src->retry_until < now_mono() + 7.5);
	/* A manual refresh does not ask again before the server's time. */
	before = f->srv.requests;
	source_poll_now(f->src);
	run_for(f, 0.3);
	assert_int_equal(f->srv.requests, before);
	assert_int_equal(f->src->rounds, 1);
	/* Once the time has passed, it does; a good answer clears it. */
	f->src->retry_until = now_mono();
	set_url(f, &f->srv, "/ok");
	source_poll_now(f->src);
	run_round(f);
	assert_true(f->src->ok);
	assert_null(f->src->error);
	assert_true(f->src->retry_after == 0);
	fixture_free(f);
}

static void
test_503_retry_after_binds_even_when_round_is_fine(void **state)
{
	struct fixture *f = fixture_new(answer);

	(void)state;
	set_url(f, &f->srv, "/503");
	source_poll_now(f->src);
	run_round(f);
	/* The module took the 503 as an answer (no error), yet the server
	 * asked for 4 s of quiet. */
	assert_true(f->src->ok);
	assert_int_equal(f->probe->last_status, 503);
	assert_true(f->src->retry_until > now_mono() + 3.5);
	fixture_free(f);
}

static void
test_credentials_never_follow_to_another_host(void **state)
{
	struct fixture *f = fixture_new(answer);

	(void)state;
	set_url(f, &f->srv, "/redirect-other");
	f->probe->auth = "Authorization: Bearer HOSTILE-SECRET-1";
	source_poll_now(f->src);
	run_round(f);
	assert_false(f->src->ok);
	assert_non_null(strstr(f->src->error, "refused redirect to another host"));
	assert_int_equal(f->other.requests, 0);
	assert_int_equal(f->srv.requests, 1);
	assert_string_equal(f->srv.last_auth, "Bearer HOSTILE-SECRET-1");
	fixture_free(f);
}

/* A caller that forgot to say "authenticated": the header alone decides. */
static void
test_credential_headers_never_follow_either(void **state)
{
	static const char *const hdrs[] = {
		"X-Redmine-API-Key: HOSTILE-KEY-3", "authorization: token HOSTILE-4",
		"Cookie: session=HOSTILE-5", "X-Auth-Token: HOSTILE-6",
	};
	struct fixture *f = fixture_new(answer);

	(void)state;
	for (size_t i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
		const char *h[2] = { hdrs[i], NULL };
		struct http_request req;

		memset(&req, 0, sizeof req);
		free(f->probe->url);
		f->probe->url = xasprintf("http://127.0.0.1:%d/redirect-other", f->srv.port);
		req.url = f->probe->url;
		req.headers = h;
		req.follow = true;	/* and authenticated left false */
		f->probe->answers = 0;
		f->src->in_round = true;
		f->src->pending = 1;
		source_http(f->src, &req, probe_http_done, f->src);
		source_async_end(f->src);
		run_round(f);
		assert_false(f->src->ok);
		assert_non_null(strstr(f->src->error, "refused redirect to another host"));
	}
	assert_int_equal(f->other.requests, 0);
	fixture_free(f);
}

static void
test_redirects_followed_when_allowed(void **state)
{
	struct fixture *f = fixture_new(answer);

	(void)state;
	/* Without credentials, another host is fine. */
	set_url(f, &f->srv, "/redirect-other");
	source_poll_now(f->src);
	run_round(f);
	assert_true(f->src->ok);
	assert_int_equal(f->other.requests, 1);
	assert_string_equal(f->other.last_auth, "");
	/* With credentials, the same host keeps them. */
	set_url(f, &f->srv, "/redirect-same");
	f->probe->auth = "Authorization: Bearer HOSTILE-SECRET-2";
	source_poll_now(f->src);
	run_round(f);
	assert_true(f->src->ok);
	assert_int_equal(f->probe->last_status, 200);
	assert_string_equal(f->srv.last_auth, "Bearer HOSTILE-SECRET-2");
	fixture_free(f);
}

static void
test_size_cap(void **state)
{
	struct fixture *f = fixture_new(answer);

	(void)state;
	set_url(f, &f->srv, "/big");
	f->probe->max_bytes = 16384;
	source_poll_now(f->src);
	run_round(f);
	assert_false(f->src->ok);
	assert_non_null(strstr(f->src->error, "response larger than 16384 bytes"));
	fixture_free(f);
}

static void
test_url_redact_drops_all_userinfo(void **state)
{
	char *r;

	(void)state;
	/* An unencoded '@' in a password: everything before the last '@' of
	 * the authority is user information (fuzz_util's property). */
	r = url_redact("https://ops:p@ss@grafana.example:3000/d/x?token=1");
	assert_string_equal(r, "https://grafana.example:3000/…");
	free(r);
	r = url_redact("http://user:pw@host:9093");
	assert_string_equal(r, "http://host:9093");
	free(r);
	r = url_redact("http://host/path@not-userinfo");
	assert_string_equal(r, "http://host/…");
	free(r);
}

static void
test_hostile_detail_is_sanitized(void **state)
{
	static const char evil[] = "{\"database\":\"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b1m\\u202eevil\"}";
	struct health_result hr;
	char *clean;

	(void)state;
	health_judge_grafana(200, evil, sizeof evil - 1, &hr);
	assert_int_equal(hr.state, SVC_DEGRADED);
	clean = sanitize_str(hr.detail);
	assert_null(strchr(clean, '\033'));
	assert_null(strchr(clean, '\007'));
	assert_null(strstr(clean, "\xc2\x9b"));
	assert_null(strstr(clean, "\xe2\x80\xae"));
	assert_non_null(strstr(clean, "␛]0;pwned␇"));
	free(clean);
}

static void
test_source_scrub_redacts_configured_secrets(void **state)
{
	static const char cfg[] =
	    "[gitea]\nurl = http://127.0.0.1:1\ntoken = GiteaTok-1234\n"
	    "[redis]\naddress = 127.0.0.1:1\npassword = abc\n"
	    "[webhook \"ops\"]\nkind = generic\nurl = http://h:1/hooks/HookKey-98765\n";
	struct fixture *f = fixture_new(answer);
	char *cause = NULL, *out;

	(void)state;
	f->app.config = config_parse("test", cfg, sizeof cfg - 1, NULL, &cause);
	assert_non_null(f->app.config);
	out = source_scrub(f->src, "echo: token GiteaTok-1234, hook http://h:1/hooks/HookKey-98765 "
	    "or HookKey-98765 alone; abc stays (too short to redact)");
	assert_string_equal(out, "echo: token <redacted>, hook <redacted> or <redacted> alone; "
	    "abc stays (too short to redact)");
	free(out);
	/* source_error() scrubs before it sanitizes. */
	f->src->in_round = true;
	source_error(f->src, "HTTP 503: %s\033[2J", "Bearer GiteaTok-1234");
	assert_string_equal(f->src->round_error, "HTTP 503: Bearer <redacted>␛[2J");
	config_free(f->app.config);
	f->app.config = NULL;
	fixture_free(f);
}

static void
test_json_too_complex(void **state)
{
	size_t n = 2 * (JSON_MAX_VALUES + 1) + 1;
	char *bomb = xmalloc(n + 1), *strings;
	struct prom_target *t = NULL;
	size_t nt = 0;
	char *cause = NULL;

	(void)state;
	/* "[0,0,...]" with one value too many is refused... */
	bomb[0] = '[';
	for (size_t i = 1; i < n - 1; i += 2) {
		bomb[i] = '0';
		bomb[i + 1] = ',';
	}
	bomb[n - 2] = '0';
	bomb[n - 1] = ']';
	bomb[n] = '\0';
	assert_true(json_too_complex(bomb, n));
	assert_int_equal(prom_targets_parse(bomb, n, &t, &nt, &cause), -1);
	assert_non_null(strstr(cause, "answer too complex"));
	free(cause);
	/* ...while the same bytes inside one string are one value. */
	strings = xasprintf("[\"%s\", \"\\\"[{,\"]", bomb);
	assert_false(json_too_complex(strings, strlen(strings)));
	assert_false(json_too_complex("{\"status\":\"success\",\"data\":{\"activeTargets\":[]}}", 47));
	free(strings);
	free(bomb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_429_is_error_and_retry_after_binds),
		cmocka_unit_test(test_503_retry_after_binds_even_when_round_is_fine),
		cmocka_unit_test(test_credentials_never_follow_to_another_host),
		cmocka_unit_test(test_credential_headers_never_follow_either),
		cmocka_unit_test(test_redirects_followed_when_allowed),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_url_redact_drops_all_userinfo),
		cmocka_unit_test(test_hostile_detail_is_sanitized),
		cmocka_unit_test(test_source_scrub_redacts_configured_secrets),
		cmocka_unit_test(test_json_too_complex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
