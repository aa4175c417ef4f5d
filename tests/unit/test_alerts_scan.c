/* am_alert_scan(): an alert read straight from its bytes must be the
 * alert cJSON's reading gives, or the scan must leave the element to
 * cJSON.  Every element of the alerts fixtures, hand-made corners, and
 * every one-byte change and cut of a rich element are read both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdlib.h>

#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"
#include "alerts_fixture.h"
#include "../fuzz/alerts_scan_check.h"

static int
check(const char *el, size_t len)
{
	const char *why;
	int r = scan_matches_cjson(el, len, &why);

	if (r == SCAN_MISMATCH)
		fail_msg("scan and cJSON differ (%s) on: %.*s", why, (int)len, el);
	return r;
}

static int
check_str(const char *el)
{
	return check(el, strlen(el));
}

static void
test_fixtures(void **state)
{
	static const char *names[] = {
		"alerts-two.json", "alerts-edge.json",
		"alerts-grouping.json", "alerts-silenced.json",
		"alerts-duplicates.json", "alerts-malformed.json",
		"alerts-wrong-types.json",
	};
	size_t same = 0, total = 0;

	(void)state;
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		size_t len;
		char *buf = fixture(names[f], &len);
		cJSON *root = cJSON_ParseWithLength(buf, len), *el;

		if (root == NULL) {	/* alerts-malformed.json: broken as a whole */
			free(buf);
			continue;
		}
		cJSON_ArrayForEach(el, root) {
			char *a = cJSON_PrintUnformatted(el), *b = cJSON_Print(el);

			same += check_str(a) == SCAN_SAME;
			same += check_str(b) == SCAN_SAME;
			total += 2;
			free(a);
			free(b);
		}
		cJSON_Delete(root);
		free(buf);
	}
	/* Most of them are plain alerts, read by the scan itself. */
	assert_true(total > 20);
	assert_true(same * 2 > total);
}

static void
test_corners(void **state)
{
	static const struct {
		const char	*el;
		int		 want;
	} cases[] = {
		{ "{}", SCAN_SAME },
		{ " { } ", SCAN_SAME },
		{ "{\"labels\":{}}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"}}", SCAN_SAME },
		/* The first member of a name counts, for labels a repeated
		 * label its last value. */
		{ "{\"labels\":{\"alertname\":\"A\"},\"labels\":{\"alertname\":\"B\"}}", SCAN_SAME },
		{ "{\"labels\":[],\"labels\":{\"alertname\":\"B\"}}", SCAN_SAME },
		{ "{\"labels\":{\"x\":\"1\",\"x\":\"2\",\"a\":\"0\"}}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"},\"fingerprint\":true,\"fingerprint\":\"ff\"}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"},\"fingerprint\":\"\"}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\",\"b\":null,\"c\":true,\"d\":{\"e\":[[]]}}}", SCAN_SAME },
		/* Escapes, in values and in names. */
		{ "{\"labels\":{\"alertname\":\"q\\\"b\\\\s\\/t\\tn\\nr\\rb\\bf\\f\"}}", SCAN_SAME },
		{ "{\"lab\\u0065ls\":{\"a\":\"1\"}}", SCAN_GAVE_UP },
		{ "{\"l\\\\abels\":{\"a\":\"1\"}}", SCAN_SAME },
		{ "{\"labels\":{\"a\\\"b\":\"1\"},\"annotations\":{\"summary\":\"\\\"x\\\"\"}}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"x\\u0000y\"}}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"\\ud83d\\ude00\"}}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"\\x\"}}", SCAN_GAVE_UP },
		/* Bytes kept as they come: invalid UTF-8, controls. */
		{ "{\"labels\":{\"a\":\"\xff\xfe\",\"b\":\"\x1b[31m\x07\"}}", SCAN_SAME },
		{ "{\"labels\":{\"\xc3\":\"v\",\"\xc3\xa9\":\"w\"}}", SCAN_SAME },
		/* Numbers are cJSON's. */
		{ "{\"labels\":{\"a\":\"1\"},\"startsAt\":12}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\"},\"x\":-0.5e3}", SCAN_GAVE_UP },
		/* Receivers and the status lists. */
		{ "{\"labels\":{\"a\":\"1\"},\"receivers\":[\"r\",{\"name\":\"o\"},{\"name\":null,\"name\":\"late\"},"
		  "{},[],{\"x\":\"y\",\"name\":\"n\"},true]}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"},\"status\":{\"state\":\"suppressed\",\"silencedBy\":[\"s1\",null],"
		  "\"inhibitedBy\":{},\"mutedBy\":[\"m\"]}}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"},\"status\":{\"state\":false,\"state\":\"unprocessed\"}}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"},\"status\":\"active\",\"status\":{\"state\":\"suppressed\"}}", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"},\"status\":{\"silencedBy\":[],\"silencedBy\":[\"s\"]}}", SCAN_SAME },
		/* Not JSON, or not plain: cJSON decides. */
		{ "{\"labels\":{\"a\":\"1\"},}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\"}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\"}} x", SCAN_SAME },
		{ "{\"labels\":{\"a\":\"1\"} x", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\"},\"x\":nul}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\"},\"x\":[1,]}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\"}\x01}", SCAN_GAVE_UP },
		{ "{\"labels\":{\"a\":\"1\",\"b\":\"2\"}\f}", SCAN_GAVE_UP },
		{ "[{\"labels\":{\"a\":\"1\"}}]", SCAN_GAVE_UP },
		{ "\"alert\"", SCAN_GAVE_UP },
		{ "", SCAN_GAVE_UP },
	};
	static const char nul[] = "{\"labels\":{\"a\":\"x\0y\"}}";
	char deep[200];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r = check_str(cases[i].el);

		if (r != cases[i].want)
			fail_msg("%s: %s, not %s", cases[i].el, r == SCAN_SAME ? "read" : "left to cJSON",
			    cases[i].want == SCAN_SAME ? "read" : "left to cJSON");
	}
	/* A raw NUL inside a string: cJSON's (it ends the C string). */
	assert_int_equal(check(nul, sizeof nul - 1), SCAN_GAVE_UP);
	/* Nesting deeper than an alert goes is cJSON's; a little is not. */
	n = (size_t)snprintf(deep, sizeof deep, "{\"labels\":{\"a\":\"1\"},\"x\":");
	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	for (int i = 0; i < 40; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	assert_int_equal(check(deep, n), SCAN_GAVE_UP);
	assert_int_equal(check_str("{\"labels\":{\"a\":\"1\"},\"x\":[[[[{\"y\":[]}]]]]}"), SCAN_SAME);
}

