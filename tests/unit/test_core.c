/* The core: the verdict never goes down, a transfer that cannot start is
 * reported once (its round ends), easy handles reused with nothing of the
 * last request left on them, connections kept per scope (a host of two
 * scopes in one cache), timers in deadline order, a site switch without
 * curses, and the registry tables agree with the feature enum. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "ceres/core/app.h"
#include "ceres/core/feature.h"
#include "ceres/core/loop.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

static void
test_status_raise(void **state)
{
	static const enum status_code order[] = {
		STATUS_OK, STATUS_UNKNOWN, STATUS_WARNING, STATUS_CRITICAL,
	};
	struct status st;

	(void)state;
	/* From every code, raising to any code ends at the worse of the two. */
	for (size_t a = 0; a < 4; a++) {
		for (size_t b = 0; b < 4; b++) {
			status_init(&st);
			status_raise(&st, order[a]);
			status_raise(&st, order[b]);
			assert_int_equal(st.code, order[a > b ? a : b]);
			status_free(&st);
		}
	}
	/* UNKNOWN then OK stays UNKNOWN (it used to drop to OK). */
	status_init(&st);
	status_raise(&st, STATUS_UNKNOWN);
	status_raise(&st, STATUS_OK);
	assert_int_equal(st.code, STATUS_UNKNOWN);
	status_free(&st);
}

struct seen {
	int	 calls;
	char	 error[128];
	long	 status;
};

static void
on_done(const struct http_response *r, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->status = r->status;
	snprintf(s->error, sizeof s->error, "%s", r->error != NULL ? r->error : "");
}

static void
test_refused_transfer_reported_once(void **state)
{
	char *cause = NULL;
	struct loop *l = loop_new(&cause);
	struct http_request req;
	struct seen s = { 0 };
	double t0;

	(void)state;
	assert_non_null(l);
	memset(&req, 0, sizeof req);
	req.url = "http://127.0.0.1:9/never";
	req.timeout = 5;
	loop_fail_next_setups(1);
	(void)loop_http(l, &req, on_done, &s);
	t0 = now_mono();
	/* Reported on the next turn, without waiting out the timeout. */
	for (int i = 0; i < 5 && s.calls == 0; i++)
		loop_run_once(l, 2.0);
	assert_int_equal(s.calls, 1);
	assert_true(now_mono() - t0 < 1.5);
	assert_string_equal(s.error, "cannot start transfer");
	assert_int_equal(s.status, 0);
	assert_int_equal(loop_http_running(l), 0);
	/* And only once. */
	loop_run_once(l, 0.05);
	assert_int_equal(s.calls, 1);
	loop_free(l);
}

/* A listening socket on a loopback port and a child to serve it: in the
 * parent the child's pid (*ls closed), in the child 0 (*ls its socket). */
