/* The alerts model: grouping and order (critical first), counters, common
 * labels, de-duplication at scale, the matcher logic behind the silence
 * preview, silence counting, and the durations the prompts accept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ceres/sources/alerts.h"
#include "ceres/features/alerts.h"
#include "ceres/util/util.h"
#include "alerts_fixture.h"

static struct alert_set *
load(const char *name)
{
	size_t len;
	char *buf = fixture(name, &len), *cause = NULL;
	struct alert_set *set = NULL;

	if (alerts_parse(buf, len, &set, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(buf);
	return set;
}

static void
test_group_order(void **state)
{
	static const char *const want[][2] = {
		{ "critical", "Alpha" }, { "critical", "HighCPU" }, { "page", "Pager" },
		{ "warning", "Beta" }, { "warning", "HighCPU" }, { "info", "Zeta" }, { "", "NoSev" },
	};
	struct alert_set *set = load("alerts-grouping.json");
	const struct alert_group *g;

	(void)state;
	assert_int_equal(set->n, 9);
	assert_int_equal(set->ngroups, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(set->groups[i].severity, want[i][0]);
		assert_string_equal(set->groups[i].alertname, want[i][1]);
	}
	g = &set->groups[1];
	assert_int_equal(g->n, 3);
	/* oldest first inside the group */
	assert_string_equal(set->alerts[g->first].fingerprint, "0000000000000004");
	assert_string_equal(set->alerts[g->first + 1].fingerprint, "0000000000000005");
	assert_string_equal(set->alerts[g->first + 2].fingerprint, "0000000000000003");
	assert_true(g->oldest == set->alerts[g->first].starts);
	assert_int_equal(g->nactive, 2);
	assert_int_equal(g->nsilenced, 1);
	assert_int_equal(g->ninhibited, 0);
	/* instance differs; alertname, job and severity are shared */
	assert_int_equal(g->ncommon, 3);
	assert_string_equal(g->common[0].name, "alertname");
	assert_string_equal(g->common[1].name, "job");
	assert_string_equal(g->common[2].name, "severity");
	assert_string_equal(g->d_summary, "HighCPU summary");
	assert_int_equal(set->groups[2].ninhibited, 1);
	assert_int_equal(set->groups[2].sev, ALERT_SEV_CRITICAL);
	/* firing: Alpha + two HighCPU critical; Beta (unprocessed) + HighCPU warning */
	assert_int_equal(set->ncritical, 3);
	assert_int_equal(set->nwarning, 2);
	assert_int_equal(set->nsuppressed, 2);
	for (size_t i = 0; i < set->n; i++)
		assert_ptr_equal(alert_set_find(set, set->alerts[i].fingerprint), &set->alerts[i]);
	alert_set_free(set);
}

static void
test_sev_class(void **state)
{
	(void)state;
	assert_int_equal(alerts_sev_class("critical"), ALERT_SEV_CRITICAL);
	assert_int_equal(alerts_sev_class("CRITICAL"), ALERT_SEV_CRITICAL);
	assert_int_equal(alerts_sev_class("page"), ALERT_SEV_CRITICAL);
	assert_int_equal(alerts_sev_class("warning"), ALERT_SEV_WARNING);
	assert_int_equal(alerts_sev_class("error"), ALERT_SEV_WARNING);
	assert_int_equal(alerts_sev_class("info"), ALERT_SEV_INFO);
	assert_int_equal(alerts_sev_class("none"), ALERT_SEV_INFO);
	assert_int_equal(alerts_sev_class(""), ALERT_SEV_OTHER);
	assert_int_equal(alerts_sev_class("bogus"), ALERT_SEV_OTHER);
	assert_int_equal(alerts_sev_class(NULL), ALERT_SEV_OTHER);
}

static size_t
count(const struct alert_set *set, const struct silence_matcher *m, size_t n, size_t **idx)
{
	size_t *tmp = NULL, k = alerts_preview(set, m, n, idx != NULL ? idx : &tmp);

	free(tmp);
	return k;
}

