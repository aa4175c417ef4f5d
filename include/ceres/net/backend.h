/* One HTTP backend as the sources that talk to it see it: the base URL
 * (no trailing slash), the headers that go with every request (some hold
 * credentials), basic auth, and whether TLS is verified.  Every request
 * to it is made by backend_request() or backend_get(), so the request
 * set-up (credentials, redirects, TLS) is written once. */
#ifndef CERES_NET_BACKEND_H
#define CERES_NET_BACKEND_H

#include "ceres/core/loop.h"

#include <stdbool.h>
#include <stddef.h>

struct source;

#define BACKEND_MAX_HEADERS	4

struct backend {
	char	*base;
	char	*hdr[BACKEND_MAX_HEADERS];	/* "Name: value" */
	char	*userpwd;			/* basic auth "user:password" */
	bool	 secret;			/* a header or userpwd is a credential */
	bool	 insecure;			/* do not verify TLS */
};

/* base may be NULL (a backend of several URLs); trailing slashes go. */
void backend_init(struct backend *b, const char *base, bool insecure);
/* Free everything, wiping the credentials. */
void backend_clear(struct backend *b);
/* Add "name: prefix value"; secret says whether it is a credential. */
void backend_header(struct backend *b, const char *name, const char *prefix, const char *value, bool secret);
/* Basic auth (a credential). */
void backend_basic(struct backend *b, const char *user, const char *password);
/* Issue a request for a full URL as part of the source's round.  With
 * auth, the headers and basic auth go with it, and a redirect to another
 * host is refused; certinfo asks for the certificate chain (and does not
 * follow redirects).  max_bytes 0: the source's cap. */
void backend_request(struct source *s, const struct backend *b, const char *url, bool auth, bool certinfo,
    size_t max_bytes, http_cb cb, void *arg);
/* GET base + path (path already escaped), with the credentials. */
void backend_get(struct source *s, const struct backend *b, const char *path, size_t max_bytes,
    http_cb cb, void *arg);

#endif
