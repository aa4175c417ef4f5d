/* HTTP backends: see include/ceres/net/backend.h. */
#include "ceres/net/backend.h"
#include "ceres/core/config.h"
#include "ceres/core/source.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
backend_set_base(struct backend *b, const char *base)
{
	size_t n = base != NULL ? strlen(base) : 0;

	while (n > 0 && base[n - 1] == '/')
		n--;
	free(b->base);
	b->base = base != NULL ? xstrndup(base, n) : NULL;
}

void
backend_init(struct backend *b, const char *base, bool insecure)
{
	memset(b, 0, sizeof *b);
	backend_set_base(b, base);
	b->insecure = insecure;
}

void
backend_clear(struct backend *b)
{
	free(b->base);
	for (int i = 0; i < BACKEND_MAX_HEADERS; i++)
		secret_free(b->hdr[i]);
	secret_free(b->userpwd);
	free(b->ca_file);
	free(b->cert_file);
	free(b->key_file);
	memset(b, 0, sizeof *b);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
backend_init_section(struct backend *b, const struct config *c, const char *section,
    const char *name, const char *base)
{
	const char *org = config_get(c, section, name, "org_id");

	backend_init(b, base, config_get_bool(c, section, name, "insecure", false));
	if (org != NULL && *org != '\0')
		backend_header(b, "X-Scope-OrgID", "", org, false);
	b->ca_file = dup_or_null(config_get(c, section, name, "ca_file"));
	b->cert_file = dup_or_null(config_get(c, section, name, "cert_file"));
	b->key_file = dup_or_null(config_get(c, section, name, "key_file"));
}

void
backend_copy(struct backend *dst, const struct backend *src)
{
	memset(dst, 0, sizeof *dst);
	dst->base = dup_or_null(src->base);
	for (int i = 0; i < BACKEND_MAX_HEADERS; i++)
		dst->hdr[i] = dup_or_null(src->hdr[i]);
	dst->userpwd = dup_or_null(src->userpwd);
	dst->secret = src->secret;
	dst->insecure = src->insecure;
	dst->ca_file = dup_or_null(src->ca_file);
	dst->cert_file = dup_or_null(src->cert_file);
	dst->key_file = dup_or_null(src->key_file);
}

void
backend_fill(const struct backend *b, struct http_request *req, const char **hdrs, bool auth)
{
	int n = 0;

	for (int i = 0; auth && i < BACKEND_MAX_HEADERS; i++)
		if (b->hdr[i] != NULL)
			hdrs[n++] = b->hdr[i];
	hdrs[n] = NULL;
	req->headers = hdrs;
	req->insecure = b->insecure;
	req->authenticated = auth && b->secret;
	req->userpwd = auth ? b->userpwd : NULL;
	req->ca_file = b->ca_file;
	req->cert_file = b->cert_file;
	req->key_file = b->key_file;
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
backend_drop_header(struct backend *b, const char *name)
{
	size_t n = strlen(name);
	int k = 0;

	for (int i = 0; i < BACKEND_MAX_HEADERS; i++) {
		if (b->hdr[i] != NULL && strncasecmp(b->hdr[i], name, n) == 0 && b->hdr[i][n] == ':')
			secret_free(b->hdr[i]);
		else
			b->hdr[k++] = b->hdr[i];
	}
	while (k < BACKEND_MAX_HEADERS)
		b->hdr[k++] = NULL;
}

void
backend_basic(struct backend *b, const char *user, const char *password)
{
	secret_free(b->userpwd);
	b->userpwd = xasprintf("%s:%s", user, password);
	b->secret = true;
}

void
backend_start(const struct backend *b, struct http_request *req, const char **hdrs, const char *url, bool auth)
{
	memset(req, 0, sizeof *req);
	backend_fill(b, req, hdrs, auth);
	req->url = url;
	req->follow = true;
}

void
backend_add_header(struct http_request *req, const char *header)
{
	size_t n = 0;

	while (req->headers[n] != NULL)
		n++;
	req->headers[n] = header;
	req->headers[n + 1] = NULL;
}

void
backend_request(struct source *s, const struct backend *b, const char *url, bool auth, bool certinfo,
    size_t max_bytes, http_cb cb, void *arg)
{
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;

	backend_start(b, &req, hdrs, url, auth);
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
