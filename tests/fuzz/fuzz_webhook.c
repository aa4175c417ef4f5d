/* Fuzz the actions area's text handling of what chat servers and files
 * say: webhook answers (secret URL masked), the Gitea hooks list, the
 * webhook state file (update then look up again), the audit log view,
 * the backup command shown, and test payloads built from odd strings. */
#include "ceres/actions/actions.h"
#include "fuzz.h"

#include <cJSON.h>

#define SECRET_KEY	"q7RbT2xK9mW4zP8v"
#define SECRET_URL	"http://chat.example:8065/hooks/" SECRET_KEY

FUZZ_TARGET(webhook)
{
	char *buf = fuzz_copy(data, size), *cause = NULL, *out, *state;
	struct webhook_gitea_hook *hooks = NULL;
	struct webhook_result r, back;
	size_t n = 0;

	fuzz_locale();
	/* A receiver that echoes our URL back never gets its key shown. */
	out = webhook_answer(buf, size, SECRET_URL, 200);
	FUZZ_ASSERT(fuzz_clean(out, 0, 0) && strlen(out) <= 200);
	FUZZ_ASSERT(strstr(out, SECRET_KEY) == NULL);
	free(out);
	out = webhook_scrub(buf, SECRET_URL);
	FUZZ_ASSERT(strstr(out, SECRET_KEY) == NULL);
	free(out);
	for (int k = WEBHOOK_MATTERMOST; k <= WEBHOOK_GITEA; k++)
		(void)webhook_accepted(k, 200, buf, size);

	if (webhook_gitea_hooks_parse(buf, size, &hooks, &n, &cause) == 0) {
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(fuzz_clean(hooks[i].type, 0, 0) && fuzz_clean(hooks[i].target, 0, 0));
			/* url_redact(): no user information, no path. */
			FUZZ_ASSERT(strchr(hooks[i].target, '@') == NULL || strstr(hooks[i].target, "://") == NULL ||
			    strchr(strstr(hooks[i].target, "://"), '@') == NULL);
		}
		webhook_gitea_hooks_free(hooks, n);
	} else {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}

	/* The state file: whatever was in it, the update is JSON and reads
	 * back what was written. */
	memset(&r, 0, sizeof r);
	r.ok = true;
	r.status = 200;
	r.latency_ms = 12.5;
	r.time = 1.7e9;
	r.answer = (char *)"ok";
	state = webhook_state_update(buf, size, "ops\"route\\", &r);
	{
		cJSON *j = cJSON_Parse(state);

		FUZZ_ASSERT(j != NULL);
		cJSON_Delete(j);
	}
	memset(&back, 0, sizeof back);
	FUZZ_ASSERT(webhook_state_lookup(state, strlen(state), "ops\"route\\", &back) == 0);
	FUZZ_ASSERT(back.ok && back.status == 200);
	free(back.answer);
	free(state);
	memset(&back, 0, sizeof back);
	if (webhook_state_lookup(buf, size, "ops", &back) == 0) {
		FUZZ_ASSERT(fuzz_clean(back.answer, 1, 0));
		free(back.answer);
	}

	out = audit_view_format(buf, size, 20);
	FUZZ_ASSERT(fuzz_clean(out, 1, 1));
	free(out);
	out = backup_program(buf);
	FUZZ_ASSERT(fuzz_clean(out, 0, 0));
	FUZZ_ASSERT(strchr(out, ' ') == NULL);
	free(out);

	/* Payloads are JSON, whatever the strings in them. */
	{
		struct webhook_msg m = { buf, buf, "ops@ceres", "2026-11-26T10:00:00Z", "0.1", buf, buf };

		for (int k = WEBHOOK_MATTERMOST; k <= WEBHOOK_GENERIC; k++) {
			cJSON *j;

			out = webhook_payload(k, &m);
			if (out == NULL)
				continue;
			j = cJSON_Parse(out);
			FUZZ_ASSERT(j != NULL);
			cJSON_Delete(j);
			free(out);
		}
	}
	free(buf);
	return 0;
}
