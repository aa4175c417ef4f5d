/* Fuzz the Redis INFO parser (a plain socket answer: any bytes). */
#include "ceres/sources/health.h"
#include "fuzz.h"

FUZZ_TARGET(redis_info)
{
	struct redis_info ri;
	char *cause = NULL;

	/* Not NUL-terminated on purpose: the parser gets (buf, len). */
	if (redis_info_parse((const char *)data, size, &ri, &cause) == 0) {
		FUZZ_ASSERT(cause == NULL);
		FUZZ_ASSERT(memchr(ri.role, '\0', sizeof ri.role) != NULL);
		FUZZ_ASSERT(memchr(ri.version, '\0', sizeof ri.version) != NULL);
		FUZZ_ASSERT(ri.master_link_up >= -1 && ri.master_link_up <= 1);
		FUZZ_ASSERT(ri.connected_slaves >= 0);
	} else {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}
	return 0;
}
