/* The event loop: one poll() over the sockets of the curl multi handle
 * (told by its socket callback), the extra descriptors (terminal, libpq
 * and redis sockets, signal self-pipe, child pipes) and a wake-up pipe,
 * plus one-shot timers and curl's own timer.  libcurl is driven with
 * curl_multi_socket_action(), so a pass works only on the connections
 * that are ready, not on every transfer.  Transfers report through a
 * callback that runs exactly once. */
#include "ceres/core/loop.h"
#include "loop_internal.h"
#include "ceres/util/heapstat.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <curl/curl.h>
#include <sys/resource.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_BYTES	(8u << 20)
#define MAX_REDIRECTS		5

struct fd_watch {
	int		 fd;
	int		 events;
	loop_fd_cb	 cb;
	void		*arg;
};

struct loop_timer {
	double			 when;		/* monotonic */
	uint64_t		 seq;		/* equal deadlines: first added first */
	loop_timer_cb		 cb;
	void			*arg;
};

struct http_handle {
	struct loop		*loop;
	CURL			*easy;
	struct curl_slist	*hdrs;
	http_cb			 cb;
	void			*arg;
	struct strbuf		 body;
	size_t			 max;
	size_t			 total;		/* body bytes of this answer */
	int			 streaming;	/* 0 not known yet, 1 to the sink, -1 kept */
	bool			 truncated;
	char			 errbuf[CURL_ERROR_SIZE];
	double			 started;
	int			 redirects;
	/* A copy of the request, to re-issue it on a permitted redirect. */
	char			*url;
	char			*method;
	char			**headers;
	char			*req_body;
	size_t			 req_body_len;
	struct http_request	 req;
	char			*userpwd;
	char			*ca_file;
	char			*cert_file;
	char			*key_file;
	struct http_handle	*next;
	struct http_handle	*prev;
};

/* A socket libcurl wants watched (CURLMOPT_SOCKETFUNCTION). */
struct curl_sock {
	curl_socket_t		 fd;
	short			 events;
};

/* Finished transfers leave their easy handle here (curl_easy_reset) for
 * the next one: with many sites, creating and destroying one per request
 * was a tenth of the console's CPU. */
#define LOOP_SPARE_EASY	128

/* A DNS cache and a connection cache of their own for the requests of
 * one scope (a site).  libcurl walks the whole connection cache of a
 * transfer twice over: every second, at a transfer's start, to find dead
 * connections (a poll() each), and at every transfer's end
 * (curl_multi_remove_handle looks for connect-only ones); with one cache
 * for a fleet of 1,550 kept-alive connections each request cost as much
 * as the fleet is large.  A host that requests of two scopes use (a
 * central engine serving many sites as tenants) goes to the loop's common
 * share instead, so its connections, its per-host limit and its HTTP/2
 * multiplexing stay one for all.  Scopes live as long as the loop; past
 * LOOP_MAX_SCOPES, or past LOOP_MAX_HOSTS hosts, the common share. */
#define LOOP_MAX_SCOPES	1024
#define LOOP_MAX_HOSTS	8192		/* slots of the host table, a power of two */
struct scope {
	const void	*key;
	CURLSH		*share;
};
struct host_owner {
	uint64_t	 host;		/* hash64 of "scheme://host:port", 0 free */
	const void	*key;		/* the scope, or &shared_host */
};
static const char shared_host;

struct loop {
	CURLM			*multi;
	struct fd_watch		*fds;
	size_t			 nfds;
	struct curl_sock	*socks;
	size_t			 nsocks;
	size_t			 socks_cap;
	double			 curl_when;	/* curl's timer (monotonic), <0 none */
	int			 wake[2];	/* loop_wakeup() self-pipe */
	/* A binary heap by deadline: a timer per source, a thousand and
	 * more with a fleet, at intervals from seconds to minutes. */
	struct loop_timer	**timers;
	size_t			 ntimers;
	size_t			 timers_cap;
	uint64_t		 timer_seq;
	struct http_handle	*handles;
	int			 running;
	CURL			*spare[LOOP_SPARE_EASY];	/* easy handles for reuse */
	size_t			 nspare;
	struct scope		*scopes;	/* http_request.scope */
	size_t			 nscopes;
	CURLSH			*common;	/* hosts of several scopes */
	struct host_owner	*hosts;		/* LOOP_MAX_HOSTS slots */
	size_t			 nhosts;
};

