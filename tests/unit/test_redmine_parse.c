/* Redmine parsers and the events of an issue: the list (meta and nometa,
 * omitted associations, nulls, unicode and escapes), one issue with
 * journals (notes, status changes, private notes, null values), projects
 * and statuses, and malformed answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "ceres/sources/activity.h"
#include "ceres/features/activity.h"
#include "activity_fixture.h"

#define BASE "https://redmine.ceres.example"

static const struct act_event *
by_key(const struct act_list *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

static void
test_issues_list(void **state)
{
	struct rm_issue *v;
	size_t n, len;
	long total;
	char *buf = fixture("redmine/issues.json", &len), *cause = NULL;

	(void)state;
	assert_int_equal(redmine_issues_parse(buf, len, &v, &n, &total, &cause), 0);
	free(buf);
	assert_int_equal(n, 2);
	assert_int_equal(total, 41);
	assert_int_equal(v[0].id, 201);
	assert_int_equal(v[0].project_id, 1);
	assert_string_equal(v[0].project, "Ops");
	assert_string_equal(v[0].status, "In Progress");
	assert_int_equal(v[0].status_id, 2);
	assert_false(v[0].closed);
	assert_string_equal(v[0].author, "Alice Ops");
	assert_string_equal(v[0].assigned_to, "Jürgen Weiß");
	assert_true(v[0].updated == at("2026-03-02T10:15:00Z"));
	assert_string_equal(v[0].updated_raw, "2026-03-02T10:15:00Z");
	assert_false(v[0].detailed);	/* the list has no journals */
	/* An unset association is left out of the answer. */
	assert_null(v[1].assigned_to);
	assert_true(v[1].updated == v[1].created);
	rm_issues_free(v, n);
}

static void
test_issues_edge(void **state)
{
	struct rm_issue *v;
	size_t n, len;
	long total;
	char *buf = fixture("redmine/issues_edge.json", &len), *cause = NULL;

	(void)state;
	assert_int_equal(redmine_issues_parse(buf, len, &v, &n, &total, &cause), 0);
	free(buf);
	/* A string id and a missing created_on are skipped. */
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, 202);
	assert_true(v[0].closed);
	assert_string_equal(v[0].status, "Closed");
	assert_null(v[0].description);		/* null stays null */
	assert_null(strchr(v[0].subject, '\x1b'));
	assert_non_null(strstr(v[0].subject, "日本語"));
	assert_true(strlen(v[0].subject) <= ACT_TITLE_MAX + 4);
	assert_int_equal(v[1].id, 204);
	assert_int_equal(v[1].project_id, 2);
	assert_true(v[1].created == at("2026-03-02T05:00:00Z"));	/* +01:00 */
	rm_issues_free(v, n);
}

