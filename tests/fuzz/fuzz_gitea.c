/* Fuzz the Gitea parsers of the activity area: feeds, commits, pulls,
 * releases, hooks, version and error bodies, all on the same bytes, then
 * the events through the timeline. */
#include "ceres/sources/activity.h"
#include "ceres/features/activity.h"
#include "fuzz.h"

#include <math.h>

typedef int (*gitea_list_fn)(const char *, size_t, const struct gitea_ctx *, struct act_list *, char **);

static void
check_events(const struct act_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct act_event *e = &l->v[i];

		FUZZ_ASSERT(e->kind >= 0 && e->kind < ACT_KIND_COUNT);
		/* The key is an internal identifier (dedupe, never drawn): it
		 * may hold what the server sent, but must be there. */
		FUZZ_ASSERT(e->key != NULL && fuzz_clean(e->actor, 0, 0));
		FUZZ_ASSERT(fuzz_clean(e->where, 0, 0) && fuzz_clean(e->title, 0, 0));
		FUZZ_ASSERT(fuzz_clean(e->url, 0, 0) && fuzz_clean(e->scope, 0, 0));
		FUZZ_ASSERT(fuzz_clean(e->detail, 1, 1));
		FUZZ_ASSERT(fuzz_clean(e->op, 1, 0));
		FUZZ_ASSERT(strlen(e->title) <= ACT_TITLE_MAX + 4);
	}
}

FUZZ_TARGET(gitea)
{
	static const gitea_list_fn lists[] = {
		gitea_feeds_parse, gitea_commits_parse, gitea_pulls_parse, gitea_releases_parse,
	};
	char *buf = fuzz_copy(data, size), *cause, *msg;
	struct act_timeline *tl = act_timeline_new(200);
	struct gitea_hooks hooks;
	int major, minor;

	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		for (int first = 0; first < 2; first++) {
			struct gitea_ctx ctx = { "http://gitea.example:3001", "ceres/infra",
			    first ? INFINITY : 1.7e9 };
			struct act_list l;

			act_list_init(&l);
			cause = NULL;
			if (lists[i](buf, size, &ctx, &l, &cause) == 0) {
				FUZZ_ASSERT(cause == NULL);
				check_events(&l);
				act_list_dedupe(&l);
				act_list_sort(&l);
				for (size_t k = 1; k < l.n; k++)
					FUZZ_ASSERT(!(l.v[k - 1].time < l.v[k].time));
				(void)act_timeline_replace(tl, ACT_SRC_GITEA, &l, 1.8e9);
				FUZZ_ASSERT(l.n == 0);
				FUZZ_ASSERT(tl->n <= tl->max);
			} else {
				FUZZ_ASSERT(cause != NULL);
				free(cause);
			}
			act_list_free(&l);
		}
	}
	cause = NULL;
	if (gitea_hooks_parse(buf, size, &hooks, &cause) == 0)
		FUZZ_ASSERT(hooks.active <= hooks.total && hooks.push <= hooks.active);
	else
		free(cause);
	cause = NULL;
	if (gitea_version_parse(buf, size, &major, &minor, &cause) == 0)
		(void)gitea_version_has_feeds(major, minor);
	else
		free(cause);
	msg = gitea_error_message(buf, size);
	FUZZ_ASSERT(fuzz_clean(msg, 1, 0));
	free(msg);
	/* Paging headers are backend text too. */
	(void)gitea_has_next_page(buf, buf, 1, 50, size);
	act_timeline_free(tl);
	free(buf);
	return 0;
}