static void
test_preview(void **state)
{
	struct alert_set *set = load("alerts-grouping.json");
	struct silence_matcher m[3] = {
		{ "alertname", "HighCPU", false, true },
		{ "severity", "critical", false, true },
		{ "instance", "a", false, true },
	};
	struct silence_matcher x;
	size_t *idx = NULL;

	(void)state;
	assert_int_equal(count(set, m, 1, NULL), 4);
	assert_int_equal(count(set, m, 2, NULL), 3);
	assert_int_equal(count(set, m, 3, &idx), 1);
	assert_string_equal(set->alerts[idx[0]].fingerprint, "0000000000000004");
	free(idx);
	/* silenced alerts are still matched: the preview lists them all */
	m[2].value = "c";
	assert_int_equal(count(set, m, 3, NULL), 1);
	/* exact, not substring */
	x = (struct silence_matcher){ "alertname", "HighCP", false, true };
	assert_int_equal(count(set, &x, 1, NULL), 0);
	/* a missing label matches the empty value, as in Alertmanager */
	x = (struct silence_matcher){ "nolabel", "", false, true };
	assert_int_equal(count(set, &x, 1, NULL), 9);
	x = (struct silence_matcher){ "severity", "", false, true };
	assert_int_equal(count(set, &x, 1, NULL), 1);
	/* negative and regex matchers, anchored at both ends */
	x = (struct silence_matcher){ "alertname", "Zeta", false, false };
	assert_int_equal(count(set, &x, 1, NULL), 8);
	x = (struct silence_matcher){ "alertname", "High.*", true, true };
	assert_int_equal(count(set, &x, 1, NULL), 4);
	x = (struct silence_matcher){ "alertname", "High.*", true, false };
	assert_int_equal(count(set, &x, 1, NULL), 5);
	x = (struct silence_matcher){ "alertname", "CPU", true, true };
	assert_int_equal(count(set, &x, 1, NULL), 0);
	x = (struct silence_matcher){ "alertname", "Alpha|Beta", true, true };
	assert_int_equal(count(set, &x, 1, NULL), 2);
	/* no matchers select nothing (Alertmanager refuses them anyway) */
	assert_int_equal(count(set, m, 0, NULL), 0);
	assert_int_equal(count(NULL, m, 1, NULL), 0);
	alert_set_free(set);
}

static void
test_bad_regex(void **state)
{
	struct silence_matcher x = { "alertname", "(", true, true };
	char *cause = NULL;

	(void)state;
	assert_null(matcher_prog_new(&x, 1, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "alertname"));
	free(cause);
}

static void
test_matcher_text(void **state)
{
	struct silence_matcher m[4] = {
		{ "a", "x\"y\\z", false, true },
		{ "b", "1", false, false },
		{ "c", "r.*", true, true },
		{ "d", "two\nlines", true, false },
	};
	char *t;

	(void)state;
	t = silence_matcher_text(&m[0]);
	assert_string_equal(t, "a=\"x\\\"y\\\\z\"");
	free(t);
	t = silence_matcher_text(&m[1]);
	assert_string_equal(t, "b!=\"1\"");
	free(t);
	t = silence_matcher_text(&m[2]);
	assert_string_equal(t, "c=~\"r.*\"");
	free(t);
	t = silence_matcher_text(&m[3]);
	assert_string_equal(t, "d!~\"two\\nlines\"");
	free(t);
}

