/* Fuzz the Prometheus /api/v1/targets parser, and the parser of the
 * answer to the query up (the targets of an engine without that list). */
#include "ceres/sources/health.h"
#include "fuzz.h"

FUZZ_TARGET(prom_targets)
{
	char *buf = fuzz_copy(data, size), *cause = NULL;
	struct prom_target *t = NULL;
	size_t n = 99;

	if (prom_targets_parse(buf, size, &t, &n, &cause) == 0) {
		FUZZ_ASSERT(cause == NULL);
		FUZZ_ASSERT(n == 0 || t != NULL);
		for (size_t i = 0; i < n; i++) {
			/* The health row code relies on these being set. */
			FUZZ_ASSERT(t[i].job != NULL && t[i].instance != NULL);
			FUZZ_ASSERT(t[i].health != NULL && t[i].last_error != NULL);
		}
		prom_targets_free(t, n);
	} else {
		FUZZ_ASSERT(cause != NULL);
		FUZZ_ASSERT(n == 0);
		prom_targets_free(t, n);
		free(cause);
	}
	/* The same bytes as the answer to the query up (Mimir, Cortex). */
	t = NULL;
	n = 99;
	cause = NULL;
	if (prom_up_parse(buf, size, &t, &n, &cause) == 0) {
		FUZZ_ASSERT(cause == NULL && (n == 0 || t != NULL));
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(t[i].job != NULL && t[i].instance != NULL);
			FUZZ_ASSERT(t[i].health != NULL && t[i].last_error != NULL);
			FUZZ_ASSERT(strcmp(t[i].health, "up") == 0 || strcmp(t[i].health, "down") == 0 ||
			    strcmp(t[i].health, "unknown") == 0);
		}
	} else
		FUZZ_ASSERT(cause != NULL && n == 0);
	prom_targets_free(t, n);
	free(cause);
	free(buf);
	return 0;
}