static int
on_curl_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct loop *l = arg;
	size_t i;

	(void)e;
	(void)sockp;
	for (i = 0; i < l->nsocks && l->socks[i].fd != fd; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < l->nsocks)
			l->socks[i] = l->socks[--l->nsocks];
		return 0;
	}
	if (i == l->nsocks) {
		if (l->nsocks == l->socks_cap) {
			l->socks_cap = l->socks_cap ? l->socks_cap * 2 : 64;
			l->socks = xreallocarray(l->socks, l->socks_cap, sizeof *l->socks);
		}
		l->socks[l->nsocks++].fd = fd;
	}
	l->socks[i].events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) |
	    ((what & CURL_POLL_OUT) ? POLLOUT : 0));
	return 0;
}

/* curl's one timer: only noted here, run by loop_run_once(). */
static int
on_curl_timer(CURLM *m, long ms, void *arg)
{
	struct loop *l = arg;

	(void)m;
	l->curl_when = ms < 0 ? -1 : now_mono() + (double)ms / 1000.0;
	return 0;
}

struct loop *
loop_new(char **cause)
{
	struct loop *l;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*cause = xstrdup("curl_global_init failed");
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->multi = curl_multi_init();
	if (l->multi == NULL) {
		free(l);
		*cause = xstrdup("curl_multi_init failed");
		return NULL;
	}
	/* One connection cache for every transfer: without a size libcurl
	 * sizes it by the transfers running at the moment, and closes the
	 * connections of the last round when the next one starts. */
	curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, (long)LOOP_MAX_CONNECTIONS);
	curl_multi_setopt(l->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)LOOP_MAX_HOST_CONNECTIONS);
	curl_multi_setopt(l->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	l->curl_when = -1;
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	if (pipe(l->wake) != 0) {
		curl_multi_cleanup(l->multi);
		free(l);
		*cause = xasprintf("pipe: %s", strerror(errno));
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(l->wake[i], F_SETFL, fcntl(l->wake[i], F_GETFL) | O_NONBLOCK);
		fcntl(l->wake[i], F_SETFD, FD_CLOEXEC);
	}
	return l;
}

static void http_handle_free(struct loop *l, struct http_handle *h);

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	while (l->handles != NULL)
		http_handle_free(l, l->handles);
	for (size_t i = 0; i < l->ntimers; i++)
		free(l->timers[i]);
	free(l->timers);
	free(l->fds);
	while (l->nspare > 0)
		curl_easy_cleanup(l->spare[--l->nspare]);
	curl_multi_cleanup(l->multi);
	for (size_t i = 0; i < l->nscopes; i++)
		curl_share_cleanup(l->scopes[i].share);
	free(l->scopes);
	if (l->common != NULL)
		curl_share_cleanup(l->common);
	free(l->hosts);
	free(l->socks);
	close(l->wake[0]);
	close(l->wake[1]);
	free(l);
	curl_global_cleanup();
}

void
loop_fd_set(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
	for (size_t i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i].events = events;
			l->fds[i].cb = cb;
			l->fds[i].arg = arg;
			return;
		}
	}
	l->fds = xreallocarray(l->fds, l->nfds + 1, sizeof *l->fds);
	l->fds[l->nfds].fd = fd;
	l->fds[l->nfds].events = events;
	l->fds[l->nfds].cb = cb;
	l->fds[l->nfds].arg = arg;
	l->nfds++;
}

void
loop_fd_del(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[l->nfds - 1];
			l->nfds--;
			return;
		}
	}
}

