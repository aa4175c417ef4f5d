/* What the event loop asks of URLs and certificates: a URL's origin
 * (which connection cache its host's requests use), whether a redirect
 * stays on the same origin, and when the server's certificate expires. */
#include "loop_internal.h"

#include <curl/curl.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int
loop_origin(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *scheme = NULL;
	int rc = -1, len;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (len = snprintf(out, n, "%s://%s:%s", scheme, host, port)) >= 0 && (size_t)len < n) {
		for (char *p = out; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		rc = 0;
	}
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

int
loop_same_host(const char *a, const char *b)
{
	char oa[512], ob[512];

	return loop_origin(a, oa, sizeof oa) == 0 && loop_origin(b, ob, sizeof ob) == 0 &&
	    strcmp(oa, ob) == 0;
}

double
loop_cert_expiry(CURL *e)
{
	struct curl_certinfo *ci = NULL;
	struct tm tm;

	if (curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs < 1)
		return 0;
	for (struct curl_slist *s = ci->certinfo[0]; s != NULL; s = s->next) {
		if (strncasecmp(s->data, "Expire date:", 12) == 0) {
			const char *v = s->data + 12;
			char *end;

			memset(&tm, 0, sizeof tm);
			end = strptime(v, "%b %d %H:%M:%S %Y GMT", &tm);
			if (end == NULL)
				end = strptime(v, "%Y-%m-%d %H:%M:%S GMT", &tm);
			if (end != NULL)
				return (double)timegm(&tm);
		}
	}
	return 0;
}
