/* The one event loop: curl_multi_poll() with extra descriptors (the
 * terminal, libpq and plain sockets, the signal self-pipe, child pipes)
 * and timers.  Nothing in here blocks except the poll itself. */
#ifndef CERES_LOOP_H
#define CERES_LOOP_H

#include <stddef.h>
#include <stdbool.h>

struct loop;
struct loop_timer;
struct http_handle;

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2
#define LOOP_ERROR	0x4

typedef void (*loop_fd_cb)(int fd, int events, void *arg);
typedef void (*loop_timer_cb)(void *arg);

struct loop *loop_new(char **cause);
void loop_free(struct loop *l);

/* Watch fd for events (LOOP_READ|LOOP_WRITE); one watcher per fd. */
void loop_fd_set(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg);
void loop_fd_del(struct loop *l, int fd);

/* One-shot timer after delay seconds; the handle is invalid once it fired. */
struct loop_timer *loop_timer_add(struct loop *l, double delay, loop_timer_cb cb, void *arg);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
/* Say ahead that requests of scope will go to url's host (see
 * http_request.scope): a host two scopes name goes to the common cache
 * from their first request, not only once the second one asks. */
void loop_scope_host(struct loop *l, const void *scope, const char *url);

/* Run one pass: wait at most max_wait seconds for any event, dispatch. */
void loop_run_once(struct loop *l, double max_wait);
/* Wake a loop_run_once() that is waiting (safe from signal handlers). */
void loop_wakeup(struct loop *l);
/* Number of transfers in progress. */
int loop_http_running(const struct loop *l);

/* An HTTP request.  Every field is copied by loop_http(). */
struct http_request {
	const char	 *url;
	const char	 *method;	/* NULL: GET, or POST when body is set */
	const char	**headers;	/* NULL-terminated "Name: value" list */
	const char	 *body;
	size_t		  body_len;
	double		  timeout;	/* seconds, whole transfer */
	size_t		  max_bytes;	/* response body cap; 0: 8 MiB */
	bool		  insecure;	/* accept bad TLS certificates */
	bool		  follow;	/* follow redirects (same host only when authenticated) */
	bool		  authenticated;/* carries a secret: never sent to another host */
	const char	 *userpwd;	/* HTTP basic "user:password" */
	bool		  certinfo;	/* collect the peer certificate expiry */
	const char	 *ca_file;	/* CA bundle to verify the server with, or NULL */
	const char	 *cert_file;	/* TLS client certificate (PEM), or NULL */
	const char	 *key_file;	/* its private key (PEM), or NULL */
	/* Stream a 200 answer: each piece of its body goes to sink as it
	 * arrives instead of into the response body (max_bytes still holds,
	 * with the same error); an answer with any other status is kept in
	 * the body as usual. */
	void		(*sink)(const char *p, size_t n, void *arg);
	void		 *sink_arg;
	/* Requests with the same scope (a site) share one DNS cache and one
	 * connection cache (a host that several scopes ask goes to one cache
	 * common to them); NULL: the loop's own.  libcurl walks the whole
	 * caches a transfer uses at its start and end, so one cache for every
	 * host of a big fleet made each request cost as much as the fleet is
	 * large. */
	const void	 *scope;
};

struct http_response {
	long		 status;	/* 0 when no HTTP answer */
	const char	*error;		/* NULL on transport success */
	char		*body;		/* NUL-terminated, may contain NULs */
	size_t		 len;
	double		 latency_ms;
	const char	*content_type;	/* may be NULL */
	double		 retry_after;	/* seconds from Retry-After, 0 if none */
	double		 cert_expiry;	/* epoch seconds of the leaf cert, 0 if unknown */
	bool		 truncated;	/* body hit max_bytes */
	bool		 streamed;	/* the body went to req->sink, not here */
	const char	*primary_ip;
	void		*transfer;	/* loop.c only: see http_response_header() */
};

/* A response header of the final answer (case-insensitive name, the first
 * one if repeated), or NULL.  Valid only inside the callback. */
const char *http_response_header(const struct http_response *r, const char *name);

typedef void (*http_cb)(const struct http_response *r, void *arg);

/* Connections: every transfer of the loop shares one connection cache,
 * so a connection to a host is kept alive and reused from one poll round
 * to the next (no new TCP or TLS handshake in steady state).  At most
 * LOOP_MAX_HOST_CONNECTIONS are open to one host (more transfers wait
 * for one of them); HTTP/2 is used where a TLS server offers it, and its
 * transfers share one connection. */
#define LOOP_MAX_CONNECTIONS		256
#define LOOP_MAX_HOST_CONNECTIONS	6
/* A console watching many hosts (a fleet of sites) keeps up to n
 * connections alive instead, within the descriptor limit. */
void loop_set_max_connections(struct loop *l, long n);

/* Start a transfer; cb runs exactly once from the loop (even on error),
 * unless the transfer is cancelled first. */
struct http_handle *loop_http(struct loop *l, const struct http_request *req, http_cb cb, void *arg);
void loop_http_cancel(struct loop *l, struct http_handle *h);
/* For tests: the next n transfers fail to start, as when libcurl refuses
 * to add a handle; each is reported to its callback as an error. */
void loop_fail_next_setups(int n);

#endif
