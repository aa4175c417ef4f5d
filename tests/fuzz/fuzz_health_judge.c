/* Fuzz every health judge.  Input: "STATUS\n" then the body; without a
 * leading number the first two bytes pick the status.  Each judge sees
 * the same answer. */
#include "ceres/sources/health.h"
#include "ceres/util/util.h"
#include "fuzz.h"

static const health_judge_fn judges[] = {
	health_judge_ready, health_judge_status200, health_judge_grafana,
	health_judge_gitea, health_judge_redmine, health_judge_nextcloud,
	health_judge_keycloak, health_judge_mattermost,
};

FUZZ_TARGET(health_judge)
{
	const uint8_t *nl = size > 0 ? memchr(data, '\n', size < 8 ? size : 8) : NULL;
	long status = 0;
	const uint8_t *body = data;
	size_t len = size;
	char *copy;

	if (nl != NULL) {
		char num[9];

		memcpy(num, data, (size_t)(nl - data));
		num[nl - data] = '\0';
		if (parse_long(num, 0, 999, &status) == 0) {
			body = nl + 1;
			len = size - (size_t)(nl - data) - 1;
		} else
			status = 0;
	}
	if (body == data && size >= 2) {
		status = (long)(data[0] | data[1] << 8) % 600;
		body = data + 2;
		len = size - 2;
	}
	copy = fuzz_copy(body, len);
	for (size_t i = 0; i < sizeof judges / sizeof judges[0]; i++) {
		struct health_result hr;

		memset(&hr, 0xa5, sizeof hr);
		judges[i](status, copy, len, &hr);
		FUZZ_ASSERT(hr.state == SVC_UP || hr.state == SVC_DEGRADED ||
		    hr.state == SVC_DOWN || hr.state == SVC_UNKNOWN);
		FUZZ_ASSERT(memchr(hr.detail, '\0', sizeof hr.detail) != NULL);
		/* Only 2xx answers may call a service up. */
		if (hr.state == SVC_UP)
			FUZZ_ASSERT(status >= 200 && status < 300);
	}
	free(copy);
	return 0;
}
