/* The Loki reader (loki_reader_feed): an answer fed in any pieces gives
 * the same streams, lines, counts and errors as in one piece; strings
 * with brackets, escaped quotes, the words "data" and "result" and
 * multi-byte UTF-8 split anywhere; a malformed stream among valid ones is
 * counted and skipped, and so is a malformed value of a stream; a single
 * stream is held value by value; a truncated answer and one value past
 * the JSON guard give today's errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/logs.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

/* Every string a scanner could trip on, in keys, labels and lines. */
static const char tricky[] =
    "{\"status\":\"success\",\"note\":\"\\\"data\\\": {\\\"result\\\": [\","
    "\"data\":{\"resultType\":\"streams\",\"stats\":{\"result\":[1,2]},\"result\":["
    "{\"stream\":{\"app\":\"a]}[{\",\"pod\":\"p\\\"q\\\\\"},\"values\":["
    "[\"1767436620000000001\",\"line ] with } brackets [ {\"],"
    "[\"1767436620000000002\",\"escaped \\\"quote\\\" and \\\\\\\" more\"],"
    "[\"1767436620000000003\",\"Ünïcödé 名前 — 🚨 \\u00e9\"]]},"
    "{\"values\":[[\"1767436620000000004\",\"\\\"result\\\":[\"]],\"stream\":{\"ß\":\"日本\"}},"
    "{\"stream\":{},\"values\":[]},"
    "{\"stream\":{\"x\":\"1\"},\"values\":[[\"bad\",\"ts\"],[\"1767436620000000005\"],"
    "[\"1767436620000000006\",\"ok\",{\"meta\":\"]\"}]]}"
    "]},\"warnings\":[\"w]1\",\"w2\"]}";

/* Valid streams around malformed ones: a number, a string, an array,
 * an object with a bad token, one nested too deep. */
static char *
with_malformed(void)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":["
	    "{\"stream\":{\"a\":\"1\"},\"values\":[[\"10\",\"first\"]]},7,\"s\",[1,2],"
	    "{\"stream\":{\"a\":tru},\"values\":[]},");
	for (int i = 0; i < 1100; i++)
		strbuf_adds(&sb, "[");
	for (int i = 0; i < 1100; i++)
		strbuf_adds(&sb, "]");
	strbuf_adds(&sb, ",{\"stream\":{\"a\":\"2\"},\"values\":[[\"20\",\"second\"]]}]}}");
	return strbuf_detach(&sb);
}

/* Parse buf fed in the pieces cut at cuts[0..ncuts) (increasing). */
static int
parse_split(const char *buf, size_t len, const size_t *cuts, size_t ncuts,
    struct loki_result *r, char **cause)
{
	struct loki_reader *rd = loki_reader_new();
	size_t at = 0;
	int rc;

	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;

		loki_reader_feed(buf + at, end - at, rd);
		at = end;
	}
	rc = loki_reader_finish(rd, r, cause);
	loki_reader_free(rd);
	return rc;
}

static void
assert_same(const struct loki_result *a, const struct loki_result *b)
{
	assert_int_equal(a->nstreams, b->nstreams);
	assert_int_equal(a->nentries, b->nentries);
	assert_int_equal(a->nbad, b->nbad);
	assert_int_equal(a->nbad_streams, b->nbad_streams);
	assert_int_equal(a->nwarnings, b->nwarnings);
	for (size_t w = 0; w < a->nwarnings; w++)
		assert_string_equal(a->warnings[w], b->warnings[w]);
	for (size_t s = 0; s < a->nstreams; s++) {
		const struct loki_stream *x = &a->streams[s], *y = &b->streams[s];

		assert_true(x->hash == y->hash);
		assert_int_equal(x->nlabels, y->nlabels);
		for (size_t l = 0; l < x->nlabels; l++) {
			assert_string_equal(x->labels[l].name, y->labels[l].name);
			assert_string_equal(x->labels[l].value, y->labels[l].value);
		}
		assert_int_equal(x->nvalues, y->nvalues);
		for (size_t v = 0; v < x->nvalues; v++) {
			assert_true(x->values[v].ts == y->values[v].ts);
			assert_int_equal(x->values[v].len, y->values[v].len);
			assert_memory_equal(x->values[v].line, y->values[v].line, x->values[v].len);
			assert_int_equal(y->values[v].line[y->values[v].len], '\0');
		}
	}
}

