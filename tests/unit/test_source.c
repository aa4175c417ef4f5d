/* When a source asks its backend again: on the beat of the interval, at twice the
 * interval after failures however many, and later only when the server
 * asked with Retry-After.  A restarted backend must be seen up within two
 * intervals of its return, whatever the length of the outage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ceres/core/source.h"

static void
test_delay_is_the_interval_when_ok(void **state)
{
	struct source s = { .interval = 5 };

	(void)state;
	assert_true(source_next_delay(&s) == 5.0);
}

/* A round that went well keeps the beat: the next starts an interval
 * after this one started; a long round still leaves half an interval; a
 * failed one, or a Retry-After, waits from the end as before. */
static void
test_next_start_keeps_the_beat(void **state)
{
	struct source s = { .interval = 5 };

	(void)state;
	assert_true(source_next_start(&s, 0.3) > 4.69 && source_next_start(&s, 0.3) < 4.71);
	assert_true(source_next_start(&s, 0) == 5.0);
	assert_true(source_next_start(&s, 4.9) == 2.5);
	assert_true(source_next_start(&s, 60) == 2.5);
	s.failures = 1;
	assert_true(source_next_start(&s, 0.3) == 10.0);
	s.failures = 0;
	s.retry_after = 42;
	assert_true(source_next_start(&s, 0.3) == 42.0);
}

static void
test_delay_after_failures_stays_within_two_intervals(void **state)
{
	struct source s = { .interval = 0.2 };

	(void)state;
	/* A 10-minute outage at a 0.2 s interval: thousands of failed rounds. */
	for (int f = 1; f <= 5000; f++) {
		s.failures = f;
		assert_true(source_next_delay(&s) <= 2 * 0.2 + 1e-9);
		assert_true(source_next_delay(&s) >= 0.2);
	}
	s.interval = 5;
	s.failures = 60;
	assert_true(source_next_delay(&s) == 10.0);
}

static void
test_retry_after_is_honoured_and_capped(void **state)
{
	struct source s = { .interval = 1, .failures = 3, .retry_after = 42 };

	(void)state;
	assert_true(source_next_delay(&s) == 42.0);
	s.retry_after = 100000;
	assert_true(source_next_delay(&s) == 300.0);
	s.retry_after = 0.5;	/* shorter than our own delay: ours wins */
	assert_true(source_next_delay(&s) == 2.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_is_the_interval_when_ok),
		cmocka_unit_test(test_next_start_keeps_the_beat),
		cmocka_unit_test(test_delay_after_failures_stays_within_two_intervals),
		cmocka_unit_test(test_retry_after_is_honoured_and_capped),
	};

	return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
