/* Gitea parsers: feeds of every op_type (JSON-encoded push content, '|'
 * in titles, Ghost and null users, null repo and comment), the fallback
 * endpoints, hooks, versions, paging headers and error bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "ceres/sources/activity.h"
#include "ceres/features/activity.h"
#include "activity_fixture.h"

#define BASE "https://git.ceres.example"

#define ESC_MSG "{\"message\":\"a\\u001b[2Jb\"}"
#define EMPTY_REPO "{\"message\":\"Git Repository is empty.\"}"

static const struct gitea_ctx ctx_first = { "http://127.0.0.1:3001", "ops/platform", INFINITY };

static const struct act_event *
by_key(const struct act_list *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	fail_msg("no event %s", key);
	return NULL;
}

static void
parse_feeds(const char *file, const struct gitea_ctx *ctx, struct act_list *l)
{
	size_t len;
	char *buf = fixture(file, &len), *cause = NULL;

	act_list_init(l);
	assert_int_equal(gitea_feeds_parse(buf, len, ctx, l, &cause), 0);
	assert_null(cause);
	free(buf);
}

static void
test_feeds_every_op(void **state)
{
	struct act_list l;
	const struct act_event *e;

	(void)state;
	parse_feeds("gitea/feeds_all_ops.json", &ctx_first, &l);
	assert_int_equal(l.n, 30);
	for (size_t i = 0; i < l.n; i++) {
		e = &l.v[i];
		assert_non_null(e->key);
		assert_non_null(e->actor);
		assert_non_null(e->title);
		assert_non_null(e->url);
		assert_non_null(e->where);
		assert_true(is_terminal_safe(e->title, 0));
		assert_true(is_terminal_safe(e->actor, 0));
		assert_true(e->detail == NULL || is_terminal_safe(e->detail, 1));
		assert_int_equal(e->source, ACT_SRC_GITEA);
		assert_true(e->baseline);	/* first poll */
	}

	/* Push: the JSON-encoded content, three commits of which two listed. */
	e = by_key(&l, "a9031");
	assert_int_equal(e->kind, ACT_PUSH);
	assert_string_equal(e->actor, "bob");
	assert_string_equal(e->where, "ops/platform");
	assert_string_equal(e->title, "main: fix: typo (+2 more)");
	assert_true(e->time == at("2026-03-02T09:00:00Z"));
	assert_string_equal(e->url, BASE "/ops/platform/compare/"
	    "1111111111111111111111111111111111111111...0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c");
	assert_non_null(strstr(e->detail, "0f1e2d3c4b"));
	assert_non_null(strstr(e->detail, "a1b2c3d4e5"));
	assert_non_null(strstr(e->detail, "feat(api): rate limit | burst"));
	assert_non_null(strstr(e->detail, "Line two with üml"));
	assert_non_null(strstr(e->detail, "3 commits"));
	assert_non_null(strstr(e->detail, "1 more"));

	/* Issue and PR ops split on the first '|' only. */
	e = by_key(&l, "a9030");
	assert_int_equal(e->kind, ACT_PR_OPENED);
	assert_string_equal(e->title, "#57 feat: rate limiting | burst handling");
	assert_string_equal(e->url, BASE "/ops/platform/pulls/57");
	assert_string_equal(e->actor, "ева");
	e = by_key(&l, "a9029");
	assert_int_equal(e->kind, ACT_PR_MERGED);
	assert_true(e->time == at("2026-03-02T08:58:00Z"));	/* +01:00 normalised */
	assert_int_equal(by_key(&l, "a9028")->kind, ACT_PR_CLOSED);
	assert_int_equal(by_key(&l, "a9027")->kind, ACT_PR_REOPENED);
	e = by_key(&l, "a9026");
	assert_int_equal(e->kind, ACT_PR_REVIEW);
	assert_string_equal(e->title, "#57 feat: rate limiting | burst handling (approved)");
	assert_string_equal(by_key(&l, "a9025")->title, "#54 refactor: loop (changes requested)");
	e = by_key(&l, "a9024");
	assert_int_equal(e->kind, ACT_COMMENT);
	assert_string_equal(e->title, "#57 feat: rate limiting | burst handling: LGTM – but see `burst`");
	assert_string_equal(e->url, BASE "/ops/platform/pulls/57#issuecomment-7001");
	assert_non_null(strstr(e->detail, "second line"));

	/* An escape sequence in a title is made visible, never passed on. */
	e = by_key(&l, "a9023");
	assert_int_equal(e->kind, ACT_ISSUE_OPENED);
	assert_non_null(strstr(e->title, "#12 Disk full on "));
	assert_null(strchr(e->title, '\x1b'));
	assert_non_null(strstr(e->title, "db01"));
	assert_non_null(strstr(e->title, "日本"));
	assert_string_equal(e->url, BASE "/ops/platform/issues/12");

	/* A deleted user shows as Ghost. */
	e = by_key(&l, "a9022");
	assert_int_equal(e->kind, ACT_ISSUE_CLOSED);
	assert_string_equal(e->actor, "Ghost");
	assert_string_equal(e->title, "#11 Title with | two | pipes");
	assert_int_equal(by_key(&l, "a9021")->kind, ACT_ISSUE_REOPENED);
	e = by_key(&l, "a9020");
	assert_int_equal(e->kind, ACT_COMMENT);
	assert_non_null(strstr(e->title, ": Cleaned ✅"));
	assert_non_null(strstr(e->detail, "now 40%"));
	assert_string_equal(e->url, BASE "/ops/platform/issues/12#issuecomment-7000");

	e = by_key(&l, "a9019");
	assert_int_equal(e->kind, ACT_RELEASE);
	assert_string_equal(e->title, "Platform 2.0 (v2.0.0)");
	assert_string_equal(e->url, BASE "/ops/platform/releases/tag/v2.0.0");
	e = by_key(&l, "a9018");
	assert_int_equal(e->kind, ACT_TAG);
	assert_string_equal(e->title, "pushed tag v2.0.0");
	assert_string_equal(by_key(&l, "a9017")->title, "deleted tag v1.9.9-rc");
	e = by_key(&l, "a9016");
	assert_int_equal(e->kind, ACT_BRANCH);
	assert_string_equal(e->title, "deleted branch feature/ß-umlaut");
	/* Mirror push with empty content: still a push, no commit list. */
	e = by_key(&l, "a9015");
	assert_int_equal(e->kind, ACT_PUSH);
	assert_string_equal(e->title, "main: (no commit details) [mirror sync]");
	assert_string_equal(by_key(&l, "a9014")->title, "mirror created topic");
	assert_string_equal(by_key(&l, "a9013")->title, "mirror deleted old");
	assert_int_equal(by_key(&l, "a9012")->kind, ACT_REPO);
	assert_string_equal(by_key(&l, "a9011")->title, "renamed repository from ops/legacy");
	assert_string_equal(by_key(&l, "a9010")->title, "transferred repository from bob/platform");
	assert_string_equal(by_key(&l, "a9009")->title, "starred");
	assert_string_equal(by_key(&l, "a9007")->title, "#54 refactor: loop (review dismissed)");
	assert_string_equal(by_key(&l, "a9006")->title, "#58 draft thing (ready for review)");
	e = by_key(&l, "a9005");
	assert_int_equal(e->kind, ACT_PR_MERGED);
	assert_string_equal(e->title, "#53 deps: auto (auto-merged)");

	/* An unknown op, a null actor and a null repo. */
	e = by_key(&l, "a9004");
	assert_int_equal(e->kind, ACT_OTHER);
	assert_string_equal(e->op, "fancy_new_op");
	assert_string_equal(e->actor, "unknown");
	assert_string_equal(e->where, "ops/platform");
	assert_string_equal(e->title, "fancy_new_op x");
	assert_string_equal(e->url, "http://127.0.0.1:3001/ops/platform");

	/* Push content with null lists, and content that is not JSON. */
	assert_string_equal(by_key(&l, "a9003")->title, "empty: (no commit details)");
	e = by_key(&l, "a9002");
	assert_string_equal(e->title, "broken: (no commit details)");
	assert_non_null(strstr(e->detail, "could not be read"));
	act_list_free(&l);
}