static void
test_issues_empty_nometa_malformed(void **state)
{
	struct rm_issue *v;
	size_t n, len;
	long total;
	char *buf, *cause = NULL;

	(void)state;
	buf = fixture("redmine/issues_empty.json", &len);
	assert_int_equal(redmine_issues_parse(buf, len, &v, &n, &total, &cause), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	rm_issues_free(v, n);
	free(buf);
	buf = fixture("redmine/issues_nometa.json", &len);
	assert_int_equal(redmine_issues_parse(buf, len, &v, &n, &total, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, -1);
	rm_issues_free(v, n);
	free(buf);
	static const char *const bad[] = {
		"redmine/malformed.json", "redmine/not_object.json", "redmine/error_422.json",
		"redmine/projects.json",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		buf = fixture(bad[i], &len);
		assert_int_equal(redmine_issues_parse(buf, len, &v, &n, &total, &cause), -1);
		assert_non_null(cause);
		assert_null(v);
		free(cause);
		free(buf);
	}
	/* The empty body of a 401. */
	cause = NULL;
	assert_int_equal(redmine_issues_parse("", 0, &v, &n, &total, &cause), -1);
	free(cause);
}

static void
load_issue(struct rm_issue *is)
{
	size_t len;
	char *buf = fixture("redmine/issue_journals.json", &len), *cause = NULL;

	assert_int_equal(redmine_issue_parse(buf, len, is, &cause), 0);
	free(buf);
}

static void
test_issue_journals(void **state)
{
	struct rm_issue is;
	const struct rm_journal *j;

	(void)state;
	load_issue(&is);
	assert_true(is.detailed);
	assert_int_equal(is.id, 201);
	/* The journal without a time is skipped; the one without a user kept. */
	assert_int_equal(is.njournals, 5);
	j = &is.journals[0];
	assert_int_equal(j->id, 601);
	assert_string_equal(j->user, "Jürgen Weiß");
	assert_string_equal(j->notes, "Kann ich reproduzieren.\nZweite Zeile");
	j = &is.journals[1];
	assert_int_equal(j->ndetails, 3);
	assert_string_equal(j->details[0].name, "status_id");
	assert_string_equal(j->details[0].old_value, "1");
	assert_null(j->details[2].old_value);
	assert_string_equal(j->details[2].property, "cf");
	j = &is.journals[2];
	assert_true(j->private_notes);
	assert_true(is_terminal_safe(j->notes, 1));
	assert_non_null(strstr(j->notes, "secret"));
	j = &is.journals[3];
	assert_string_equal(j->notes, "");	/* null notes */
	assert_string_equal(is.journals[4].user, "unknown");
	rm_issue_clear(&is);
}

static void
test_issue_events(void **state)
{
	struct rm_issue is;
	struct rm_project pr[] = { { 1, (char *)"ops", (char *)"Ops" } };
	struct rm_status st[] = { { 1, (char *)"New" }, { 2, (char *)"In Progress" } };
	struct rm_names nm = { pr, 1, st, 2, BASE, INFINITY, 0 };
	struct act_list l;
	const struct act_event *e;

	(void)state;
	load_issue(&is);
	act_list_init(&l);
	redmine_issue_events(&is, &nm, &l);
	assert_int_equal(l.n, 6);
	/* Newest first within an issue; the opening last. */
	assert_string_equal(l.v[l.n - 1].key, "i201");
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.v[i - 1].time >= l.v[i].time);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].source, ACT_SRC_REDMINE);
		assert_string_equal(l.v[i].where, "Ops");
		assert_string_equal(l.v[i].scope, "ops");	/* the identifier */
		assert_true(is_terminal_safe(l.v[i].title, 0));
		assert_true(l.v[i].baseline);
	}
	e = by_key(&l, "i201");
	assert_int_equal(e->kind, ACT_ISSUE_OPENED);
	assert_string_equal(e->actor, "Alice Ops");
	assert_string_equal(e->title, "#201 Backup job failed");
	assert_string_equal(e->url, BASE "/issues/201");
	assert_non_null(strstr(e->detail, "Jürgen Weiß"));
	e = by_key(&l, "j601");
	assert_int_equal(e->kind, ACT_COMMENT);
	assert_string_equal(e->actor, "Jürgen Weiß");
	assert_string_equal(e->title, "#201 Backup job failed: Kann ich reproduzieren.");
	assert_string_equal(e->url, BASE "/issues/201#change-601");
	assert_non_null(strstr(e->detail, "Zweite Zeile"));
	e = by_key(&l, "j602");
	assert_int_equal(e->kind, ACT_STATUS_CHANGE);
	assert_string_equal(e->actor, "Alice Ops");
	assert_string_equal(e->title, "#201 Backup job failed: New → In Progress");
	assert_non_null(strstr(e->detail, "% Done: 0 → 30"));
	assert_non_null(strstr(e->detail, "custom field 1: (none) → major"));
	e = by_key(&l, "j603");
	assert_int_equal(e->kind, ACT_COMMENT);
	assert_non_null(strstr(e->title, "(private) secret"));
	e = by_key(&l, "j604");
	assert_int_equal(e->kind, ACT_ISSUE_UPDATED);
	assert_non_null(strstr(e->title, "Assignee: (none) → 7"));
	assert_non_null(strstr(e->detail, "attachment 12: (none) → log.txt"));
	act_list_free(&l);

	/* Without status names: the issue's own status, else the id. */
	nm.statuses = NULL;
	nm.nstatuses = 0;
	nm.projects = NULL;
	nm.nprojects = 0;
	nm.max_journals = 2;
	nm.since = at("2026-03-02T10:12:00Z");
	redmine_issue_events(&is, &nm, &l);
	assert_int_equal(l.n, 3);		/* two newest journals + opened */
	assert_null(by_key(&l, "j602"));
	assert_string_equal(by_key(&l, "i201")->scope, "Ops");
	assert_true(by_key(&l, "i201")->baseline);
	assert_false(by_key(&l, "j604")->baseline);
	act_list_free(&l);
	nm.max_journals = 0;
	redmine_issue_events(&is, &nm, &l);
	assert_string_equal(by_key(&l, "j602")->title, "#201 Backup job failed: #1 → In Progress");
	act_list_free(&l);
	rm_issue_clear(&is);
}

