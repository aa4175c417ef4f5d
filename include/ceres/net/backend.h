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

struct config;
struct source;

#define BACKEND_MAX_HEADERS	6

struct backend {
	char	*base;
	char	*hdr[BACKEND_MAX_HEADERS];	/* "Name: value" */
	char	*userpwd;			/* basic auth "user:password" */
	bool	 secret;			/* a header or userpwd is a credential */
	bool	 insecure;			/* do not verify TLS */
	char	*ca_file;			/* TLS: CA bundle, client cert and key */
	char	*cert_file;
	char	*key_file;
};

/* base may be NULL (a backend of several URLs); trailing slashes go. */
void backend_init(struct backend *b, const char *base, bool insecure);
/* Replace the base URL (trailing slashes go; NULL: none). */
void backend_set_base(struct backend *b, const char *base);
/* Free everything, wiping the credentials. */
void backend_clear(struct backend *b);
/* Add "name: prefix value"; secret says whether it is a credential. */
void backend_header(struct backend *b, const char *name, const char *prefix, const char *value, bool secret);
/* Remove the headers called name (a credential renewed); whether the
 * backend holds a credential stays as it was. */
void backend_drop_header(struct backend *b, const char *name);
/* Basic auth (a credential). */
void backend_basic(struct backend *b, const char *user, const char *password);
/* What every backend section ([section] with name NULL, or
 * [section "name"]) may say about how to reach it, after the
 * [site] overrides: insecure, org_id (sent as X-Scope-OrgID, for the
 * tenants of Mimir, Cortex and Loki), ca_file, cert_file and key_file.
 * Credentials stay with the caller (backend_header, backend_basic). */
void backend_init_section(struct backend *b, const struct config *c, const char *section,
    const char *name, const char *base);
/* A deep copy (credentials included). */
void backend_copy(struct backend *dst, const struct backend *src);
/* Fill the connection part of req from b: headers (into hdrs, room for
 * BACKEND_MAX_HEADERS + 1, when auth), basic auth (when auth), TLS.  The
 * URL, method, body and sizes are the caller's. */
void backend_fill(const struct backend *b, struct http_request *req, const char **hdrs, bool auth);
/* Start req for a full URL: cleared, then filled as backend_fill()
 * does, with redirects followed (with auth, only to the same host).
 * hdrs has room for BACKEND_HDRS, so that backend_add_header() can add
 * one more; the method, body, sizes and sink are the caller's. */
#define BACKEND_HDRS	(BACKEND_MAX_HEADERS + 2)
void backend_start(const struct backend *b, struct http_request *req, const char **hdrs, const char *url,
    bool auth);
/* Add a header ("Name: value", not copied) after those req has. */
void backend_add_header(struct http_request *req, const char *header);
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