static bool
timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
heap_up(struct loop *l, size_t i)
{
	struct loop_timer **h = l->timers, *t = h[i];

	while (i > 0 && timer_before(t, h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = t;
}

static void
heap_down(struct loop *l, size_t i)
{
	struct loop_timer **h = l->timers, *t = h[i];
	size_t n = l->ntimers;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && timer_before(h[c + 1], h[c]))
			c++;
		if (!timer_before(h[c], t))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = t;
}

/* Take the timer at heap index i out (not freed). */
static void
heap_remove(struct loop *l, size_t i)
{
	l->ntimers--;
	if (i == l->ntimers)
		return;
	l->timers[i] = l->timers[l->ntimers];
	heap_up(l, i);
	heap_down(l, i);
}

struct loop_timer *
loop_timer_add(struct loop *l, double delay, loop_timer_cb cb, void *arg)
{
	struct loop_timer *t = xcalloc(1, sizeof *t);

	t->when = now_mono() + (delay > 0 ? delay : 0);
	t->seq = l->timer_seq++;
	t->cb = cb;
	t->arg = arg;
	if (l->ntimers == l->timers_cap) {
		l->timers_cap = l->timers_cap > 0 ? l->timers_cap * 2 : 64;
		l->timers = xreallocarray(l->timers, l->timers_cap, sizeof *l->timers);
	}
	l->timers[l->ntimers++] = t;
	heap_up(l, l->ntimers - 1);
	return t;
}

/* A timer that is not (or no longer) in the heap is left alone: it is
 * looked for by its address, never read. */
void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < l->ntimers; i++)
		if (l->timers[i] == t) {
			heap_remove(l, i);
			free(t);
			return;
		}
}

/* Keep up to n connections alive (never fewer than the default, never
 * more than half the descriptors the process may open). */
void
loop_set_max_connections(struct loop *l, long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    n > (long)(rl.rlim_cur / 2))
		n = (long)(rl.rlim_cur / 2);
	if (n < LOOP_MAX_CONNECTIONS)
		n = LOOP_MAX_CONNECTIONS;
	curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, n);
}

int
loop_http_running(const struct loop *l)
{
	int n = 0;

	for (struct http_handle *h = l->handles; h != NULL; h = h->next)
		n++;
	return n;
}

static size_t
on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct http_handle *h = userdata;
	size_t n = size * nmemb;

	if (h->total + n > h->max) {
		h->truncated = true;
		return 0;	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	h->total += n;
	if (h->streaming == 0 && h->req.sink != NULL) {
		long status = 0;

		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
		h->streaming = status == 200 ? 1 : -1;
	}
	if (h->streaming == 1)
		h->req.sink(ptr, n, h->req.sink_arg);
	else
		strbuf_add(&h->body, ptr, n);
	return n;
}

