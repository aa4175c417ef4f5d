/* The master plan table and its arithmetic: every check it names exists,
 * each item is a check list or a reason, the next step is the heaviest
 * failing check of the earliest unfinished phase, the score when a phase
 * is done counts the earlier phases too, and nothing left means no next
 * step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

static void
test_plan_table(void **state)
{
	(void)state;
	for (int p = 0; p < RD_PLAN_PHASES; p++) {
		size_t k;

		assert_non_null(rd_plan[p].title);
		assert_true(p == 0 || rd_plan[p].seed_target > rd_plan[p - 1].seed_target);
		for (k = 0; k < RD_PLAN_ITEMS && rd_plan[p].item[k].title != NULL; k++) {
			const struct rd_plan_item *it = &rd_plan[p].item[k];

			/* A check list or a reason, never both, never neither. */
			assert_true((it->check[0] != NULL) != (it->na_reason != NULL));
			for (size_t c = 0; c < RD_PLAN_CHECKS && it->check[c] != NULL; c++)
				assert_non_null(rd_check_find(it->check[c]));
		}
		assert_true(k < RD_PLAN_ITEMS);	/* the terminator fits */
	}
}

static void
test_plan_next_and_scores(void **state)
{
	struct rd_result *res = xcalloc(rd_ncheck, sizeof *res);
	struct rd_plan_state st;
	struct rd_score sc;
	int w = 0;

	(void)state;
	for (size_t i = 0; i < rd_ncheck; i++)
		w += rd_checks[i].weight;
	for (size_t i = 0; i < rd_ncheck; i++)
		res[i].status = RD_PASS;
	rd_plan_compute(res, &st);
	assert_int_equal(st.next, -1);
	assert_int_equal(st.next_phase, -1);
	for (int p = 0; p < 3; p++) {
		assert_true(st.phase[p].done);
		assert_int_equal(st.phase[p].percent_when_done, 100);
	}
	assert_false(st.phase[3].done);	/* nothing checkable */

	/* Phase 1: the mfa check (weight 3) fails, the audit log (weight 2) fails,
	 * the alert rules (weight 3) unknown: the failing heavier one is next. */
	res[rd_check_find("security.mfa") - rd_checks].status = RD_FAIL;
	res[rd_check_find("observability.audit_log") - rd_checks].status = RD_FAIL;
	res[rd_check_find("observability.alert_rules") - rd_checks].status = RD_UNKNOWN;
	res[rd_check_find("availability.ha_redis") - rd_checks].status = RD_FAIL;
	rd_plan_compute(res, &st);
	assert_int_equal(st.next_phase, 0);
	assert_string_equal(rd_checks[st.next].id, "security.mfa");
	assert_false(st.phase[0].done);
	assert_int_equal(st.phase[0].checks_left, 3);
	/* ha_redis (weight 2) still fails when phase 1 is done. */
	assert_int_equal(st.phase[0].percent_when_done, ((w - 2) * 200 + w) / (w * 2));
	assert_int_equal(st.phase[2].percent_when_done, 100);
	assert_string_equal(rd_checks[st.phase[2].next].id, "availability.ha_redis");
	rd_score_compute(rd_checks, res, rd_ncheck, &sc);
	assert_true(sc.percent < st.phase[0].percent_when_done);

	/* Only an unknown left in phase 1: it is the next step. */
	res[rd_check_find("security.mfa") - rd_checks].status = RD_PASS;
	res[rd_check_find("observability.audit_log") - rd_checks].status = RD_PASS;
	rd_plan_compute(res, &st);
	assert_int_equal(st.next_phase, 0);
	assert_string_equal(rd_checks[st.next].id, "observability.alert_rules");
	free(res);
}

static void
test_items_table(void **state)
{
	size_t per[2][RD_NCATEGORIES];

	(void)state;
	memset(per, 0, sizeof per);
	for (size_t i = 0; i < rd_nitem; i++) {
		const struct rd_item *it = &rd_items[i];

		assert_true((it->check[0] != NULL) != (it->na_reason != NULL));
		for (size_t c = 0; c < RD_ITEM_CHECKS && it->check[c] != NULL; c++)
			assert_non_null(rd_check_find(it->check[c]));
		per[it->source][it->category]++;
	}
	/* The assessment: 11 security items, 10 in each other category, and
	 * 10 "missing" lines of the integration matrix. */
	assert_int_equal(per[RD_ITEM_CHECKLIST][RD_SECURITY], 11);
	for (int c = 1; c < RD_NCATEGORIES; c++)
		assert_int_equal(per[RD_ITEM_CHECKLIST][c], 10);
	assert_int_equal(per[RD_ITEM_MATRIX][RD_INTEGRATION], 10);
}

static void
test_item_state(void **state)
{
	struct rd_result *res = xcalloc(rd_ncheck, sizeof *res);
	const struct rd_item *notif = NULL;

	(void)state;
	for (size_t i = 0; i < rd_nitem; i++)
		if (strcmp(rd_items[i].title, "Notification system") == 0)
			notif = &rd_items[i];
	assert_non_null(notif);
	for (size_t i = 0; i < rd_ncheck; i++)
		res[i].status = RD_PASS;
	assert_string_equal(rd_item_state(notif, res), "pass");
	res[rd_check_find("integration.alert_email") - rd_checks].status = RD_UNKNOWN;
	assert_string_equal(rd_item_state(notif, res), "unknown");
	res[rd_check_find("integration.alert_chat") - rd_checks].status = RD_FAIL;
	assert_string_equal(rd_item_state(notif, res), "fail");
	free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_table),
		cmocka_unit_test(test_plan_next_and_scores),
		cmocka_unit_test(test_items_table),
		cmocka_unit_test(test_item_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