/* Every cut into two pieces, and many into three and into bytes, give
 * the one-piece result (or error). */
static void
check_splits(const char *buf, size_t len)
{
	struct loki_result one, r;
	char *c1 = NULL, *c2 = NULL;
	int rc1 = loki_parse_streams(buf, len, &one, &c1);

	for (size_t k = 0; k <= len; k++) {
		size_t cuts[2] = { k, k + (len - k) / 2 };
		size_t *bytes;

		for (size_t n = 1; n <= 2; n++) {
			int rc = parse_split(buf, len, cuts, n, &r, &c2);

			assert_int_equal(rc, rc1);
			if (rc == 0) {
				assert_same(&one, &r);
				loki_result_free(&r);
			} else {
				assert_string_equal(c1, c2);
				free(c2);
			}
			c2 = NULL;
		}
		if (k > 0)
			continue;
		bytes = xcalloc(len + 1, sizeof *bytes);
		for (size_t i = 0; i < len; i++)
			bytes[i] = i;	/* one byte at a time */
		assert_int_equal(parse_split(buf, len, bytes, len, &r, &c2), rc1);
		if (rc1 == 0)
			loki_result_free(&r);
		free(c2);
		c2 = NULL;
		free(bytes);
	}
	if (rc1 == 0)
		loki_result_free(&one);
	free(c1);
}

static void
test_tricky_splits(void **state)
{
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	assert_int_equal(loki_parse_streams(tricky, strlen(tricky), &r, &cause), 0);
	assert_int_equal(r.nstreams, 4);
	assert_string_equal(r.streams[0].values[0].line, "line ] with } brackets [ {");
	assert_string_equal(r.streams[0].values[1].line, "escaped \"quote\" and \\\" more");
	assert_string_equal(r.streams[0].values[2].line, "Ünïcödé 名前 — 🚨 é");
	assert_string_equal(r.streams[1].values[0].line, "\"result\":[");
	assert_string_equal(r.streams[1].labels[0].value, "日本");
	assert_int_equal(r.streams[2].nvalues, 0);
	assert_int_equal(r.streams[3].nvalues, 1);
	assert_int_equal(r.nentries, 5);
	assert_int_equal(r.nbad, 2);
	assert_int_equal(r.nbad_streams, 0);
	assert_int_equal(r.nwarnings, 2);
	assert_string_equal(r.warnings[0], "w]1");
	loki_result_free(&r);
	check_splits(tricky, strlen(tricky));
}

static void
test_malformed_stream(void **state)
{
	char *buf = with_malformed();
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	assert_int_equal(loki_parse_streams(buf, strlen(buf), &r, &cause), 0);
	assert_int_equal(r.nstreams, 2);
	assert_string_equal(r.streams[0].values[0].line, "first");
	assert_string_equal(r.streams[1].values[0].line, "second");
	assert_int_equal(r.nbad_streams, 5);
	assert_int_equal(r.nbad, 5);
	loki_result_free(&r);
	check_splits(buf, strlen(buf));
	free(buf);
}

/* Every prefix is an error (the answer ends before its '}'), the same
 * cut in pieces as in one. */
static void
test_truncated(void **state)
{
	size_t len = strlen(tricky);

	(void)state;
	for (size_t l = 0; l < len; l++) {
		struct loki_result r;
		char *c1 = NULL, *c2 = NULL;
		size_t cut = l / 2;

		assert_int_equal(loki_parse_streams(tricky, l, &r, &c1), -1);
		assert_int_equal(parse_split(tricky, l, &cut, 1, &r, &c2), -1);
		assert_string_equal(c1, c2);
		assert_true(strstr(c1, "malformed JSON") != NULL || strstr(c1, "not a JSON object") != NULL ||
		    strstr(c1, "no \"data\"") != NULL);
		free(c1);
		free(c2);
	}
}

