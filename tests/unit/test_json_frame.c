/* The framing scanner of a chunked JSON array (util/json_frame.c): every
 * split of an answer into pieces gives the same elements and the same
 * result as one piece, with and without a take() reading whole objects
 * out of the pieces; brackets and escaped quotes inside strings,
 * multi-byte UTF-8 split across pieces; truncated, over-cap, too complex
 * and too deep answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/util/json.h"
#include "ceres/util/json_frame.h"
#include "ceres/util/util.h"

#include <cJSON.h>

/* Elements joined with '\n' (NULL ones as "<deep>"), with their offsets. */
struct seen {
	struct strbuf	 out;
	size_t		 n;
};

static void
collect(const char *el, size_t len, size_t offset, void *arg)
{
	struct seen *s = arg;

	if (el == NULL)
		strbuf_adds(&s->out, "<deep>");
	else
		strbuf_add(&s->out, el, len);
	strbuf_addf(&s->out, "@%zu\n", offset);
	s->n++;
}

/* A take(): the object at p read by cJSON, its end where cJSON's reading
 * ends (bracket by bracket, as the framing's), recorded as collect()
 * records an element.  with_take turns it on for run(). */
static bool with_take;
static size_t taken;

static size_t
take_object(const char *p, size_t n, size_t offset, void *arg)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(p, n, &end, 0);
	size_t len;

	if (!cJSON_IsObject(j) || end == NULL) {
		cJSON_Delete(j);
		return 0;
	}
	cJSON_Delete(j);
	len = (size_t)(end - p);
	collect(p, len, offset, arg);
	taken++;
	return len;
}

struct outcome {
	enum json_frame_result	 r;
	size_t			 err_at;
	char			*elems;
};

/* Feed buf cut at the given points (sorted, ncut of them). */
static struct outcome
run(const char *buf, size_t len, size_t max, const size_t *cuts, size_t ncut)
{
	struct json_frame f;
	struct seen s;
	struct outcome o;
	size_t at = 0;

	strbuf_init(&s.out);
	strbuf_add(&s.out, "", 0);
	s.n = 0;
	json_frame_init(&f, max, collect, &s);
	if (with_take)
		json_frame_take(&f, take_object);
	for (size_t i = 0; i <= ncut; i++) {
		size_t to = i < ncut ? cuts[i] : len;

		json_frame_feed(&f, buf + at, to - at);
		at = to;
	}
	o.r = json_frame_finish(&f);
	o.err_at = f.err_at;
	assert_int_equal(f.elements, s.n);
	json_frame_free(&f);
	o.elems = strbuf_detach(&s.out);
	return o;
}

/* Every split into two and three pieces (and one byte at a time) gives
 * what one piece gives (over the cap, the elements before it may have
 * been handed over: only the result must agree). */
static struct outcome
every_split(const char *buf, size_t max)
{
	size_t len = strlen(buf), cuts[2];
	struct outcome whole = run(buf, len, max, NULL, 0), o;
	size_t *bytes = xcalloc(len + 1, sizeof *bytes);

	for (cuts[0] = 0; cuts[0] <= len; cuts[0]++) {
		o = run(buf, len, max, cuts, 1);
		assert_int_equal(o.r, whole.r);
		assert_int_equal(o.err_at, whole.err_at);
		if (whole.r != JSON_FRAME_TOO_LARGE)
			assert_string_equal(o.elems, whole.elems);
		free(o.elems);
		for (cuts[1] = cuts[0]; cuts[1] <= len && len < 200; cuts[1]++) {
			o = run(buf, len, max, cuts, 2);
			assert_int_equal(o.r, whole.r);
			assert_int_equal(o.err_at, whole.err_at);
			if (whole.r != JSON_FRAME_TOO_LARGE)
				assert_string_equal(o.elems, whole.elems);
			free(o.elems);
		}
	}
	for (size_t i = 0; i < len; i++)
		bytes[i] = i + 1;
	o = run(buf, len, max, bytes, len > 0 ? len - 1 : 0);
	assert_int_equal(o.r, whole.r);
	if (whole.r != JSON_FRAME_TOO_LARGE)
		assert_string_equal(o.elems, whole.elems);
	free(o.elems);
	free(bytes);
	return whole;
}

static void
expect(const char *buf, enum json_frame_result r, size_t err_at, const char *elems)
{
	struct outcome o;

	/* Framed only, then with objects taken whole where a piece holds
	 * them: the same elements, offsets and result. */
	for (int t = 0; t < 2; t++) {
		with_take = t == 1;
		o = every_split(buf, 0);
		assert_int_equal(o.r, r);
		if (r == JSON_FRAME_INVALID)
			assert_int_equal(o.err_at, err_at);
		if (elems != NULL)
			assert_string_equal(o.elems, elems);
		free(o.elems);
	}
	with_take = false;
}

