/* The merged timeline: newest first across both sources, instants given
 * in different time zones compared as instants, equal instants in
 * first-seen order (stable across polls), "new since the last look",
 * replacement per source, the cap; and the list helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "ceres/sources/activity.h"
#include "ceres/features/activity.h"
#include "activity_fixture.h"

static void
add(struct act_list *l, enum act_source src, const char *key, const char *when, bool baseline)
{
	struct act_event *e = act_list_push(l);

	e->source = src;
	e->kind = ACT_COMMENT;
	e->key = xstrdup(key);
	e->time = at(when);
	e->title = xstrdup(key);
	e->baseline = baseline;
	act_event_finish(e);
}

static void
expect_order(const struct act_timeline *t, const char *const *keys, size_t n)
{
	assert_int_equal(t->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(t->ev[i]->key, keys[i]);
}

static void
test_merge_order_time_zones_and_ties(void **state)
{
	struct act_timeline *t = act_timeline_new(100);
	struct act_list g, r;
	/* 10:00+01:00, 09:00Z and 04:00-05:00 are the same instant. */
	static const char *const want[] = { "g-newest", "g-tie", "r-tie", "r-tie2", "g-old", "r-old" };

	(void)state;
	act_list_init(&g);
	act_list_init(&r);
	add(&g, ACT_SRC_GITEA, "g-newest", "2026-03-02T09:30:00Z", true);
	add(&g, ACT_SRC_GITEA, "g-tie", "2026-03-02T10:00:00+01:00", true);
	add(&g, ACT_SRC_GITEA, "g-old", "2026-03-02T03:59:59-05:00", true);
	act_timeline_replace(t, ACT_SRC_GITEA, &g, 1000);
	assert_int_equal(g.n, 0);	/* moved out */
	add(&r, ACT_SRC_REDMINE, "r-tie", "2026-03-02T09:00:00Z", true);
	add(&r, ACT_SRC_REDMINE, "r-tie2", "2026-03-02T04:00:00-05:00", true);
	add(&r, ACT_SRC_REDMINE, "r-old", "2026-03-02T08:00:00Z", true);
	act_timeline_replace(t, ACT_SRC_REDMINE, &r, 1001);
	expect_order(t, want, 6);
	assert_true(t->ev[1]->time == t->ev[2]->time);

	/* The next polls hand the same events in another order: equal
	 * instants keep the order they were first seen in. */
	add(&r, ACT_SRC_REDMINE, "r-old", "2026-03-02T08:00:00Z", false);
	add(&r, ACT_SRC_REDMINE, "r-tie2", "2026-03-02T09:00:00Z", false);
	add(&r, ACT_SRC_REDMINE, "r-tie", "2026-03-02T10:00:00+01:00", false);
	act_timeline_replace(t, ACT_SRC_REDMINE, &r, 1002);
	add(&g, ACT_SRC_GITEA, "g-old", "2026-03-02T08:59:59Z", false);
	add(&g, ACT_SRC_GITEA, "g-tie", "2026-03-02T09:00:00Z", false);
	add(&g, ACT_SRC_GITEA, "g-newest", "2026-03-02T09:30:00Z", false);
	act_timeline_replace(t, ACT_SRC_GITEA, &g, 1003);
	expect_order(t, want, 6);
	/* Known events stay as they were: nothing is new. */
	assert_int_equal(act_timeline_count_new(t), 0);
	act_timeline_free(t);
}