/* Errors outside data.result are found as before, wherever it is. */
static void
test_skeleton_errors(void **state)
{
	static const struct { const char *in, *err; } cases[] = {
		{ "{\"status\":\"success\",\"data\":{\"result\":[{\"stream\":{},\"values\":[]}],"
		  "\"resultType\":\"matrix\"}}", "returns matrix" },
		{ "{\"status\":\"error\",\"error\":\"bad range\",\"data\":{\"result\":[]}}", "Loki error: bad range" },
		{ "{\"data\":{\"resultType\":\"streams\",\"result\":{}}}", "is not a list" },
		{ "[{\"data\":{\"result\":[]}}]", "not a JSON object" },
		{ "{\"data\":{\"result\":[1 2]}}", "malformed JSON" },
		{ "{\"status\":\"success\"}", "no \"data\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct loki_result r;
		char *cause = NULL;

		assert_int_equal(loki_parse_streams(cases[i].in, strlen(cases[i].in), &r, &cause), -1);
		if (strstr(cause, cases[i].err) == NULL)
			fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].in, cause, cases[i].err);
		free(cause);
		check_splits(cases[i].in, strlen(cases[i].in));
	}
}

/* Keys spelt with escapes are not followed by the scanner: the answer is
 * then read in whole, with the same streams. */
static void
test_escaped_keys(void **state)
{
	static const char in[] = "{\"d\\u0061ta\":{\"resultType\":\"streams\",\"result\":"
	    "[{\"stream\":{\"a\":\"b\"},\"values\":[[\"5\",\"x\"]]}]}}";
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	assert_int_equal(loki_parse_streams(in, strlen(in), &r, &cause), 0);
	assert_int_equal(r.nstreams, 1);
	assert_string_equal(r.streams[0].values[0].line, "x");
	loki_result_free(&r);
	check_splits(in, strlen(in));
}

/* One value past the JSON guard: "too complex", as for the whole answer;
 * a stream of more values than the guard is read value by value. */
static void
test_too_complex(void **state)
{
	struct strbuf sb;
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"data\":{\"result\":[{\"stream\":{},\"values\":[[\"1\",\"a\",[");
	for (int i = 0; i < JSON_MAX_VALUES / 2 + 10; i++)
		strbuf_adds(&sb, i > 0 ? ",[]" : "[]");
	strbuf_adds(&sb, "]]]}]}}");
	assert_int_equal(loki_parse_streams(sb.buf, sb.len, &r, &cause), -1);
	assert_non_null(strstr(cause, "too complex"));
	free(cause);
	strbuf_free(&sb);

	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"data\":{\"result\":[{\"stream\":{\"a\":\"b\"},\"values\":[");
	for (int i = 0; i < JSON_MAX_VALUES / 2 + 10; i++)
		strbuf_addf(&sb, "%s[\"%d\",\"l\"]", i > 0 ? "," : "", i + 1);
	strbuf_adds(&sb, "]}]}}");
	assert_int_equal(loki_parse_streams(sb.buf, sb.len, &r, &cause), 0);
	assert_int_equal(r.nstreams, 1);
	assert_int_equal(r.nentries, JSON_MAX_VALUES / 2 + 10);
	assert_int_equal(r.streams[0].values[JSON_MAX_VALUES / 2 + 9].ts, JSON_MAX_VALUES / 2 + 10);
	assert_int_equal(r.nbad, 0);
	loki_result_free(&r);
	strbuf_free(&sb);
}

/* Malformed values and streams among valid ones in one stream's answer:
 * each counted, the others kept, whatever the pieces. */
