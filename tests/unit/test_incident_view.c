/* The incident view's lines: the rows of the log lines, kept by the
 * cache across paints, are the rows formatted anew, whatever changes in
 * between (new lines, filters, wrap, width, pause); a repaint of the same
 * lines lends the kept rows instead of formatting them again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceres/actions/incident.h"
#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"

#define T0 1796637600.0		/* 2026-12-07T10:00:00Z */
#define NLINES 25000

static const char ALERTS_JSON[] =
    "[{\"fingerprint\":\"aaa1\",\"startsAt\":\"2026-12-07T10:00:00Z\","
    "\"endsAt\":\"2026-12-07T12:00:00Z\",\"updatedAt\":\"2026-12-07T10:00:00Z\","
    "\"status\":{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]},"
    "\"receivers\":[{\"name\":\"r\"}],\"annotations\":{\"summary\":\"disk full\"},"
    "\"labels\":{\"alertname\":\"DiskFull\",\"severity\":\"critical\",\"instance\":\"db1:9100\"}}]";

static struct loki_label lab[] = { { (char *)"level", (char *)"error" } };

static void
add_lines(struct incident *inc, size_t from, size_t n)
{
	struct loki_stream st = { lab, 1, 0, NULL, 0, NULL };

	for (size_t i = from; i < from + n; i++) {
		char text[300];
		struct loki_value v;

		snprintf(text, sizeof text, i % 7 == 0 ?
		    "ERROR request %zu failed\nsecond line of it, caf\xc3\xa9, with a tail long enough to wrap "
		    "at eighty columns and then some more words" : "INFO request %zu served", i);
		v.ts = (int64_t)((T0 - 600 + (double)i * 0.01) * 1e9);
		v.line = text;
		v.len = strlen(text);
		incident_add_line(inc, &st, &v, NULL);
	}
}

/* The view with the cache and without it: the same rows. */
static void
same(const struct incident *inc, struct inc_vstate *st, int width)
{
	struct inc_lines a, b;
	struct inc_logcache *c = st->cache;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	inc_view_lines(inc, st, width, &a);
	st->cache = NULL;
	inc_view_lines(inc, st, width, &b);
	st->cache = c;
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_int_equal(a.v[i].role, b.v[i].role);
		assert_string_equal(a.v[i].text, b.v[i].text);
		assert_false(b.v[i].borrowed);
	}
	inc_lines_free(&a);
	inc_lines_free(&b);
}

static double
paint_ms(const struct incident *inc, const struct inc_vstate *st, int reps)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < reps; r++) {
		struct inc_lines l;

		memset(&l, 0, sizeof l);
		inc_view_lines(inc, st, 120, &l);
		inc_lines_free(&l);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / reps;
}

static void
test_cache_same_rows(void **state)
{
	struct alert_set *set = NULL;
	struct incident *inc;
	struct inc_logcache cache;
	struct log_regex show, hide;
	struct inc_vstate st;
	struct inc_lines l1, l2;
	char *cause = NULL;
	size_t at;

	(void)state;
	memset(&cache, 0, sizeof cache);
	memset(&show, 0, sizeof show);
	memset(&hide, 0, sizeof hide);
	assert_int_equal(alerts_parse(ALERTS_JSON, strlen(ALERTS_JSON), &set, &cause), 0);
	inc = incident_new(set, alert_set_find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	add_lines(inc, 0, 1000);
	memset(&st, 0, sizeof st);
	st.show = &show;
	st.hide = &hide;
	st.following = true;
	st.cache = &cache;
	same(inc, &st, 120);
	/* A repaint lends the rows kept: the very same strings. */
	memset(&l1, 0, sizeof l1);
	memset(&l2, 0, sizeof l2);
	inc_view_lines(inc, &st, 120, &l1);
	inc_view_lines(inc, &st, 120, &l2);
	for (at = 0; at < l1.n && strstr(l1.v[at].text, "request 0 failed") == NULL; at++)
		;
	assert_true(at < l1.n);
	assert_true(l1.v[at].borrowed);
	assert_ptr_equal(l1.v[at].text, l2.v[at].text);
	inc_lines_free(&l1);
	inc_lines_free(&l2);
	/* Every change gives the rows formatted anew. */
	add_lines(inc, 1000, 10);
	st.gen++;
	same(inc, &st, 120);
	assert_int_equal(log_regex_set(&show, "failed|served", true, &cause), 0);
	same(inc, &st, 120);
	assert_int_equal(log_regex_set(&hide, "request 1\\d", true, &cause), 0);
	same(inc, &st, 120);
	assert_int_equal(log_regex_set(&hide, "request 2\\d", true, &cause), 0);
	same(inc, &st, 120);
	st.wrap = true;
	same(inc, &st, 120);
	same(inc, &st, 60);
	st.paused = true;
	st.nshow = 500;
	same(inc, &st, 60);
	log_regex_clear(&show);
	log_regex_clear(&hide);
	same(inc, &st, 60);
	inc_logcache_free(&cache);
	incident_free(inc);
	alert_set_free(set);
}

/* Not a verdict: the time of one repaint of NLINES lines, both ways. */
static void
test_repaint_time(void **state)
{
	struct alert_set *set = NULL;
	struct incident *inc;
	struct inc_logcache cache;
	struct inc_vstate st;
	char *cause = NULL;
	double cold, warm;

	(void)state;
	memset(&cache, 0, sizeof cache);
	assert_int_equal(alerts_parse(ALERTS_JSON, strlen(ALERTS_JSON), &set, &cause), 0);
	inc = incident_new(set, alert_set_find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	add_lines(inc, 0, NLINES);
	memset(&st, 0, sizeof st);
	cold = paint_ms(inc, &st, 5);
	st.cache = &cache;
	paint_ms(inc, &st, 1);
	warm = paint_ms(inc, &st, 20);
	fprintf(stderr, "# repaint of %zu log lines: %.2f ms formatted anew, %.2f ms from the cache\n",
	    inc->nlines, cold, warm);
	assert_true(warm < cold);
	inc_logcache_free(&cache);
	incident_free(inc);
	alert_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_same_rows),
		cmocka_unit_test(test_repaint_time),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