static void
test_list_issue_events(void **state)
{
	struct rm_issue *v;
	struct rm_names nm = { NULL, 0, NULL, 0, BASE, INFINITY, 0 };
	struct act_list l;
	const struct act_event *e;
	size_t n, len;
	long total;
	char *buf = fixture("redmine/issues.json", &len), *cause = NULL;

	(void)state;
	assert_int_equal(redmine_issues_parse(buf, len, &v, &n, &total, &cause), 0);
	free(buf);
	act_list_init(&l);
	for (size_t i = 0; i < n; i++)
		redmine_issue_events(&v[i], &nm, &l);
	/* Updated but not read yet: one "updated" stand-in; untouched: none. */
	assert_int_equal(l.n, 3);
	e = by_key(&l, "u201@2026-03-02T10:15:00Z");
	assert_non_null(e);
	assert_int_equal(e->kind, ACT_ISSUE_UPDATED);
	assert_string_equal(e->title, "#201 Backup job failed: updated (status In Progress)");
	assert_non_null(by_key(&l, "i200"));
	act_list_free(&l);
	rm_issues_free(v, n);
}

static void
test_projects_statuses(void **state)
{
	struct rm_project *p;
	struct rm_status *s;
	size_t n, len;
	long total;
	char *buf = fixture("redmine/projects.json", &len), *cause = NULL;

	(void)state;
	assert_int_equal(redmine_projects_parse(buf, len, &p, &n, &total, &cause), 0);
	free(buf);
	assert_int_equal(n, 2);
	assert_int_equal(total, 31);
	assert_string_equal(p[1].identifier, "infra");
	assert_string_equal(p[1].name, "Infra – Net");
	rm_projects_free(p, n);
	buf = fixture("redmine/projects_empty.json", &len);
	assert_int_equal(redmine_projects_parse(buf, len, &p, &n, &total, &cause), 0);
	assert_int_equal(n, 0);
	rm_projects_free(p, n);
	free(buf);
	buf = fixture("redmine/statuses.json", &len);
	assert_int_equal(redmine_statuses_parse(buf, len, &s, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(s[2].name, "Closed");
	assert_int_equal(s[2].id, 5);
	rm_statuses_free(s, n);
	free(buf);
	buf = fixture("redmine/malformed.json", &len);
	assert_int_equal(redmine_projects_parse(buf, len, &p, &n, &total, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(redmine_statuses_parse(buf, len, &s, &n, &cause), -1);
	free(cause);
	cause = NULL;
	{
		struct rm_issue is;

		assert_int_equal(redmine_issue_parse(buf, len, &is, &cause), -1);
		free(cause);
		cause = NULL;
		assert_int_equal(redmine_issue_parse("{\"issue\":{\"id\":1}}", 18, &is, &cause), -1);
		free(cause);
	}
	free(buf);
}

/* A hostile issue with very many journals: only the newest are kept. */
static void
test_journals_bounded(void **state)
{
	struct strbuf sb;
	struct rm_issue is;
	char *cause = NULL;

	(void)state;
	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"issue\":{\"id\":9,\"subject\":\"s\",\"created_on\":\"2026-03-01T00:00:00Z\","
	    "\"journals\":[");
	for (int i = 1; i <= 120; i++)
		strbuf_addf(&sb, "%s{\"id\":%d,\"notes\":\"n%d\",\"created_on\":\"2026-03-01T00:%02d:00Z\","
		    "\"details\":[]}", i > 1 ? "," : "", i, i, i % 60);
	strbuf_adds(&sb, "]}}");
	assert_int_equal(redmine_issue_parse(sb.buf, sb.len, &is, &cause), 0);
	assert_int_equal(is.njournals, RM_JOURNALS_MAX);
	assert_int_equal(is.journals[0].id, 120 - RM_JOURNALS_MAX + 1);
	assert_int_equal(is.journals[is.njournals - 1].id, 120);
	/* No project, tracker, status or author: empty names, not NULL. */
	assert_string_equal(is.project, "");
	assert_string_equal(is.author, "");
	rm_issue_clear(&is);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issues_list),
		cmocka_unit_test(test_issues_edge),
		cmocka_unit_test(test_issues_empty_nometa_malformed),
		cmocka_unit_test(test_issue_journals),
		cmocka_unit_test(test_issue_events),
		cmocka_unit_test(test_list_issue_events),
		cmocka_unit_test(test_projects_statuses),
		cmocka_unit_test(test_journals_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