static char **
copy_headers(const char **hdrs)
{
	size_t n = 0;
	char **out;

	while (hdrs != NULL && hdrs[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(hdrs[i]);
	return out;
}

/* TLS and connection options of a transfer. */
static void
setup_connection(CURL *e, const struct http_handle *h)
{
	if (h->req.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (h->req.certinfo) {
		/* The chain is only seen in a handshake: never a kept-alive
		 * connection (it would answer "no certificate information"). */
		curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	}
	if (h->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
	if (h->cert_file != NULL)
		curl_easy_setopt(e, CURLOPT_SSLCERT, h->cert_file);
	if (h->key_file != NULL)
		curl_easy_setopt(e, CURLOPT_SSLKEY, h->key_file);
	/* HTTP/2 where TLS offers it; a new transfer to a host that speaks it
	 * waits for the one connection instead of opening another. */
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	if (strncasecmp(h->url, "https://", 8) == 0)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	/* Connections stay open between rounds: keep them alive through
	 * firewalls and NAT. */
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
}

static CURLSH *
share_new(void)
{
	CURLSH *sh = curl_share_init();

	if (sh != NULL) {
		curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	}
	return sh;
}

/* hash64 of a URL's origin (loop_origin()); 0 when it has none. */
static uint64_t
url_host(const char *url)
{
	char o[512];
	uint64_t h;

	if (loop_origin(url, o, sizeof o) != 0)
		return 0;
	h = hash64(o, strlen(o), 0x686f7374ULL);
	return h != 0 ? h : 1;
}

/* Which scope a host's requests go to: the first scope that asked for
 * it, or the common share once another one does. */
static const void *
host_scope(struct loop *l, const char *url, const void *key)
{
	uint64_t h = url_host(url);
	size_t i;

	if (h == 0)
		return &shared_host;
	if (l->hosts == NULL)
		l->hosts = xcalloc(LOOP_MAX_HOSTS, sizeof *l->hosts);
	for (i = (size_t)h & (LOOP_MAX_HOSTS - 1); l->hosts[i].host != 0; i = (i + 1) & (LOOP_MAX_HOSTS - 1))
		if (l->hosts[i].host == h) {
			if (l->hosts[i].key != key)
				l->hosts[i].key = &shared_host;
			return l->hosts[i].key;
		}
	if (l->nhosts >= LOOP_MAX_HOSTS / 4 * 3)
		return &shared_host;	/* the table stays a quarter empty */
	l->hosts[i].host = h;
	l->hosts[i].key = key;
	l->nhosts++;
	return key;
}

void
loop_scope_host(struct loop *l, const void *scope, const char *url)
{
	if (scope != NULL && url != NULL)
		(void)host_scope(l, url, scope);
}

static CURLSH *
common_share(struct loop *l)
{
	if (l->common == NULL)
		l->common = share_new();
	return l->common;
}

static CURLSH *
scope_share(struct loop *l, const void *key, const char *url)
{
	CURLSH *sh;

	if (key == NULL)
		return NULL;
	key = host_scope(l, url, key);
	if (key == &shared_host)
		return common_share(l);
	for (size_t i = 0; i < l->nscopes; i++)
		if (l->scopes[i].key == key)
			return l->scopes[i].share;
	if (l->nscopes >= LOOP_MAX_SCOPES || (sh = share_new()) == NULL)
		return common_share(l);
	l->scopes = xreallocarray(l->scopes, l->nscopes + 1, sizeof *l->scopes);
	l->scopes[l->nscopes].key = key;
	l->scopes[l->nscopes++].share = sh;
	return sh;
}

static CURL *
easy_get(struct loop *l)
{
	return l->nspare > 0 ? l->spare[--l->nspare] : curl_easy_init();
}

/* Out of the multi handle, every option back to its default (the
 * strings it copied, credentials included, are freed: the next request
 * sends nothing of this one, tests/unit/test_core), kept for reuse. */
static void
easy_put(struct loop *l, CURL *e)
{
	curl_multi_remove_handle(l->multi, e);
	curl_easy_setopt(e, CURLOPT_SHARE, NULL);
	if (l->nspare < LOOP_SPARE_EASY) {
		curl_easy_reset(e);
		l->spare[l->nspare++] = e;
	} else
		curl_easy_cleanup(e);
}

/* Test hook: the next n transfers fail to start (loop_fail_next_setups). */
static int fail_setups;

static int
http_setup(struct loop *l, struct http_handle *h)
{
	CURL *e = easy_get(l);
	double timeout = h->req.timeout > 0 ? h->req.timeout : 10;

	if (e == NULL) {
		snprintf(h->errbuf, sizeof h->errbuf, "%s", _("cannot start transfer"));
		return -1;
	}
	h->easy = e;
	curl_easy_setopt(e, CURLOPT_SHARE, scope_share(l, h->req.scope, h->url));
	curl_easy_setopt(e, CURLOPT_URL, h->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, h);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	/* A Content-Length over the cap fails before a byte is buffered. */
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout * 1000));
	curl_easy_setopt(e, CURLOPT_USERAGENT, "ceres-top/" PACKAGE_VERSION);
	/* Decompression is counted against the cap in on_write, so a gzip
	 * bomb stops at max_bytes of output. */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Redirects are followed by hand (see http_done) so that a request
	 * with credentials never goes to another host. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	setup_connection(e, h);
	if (h->userpwd != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, h->userpwd);
	}
	for (char **hp = h->headers; *hp != NULL; hp++)
		h->hdrs = curl_slist_append(h->hdrs, *hp);
	/* No "Expect: 100-continue" round trip on POSTs. */
	h->hdrs = curl_slist_append(h->hdrs, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdrs);
	if (h->req_body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->req_body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, h->req_body);
	}
	if (h->method != NULL) {
		if (strcmp(h->method, "HEAD") == 0)
			curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
		else
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, h->method);
	}
	if (fail_setups > 0 || curl_multi_add_handle(l->multi, e) != CURLM_OK) {
		if (fail_setups > 0)
			fail_setups--;
		/* Not in the multi handle, so never in its done list:
		 * check_transfers() reports it on the next turn (a source's
		 * round then ends with an error instead of waiting forever). */
		easy_put(l, e);
		h->easy = NULL;
		curl_slist_free_all(h->hdrs);
		h->hdrs = NULL;
		snprintf(h->errbuf, sizeof h->errbuf, "%s", _("cannot start transfer"));
		loop_wakeup(l);
		return -1;
	}
	return 0;
}