static const char values_bad[] =
    "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":["
    "{\"stream\":{\"app\":\"one\"},\"values\":["
    "[\"11\",\"v1 [\\\"]\"],"			/* fine: brackets and an escaped quote */
    "[\"12\"],"				/* no line */
    "[12,\"ts not a string\"],"
    "\"not a pair\","
    "[\"13\",\"v2\",{\"meta\":\"x\"}],"		/* structured metadata: fine */
    "{\"ts\":\"14\"},"
    "[\"-1\",\"negative\"],"
    "[\"15\",\"v3 \u00e9 \u65e5\"]]},"
    "{\"stream\":{\"app\":\"two\"},\"values\":[[\"21\",\"w1\"] [\"22\",\"w2\"]]},"	/* values unframed */
    "{\"values\":[[\"31\",\"x1\"],[\"32\",\"x2\"]],\"stream\":{\"app\":\"three\"}},"
    "{\"stream\":{\"app\":\"four\"},\"v\\u0061lues\":[[\"41\",\"y1\"],[\"bad\",\"y\"]],\"values\":7}"
    "]}}";

static void
test_values_malformed(void **state)
{
	struct loki_result r;
	char *cause = NULL;

	(void)state;
	assert_int_equal(loki_parse_streams(values_bad, strlen(values_bad), &r, &cause), 0);
	assert_int_equal(r.nstreams, 3);
	assert_int_equal(r.streams[0].nvalues, 3);
	assert_string_equal(r.streams[0].values[0].line, "v1 [\"]");
	assert_string_equal(r.streams[0].values[1].line, "v2");
	assert_string_equal(r.streams[0].values[2].line, "v3 é 日");
	assert_int_equal(r.streams[0].values[2].ts, 15);
	assert_string_equal(r.streams[1].labels[0].value, "three");
	assert_int_equal(r.streams[1].nvalues, 2);
	assert_string_equal(r.streams[1].values[1].line, "x2");
	/* "v\u0061lues" is not followed: the stream reads it whole. */
	assert_int_equal(r.streams[2].nvalues, 1);
	assert_string_equal(r.streams[2].values[0].line, "y1");
	assert_int_equal(r.nentries, 6);
	assert_int_equal(r.nbad_streams, 1);
	assert_int_equal(r.nbad, 1 + 5 + 1);	/* stream two, five values of one, one of four */
	loki_result_free(&r);
	check_splits(values_bad, strlen(values_bad));
}

/* A single stream of 20,000 lines fed in 4 KiB pieces: the reader holds
 * one value at a time, not the stream, and gives what one piece gives. */
static void
test_single_stream_held(void **state)
{
	struct strbuf sb;
	struct loki_result r, one;
	struct loki_reader *rd = loki_reader_new();
	size_t held = 0;
	char *cause = NULL;

	(void)state;
	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
	    "[{\"stream\":{\"job\":\"node\"},\"values\":[");
	for (int i = 0; i < 20000; i++)
		strbuf_addf(&sb, "%s[\"%d\",\"line %d of the one stream, with \\\"quotes\\\" ]\"]",
		    i > 0 ? "," : "", 1000 + i, i);
	strbuf_adds(&sb, "]}]}}");
	assert_true(sb.len > 1000000);
	for (size_t at = 0; at < sb.len; at += 4096) {
		loki_reader_feed(sb.buf + at, sb.len - at < 4096 ? sb.len - at : 4096, rd);
		if (loki_reader_held(rd) > held)
			held = loki_reader_held(rd);
	}
	assert_true(held < 4096);
	assert_int_equal(loki_reader_finish(rd, &r, &cause), 0);
	loki_reader_free(rd);
	assert_int_equal(loki_parse_streams(sb.buf, sb.len, &one, &cause), 0);
	assert_same(&one, &r);
	assert_int_equal(r.nentries, 20000);
	assert_string_equal(r.streams[0].values[19999].line, "line 19999 of the one stream, with \"quotes\" ]");
	loki_result_free(&r);
	loki_result_free(&one);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tricky_splits),
		cmocka_unit_test(test_malformed_stream),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_skeleton_errors),
		cmocka_unit_test(test_escaped_keys),
		cmocka_unit_test(test_too_complex),
		cmocka_unit_test(test_values_malformed),
		cmocka_unit_test(test_single_stream_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
