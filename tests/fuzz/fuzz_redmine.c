/* Fuzz the Redmine parsers of the activity area: issue lists, one issue
 * with journals, projects and statuses on the same bytes, then the events
 * of every issue. */
#include "ceres/sources/activity.h"
#include "ceres/features/activity.h"
#include "fuzz.h"

#include <math.h>

static void
check_issue(const struct rm_issue *is)
{
	FUZZ_ASSERT(is->njournals <= RM_JOURNALS_MAX || !is->detailed);
	FUZZ_ASSERT(fuzz_clean(is->subject, 1, 0));
	FUZZ_ASSERT(fuzz_clean(is->description, 1, 1));
}

static void
events(const struct rm_issue *is, const struct rm_names *names)
{
	struct act_list l;

	act_list_init(&l);
	redmine_issue_events(is, names, &l);
	for (size_t i = 0; i < l.n; i++) {
		const struct act_event *e = &l.v[i];

		FUZZ_ASSERT(e->kind >= 0 && e->kind < ACT_KIND_COUNT);
		FUZZ_ASSERT(e->key != NULL && fuzz_clean(e->title, 0, 0));
		FUZZ_ASSERT(fuzz_clean(e->actor, 0, 0) && fuzz_clean(e->where, 0, 0));
		FUZZ_ASSERT(fuzz_clean(e->detail, 1, 1));
	}
	act_list_free(&l);
}

FUZZ_TARGET(redmine)
{
	char *buf = fuzz_copy(data, size), *cause = NULL;
	struct rm_issue *issues = NULL, one;
	struct rm_project *projects = NULL;
	struct rm_status *statuses = NULL;
	size_t ni = 0, np = 0, ns = 0;
	long total;
	struct rm_names names;

	if (redmine_projects_parse(buf, size, &projects, &np, &total, &cause) != 0) {
		free(cause);
		projects = NULL;
		np = 0;
	}
	cause = NULL;
	if (redmine_statuses_parse(buf, size, &statuses, &ns, &cause) != 0) {
		free(cause);
		statuses = NULL;
		ns = 0;
	}
	memset(&names, 0, sizeof names);
	names.projects = projects;
	names.nprojects = np;
	names.statuses = statuses;
	names.nstatuses = ns;
	names.base_url = "http://redmine.example:3002";
	names.since = size > 0 && data[0] & 1 ? INFINITY : 1.7e9;
	names.max_journals = 20;
	cause = NULL;
	if (redmine_issues_parse(buf, size, &issues, &ni, &total, &cause) == 0) {
		for (size_t i = 0; i < ni; i++) {
			check_issue(&issues[i]);
			events(&issues[i], &names);
		}
		rm_issues_free(issues, ni);
	} else {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}
	cause = NULL;
	memset(&one, 0, sizeof one);
	if (redmine_issue_parse(buf, size, &one, &cause) == 0) {
		check_issue(&one);
		events(&one, &names);
	} else {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}
	rm_issue_clear(&one);
	rm_projects_free(projects, np);
	rm_statuses_free(statuses, ns);
	free(buf);
	return 0;
}