static void
test_new_since_last_look(void **state)
{
	struct act_timeline *t = act_timeline_new(100);
	struct act_list l;

	(void)state;
	act_list_init(&l);
	add(&l, ACT_SRC_REDMINE, "j1", "2026-03-02T09:00:00Z", true);
	assert_int_equal(act_timeline_replace(t, ACT_SRC_REDMINE, &l, 100), 0);
	assert_int_equal(act_timeline_count_new(t), 0);

	add(&l, ACT_SRC_REDMINE, "j2", "2026-03-02T09:05:00Z", false);
	add(&l, ACT_SRC_REDMINE, "j1", "2026-03-02T09:00:00Z", false);
	assert_int_equal(act_timeline_replace(t, ACT_SRC_REDMINE, &l, 200), 1);
	assert_int_equal(act_timeline_count_new(t), 1);
	assert_string_equal(t->ev[0]->key, "j2");
	assert_true(act_timeline_is_new(t, t->ev[0]));
	assert_false(act_timeline_is_new(t, t->ev[1]));

	/* Looked at until 250: no longer new.  A later arrival is. */
	t->seen_until = 250;
	assert_int_equal(act_timeline_count_new(t), 0);
	add(&l, ACT_SRC_REDMINE, "j3", "2026-03-02T09:06:00Z", false);
	add(&l, ACT_SRC_REDMINE, "j2", "2026-03-02T09:05:00Z", false);
	add(&l, ACT_SRC_REDMINE, "j1", "2026-03-02T09:00:00Z", false);
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 300);
	assert_int_equal(act_timeline_count_new(t), 1);
	assert_true(act_timeline_is_new(t, t->ev[0]));
	/* Old news (baseline) arriving late is never marked. */
	add(&l, ACT_SRC_REDMINE, "j0", "2026-03-01T09:00:00Z", true);
	add(&l, ACT_SRC_REDMINE, "j3", "2026-03-02T09:06:00Z", false);
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 400);
	assert_int_equal(act_timeline_count_new(t), 1);
	act_timeline_free(t);
}

static void
test_replace_per_source_and_cap(void **state)
{
	struct act_timeline *t = act_timeline_new(5);
	struct act_list l;
	char key[16], when[32];

	(void)state;
	act_list_init(&l);
	add(&l, ACT_SRC_GITEA, "g1", "2026-03-02T09:00:00Z", true);
	add(&l, ACT_SRC_GITEA, "g2", "2026-03-02T08:00:00Z", true);
	act_timeline_replace(t, ACT_SRC_GITEA, &l, 1);
	add(&l, ACT_SRC_REDMINE, "r1", "2026-03-02T08:30:00Z", true);
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 2);
	assert_int_equal(t->n, 3);
	/* A source's new list replaces only its own events. */
	add(&l, ACT_SRC_GITEA, "g3", "2026-03-02T07:00:00Z", false);
	act_timeline_replace(t, ACT_SRC_GITEA, &l, 3);
	assert_int_equal(t->n, 2);
	assert_string_equal(t->ev[0]->key, "r1");
	assert_string_equal(t->ev[1]->key, "g3");
	/* The same key in the other source is another event. */
	add(&l, ACT_SRC_REDMINE, "g3", "2026-03-02T07:00:00Z", true);
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 4);
	assert_int_equal(t->n, 2);
	/* Duplicate keys in one list count once. */
	add(&l, ACT_SRC_REDMINE, "d", "2026-03-02T06:00:00Z", true);
	add(&l, ACT_SRC_REDMINE, "d", "2026-03-02T06:00:00Z", true);
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 5);
	assert_int_equal(t->n, 2);
	/* Bounded: the oldest fall off. */
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "r%d", i);
		snprintf(when, sizeof when, "2026-03-03T0%d:00:00Z", i);
		add(&l, ACT_SRC_REDMINE, key, when, true);
	}
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 6);
	assert_int_equal(t->n, 5);
	assert_string_equal(t->ev[0]->key, "r7");
	assert_string_equal(t->ev[4]->key, "r3");
	for (size_t i = 1; i < t->n; i++)
		assert_true(t->ev[i - 1]->time >= t->ev[i]->time);
	act_timeline_free(t);
	act_timeline_free(NULL);
}