static void
test_silence_count(void **state)
{
	static const char js[] = "["
	    "{\"id\":\"s1\",\"status\":{\"state\":\"active\"},\"matchers\":[{\"name\":\"instance\",\"value\":\"c\",\"isRegex\":false}],"
	    "\"endsAt\":\"2026-11-26T13:00:00Z\"},"
	    "{\"id\":\"s2\",\"status\":{\"state\":\"active\"},\"matchers\":[{\"name\":\"job\",\"value\":\"none\",\"isRegex\":false}],"
	    "\"endsAt\":\"2026-11-26T12:00:00Z\"},"
	    "{\"id\":\"s3\",\"status\":{\"state\":\"pending\"},\"matchers\":[{\"name\":\"alertname\",\"value\":\"High.*\",\"isRegex\":true}],"
	    "\"startsAt\":\"2026-11-27T00:00:00Z\",\"endsAt\":\"2026-11-27T02:00:00Z\"}]";
	struct alert_set *set = load("alerts-grouping.json");
	struct silence_set *ss = NULL;
	char *cause = NULL;

	(void)state;
	assert_int_equal(silences_parse(js, sizeof js - 1, &ss, &cause), 0);
	silence_set_count(ss, set);
	assert_int_equal(silence_set_find(ss, "s1")->nsilencing, 1);
	assert_int_equal(silence_set_find(ss, "s2")->nsilencing, 0);	/* matches nothing */
	assert_int_equal(silence_set_find(ss, "s3")->nwould, 4);
	assert_int_equal(silence_set_find(ss, "s1")->nwould, -1);
	silence_set_count(ss, NULL);
	assert_int_equal(silence_set_find(ss, "s1")->nsilencing, 0);
	silence_set_free(ss);
	alert_set_free(set);
}

/* 10,000 alerts in 100 groups, each listed twice: one pass of grouping
 * must drop the copies, and every alert must be found by fingerprint. */
static void
test_scale(void **state)
{
	struct strbuf sb;
	struct alert_set *set = NULL;
	char *cause = NULL;

	(void)state;
	strbuf_init(&sb);
	strbuf_addc(&sb, '[');
	for (int copy = 0; copy < 2; copy++) {
		for (int i = 0; i < 10000; i++) {
			strbuf_addf(&sb, "%s{\"labels\":{\"alertname\":\"A%02d\",\"severity\":\"%s\","
			    "\"instance\":\"host-%05d\"},\"annotations\":{\"summary\":\"s\"},"
			    "\"fingerprint\":\"%016x\",\"startsAt\":\"2026-11-26T10:%02d:00Z\","
			    "\"status\":{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]}}",
			    copy == 0 && i == 0 ? "" : ",", i % 100, i % 3 == 0 ? "critical" : "warning",
			    i, (unsigned)(i * 2654435761u), i % 60);
		}
	}
	strbuf_addc(&sb, ']');
	assert_int_equal(alerts_parse(sb.buf, sb.len, &set, &cause), 0);
	assert_int_equal(set->n, 10000);
	assert_int_equal(set->duplicates, 10000);
	/* 100 names, each seen with both severities: 200 groups, critical first */
	assert_int_equal(set->ngroups, 200);
	{
		size_t total = 0;

		for (size_t g = 0; g < set->ngroups; g++) {
			total += set->groups[g].n;
			if (g > 0)
				assert_true(set->groups[g - 1].sev <= set->groups[g].sev);
		}
		assert_int_equal(total, 10000);
		assert_int_equal(set->groups[0].sev, ALERT_SEV_CRITICAL);
		assert_int_equal(set->ncritical, 3334);
		assert_int_equal(set->nwarning, 6666);
	}
	for (size_t i = 0; i < set->n; i++)
		assert_ptr_equal(alert_set_find(set, set->alerts[i].fingerprint), &set->alerts[i]);
	strbuf_free(&sb);
	alert_set_free(set);
}

static void
test_durations(void **state)
{
	double d;

	(void)state;
	/* what the silence prompts accept (util.h parse_duration) */
	assert_int_equal(parse_duration("2h", &d), 0);
	assert_true(d == 7200);
	assert_int_equal(parse_duration("30m", &d), 0);
	assert_true(d == 1800);
	assert_int_equal(parse_duration("4h", &d), 0);
	assert_true(d == 14400);
	assert_int_equal(parse_duration("1d", &d), 0);
	assert_true(d == 86400);
	assert_int_equal(parse_duration("1h30m", &d), 0);
	assert_true(d == 5400);
	assert_int_equal(parse_duration(" 15m ", &d), 0);
	assert_true(d == 900);
	assert_int_equal(parse_duration("", &d), -1);
	assert_int_equal(parse_duration("abc", &d), -1);
	assert_int_equal(parse_duration("0m", &d), -1);
	assert_int_equal(parse_duration("-5m", &d), -1);
	assert_int_equal(parse_duration("2h extra", &d), -1);
	assert_int_equal(parse_duration("2x", &d), -1);
}