static void
test_feeds_since(void **state)
{
	struct gitea_ctx ctx = ctx_first;
	struct act_list l;

	(void)state;
	/* Only what is newer than the newest event known before is news. */
	ctx.since = at("2026-03-02T08:50:00Z");
	parse_feeds("gitea/feeds_all_ops.json", &ctx, &l);
	assert_false(by_key(&l, "a9031")->baseline);
	assert_false(by_key(&l, "a9022")->baseline);
	assert_true(by_key(&l, "a9021")->baseline);	/* exactly at since */
	assert_true(by_key(&l, "a9002")->baseline);
	act_list_free(&l);
}

static void
test_feeds_empty_and_malformed(void **state)
{
	struct act_list l;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	parse_feeds("gitea/feeds_empty.json", &ctx_first, &l);
	assert_int_equal(l.n, 0);

	buf = fixture("gitea/feeds_malformed.json", &len);
	assert_int_equal(gitea_feeds_parse(buf, len, &ctx_first, &l, &cause), -1);
	assert_non_null(strstr(cause, "JSON"));
	assert_int_equal(l.n, 0);
	free(cause);
	free(buf);

	/* An error object where a list was expected. */
	cause = NULL;
	buf = fixture("gitea/error_401.json", &len);
	assert_int_equal(gitea_feeds_parse(buf, len, &ctx_first, &l, &cause), -1);
	assert_non_null(strstr(cause, "array"));
	free(cause);
	free(buf);

	/* Nothing at all, and bytes that are no JSON. */
	cause = NULL;
	assert_int_equal(gitea_feeds_parse("", 0, &ctx_first, &l, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(gitea_feeds_parse("\x00\xff[", 3, &ctx_first, &l, &cause), -1);
	free(cause);
	act_list_free(&l);
}

static void
test_feeds_bad_items_skipped(void **state)
{
	struct act_list l;
	const struct act_event *e;

	(void)state;
	parse_feeds("gitea/feeds_bad_items.json", &ctx_first, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(by_key(&l, "a7")->title, "#9 kept");
	/* Wrong types for nested objects count as missing. */
	e = by_key(&l, "a8");
	assert_string_equal(e->actor, "unknown");
	assert_string_equal(e->where, "ops/platform");
	assert_string_equal(e->title, "");
	act_list_free(&l);
}

static void
test_user_feed_dedupe(void **state)
{
	struct act_list l, u;

	(void)state;
	parse_feeds("gitea/feeds_all_ops.json", &ctx_first, &l);
	parse_feeds("gitea/user_feeds.json", &(struct gitea_ctx){ BASE, "", INFINITY }, &u);
	assert_int_equal(u.n, 2);
	assert_string_equal(by_key(&u, "a9500")->where, "ops/docs");
	assert_true(by_key(&u, "a9500")->time == at("2026-03-02T12:00:00Z"));
	act_list_move(&l, &u);
	assert_int_equal(l.n, 32);
	act_list_dedupe(&l);
	assert_int_equal(l.n, 31);
	act_list_free(&l);
}

static void
test_commits(void **state)
{
	struct act_list l;
	const struct act_event *e;
	size_t len;
	char *buf = fixture("gitea/commits.json", &len), *cause = NULL;

	(void)state;
	act_list_init(&l);
	assert_int_equal(gitea_commits_parse(buf, len, &ctx_first, &l, &cause), 0);
	free(buf);
	assert_int_equal(l.n, 2);
	/* author null: the git name stands in for the Gitea login. */
	e = by_key(&l, "c" "cccccccccccccccccccccccccccccccccccccccc");
	assert_int_equal(e->kind, ACT_COMMIT);
	assert_string_equal(e->actor, "Unknown Committer");
	assert_string_equal(e->title, "Merge branch 'feature/ß' into main");
	assert_true(e->time == at("2026-03-02T11:00:00Z"));
	assert_non_null(strstr(e->detail, ": 2"));
	assert_non_null(strstr(e->detail, "中文"));
	assert_string_equal(e->where, "ops/platform");
	e = by_key(&l, "cdddddddddddddddddddddddddddddddddddddddd");
	assert_string_equal(e->actor, "bob");
	assert_string_equal(e->url, BASE "/ops/platform/commit/dddddddddddddddddddddddddddddddddddddddd");
	act_list_free(&l);

	buf = fixture("gitea/commits_empty.json", &len);
	assert_int_equal(gitea_commits_parse(buf, len, &ctx_first, &l, &cause), 0);
	assert_int_equal(l.n, 0);
	free(buf);
	/* An empty repository answers 409 with an error object. */
	buf = fixture("gitea/commits_409.json", &len);
	assert_int_equal(gitea_commits_parse(buf, len, &ctx_first, &l, &cause), -1);
	free(cause);
	free(buf);
	buf = gitea_error_message(EMPTY_REPO, strlen(EMPTY_REPO));
	assert_string_equal(buf, "Git Repository is empty.");
	free(buf);
}

static void
test_pulls(void **state)
{
	struct act_list l;
	const struct act_event *e;
	size_t len;
	char *buf = fixture("gitea/pulls.json", &len), *cause = NULL;

	(void)state;
	act_list_init(&l);
	assert_int_equal(gitea_pulls_parse(buf, len, &ctx_first, &l, &cause), 0);
	free(buf);
	/* open: opened; merged: opened + merged; closed: opened + closed. */
	assert_int_equal(l.n, 5);
	e = by_key(&l, "p401o");
	assert_int_equal(e->kind, ACT_PR_OPENED);
	assert_string_equal(e->title, "#57 feat: rate limiting");
	assert_string_equal(e->url, BASE "/ops/platform/pulls/57");
	e = by_key(&l, "p402m");
	assert_int_equal(e->kind, ACT_PR_MERGED);
	assert_string_equal(e->actor, "ева");
	assert_true(e->time == at("2026-03-02T08:58:00Z"));
	assert_true(strlen(e->title) < ACT_TITLE_MAX + 32);
	assert_non_null(strstr(e->title, "[draft]"));
	assert_non_null(strstr(e->detail, "(deleted fork)"));
	e = by_key(&l, "p403c");
	assert_int_equal(e->kind, ACT_PR_CLOSED);
	assert_string_equal(e->actor, "unknown");
	act_list_free(&l);

	buf = fixture("gitea/pulls_empty.json", &len);
	assert_int_equal(gitea_pulls_parse(buf, len, &ctx_first, &l, &cause), 0);
	assert_int_equal(l.n, 0);
	free(buf);
}

static void
test_releases(void **state)
{
	struct act_list l;
	const struct act_event *e;
	size_t len;
	char *buf = fixture("gitea/releases.json", &len), *cause = NULL;

	(void)state;
	act_list_init(&l);
	assert_int_equal(gitea_releases_parse(buf, len, &ctx_first, &l, &cause), 0);
	free(buf);
	/* The third has Go's zero time: never published, skipped. */
	assert_int_equal(l.n, 2);
	e = by_key(&l, "r31");
	assert_int_equal(e->kind, ACT_RELEASE);
	assert_string_equal(e->title, "Platform 2.0 (v2.0.0)");
	e = by_key(&l, "r32");
	assert_string_equal(e->title, "v2.1.0-rc.1 [draft] [pre-release]");
	assert_string_equal(e->actor, "ева");
	assert_true(e->time == at("2026-03-02T10:00:00Z"));
	assert_true(strlen(e->detail) <= ACT_DETAIL_MAX + 4);
	act_list_free(&l);
	buf = fixture("gitea/releases_empty.json", &len);
	assert_int_equal(gitea_releases_parse(buf, len, &ctx_first, &l, &cause), 0);
	assert_int_equal(l.n, 0);
	free(buf);
}

static void
test_hooks(void **state)
{
	struct gitea_hooks h;
	size_t len;
	char *buf = fixture("gitea/hooks.json", &len), *cause = NULL;

	(void)state;
	assert_int_equal(gitea_hooks_parse(buf, len, &h, &cause), 0);
	free(buf);
	assert_int_equal(h.total, 4);
	assert_int_equal(h.active, 3);
	assert_int_equal(h.push, 1);
	buf = fixture("gitea/hooks_empty.json", &len);
	assert_int_equal(gitea_hooks_parse(buf, len, &h, &cause), 0);
	assert_int_equal(h.total + h.active + h.push, 0);
	free(buf);
	assert_int_equal(gitea_hooks_parse("{\"x\":1}", 7, &h, &cause), -1);
	free(cause);
}

/* One parse of the hooks answer: a hook without "active" is inactive for
 * the activity source, the webhook menu and the readiness check alike. */
static void
test_hook_list(void **state)
{
	static const char answer[] =
	    "[{\"id\":3,\"type\":\"slack\",\"active\":true,\"events\":[\"push\"],"
	    "\"config\":{\"url\":\"https://hooks.slack.com/services/T0/B0/s3cr3t\"}},"
	    "{\"id\":4,\"type\":\"gitea\",\"events\":[\"push\"],\"config\":{\"url\":\"http://ci/x\"}},"
	    "{\"id\":\"5\",\"type\":\"matrix\\u001b[2J\",\"active\":false},"
	    "\"junk\"]";
	struct gitea_hook *h;
	struct gitea_hooks sum;
	size_t n;
	char *cause = NULL;

	(void)state;
	assert_int_equal(gitea_hook_list_parse(answer, sizeof answer - 1, &h, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].id, 3);
	assert_true(h[0].active);
	assert_true(h[0].push);
	assert_null(strstr(h[0].target, "s3cr3t"));
	assert_string_equal(h[0].url, "https://hooks.slack.com/services/T0/B0/s3cr3t");
	assert_int_equal(h[1].id, 4);
	assert_false(h[1].active);		/* no "active": inactive */
	assert_false(h[1].push);
	assert_int_equal(h[2].id, -1);		/* a string id is no id */
	assert_null(strchr(h[2].type, '\x1b'));
	assert_string_equal(h[2].target, "?");
	assert_null(h[2].url);
	gitea_hook_list_free(h, n);
	assert_int_equal(gitea_hooks_parse(answer, sizeof answer - 1, &sum, &cause), 0);
	assert_int_equal(sum.total, 3);
	assert_int_equal(sum.active, 1);
	assert_int_equal(sum.push, 1);
	assert_int_equal(gitea_hook_list_parse("[{\"id\":1", 8, &h, &n, &cause), -1);
	assert_non_null(strstr(cause, "hooks"));
	free(cause);
}

static void
check_version(const char *file, int rc, int major, int minor)
{
	size_t len;
	char *buf = fixture(file, &len), *cause = NULL;
	int ma = -1, mi = -1;

	assert_int_equal(gitea_version_parse(buf, len, &ma, &mi, &cause), rc);
	if (rc == 0) {
		assert_int_equal(ma, major);
		assert_int_equal(mi, minor);
	} else {
		assert_non_null(cause);
		free(cause);
	}
	free(buf);
}

static void
test_version(void **state)
{
	(void)state;
	check_version("gitea/version.json", 0, 1, 22);
	check_version("gitea/version_suffix.json", 0, 1, 23);
	check_version("gitea/version_forgejo.json", 0, 1, 21);	/* the +gitea- part */
	check_version("gitea/version_old.json", 0, 1, 19);
	check_version("gitea/version_garbage.json", -1, 0, 0);
	check_version("gitea/feeds_malformed.json", -1, 0, 0);
	/* Repository activity feeds arrived in Gitea 1.20. */
	assert_true(gitea_version_has_feeds(1, 20));
	assert_true(gitea_version_has_feeds(1, 22));
	assert_true(gitea_version_has_feeds(2, 0));
	assert_false(gitea_version_has_feeds(1, 19));
	assert_false(gitea_version_has_feeds(0, 99));
}

static void
test_paging(void **state)
{
	const char *link = "<https://git.example.org/api/v1/repos/infra/ceres-top/commits?limit=30&page=2>; "
	    "rel=\"next\",<https://git.example.org/api/v1/repos/infra/ceres-top/commits?limit=30&page=9>; rel=\"last\"";
	const char *last = "<https://x/feeds?limit=30&page=1>; rel=\"first\",<https://x/feeds?limit=30&page=8>; rel=\"prev\"";

	(void)state;
	assert_true(gitea_has_next_page(link, "262", 1, 30, 30));
	/* The Link header wins over the count. */
	assert_false(gitea_has_next_page(last, "262", 9, 30, 22));
	assert_true(gitea_has_next_page("<u>; rel=\"next last\"", NULL, 1, 30, 30));
	assert_true(gitea_has_next_page("<u>; REL=next", NULL, 1, 30, 30));
	assert_false(gitea_has_next_page("<u?a=next>; rel=\"prev\"", NULL, 1, 30, 30));
	/* X-Total-Count alone. */
	assert_true(gitea_has_next_page(NULL, "120", 2, 50, 50));
	assert_false(gitea_has_next_page(NULL, "120", 3, 50, 20));
	assert_false(gitea_has_next_page(NULL, " 50 ", 1, 50, 50));
	/* No headers: a full page may have a successor. */
	assert_true(gitea_has_next_page(NULL, NULL, 1, 50, 50));
	assert_false(gitea_has_next_page(NULL, NULL, 1, 50, 49));
	assert_false(gitea_has_next_page(NULL, "garbage", 1, 50, 10));
	assert_false(gitea_has_next_page(link, "262", 1, 30, 0));
}

static void
test_error_message(void **state)
{
	size_t len;
	char *buf = fixture("gitea/error_403.json", &len);
	char *m = gitea_error_message(buf, len);

	(void)state;
	assert_non_null(strstr(m, "required scope"));
	free(m);
	free(buf);
	assert_null(gitea_error_message("", 0));
	assert_null(gitea_error_message("404 page not found\n", strlen("404 page not found\n")));
	assert_null(gitea_error_message("{\"message\":\"\"}", strlen("{\"message\":\"\"}")));
	m = gitea_error_message(ESC_MSG, strlen(ESC_MSG));
	assert_non_null(m);
	assert_null(strchr(m, '\x1b'));
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feeds_every_op),
		cmocka_unit_test(test_feeds_since),
		cmocka_unit_test(test_feeds_empty_and_malformed),
		cmocka_unit_test(test_feeds_bad_items_skipped),
		cmocka_unit_test(test_user_feed_dedupe),
		cmocka_unit_test(test_commits),
		cmocka_unit_test(test_pulls),
		cmocka_unit_test(test_releases),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_hook_list),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_error_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
