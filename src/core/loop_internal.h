/* What loop.c and loop_url.c share.  Not a public header. */
#ifndef CERES_LOOP_INTERNAL_H
#define CERES_LOOP_INTERNAL_H

#include <curl/curl.h>

/* Whether two URLs have the same scheme, host and port. */
int loop_same_host(const char *a, const char *b);
/* The expiry (epoch seconds) of the server certificate of a transfer made
 * with CURLOPT_CERTINFO, 0 when unknown. */
double loop_cert_expiry(CURL *e);

#endif