void
loop_fail_next_setups(int n)
{
	fail_setups = n;
}

struct http_handle *
loop_http(struct loop *l, const struct http_request *req, http_cb cb, void *arg)
{
	struct http_handle *h = xcalloc(1, sizeof *h);

	h->loop = l;
	h->cb = cb;
	h->arg = arg;
	h->req = *req;
	h->url = xstrdup(req->url);
	h->method = req->method != NULL ? xstrdup(req->method) : NULL;
	h->headers = copy_headers(req->headers);
	if (req->body != NULL) {
		h->req_body = xstrndup(req->body, req->body_len);
		h->req_body_len = req->body_len;
	}
	h->userpwd = req->userpwd != NULL ? xstrdup(req->userpwd) : NULL;
	h->ca_file = req->ca_file != NULL ? xstrdup(req->ca_file) : NULL;
	h->cert_file = req->cert_file != NULL ? xstrdup(req->cert_file) : NULL;
	h->key_file = req->key_file != NULL ? xstrdup(req->key_file) : NULL;
	h->req.url = NULL;
	h->req.method = NULL;
	h->req.headers = NULL;
	h->req.body = NULL;
	h->req.userpwd = NULL;
	h->req.ca_file = NULL;
	h->req.cert_file = NULL;
	h->req.key_file = NULL;
	h->max = req->max_bytes > 0 ? req->max_bytes : DEFAULT_MAX_BYTES;
	strbuf_init(&h->body);
	strbuf_add(&h->body, "", 0);
	h->started = now_mono();
	h->next = l->handles;
	if (l->handles != NULL)
		l->handles->prev = h;
	l->handles = h;
	/* A transfer that cannot start is reported through the loop,
	 * never re-entrantly (http_setup leaves h->easy NULL). */
	(void)http_setup(l, h);
	return h;
}

static void
http_handle_free(struct loop *l, struct http_handle *h)
{
	if (h->easy != NULL)
		easy_put(l, h->easy);
	curl_slist_free_all(h->hdrs);
	strbuf_free(&h->body);
	free(h->url);
	free(h->method);
	for (char **hp = h->headers; hp != NULL && *hp != NULL; hp++)
		free(*hp);
	free(h->headers);
	free(h->req_body);
	free(h->ca_file);
	free(h->cert_file);
	free(h->key_file);
	if (h->userpwd != NULL) {
		/* Secrets do not linger in freed memory. */
		secret_free(h->userpwd);
	}
	if (h->prev != NULL)
		h->prev->next = h->next;
	else
		l->handles = h->next;
	if (h->next != NULL)
		h->next->prev = h->prev;
	free(h);
}

void
loop_http_cancel(struct loop *l, struct http_handle *h)
{
	if (h != NULL)
		http_handle_free(l, h);
}

/* Whether a request carries a secret, whatever its caller said: basic
 * auth, or a header such as Authorization, Cookie, X-Redmine-API-Key or a
 * token.  Such a request never follows a redirect to another host. */