static void
test_list_helpers(void **state)
{
	struct act_list l, c;
	char *s;

	(void)state;
	act_list_init(&l);
	act_list_init(&c);
	add(&l, ACT_SRC_GITEA, "a", "2026-03-02T09:00:00Z", true);
	add(&l, ACT_SRC_GITEA, "b", "2026-03-02T10:00:00Z", true);
	add(&l, ACT_SRC_GITEA, "c", "2026-03-02T09:00:00Z", true);
	add(&l, ACT_SRC_GITEA, "a", "2026-03-02T11:00:00Z", true);
	act_list_dedupe(&l);
	assert_int_equal(l.n, 3);
	assert_true(l.v[0].time == at("2026-03-02T09:00:00Z"));	/* the first "a" kept */
	act_list_sort(&l);
	assert_string_equal(l.v[0].key, "b");
	assert_string_equal(l.v[1].key, "a");	/* equal times: given order */
	assert_string_equal(l.v[2].key, "c");
	act_list_add_copy(&c, &l.v[0]);
	assert_string_equal(c.v[0].key, "b");
	assert_ptr_not_equal(c.v[0].key, l.v[0].key);
	act_list_move(&c, &l);
	assert_int_equal(c.n, 4);
	assert_int_equal(l.n, 0);
	act_list_free(&c);
	act_list_free(&l);

	/* Clipping keeps whole UTF-8 characters. */
	s = act_clip(xstrdup("aé日本"), 4);
	assert_string_equal(s, "aé…");
	free(s);
	s = act_first_line("\n\n  first\r\nsecond");
	assert_string_equal(s, "first");
	free(s);
	s = act_line("a\x1b[2Jb\tc");
	assert_true(is_terminal_safe(s, 0));
	free(s);
	assert_string_equal(act_kind_name(ACT_STATUS_CHANGE), "status_change");
	assert_string_equal(act_kind_name(ACT_PR_MERGED), "pr_merged");
	assert_string_equal(act_source_name(ACT_SRC_REDMINE), "redmine");
}

/* Both parsers feeding one timeline: newest first across sources. */
static void
test_parsers_into_timeline(void **state)
{
	struct act_timeline *t = act_timeline_new(0);
	struct act_list l;
	struct rm_issue is;
	struct rm_names nm = { NULL, 0, NULL, 0, "https://rm", INFINITY, 0 };
	struct gitea_ctx ctx = { "https://git", "ops/platform", INFINITY };
	size_t len;
	char *buf, *cause = NULL;
	bool seen[ACT_SRC_COUNT] = { false, false };

	(void)state;
	act_list_init(&l);
	buf = fixture("gitea/feeds_all_ops.json", &len);
	assert_int_equal(gitea_feeds_parse(buf, len, &ctx, &l, &cause), 0);
	free(buf);
	act_timeline_replace(t, ACT_SRC_GITEA, &l, 10);
	buf = fixture("redmine/issue_journals.json", &len);
	assert_int_equal(redmine_issue_parse(buf, len, &is, &cause), 0);
	free(buf);
	redmine_issue_events(&is, &nm, &l);
	rm_issue_clear(&is);
	act_timeline_replace(t, ACT_SRC_REDMINE, &l, 11);
	assert_int_equal(t->n, 36);
	for (size_t i = 0; i < t->n; i++) {
		seen[t->ev[i]->source] = true;
		if (i > 0)
			assert_true(t->ev[i - 1]->time >= t->ev[i]->time);
	}
	assert_true(seen[ACT_SRC_GITEA] && seen[ACT_SRC_REDMINE]);
	/* 10:15Z (Redmine) is after 09:00Z (the Gitea push at 11:00+02:00). */
	assert_int_equal(t->ev[0]->source, ACT_SRC_REDMINE);
	act_timeline_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_order_time_zones_and_ties),
		cmocka_unit_test(test_new_since_last_look),
		cmocka_unit_test(test_replace_per_source_and_cap),
		cmocka_unit_test(test_list_helpers),
		cmocka_unit_test(test_parsers_into_timeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