static pid_t
server_fork(int *port, int *ls)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int one = 1;
	pid_t pid;

	*ls = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*ls >= 0);
	setsockopt(*ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(*ls, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(*ls, 8), 0);
	assert_int_equal(getsockname(*ls, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid > 0) {
		close(*ls);
		return pid;
	}
	alarm(10);	/* never outlives a failed test */
	return 0;
}

/* A one-connection-at-a-time HTTP server in a child: each answer says
 * whether the request carried an Authorization or X-Test header. */
static pid_t
echo_server(int n, int *port)
{
	int ls;
	pid_t pid = server_fork(port, &ls);

	if (pid > 0)
		return pid;
	for (int i = 0; i < n; i++) {
		char req[8192], body[64], out[256];
		size_t got = 0;
		int c = accept(ls, NULL, NULL);

		if (c < 0)
			_exit(1);
		while (got < sizeof req - 1) {
			ssize_t r = read(c, req + got, sizeof req - 1 - got);

			if (r <= 0)
				break;
			got += (size_t)r;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		req[got] = '\0';
		snprintf(body, sizeof body, "auth=%d xtest=%d",
		    strstr(req, "\r\nAuthorization:") != NULL, strstr(req, "\r\nX-Test:") != NULL);
		snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n%s", strlen(body), body);
		if (write(c, out, strlen(out)) < 0)
			_exit(1);
		close(c);
	}
	_exit(0);
}

struct echo_seen {
	int	calls;
	long	status;
	char	body[64];
};

static void
on_echo(const struct http_response *r, void *arg)
{
	struct echo_seen *s = arg;

	s->calls++;
	s->status = r->status;
	snprintf(s->body, sizeof s->body, "%s", r->body != NULL ? r->body : "");
}

static void
echo_get(struct loop *l, const char *url, const char *userpwd, const char **hdrs,
    const void *scope, const char *want)
{
	struct http_request req;
	struct echo_seen s = { 0 };

	memset(&req, 0, sizeof req);
	req.url = url;
	req.timeout = 5;
	req.userpwd = userpwd;
	req.headers = hdrs;
	req.scope = scope;
	(void)loop_http(l, &req, on_echo, &s);
	for (int i = 0; i < 100 && s.calls == 0; i++)
		loop_run_once(l, 0.1);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.status, 200);
	assert_string_equal(s.body, want);
}

/* A finished transfer's easy handle serves the next one (reset): the
 * credentials and headers of the first must not reach the second, and
 * requests of different DNS scopes (sites) and of none all work. */
static void
test_easy_reuse_is_clean(void **state)
{
	char *cause = NULL, url[64], url2[64], url3[64];
	struct loop *l = loop_new(&cause);
	const char *hdrs[] = { "X-Test: secret-ish", NULL };
	int port, st, k1, k2;
	pid_t pid = echo_server(6, &port);

	(void)state;
	assert_non_null(l);
	snprintf(url, sizeof url, "http://localhost:%d/", port);
	snprintf(url2, sizeof url2, "http://127.0.0.1:%d/", port);
	snprintf(url3, sizeof url3, "http://u:p@127.0.0.1:%d/", port);
	echo_get(l, url, "user:pass", hdrs, &k1, "auth=1 xtest=1");
	echo_get(l, url, NULL, NULL, &k2, "auth=0 xtest=0");
	echo_get(l, url2, NULL, hdrs, NULL, "auth=0 xtest=1");
	echo_get(l, url, NULL, NULL, &k1, "auth=0 xtest=0");
	echo_get(l, url3, NULL, NULL, &k1, "auth=1 xtest=0");
	echo_get(l, url2, NULL, NULL, &k2, "auth=0 xtest=0");
	assert_int_equal(loop_http_running(l), 0);
	loop_free(l);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* A keep-alive HTTP server in a child: answers n requests in all, each
 * with "conn=K", K the number of the connection it came on (1, 2...). */
static pid_t
conn_server(int n, int *port)
{
	int ls;
	pid_t pid = server_fork(port, &ls);

	if (pid > 0)
		return pid;
	{
		struct pollfd p[17];
		int id[17], nconn = 0, answered = 0;
		char buf[17][4096];
		size_t got[17];

		p[0].fd = ls;
		p[0].events = POLLIN;
		for (int i = 1; i < 17; i++)
			p[i].fd = -1;
		while (answered < n) {
			if (poll(p, 17, 5000) <= 0)
				_exit(1);
			if (p[0].revents & POLLIN) {
				int c = accept(ls, NULL, NULL), i;

				for (i = 1; i < 17 && p[i].fd >= 0; i++)
					;
				if (c < 0 || i == 17)
					_exit(1);
				p[i].fd = c;
				p[i].events = POLLIN;
				id[i] = ++nconn;
				got[i] = 0;
			}
			for (int i = 1; i < 17; i++) {
				ssize_t r;

				if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
					continue;
				r = read(p[i].fd, buf[i] + got[i], sizeof buf[i] - 1 - got[i]);
				if (r <= 0) {
					close(p[i].fd);
					p[i].fd = -1;
					continue;
				}
				got[i] += (size_t)r;
				buf[i][got[i]] = '\0';
				if (strstr(buf[i], "\r\n\r\n") != NULL) {
					char body[32], out[128];

					snprintf(body, sizeof body, "conn=%d", id[i]);
					snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
					    strlen(body), body);
					if (write(p[i].fd, out, strlen(out)) < 0)
						_exit(1);
					got[i] = 0;
					answered++;
				}
			}
		}
	}
	_exit(0);
}

/* Connections are kept per scope; a host asked for by two scopes moves to
 * one cache common to them (its connections shared from then on); a
 * request without a scope has the loop's own. */
static void
test_connection_scopes(void **state)
{
	char *cause = NULL, url[64];
	struct loop *l = loop_new(&cause);
	int port, st, k1, k2;
	pid_t pid = conn_server(7, &port);

	(void)state;
	assert_non_null(l);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	echo_get(l, url, NULL, NULL, &k1, "conn=1");
	echo_get(l, url, NULL, NULL, &k1, "conn=1");	/* kept alive, in k1's cache */
	echo_get(l, url, NULL, NULL, &k2, "conn=2");	/* now the host of two: common */
	echo_get(l, url, NULL, NULL, &k1, "conn=2");	/* k1 there too */
	echo_get(l, url, NULL, NULL, &k2, "conn=2");
	echo_get(l, url, NULL, NULL, NULL, "conn=3");	/* the loop's own */
	echo_get(l, url, NULL, NULL, NULL, "conn=3");
	loop_free(l);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

struct timer_log {
	struct loop		*loop;
	double			 deadline[300];
	int			 fired[300];
	int			 order[300];
	int			 n;
	struct loop_timer	*t[300];
};

struct timer_arg {
	struct timer_log	*log;
	int			 i;
};

static void
on_timer(void *arg)
{
	struct timer_arg *a = arg;
	struct timer_log *g = a->log;

	g->fired[a->i]++;
	g->order[g->n++] = a->i;
	g->t[a->i] = NULL;
	/* The first one to fire cancels the last, which has not fired. */
	if (g->n == 1 && g->t[299] != NULL) {
		loop_timer_cancel(g->loop, g->t[299]);
		g->t[299] = NULL;
	}
}

/* Timers fire once each, in deadline order, never before it; cancelled
 * ones never; cancelling one that already fired is harmless. */
static void
test_timers_in_order(void **state)
{
	char *cause = NULL;
	struct loop *l = loop_new(&cause);
	static struct timer_log g;
	static struct timer_arg args[300];
	struct loop_timer *fired_one;
	double start;

	(void)state;
	assert_non_null(l);
	memset(&g, 0, sizeof g);
	g.loop = l;
	start = now_mono();
	for (int i = 0; i < 300; i++) {
		double delay = i == 299 ? 0.2 : (double)((i * 37) % 61) / 1000;

		args[i].log = &g;
		args[i].i = i;
		g.deadline[i] = now_mono() + delay;
		g.t[i] = loop_timer_add(l, delay, on_timer, &args[i]);
	}
	/* Every fifth cancelled before it fires. */
	for (int i = 0; i < 300; i += 5) {
		loop_timer_cancel(l, g.t[i]);
		g.t[i] = NULL;
	}
	fired_one = g.t[1];
	while (now_mono() - start < 0.5)
		loop_run_once(l, 0.01);
	loop_timer_cancel(l, fired_one);	/* fired already: nothing happens */
	assert_int_equal(g.n, 300 - 60 - 1);
	for (int i = 0; i < 300; i++)
		assert_int_equal(g.fired[i], i % 5 == 0 || i == 299 ? 0 : 1);
	for (int k = 1; k < g.n; k++)
		assert_true(g.deadline[g.order[k]] >= g.deadline[g.order[k - 1]] - 0.0005);
	loop_free(l);
}

static char *
write_config(const char *text)
{
	char *path = xstrdup("/tmp/ceres-test-core-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_switch_site(void **state)
{
	char *path = write_config(
	    "[ceres]\nsite = berlin\ninterval = 7\n"
	    "[site \"berlin\"]\nceres.interval = 9\n"
	    "[site \"paris\"]\nceres.interval = 11\n");
	struct options opt;
	struct app *app;
	char *cause = NULL;

	(void)state;
	memset(&opt, 0, sizeof opt);
	opt.config_path = path;
	opt.site = "berlin";
	opt.once = true;
	opt.panes = 1u << FEATURE_HEALTH;
	app = app_new(&opt, &cause);
	assert_non_null(app);
	assert_string_equal(app->site, "berlin");
	assert_true(app->interval == 9);
	assert_int_equal(app_switch_site(app, "paris", &cause), 0);
	assert_string_equal(app->site, "paris");
	assert_true(app->interval == 11);
	/* An unknown site: an error, and the current site stays. */
	assert_int_equal(app_switch_site(app, "nowhere", &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "nowhere"));
	free(cause);
	assert_string_equal(app->site, "paris");
	assert_true(app->interval == 11);
	app_free(app);
	unlink(path);
	free(path);
}

static void
test_registry(void **state)
{
	char *names = feature_names(",");
	int seen[FEATURE_COUNT] = { 0 };

	(void)state;
	for (int i = 0; i < FEATURE_COUNT; i++) {
		assert_non_null(features[i]);
		assert_non_null(ui_panes[i]);
		assert_int_equal(feature_index(features[i]->name), i);
		assert_non_null(strstr(names, features[i]->name));
	}
	assert_int_equal(feature_index("no-such-area"), -1);
	/* Every pane is placed exactly once in the layout. */
	for (const struct ui_layout_row *r = ui_layout; r->weight > 0; r++)
		for (const int *p = r->panes; *p >= 0; p++) {
			assert_true(*p < FEATURE_COUNT);
			seen[*p]++;
		}
	for (int i = 0; i < FEATURE_COUNT; i++)
		assert_int_equal(seen[i], 1);
	free(names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_raise),
		cmocka_unit_test(test_refused_transfer_reported_once),
		cmocka_unit_test(test_easy_reuse_is_clean),
		cmocka_unit_test(test_connection_scopes),
		cmocka_unit_test(test_timers_in_order),
		cmocka_unit_test(test_switch_site),
		cmocka_unit_test(test_registry),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
