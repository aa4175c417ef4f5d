/* What loop.c and loop_url.c share.  Not a public header. */
#ifndef CERES_LOOP_INTERNAL_H
#define CERES_LOOP_INTERNAL_H

#include <curl/curl.h>

#include <stddef.h>

/* A URL's origin, "scheme://host:port" (the host in lower case, the
 * scheme's port when none is written, no user info), into out: 0, or -1
 * when the URL does not parse or out is too small. */
int loop_origin(const char *url, char *out, size_t n);
/* Whether two URLs have the same scheme, host and port. */
int loop_same_host(const char *a, const char *b);
/* The expiry (epoch seconds) of the server certificate of a transfer made
 * with CURLOPT_CERTINFO, 0 when unknown. */
double loop_cert_expiry(CURL *e);

#endif
