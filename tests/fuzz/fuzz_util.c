/* Fuzz the small parsers of util.c (times, durations, numbers) and the
 * URL redaction that guards secrets in URLs. */
#include "ceres/util/util.h"
#include "fuzz.h"

FUZZ_TARGET(util)
{
	char *s = fuzz_copy(data, size), *r;
	double d;
	long l;
	const char *at;

	if (parse_rfc3339(s, &d) == 0)
		FUZZ_ASSERT(d == d);
	if (parse_duration(s, &d) == 0)
		FUZZ_ASSERT(d > 0 && d <= 366 * 86400.0);
	if (parse_long(s, -1000, 1000, &l) == 0)
		FUZZ_ASSERT(l >= -1000 && l <= 1000);
	(void)parse_double(s, &d);
	r = url_redact(s);
	/* No user information survives: whatever was before the last '@' of
	 * the authority is gone. */
	at = strstr(s, "://");
	if (at != NULL) {
		const char *host = at + 3;
		size_t alen = strcspn(host, "/?#");
		const char *last = NULL;

		for (size_t i = 0; i < alen; i++)
			if (host[i] == '@')
				last = host + i;
		if (last != NULL && last > host) {
			const char *rs = strstr(r, "://");

			FUZZ_ASSERT(rs != NULL && strchr(rs, '@') == NULL);
		}
	}
	free(r);
	free(s);
	return 0;
}