/* HA: healthy peers first in config order, then the ones that failed in
 * the last 30 seconds (as a last resort), oldest failure no matter. */
static void
test_peer_order(void **state)
{
	struct alerts_peer peers[3];
	struct alerts al;
	int order[3];

	(void)state;
	memset(&al, 0, sizeof al);
	memset(peers, 0, sizeof peers);
	al.peers = peers;
	al.npeers = 3;
	assert_int_equal(alerts_peer_order(&al, 1000, order), 3);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 2);
	peers[0].failed_at = 990;	/* failed 10 s ago: asked last */
	assert_int_equal(alerts_peer_order(&al, 1000, order), 3);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 0);
	peers[1].failed_at = 995;
	assert_int_equal(alerts_peer_order(&al, 1000, order), 3);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 1);
	/* 30 s later the first peer is tried first again */
	assert_int_equal(alerts_peer_order(&al, 1020, order), 3);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 1);
}

static void
test_arena(void **state)
{
	struct alerts_arena a = { 0 };
	char *big;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		void *p = alerts_arena_alloc(&a, (size_t)(i % 37) + 1);

		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 0xab, (size_t)(i % 37) + 1);
	}
	big = alerts_arena_alloc(&a, 1u << 20);
	memset(big, 1, 1u << 20);
	assert_string_equal(alerts_arena_strndup(&a, "abcdef", 3), "abc");
	assert_true(a.bytes >= (1u << 20));
	alerts_arena_free(&a);
	assert_null(a.head);
}

/* Common labels when the alerts of a group have other label sets: a
 * label missing from one alert, labels only some have (sorting before,
 * between and after the first alert's), a value that differs once. */
static void
test_common_uneven(void **state)
{
	static const char *const alerts[] = {
		"\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"m\":\"x\"",
		"\"a\":\"1\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"m\":\"x\",\"z\":\"9\"",
		"\"0\":\"0\",\"a\":\"1\",\"b\":\"2\",\"bb\":\"7\",\"c\":\"3\",\"d\":\"4\",\"m\":\"x\"",
		"\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"44\",\"m\":\"x\"",
	};
	struct strbuf sb;
	struct alert_set *set = NULL;
	char *cause = NULL;
	const struct alert_group *g;

	(void)state;
	strbuf_init(&sb);
	strbuf_addc(&sb, '[');
	for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
		strbuf_addf(&sb, "%s{\"labels\":{\"alertname\":\"Same\",\"severity\":\"warning\",%s},"
		    "\"annotations\":{},\"startsAt\":\"2026-12-07T08:0%zu:00Z\",\"fingerprint\":\"f%zu\","
		    "\"status\":{\"state\":\"active\"},\"receivers\":[]}", i > 0 ? "," : "", alerts[i], i, i);
	strbuf_addc(&sb, ']');
	assert_int_equal(alerts_parse(sb.buf, sb.len, &set, &cause), 0);
	assert_int_equal(set->ngroups, 1);
	g = &set->groups[0];
	assert_int_equal(g->n, 4);
	/* b is missing from the second, d differs in the fourth; 0, bb, e
	 * and z are not in every alert. */
	assert_int_equal(g->ncommon, 5);
	assert_string_equal(g->common[0].name, "a");
	assert_string_equal(g->common[1].name, "alertname");
	assert_string_equal(g->common[2].name, "c");
	assert_string_equal(g->common[3].name, "m");
	assert_string_equal(g->common[4].name, "severity");
	alert_set_free(set);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_order),
		cmocka_unit_test(test_common_uneven),
		cmocka_unit_test(test_sev_class),
		cmocka_unit_test(test_preview),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_matcher_text),
		cmocka_unit_test(test_silence_count),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_peer_order),
		cmocka_unit_test(test_arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
