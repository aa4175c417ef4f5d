/* HTTP backends: see include/ceres/net/backend.h. */
#include "ceres/net/backend.h"
#include "ceres/core/source.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

void
backend_init(struct backend *b, const char *base, bool insecure)
{
	size_t n = base != NULL ? strlen(base) : 0;

	memset(b, 0, sizeof *b);
	while (n > 0 && base[n - 1] == '/')
		n--;
	b->base = base != NULL ? xstrndup(base, n) : NULL;
	b->insecure = insecure;
}

void
backend_clear(struct backend *b)
{
	free(b->base);
	for (int i = 0; i < BACKEND_MAX_HEADERS; i++)
		secret_free(b->hdr[i]);
	secret_free(b->userpwd);
	memset(b, 0, sizeof *b);
}

void
backend_header(struct backend *b, const char *name, const char *prefix, const char *value, bool secret)
{
	for (int i = 0; i < BACKEND_MAX_HEADERS; i++) {
		if (b->hdr[i] == NULL) {
			b->hdr[i] = xasprintf("%s: %s%s", name, prefix, value);
			b->secret = b->secret || secret;
			return;
		}
	}
}

void
backend_basic(struct backend *b, const char *user, const char *password)
{
	secret_free(b->userpwd);
	b->userpwd = xasprintf("%s:%s", user, password);
	b->secret = true;
}

void
backend_request(struct source *s, const struct backend *b, const char *url, bool auth, bool certinfo,
    size_t max_bytes, http_cb cb, void *arg)
{
	const char *hdrs[BACKEND_MAX_HEADERS + 1];
	struct http_request req;
	int n = 0;

	for (int i = 0; auth && i < BACKEND_MAX_HEADERS; i++)
		if (b->hdr[i] != NULL)
			hdrs[n++] = b->hdr[i];
	hdrs[n] = NULL;
	memset(&req, 0, sizeof req);
	req.url = url;
	req.headers = hdrs;
	req.insecure = b->insecure;
	req.authenticated = auth && b->secret;
	req.userpwd = auth ? b->userpwd : NULL;
	req.follow = !certinfo;
	req.certinfo = certinfo;
	req.max_bytes = max_bytes;
	source_http(s, &req, cb, arg);
}

void
backend_get(struct source *s, const struct backend *b, const char *path, size_t max_bytes,
    http_cb cb, void *arg)
{
	char *u = xasprintf("%s%s", b->base != NULL ? b->base : "", path);

	backend_request(s, b, u, true, false, max_bytes, cb, arg);
	free(u);
}
