/* The readiness score history: one point per hour (the later round of the
 * hour wins), the 400-day bound under 20,000 rounds, the changes since 7
 * and 30 days, a clock that goes back, and a damaged file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

#define T0	1790000000.0
#define DAY	86400.0

static struct rd_score
score_of(int sec_score, int sec_max, int total_pct)
{
	struct rd_score s;

	memset(&s, 0, sizeof s);
	s.cat[RD_SECURITY].score = sec_score;
	s.cat[RD_SECURITY].max = sec_max;
	s.max = 10;
	s.percent = total_pct;
	return s;
}

static void
test_history_points_and_changes(void **state)
{
	struct rd_history h = { 0 };
	struct rd_score a = score_of(1, 4, 40), b = score_of(2, 4, 50), c = score_of(3, 4, 70);
	int d;

	(void)state;
	assert_true(rd_history_add(&h, T0, &a));
	assert_true(rd_history_add(&h, T0 + 23 * DAY, &b));
	assert_true(rd_history_add(&h, T0 + 30 * DAY, &c));
	assert_int_equal(h.n, 3);
	assert_int_equal(h.p[0].pct[RD_SECURITY], 25);
	assert_int_equal(h.p[1].pct[RD_SECURITY], 50);
	assert_int_equal(h.p[2].pct[RD_SECURITY], 75);
	assert_int_equal(h.p[2].pct[RD_AVAILABILITY], -1);	/* nothing decided */
	assert_true(rd_history_change(&h, RD_SECURITY, 7, &d));
	assert_int_equal(d, 25);
	assert_true(rd_history_change(&h, RD_SECURITY, 30, &d));
	assert_int_equal(d, 50);
	assert_true(rd_history_change(&h, RD_NCATEGORIES, 30, &d));
	assert_int_equal(d, 30);
	assert_false(rd_history_change(&h, RD_AVAILABILITY, 7, &d));
	assert_false(rd_history_change(&h, RD_SECURITY, 31, &d));
	/* The same hour: the later round replaces the point. */
	assert_true(rd_history_add(&h, T0 + 30 * DAY + 60, &a));
	assert_int_equal(h.n, 3);
	assert_int_equal(h.p[2].pct[RD_SECURITY], 25);
	/* A clock that went back writes nothing. */
	assert_false(rd_history_add(&h, T0 + DAY, &c));
	assert_int_equal(h.n, 3);
	rd_history_free(&h);
}

static void
test_history_bounded(void **state)
{
	struct rd_history h = { 0 }, back = { 0 };
	struct rd_score s = score_of(1, 2, 50);
	char *text;
	size_t len;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		s.cat[RD_SECURITY].score = i % 3;
		assert_true(rd_history_add(&h, T0 + i * 3600.0, &s));
	}
	assert_true(h.n <= RD_HISTORY_POINTS);
	assert_true(h.p[h.n - 1].t - h.p[0].t <= RD_HISTORY_DAYS * DAY);
	assert_int_equal(h.p[h.n - 1].t, T0 + 19999 * 3600.0);
	/* Ten rounds an hour for 20,000 rounds: one point per hour. */
	rd_history_free(&h);
	for (int i = 0; i < 20000; i++)
		assert_true(rd_history_add(&h, 1789999200.0 + i * 360.0, &s));	/* from a full hour */
	assert_int_equal(h.n, 2000);
	text = rd_history_format(&h);
	len = strlen(text);
	assert_true(len < 2000 * 40 + 200);
	rd_history_parse(text, len, &back);
	assert_int_equal(back.n, h.n);
	for (size_t i = 0; i < h.n; i++) {	/* field by field: not the padding */
		assert_true(back.p[i].t == h.p[i].t);
		assert_memory_equal(back.p[i].pct, h.p[i].pct, sizeof h.p[i].pct);
	}
	free(text);
	rd_history_free(&back);
	rd_history_free(&h);
}

static void
test_history_damaged_file(void **state)
{
	static const char text[] =
	    "# header\n"
	    "1790007200 10 20 30 40 50 60 35\n"
	    "garbage\n"
	    "1790000000 1 2 3 4 5 6 7\n"		/* out of order: sorted */
	    "1790000100 1 2 3 4 5 6 8\n"		/* same hour: the later wins */
	    "1790010000 101 2 3 4 5 6 7\n"		/* out of range */
	    "1790020000 1 2 3 4 5 6\n"			/* short */
	    "1790030000 1 2 3 4 5 6 7 8\n"		/* long */
	    "-5 1 2 3 4 5 6 7\n"
	    "nan 1 2 3 4 5 6 7\n"
	    "1790040000 - - - - - - -\n"
	    "1790050000 1 2 3 4 5 6 7";			/* no final newline */
	struct rd_history h = { 0 };

	(void)state;
	rd_history_parse(text, sizeof text - 1, &h);
	assert_int_equal(h.n, 4);
	assert_int_equal(h.p[0].t, 1790000100);
	assert_int_equal(h.p[0].pct[RD_NCATEGORIES], 8);
	assert_int_equal(h.p[1].t, 1790007200);
	assert_int_equal(h.p[2].pct[RD_SECURITY], -1);
	assert_int_equal(h.p[3].t, 1790050000);
	rd_history_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_points_and_changes),
		cmocka_unit_test(test_history_bounded),
		cmocka_unit_test(test_history_damaged_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