/* More labels than the insertion sort takes: the same order either way. */
static void
test_many_labels(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"labels\":{");
	for (int i = 0; i < 300; i++)
		strbuf_addf(&sb, "%s\"l%03d\":\"%d\"", i > 0 ? "," : "", (i * 7919) % 300, i);
	strbuf_adds(&sb, "},\"annotations\":{\"summary\":\"s\"}}");
	assert_int_equal(check(sb.buf, sb.len), SCAN_SAME);
	strbuf_free(&sb);
}

/* Every cut and every one-byte change of a rich element: never read
 * otherwise than cJSON reads it. */
static void
test_mutations(void **state)
{
	static const char base[] =
	    "{\"annotations\":{\"summary\":\"disk \\\"/var\\\" 95%\",\"description\":\"a\\nb\"},"
	    "\"endsAt\":\"2026-11-26T11:19:12.061Z\",\"fingerprint\":\"00000000000000ff\","
	    "\"receivers\":[{\"name\":\"team-ops\"},\"pager\"],\"startsAt\":\"2026-11-26T09:00:00Z\","
	    "\"status\":{\"inhibitedBy\":[],\"silencedBy\":[\"s1\"],\"mutedBy\":null,\"state\":\"suppressed\"},"
	    "\"updatedAt\":\"2026-11-26T11:14:12.061+01:00\",\"generatorURL\":\"http://p/g?x=1\","
	    "\"labels\":{\"alertname\":\"DiskFull\",\"severity\":\"critical\",\"instance\":\"h:9100\"},"
	    "\"x\":[true,false,null,{}]}";
	static const char subst[] = "\"\\{}[],: x0tfn\n";
	size_t len = sizeof base - 1, same = 0, gave_up = 0;
	char buf[sizeof base + 1];

	(void)state;
	assert_int_equal(check(base, len), SCAN_SAME);
	for (size_t i = 0; i <= len; i++) {
		if (check(base, i) == SCAN_SAME)
			same++;
		for (size_t k = 0; k < sizeof subst; k++) {
			/* subst's NUL included */
			memcpy(buf, base, len);
			buf[i < len ? i : len - 1] = subst[k];
			if (check(buf, len) == SCAN_SAME)
				same++;
			else
				gave_up++;
			/* and the byte inserted */
			memcpy(buf, base, i);
			buf[i] = subst[k];
			memcpy(buf + i + 1, base + i, len - i);
			if (check(buf, len + 1) == SCAN_SAME)
				same++;
			else
				gave_up++;
		}
	}
	/* Both ways are taken: the scan reads most changes inside strings
	 * and leaves broken JSON to cJSON. */
	assert_true(same > 1000);
	assert_true(gave_up > 1000);
}

/* The answer read through the stream: elements the scan leaves to cJSON
 * and elements it reads, mixed, each counted once. */
static void
test_stream_mixed(void **state)
{
	static const char answer[] =
	    "[{\"labels\":{\"alertname\":\"A\"},\"fingerprint\":\"a\"},"
	    "{\"labels\":{\"alertname\":\"B\\u00e9\"},\"fingerprint\":\"b\",\"startsAt\":7},"
	    "{\"labels\":{}},"
	    "{\"labels\":{\"alertname\":\"C\"},\"fingerprint\":\"c\",\"x\":[1,2]},"
	    "{\"labels\":{\"alertname\":\"D\"},\"fingerprint\":\"d\"}]";
	struct alert_set *set = NULL;
	char *cause = NULL;

	(void)state;
	assert_int_equal(alerts_parse(answer, sizeof answer - 1, &set, &cause), 0);
	assert_int_equal(set->n, 4);
	assert_int_equal(set->malformed, 1);
	assert_non_null(alert_set_find(set, "a"));
	assert_string_equal(alert_set_find(set, "b")->alertname, "B\xc3\xa9");
	assert_non_null(alert_set_find(set, "c"));
	assert_non_null(alert_set_find(set, "d"));
	alert_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_corners),
		cmocka_unit_test(test_many_labels),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_stream_mixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