static void
test_elements(void **state)
{
	(void)state;
	expect("[]", JSON_FRAME_OK, 0, "");
	expect(" \n[ ] trailing", JSON_FRAME_OK, 0, "");
	expect("[{\"a\":1},{\"b\":[2,{\"c\":3}]}]", JSON_FRAME_OK, 0,
	    "{\"a\":1}@1\n{\"b\":[2,{\"c\":3}]}@9\n");
	expect("[ 1 , true,null ,\"s\"]", JSON_FRAME_OK, 0, "1@2\ntrue@6\nnull@11\n\"s\"@17\n");
	/* Brackets and escaped quotes inside strings do not frame. */
	expect("[{\"x\":\"]}[{,\"},{\"y\":\"a\\\"]\\\\\"}]", JSON_FRAME_OK, 0,
	    "{\"x\":\"]}[{,\"}@1\n{\"y\":\"a\\\"]\\\\\"}@15\n");
	/* Multi-byte UTF-8 (2, 3 and 4 bytes) split at every byte. */
	expect("[{\"s\":\"\xd0\xb6\xe2\x82\xac\xf0\x9f\x94\xa5\"},\"\xe2\x82\xac]\"]", JSON_FRAME_OK, 0,
	    "{\"s\":\"\xd0\xb6\xe2\x82\xac\xf0\x9f\x94\xa5\"}@1\n\"\xe2\x82\xac]\"@19\n");
	/* Unbalanced in kind but balanced in count: framed, the parser judges. */
	expect("[{],{\"a\":1}]", JSON_FRAME_OK, 0, "{]@1\n{\"a\":1}@4\n");
	/* The take() above did take objects (whole in a piece). */
	taken = 0;
	expect("[{\"a\":1}, {\"b\":2}]", JSON_FRAME_OK, 0, "{\"a\":1}@1\n{\"b\":2}@10\n");
	assert_true(taken > 0);
}

static void
test_errors(void **state)
{
	struct outcome o;
	char *big;

	(void)state;
	expect("", JSON_FRAME_EMPTY, 0, "");
	expect("  ", JSON_FRAME_NOT_ARRAY, 0, "");
	expect("{\"error\":\"x\"}", JSON_FRAME_NOT_ARRAY, 0, "");
	/* Truncated: the error is where the unfinished part starts. */
	expect("[", JSON_FRAME_INVALID, 1, "");
	expect("[{\"a\":1},{\"b\":\"x", JSON_FRAME_INVALID, 9, "{\"a\":1}@1\n");
	expect("[{\"a\":1},", JSON_FRAME_INVALID, 9, NULL);
	expect("[{\"a\":1}", JSON_FRAME_INVALID, 8, NULL);
	expect("[1", JSON_FRAME_INVALID, 2, "1@1\n");
	/* Empty elements and garbage between them. */
	expect("[1,]", JSON_FRAME_INVALID, 3, NULL);
	expect("[,1]", JSON_FRAME_INVALID, 1, NULL);
	expect("[{} x]", JSON_FRAME_INVALID, 4, NULL);
	expect("[{}}]", JSON_FRAME_INVALID, 3, NULL);
	/* Over the cap, however it is cut, objects taken or not. */
	for (int t = 0; t < 2; t++) {
		with_take = t == 1;
		o = every_split("[{\"a\":1},{\"b\":2}]", 10);
		assert_int_equal(o.r, JSON_FRAME_TOO_LARGE);
		free(o.elems);
		o = every_split("[{\"a\":1},{\"b\":2}]", 17);
		assert_int_equal(o.r, JSON_FRAME_OK);
		free(o.elems);
	}
	with_take = false;
	/* One element over the value bound: too complex; truncated first,
	 * invalid at its start. */
	big = xcalloc(2 * JSON_MAX_VALUES + 16, 1);
	strcpy(big, "[1,[");
	for (size_t i = 0, k = 4; i < JSON_MAX_VALUES; i++, k += 2)
		memcpy(big + k, "0,", 2);
	o = run(big, strlen(big), 0, NULL, 0);
	assert_int_equal(o.r, JSON_FRAME_INVALID);
	assert_int_equal(o.err_at, 3);
	free(o.elems);
	strcpy(big + strlen(big) - 1, "]]");
	o = run(big, strlen(big), 0, NULL, 0);
	assert_int_equal(o.r, JSON_FRAME_TOO_COMPLEX);
	free(o.elems);
	free(big);
}

static void
test_deep(void **state)
{
	size_t d = JSON_FRAME_MAX_DEPTH + 5;
	char *buf = xcalloc(2 * d + 16, 1);
	struct outcome o;

	(void)state;
	buf[0] = '[';
	memset(buf + 1, '[', d);
	memset(buf + 1 + d, ']', d);
	strcpy(buf + 1 + 2 * d, ",{}]");
	o = run(buf, strlen(buf), 0, NULL, 0);
	assert_int_equal(o.r, JSON_FRAME_OK);
	/* Too deep: handed over as malformed, not kept; the next one is. */
	assert_non_null(strstr(o.elems, "<deep>@1\n{}@"));
	free(o.elems);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
