/* Loki answer parsers: query_range streams in every shape Loki sends,
 * labels, exact nanosecond timestamps, text/plain errors, the merge of
 * several streams, LogQL completion, and mutated inputs that must never
 * crash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/logs.h"
#include "ceres/features/logs.h"
#include "ceres/util/util.h"

static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR") != NULL ? getenv("FIXTURES_DIR") : FIXTURES_DIR;
	char *path = xasprintf("%s/loki/%s", dir, name);
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	free(path);
	*len = sb.len;
	return strbuf_detach(&sb);
}

static const char *
label(const struct loki_stream *st, const char *name)
{
	for (size_t i = 0; i < st->nlabels; i++)
		if (strcmp(st->labels[i].name, name) == 0)
			return st->labels[i].value;
	return NULL;
}

static void
test_ts_parse(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(loki_ts_parse("1767436620123456789", 19, &v), 0);
	/* Not representable in a double: must be exact. */
	assert_true(v == INT64_C(1767436620123456789));
	assert_true((int64_t)(double)v != v);
	assert_int_equal(loki_ts_parse("9223372036854775807", 19, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(loki_ts_parse("9223372036854775808", 19, &v), -1);
	assert_int_equal(loki_ts_parse("17674366201234567890", 20, &v), -1);
	assert_int_equal(loki_ts_parse("", 0, &v), -1);
	assert_int_equal(loki_ts_parse("-1", 2, &v), -1);
	assert_int_equal(loki_ts_parse("12a4", 4, &v), -1);
	assert_int_equal(loki_ts_parse("1.5", 3, &v), -1);
	assert_int_equal(loki_ts_parse("0", 1, &v), 0);
	assert_true(v == 0);
}

static void
test_ts_format(void **state)
{
	char b[48];

	(void)state;
	assert_string_equal(fmt_rfc3339_ns(INT64_C(1767436620123456789), b, sizeof b),
	    "2026-01-03T10:37:00.123456789Z");
	assert_string_equal(fmt_rfc3339_ns(INT64_C(1767436620000000000), b, sizeof b),
	    "2026-01-03T10:37:00Z");
	assert_string_equal(fmt_rfc3339_ns(INT64_C(1767436620100000000), b, sizeof b),
	    "2026-01-03T10:37:00.1Z");
	assert_string_equal(fmt_rfc3339_ns(INT64_C(1767436620000000001), b, sizeof b),
	    "2026-01-03T10:37:00.000000001Z");
	assert_string_equal(fmt_rfc3339_ns(0, b, sizeof b), "1970-01-01T00:00:00Z");
}

static void
test_forward(void **state)
{
	struct loki_result r;
	struct loki_ref *refs;
	char *cause = NULL, *buf;
	size_t len, n;

	(void)state;
	buf = fixture("query_range.forward.json", &len);
	assert_int_equal(loki_parse_streams(buf, len, &r, &cause), 0);
	loki_result_order(&r, false);
	assert_int_equal(r.nstreams, 3);
	assert_int_equal(r.nentries, 6);
	assert_int_equal(r.nbad, 0);
	assert_int_equal(r.nwarnings, 2);
	assert_string_equal(r.warnings[0], "query timed out partially");
	/* Labels sorted by name whatever order they came in. */
	assert_string_equal(r.streams[0].labels[0].name, "app");
	assert_string_equal(r.streams[0].labels[1].name, "level");
	assert_string_equal(r.streams[0].labels[2].name, "namespace");
	assert_string_equal(label(&r.streams[1], "app"), "keycloak");
	assert_true(r.streams[0].values[1].ts == INT64_C(1767436620123456789));
	assert_string_equal(r.streams[0].values[1].line, "gitea line two, same ns");
	/* Same label set, other key order: same hash; other set: not. */
	assert_true(r.streams[0].hash != r.streams[1].hash);
	refs = loki_result_merge(&r, &n);
	assert_int_equal(n, 6);
	for (size_t i = 1; i < n; i++)
		assert_true(refs[i - 1].ts <= refs[i].ts);
	assert_true(refs[0].ts == INT64_C(1767436619999999999));
	assert_int_equal(refs[0].stream, 2);
	assert_true(refs[1].ts == INT64_C(1767436620123456788));
	/* Ties: stream order, then the stream's own order. */
	assert_int_equal(refs[2].stream, 0);
	assert_int_equal(refs[2].value, 0);
	assert_int_equal(refs[3].stream, 0);
	assert_int_equal(refs[3].value, 1);
	assert_int_equal(refs[4].stream, 1);
	assert_true(refs[5].ts == INT64_C(1767436621000000000));
	free(refs);
	loki_result_free(&r);
	free(buf);
}

static void
test_label_hash_order(void **state)
{
	const char *a = "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":["
	    "{\"stream\":{\"a\":\"1\",\"b\":\"2\"},\"values\":[[\"1\",\"x\"]]},"
	    "{\"stream\":{\"b\":\"2\",\"a\":\"1\"},\"values\":[[\"2\",\"y\"]]},"
	    "{\"stream\":{\"a\":\"12\"},\"values\":[]},"
	    "{\"stream\":{\"a1\":\"2\"},\"values\":[]}]}}";
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	assert_int_equal(loki_parse_streams(a, strlen(a), &r, &cause), 0);
	assert_true(r.streams[0].hash == r.streams[1].hash);
	/* {a="12"} and {a1="2"} must not collide by concatenation. */
	assert_true(r.streams[2].hash != r.streams[3].hash);
	loki_result_free(&r);
}

static void
test_backward_ties(void **state)
{
	struct loki_result r;
	char *cause = NULL, *buf;
	size_t len;

	(void)state;
	buf = fixture("query_range.backward.json", &len);
	assert_int_equal(loki_parse_streams(buf, len, &r, &cause), 0);
	loki_result_order(&r, true);
	assert_int_equal(r.streams[0].nvalues, 4);
	assert_string_equal(r.streams[0].values[0].line, "zeroth");
	/* Reversed as a whole, so the tie keeps its ingestion order. */
	assert_string_equal(r.streams[0].values[1].line, "first (tie, pushed earlier)");
	assert_string_equal(r.streams[0].values[2].line, "second (tie, pushed later)");
	assert_string_equal(r.streams[0].values[3].line, "third");
	loki_result_free(&r);
	free(buf);
}

static void
test_unsorted_stream(void **state)
{
	const char *a = "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":["
	    "{\"stream\":{\"a\":\"1\"},\"values\":[[\"5\",\"e\"],[\"1\",\"a\"],[\"3\",\"c1\"],"
	    "[\"3\",\"c2\"],[\"2\",\"b\"]]}]}}";
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	assert_int_equal(loki_parse_streams(a, strlen(a), &r, &cause), 0);
	loki_result_order(&r, false);
	assert_string_equal(r.streams[0].values[0].line, "a");
	assert_string_equal(r.streams[0].values[1].line, "b");
	assert_string_equal(r.streams[0].values[2].line, "c1");
	assert_string_equal(r.streams[0].values[3].line, "c2");
	assert_string_equal(r.streams[0].values[4].line, "e");
	loki_result_free(&r);
}

static void
test_categorized(void **state)
{
	struct loki_result r;
	char *cause = NULL, *buf;
	size_t len;

	(void)state;
	buf = fixture("query_range.categorized.json", &len);
	assert_int_equal(loki_parse_streams(buf, len, &r, &cause), 0);
	assert_int_equal(r.nentries, 3);
	assert_int_equal(r.nbad, 0);
	assert_string_equal(r.streams[0].values[2].line, "parsed too msg=x");
	loki_result_free(&r);
	free(buf);
}

static void
test_edge(void **state)
{
	struct loki_result r;
	char *cause = NULL, *buf;
	size_t len;

	(void)state;
	buf = fixture("query_range.edge.json", &len);
	assert_int_equal(loki_parse_streams(buf, len, &r, &cause), 0);
	loki_result_order(&r, false);
	assert_int_equal(r.nstreams, 3);
	/* numeric ts, 20 digits, negative, one element, not an array; and
	 * one result item that is not an object. */
	assert_int_equal(r.nbad, 6);
	assert_int_equal(r.streams[0].nvalues, 4);
	assert_int_equal(r.streams[0].values[0].len, 0);
	assert_non_null(strstr(r.streams[0].values[1].line, "\x1b]52;c;"));
	assert_true(r.streams[0].values[3].len > 16000);
	assert_int_equal(r.streams[1].nvalues, 0);
	assert_int_equal(r.streams[2].nlabels, 0);
	assert_string_equal(label(&r.streams[0], "pod"), "checkout-7d9f-ß");
	loki_result_free(&r);
	free(buf);
}

static void
expect_error(const char *name, const char *needle)
{
	struct loki_result r;
	char *cause = NULL, *buf;
	size_t len;

	buf = fixture(name, &len);
	assert_int_equal(loki_parse_streams(buf, len, &r, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("%s: \"%s\" does not mention \"%s\"", name, cause, needle);
	assert_null(r.streams);
	assert_int_equal(r.nstreams, 0);
	free(cause);
	free(buf);
}

static void
test_errors(void **state)
{
	struct loki_result r;
	char *cause = NULL, *buf;
	size_t len;

	(void)state;
	expect_error("query_range.matrix.json", "matrix");
	expect_error("query_range.json-error.json", "must be positive");
	expect_error("query_range.truncated.json", "malformed JSON");
	expect_error("query_range.400.txt", "malformed JSON");
	assert_int_equal(loki_parse_streams("[]", 2, &r, &cause), -1);
	free(cause);
	assert_int_equal(loki_parse_streams("{\"status\":\"success\"}", 20, &r, &cause), -1);
	free(cause);
	assert_int_equal(loki_parse_streams("", 0, &r, &cause), -1);
	free(cause);
	buf = fixture("query_range.empty.json", &len);
	assert_int_equal(loki_parse_streams(buf, len, &r, &cause), 0);
	assert_int_equal(r.nstreams, 0);
	assert_int_equal(r.nentries, 0);
	loki_result_free(&r);
	free(buf);
}

static void
test_error_text(void **state)
{
	char *buf, *t;
	size_t len;

	(void)state;
	buf = fixture("query_range.400.txt", &len);
	t = loki_error_text(buf, len);
	assert_string_equal(t, "parse error at line 1, col 2: syntax error: unexpected IDENTIFIER");
	free(t);
	free(buf);
	buf = fixture("query_range.503-multiline.txt", &len);
	t = loki_error_text(buf, len);
	assert_string_equal(t, "Some services are not Running: / Starting: 1 / Running: 9");
	free(t);
	free(buf);
	{
		const char *evil = "evil \x1b]0;title\x07 \x9b" "2J";

		t = loki_error_text(evil, strlen(evil));
	}
	assert_null(strchr(t, '\x1b'));
	assert_null(strchr(t, '\x07'));
	assert_non_null(strstr(t, "␛]0;title␇"));
	free(t);
	t = loki_error_text("", 0);
	assert_string_equal(t, "");
	free(t);
}

static void
test_labels(void **state)
{
	char **v, *cause = NULL, *buf;
	size_t len, n;

	(void)state;
	buf = fixture("labels.json", &len);
	assert_int_equal(loki_parse_labels(buf, len, &v, &n, &cause), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "app");
	assert_null(v[n]);
	loki_strv_free(v, n);
	free(buf);
	buf = fixture("labels.empty.json", &len);
	assert_int_equal(loki_parse_labels(buf, len, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	loki_strv_free(v, n);
	free(buf);
	buf = fixture("label_values.json", &len);
	assert_int_equal(loki_parse_labels(buf, len, &v, &n, &cause), 0);
	assert_int_equal(n, 4);	/* 42 and null skipped */
	assert_string_equal(v[3], "we\"ird\\value");
	loki_strv_free(v, n);
	free(buf);
	buf = fixture("labels.bad.json", &len);
	assert_int_equal(loki_parse_labels(buf, len, &v, &n, &cause), -1);
	free(cause);
	free(buf);
	assert_int_equal(loki_parse_labels("{", 1, &v, &n, &cause), -1);
	free(cause);
}

static bool
has(char **c, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i], s) == 0)
			return true;
	return false;
}

static void
test_complete(void **state)
{
	char *app_values[] = { "caddy", "gitea", "git\"quote" };
	char *job_values[] = { "ceres/gitea" };
	struct loki_labelset ls[] = {
		{ "app", app_values, 3 },
		{ "job", job_values, 1 },
		{ "namespace", NULL, 0 },
	};
	char **c;
	size_t n;

	(void)state;
	c = logql_complete("", ls, 3, &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0], "{");
	loki_strv_free(c, n);
	c = logql_complete("{", ls, 3, &n);
	assert_int_equal(n, 3);
	assert_true(has(c, n, "{app=\""));
	assert_true(has(c, n, "{namespace=\""));
	loki_strv_free(c, n);
	c = logql_complete("{a", ls, 3, &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0], "{app=\"");
	loki_strv_free(c, n);
	c = logql_complete("{app=\"gi", ls, 3, &n);
	assert_int_equal(n, 2);
	assert_true(has(c, n, "{app=\"gitea\""));
	assert_true(has(c, n, "{app=\"git\\\"quote\""));
	assert_null(c[n]);
	loki_strv_free(c, n);
	c = logql_complete("{app=~", ls, 3, &n);
	assert_int_equal(n, 3);
	assert_true(has(c, n, "{app=~\"caddy\""));
	loki_strv_free(c, n);
	c = logql_complete("{app=\"gitea\", j", ls, 3, &n);
	assert_int_equal(n, 1);
	assert_string_equal(c[0], "{app=\"gitea\", job=\"");
	loki_strv_free(c, n);
	c = logql_complete("{app=\"gitea\"", ls, 3, &n);
	assert_true(has(c, n, "{app=\"gitea\"}"));
	loki_strv_free(c, n);
	/* Inside a line filter string: nothing to offer. */
	c = logql_complete("{app=\"gitea\"} |= \"{a", ls, 3, &n);
	assert_int_equal(n, 0);
	loki_strv_free(c, n);
	c = logql_complete("{zzz=\"", ls, 3, &n);
	assert_int_equal(n, 0);
	loki_strv_free(c, n);
}

/* Mutated fixtures: every answer must parse or fail cleanly (ASan and
 * UBSan builds turn any memory error into a failure). */
static void
test_mutations(void **state)
{
	static const char *const files[] = {
		"query_range.forward.json", "query_range.edge.json", "query_range.backward.json",
		"query_range.categorized.json", "labels.json",
	};
	unsigned seed = 12345;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t len;
		char *orig = fixture(files[f], &len);

		for (int round = 0; round < 400; round++) {
			char *m = xstrndup(orig, len);
			size_t mlen = len;
			struct loki_result r;
			char **v, *cause = NULL;
			size_t n;

			for (int k = 0; k < 1 + round % 8; k++) {
				seed = seed * 1103515245 + 12345;
				m[(seed >> 8) % len] = (char)(seed >> 16);
			}
			if (round % 5 == 0)
				mlen = (seed >> 4) % len;
			if (loki_parse_streams(m, mlen, &r, &cause) == 0) {
				struct loki_ref *refs;

				loki_result_order(&r, round % 2 == 0);
				refs = loki_result_merge(&r, &n);
				assert_int_equal(n, r.nentries);
				free(refs);
				loki_result_free(&r);
			} else {
				assert_non_null(cause);
				free(cause);
			}
			cause = NULL;
			if (loki_parse_labels(m, mlen, &v, &n, &cause) == 0)
				loki_strv_free(v, n);
			else
				free(cause);
			free(m);
		}
		free(orig);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ts_parse),
		cmocka_unit_test(test_ts_format),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_label_hash_order),
		cmocka_unit_test(test_backward_ties),
		cmocka_unit_test(test_unsorted_stream),
		cmocka_unit_test(test_categorized),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_mutations),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
