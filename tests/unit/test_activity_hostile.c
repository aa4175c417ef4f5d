/* Hostile input for the activity parsers: every fixture cut short at many
 * points and mutated byte by byte (a fixed pseudo-random sequence, so a
 * failure repeats), fed to every parser.  Nothing may crash (run it under
 * --enable-sanitizers too), every call either fails with a message or
 * succeeds, and what it produces is terminal-safe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "ceres/sources/activity.h"
#include "ceres/features/activity.h"
#include "activity_fixture.h"

static const char *const files[] = {
	"gitea/feeds_all_ops.json", "gitea/feeds_bad_items.json", "gitea/user_feeds.json",
	"gitea/commits.json", "gitea/pulls.json", "gitea/releases.json", "gitea/hooks.json",
	"gitea/version_forgejo.json", "redmine/issues.json", "redmine/issues_edge.json",
	"redmine/issue_journals.json", "redmine/projects.json", "redmine/statuses.json",
};

static void
check_events(const struct act_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct act_event *e = &l->v[i];

		assert_true(is_terminal_safe(e->title, 0));
		assert_true(is_terminal_safe(e->actor, 0));
		assert_true(is_terminal_safe(e->where, 0));
		assert_true(is_terminal_safe(e->url, 0));
		assert_true(e->detail == NULL || is_terminal_safe(e->detail, 1));
		assert_true(strlen(e->title) <= ACT_TITLE_MAX + 64);
		assert_true(e->detail == NULL || strlen(e->detail) <= ACT_DETAIL_MAX + 4);
	}
}

/* Every parser on one input: each returns 0, or -1 with a message. */
static void
feed_all(const char *buf, size_t len)
{
	const struct gitea_ctx ctx = { "http://g", "o/r", INFINITY };
	int (*gp[])(const char *, size_t, const struct gitea_ctx *, struct act_list *, char **) = {
		gitea_feeds_parse, gitea_commits_parse, gitea_pulls_parse, gitea_releases_parse,
	};
	struct act_list l;
	struct gitea_hooks h;
	struct rm_issue *v, is;
	struct rm_project *p;
	struct rm_status *st;
	struct rm_names nm = { NULL, 0, NULL, 0, "http://r", INFINITY, 5 };
	size_t n;
	long total;
	int ma, mi;
	char *cause, *m;

	for (size_t i = 0; i < sizeof gp / sizeof gp[0]; i++) {
		act_list_init(&l);
		cause = NULL;
		if (gp[i](buf, len, &ctx, &l, &cause) != 0)
			assert_non_null(cause);
		check_events(&l);
		act_list_free(&l);
		free(cause);
	}
	cause = NULL;
	if (gitea_hooks_parse(buf, len, &h, &cause) == 0)
		assert_true(h.push <= h.active && h.active <= h.total);
	free(cause);
	cause = NULL;
	(void)gitea_version_parse(buf, len, &ma, &mi, &cause);
	free(cause);
	m = gitea_error_message(buf, len);
	assert_true(m == NULL || is_terminal_safe(m, 0));
	free(m);

	cause = NULL;
	if (redmine_issues_parse(buf, len, &v, &n, &total, &cause) == 0) {
		act_list_init(&l);
		for (size_t i = 0; i < n; i++)
			redmine_issue_events(&v[i], &nm, &l);
		check_events(&l);
		act_list_free(&l);
		rm_issues_free(v, n);
	}
	free(cause);
	cause = NULL;
	if (redmine_issue_parse(buf, len, &is, &cause) == 0) {
		act_list_init(&l);
		redmine_issue_events(&is, &nm, &l);
		check_events(&l);
		act_list_free(&l);
		rm_issue_clear(&is);
	}
	free(cause);
	cause = NULL;
	if (redmine_projects_parse(buf, len, &p, &n, &total, &cause) == 0)
		rm_projects_free(p, n);
	free(cause);
	cause = NULL;
	if (redmine_statuses_parse(buf, len, &st, &n, &cause) == 0)
		rm_statuses_free(st, n);
	free(cause);
}

static uint32_t
next_rand(uint32_t *s)
{
	/* xorshift32: deterministic, good enough to pick bytes. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_truncated(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t len, step;
		char *buf = fixture(files[f], &len);

		step = len / 150 > 0 ? len / 150 : 1;
		for (size_t cut = 0; cut < len; cut += step) {
			/* A copy of exactly cut bytes: no NUL after it to lean on. */
			char *c = xmalloc(cut > 0 ? cut : 1);

			memcpy(c, buf, cut);
			feed_all(c, cut);
			free(c);
		}
		free(buf);
	}
}

static void
test_mutated(void **state)
{
	static const char pick[] = { '"', '\\', '{', '}', '[', ']', ',', ':', '|', '\0', '\x1b', '\n',
	    '\xff', '\xc3', '0', '-', 'e', 'n' };
	uint32_t seed = 0x5eed1234;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t len;
		char *buf = fixture(files[f], &len);

		for (int round = 0; round < 120; round++) {
			char *c = xmalloc(len + 1);
			int edits = 1 + (int)(next_rand(&seed) % 8);

			memcpy(c, buf, len + 1);
			for (int e = 0; e < edits && len > 0; e++)
				c[next_rand(&seed) % len] = pick[next_rand(&seed) % sizeof pick];
			feed_all(c, len);
			free(c);
		}
		free(buf);
	}
}

static void
feed_str(const char *s)
{
	feed_all(s, strlen(s));
}

/* Deep nesting and huge numbers must not hurt either. */
static void
test_pathological(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	for (int i = 0; i < 5000; i++)
		strbuf_addc(&sb, '[');
	feed_all(sb.buf, sb.len);
	strbuf_free(&sb);
	feed_str("[{\"id\":1e400,\"op_type\":\"create_issue\",\"created\":\"2026-03-02T08:00:00Z\",\"content\":\"99999999999999999999999|x\"}]");
	feed_str("{\"issues\":[{\"id\":-5,\"created_on\":\"2026-03-02T08:00:00Z\"},{\"id\":1e300}],\"total_count\":1e999}");
	feed_str("{\"issue\":{\"id\":1,\"created_on\":\"9999-12-31T23:59:60+14:00\",\"journals\":[{\"id\":1,\"created_on\":\"0000-01-01T00:00:00Z\",\"details\":[{\"property\":null}]}]}}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_mutated),
		cmocka_unit_test(test_pathological),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
