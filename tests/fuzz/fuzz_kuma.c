/* Fuzz the Uptime Kuma parser: the input is "status page JSON \0
 * heartbeat JSON"; without a NUL it is the heartbeats alone. */
#include "ceres/sources/health.h"
#include "fuzz.h"

FUZZ_TARGET(kuma)
{
	size_t plen, blen;
	const uint8_t *b;
	int two = fuzz_split(data, size, &plen, &b, &blen);
	char *page = two ? fuzz_copy(data, plen) : NULL;
	char *beats = two ? fuzz_copy(b, blen) : fuzz_copy(data, size);
	struct kuma_monitor *m = NULL;
	size_t n = 99;
	char *cause = NULL;

	if (kuma_parse(page, plen, beats, two ? blen : size, &m, &n, &cause) == 0) {
		FUZZ_ASSERT(cause == NULL);
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(m[i].id != NULL && m[i].name != NULL && m[i].msg != NULL);
		}
		kuma_monitors_free(m, n);
	} else {
		FUZZ_ASSERT(cause != NULL && n == 0 && m == NULL);
		free(cause);
	}
	free(page);
	free(beats);
	return 0;
}