static bool
carries_credentials(const struct http_handle *h)
{
	if (h->req.authenticated || h->userpwd != NULL)
		return true;
	for (char **hp = h->headers; *hp != NULL; hp++) {
		size_t n = strcspn(*hp, ":");
		char name[64];

		snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), *hp);
		for (char *c = name; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		if (strcmp(name, "authorization") == 0 || strcmp(name, "cookie") == 0 ||
		    strstr(name, "key") != NULL || strstr(name, "token") != NULL)
			return true;
	}
	return false;
}

/* A finished transfer: follow a permitted redirect, else report. */
static void
http_done(struct loop *l, struct http_handle *h, CURLcode rc)
{
	struct http_response r;
	char *ctype = NULL, *ip = NULL, *loc = NULL;
	curl_off_t retry = 0;
	char errmsg[CURL_ERROR_SIZE + 64];

	memset(&r, 0, sizeof r);
	if (h->easy != NULL) {
		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &r.status);
		curl_easy_getinfo(h->easy, CURLINFO_CONTENT_TYPE, &ctype);
		curl_easy_getinfo(h->easy, CURLINFO_PRIMARY_IP, &ip);
		curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &retry);
		curl_easy_getinfo(h->easy, CURLINFO_REDIRECT_URL, &loc);
	}
	if (rc == CURLE_OK && h->req.follow && r.status >= 300 && r.status < 400 && loc != NULL) {
		if (++h->redirects > MAX_REDIRECTS) {
			snprintf(errmsg, sizeof errmsg, "%s", _("too many redirects"));
			goto fail;
		}
		if (carries_credentials(h) && !loop_same_host(h->url, loc)) {
			snprintf(errmsg, sizeof errmsg, "%s",
			    _("refused redirect to another host (credentials would follow)"));
			goto fail;
		}
		/* Re-issue the same request to the new location (loc lives
		 * in the easy handle: copied before the handle is reset). */
		str_set(&h->url, loc);
		easy_put(l, h->easy);
		h->easy = NULL;
		curl_slist_free_all(h->hdrs);
		h->hdrs = NULL;
		strbuf_free(&h->body);
		strbuf_add(&h->body, "", 0);
		h->total = 0;
		h->streaming = 0;
		if (http_setup(l, h) == 0)
			return;
		snprintf(errmsg, sizeof errmsg, "%s", _("cannot start transfer"));
		goto fail;
	}
	if (h->truncated || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(errmsg, sizeof errmsg, _("response larger than %zu bytes"), h->max);
	else if (rc == CURLE_OUT_OF_MEMORY && h->errbuf[0] == '\0')
		/* What libcurl 7.x reports for a header line over its 100 KB
		 * limit; a real out-of-memory would have aborted in xmalloc. */
		snprintf(errmsg, sizeof errmsg, "%s", _("response headers too large"));
	else if (rc != CURLE_OK)
		snprintf(errmsg, sizeof errmsg, "%s", h->errbuf[0] != '\0' ? h->errbuf :
		    curl_easy_strerror(rc));
	else
		errmsg[0] = '\0';
	if (errmsg[0] != '\0')
		goto fail_keep_status;
	r.error = NULL;
	goto report;
fail:
	r.status = 0;
fail_keep_status:
	r.error = errmsg;
report:
	r.body = h->body.buf;
	r.len = h->body.len;
	r.truncated = h->truncated;
	r.streamed = h->streaming == 1;
	r.latency_ms = (now_mono() - h->started) * 1000.0;
	r.content_type = ctype;
	r.primary_ip = ip;
	r.retry_after = (double)retry;
	r.transfer = h->easy;
	if (h->req.certinfo && h->easy != NULL)
		r.cert_expiry = loop_cert_expiry(h->easy);
	/* The callback may start new transfers or cancel others, but not
	 * this one: it is unlinked only after the callback returns. */
	h->cb(&r, h->arg);
	http_handle_free(l, h);
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	struct curl_header *hd = NULL;

	if (r == NULL || r->transfer == NULL)
		return NULL;
	/* request -1: the last request of the transfer (after redirects). */
	if (curl_easy_header(r->transfer, name, 0, CURLH_HEADER, -1, &hd) != CURLHE_OK || hd == NULL)
		return NULL;
	return hd->value;
}

