/* What the event loop asks of a finished transfer's URLs and
 * certificate: whether a redirect stays on the same origin, and when the
 * server's certificate expires. */
#include "loop_internal.h"

#include <curl/curl.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int
loop_same_host(const char *a, const char *b)
{
	CURLU *ua = curl_url(), *ub = curl_url();
	char *ha = NULL, *hb = NULL, *pa = NULL, *pb = NULL, *sa = NULL, *sb = NULL;
	int same = 0;

	if (curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK &&
	    curl_url_get(ua, CURLUPART_HOST, &ha, 0) == CURLUE_OK &&
	    curl_url_get(ub, CURLUPART_HOST, &hb, 0) == CURLUE_OK &&
	    curl_url_get(ua, CURLUPART_PORT, &pa, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    curl_url_get(ub, CURLUPART_PORT, &pb, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    curl_url_get(ua, CURLUPART_SCHEME, &sa, 0) == CURLUE_OK &&
	    curl_url_get(ub, CURLUPART_SCHEME, &sb, 0) == CURLUE_OK)
		same = strcasecmp(ha, hb) == 0 && strcmp(pa, pb) == 0 && strcmp(sa, sb) == 0;
	curl_free(ha); curl_free(hb); curl_free(pa); curl_free(pb); curl_free(sa); curl_free(sb);
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
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