static void
run_timers(struct loop *l)
{
	double now = now_mono();

	while (l->ntimers > 0 && l->timers[0]->when <= now) {
		struct loop_timer *t = l->timers[0];

		heap_remove(l, 0);
		t->cb(t->arg);
		free(t);
	}
}

/* Tell libcurl what happened to its sockets and whether its timer ran
 * out, then report the transfers that ended. */
static void
check_transfers(struct loop *l, const struct pollfd *p, size_t n)
{
	CURLMsg *msg;
	int left;

	for (size_t i = 0; i < n; i++) {
		int ev = 0;

		if (p[i].revents == 0)
			continue;
		if (p[i].revents & (POLLIN | POLLHUP))
			ev |= CURL_CSELECT_IN;
		if (p[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (p[i].revents & (POLLERR | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(l->multi, p[i].fd, ev, &l->running);
	}
	if (l->curl_when >= 0 && now_mono() >= l->curl_when) {
		l->curl_when = -1;
		curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &l->running);
	}
	while ((msg = curl_multi_info_read(l->multi, &left)) != NULL) {
		struct http_handle *h = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&h);
		if (h != NULL)
			http_done(l, h, msg->data.result);
	}
	/* Transfers that could not even be set up report here. */
	for (struct http_handle *h = l->handles, *hn; h != NULL; h = hn) {
		hn = h->next;
		if (h->easy == NULL)
			http_done(l, h, CURLE_FAILED_INIT);
	}
}

/* Call the watcher of every extra descriptor that is ready (callbacks may
 * add or remove watchers: each fd is looked up again). */
static void
run_fds(struct loop *l, const struct pollfd *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ev = 0;

		if (p[i].revents & POLLIN)
			ev |= LOOP_READ;
		if (p[i].revents & POLLOUT)
			ev |= LOOP_WRITE;
		/* A hang-up alone (a child's pipe closed, the tty gone) must
		 * reach the watcher, or poll() reports it again at once. */
		if (p[i].revents & (POLLERR | POLLNVAL | POLLHUP))
			ev |= LOOP_ERROR | LOOP_READ;
		if (ev == 0)
			continue;
		for (size_t j = 0; j < l->nfds; j++) {
			if (l->fds[j].fd == p[i].fd) {
				l->fds[j].cb(p[i].fd, ev, l->fds[j].arg);
				break;
			}
		}
	}
}

void
loop_run_once(struct loop *l, double max_wait)
{
	size_t n = l->nfds, nc = l->nsocks;
	struct pollfd *p = xcalloc(n + nc + 1, sizeof *p);
	double wait = max_wait, now = now_mono();

	if (l->ntimers > 0 && l->timers[0]->when - now < wait)
		wait = l->timers[0]->when - now;
	if (l->curl_when >= 0 && l->curl_when - now < wait)
		wait = l->curl_when - now;
	if (wait < 0)
		wait = 0;
	for (size_t i = 0; i < n; i++) {
		p[i].fd = l->fds[i].fd;
		p[i].events = (short)(((l->fds[i].events & LOOP_READ) ? POLLIN : 0) |
		    ((l->fds[i].events & LOOP_WRITE) ? POLLOUT : 0));
	}
	for (size_t i = 0; i < nc; i++) {
		p[n + i].fd = l->socks[i].fd;
		p[n + i].events = l->socks[i].events;
	}
	p[n + nc].fd = l->wake[0];
	p[n + nc].events = POLLIN;
	if (poll(p, n + nc + 1, (int)(wait * 1000.0 + 0.999)) > 0 && p[n + nc].revents != 0) {
		char buf[64];

		while (read(l->wake[0], buf, sizeof buf) > 0)
			;
	}
	check_transfers(l, p + n, nc);
	run_fds(l, p, n);
	free(p);
	run_timers(l);
	heapstat_tick();
}

void
loop_wakeup(struct loop *l)
{
	ssize_t r = write(l->wake[1], "", 1);

	(void)r;	/* full: a wake-up is pending already */
}
