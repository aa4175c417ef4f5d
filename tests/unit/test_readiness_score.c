/* The readiness score arithmetic (weights, unknowns never counted), the
 * check table's invariants (ids, categories, a runbook page per check),
 * and the evidence line helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceres/core/config.h"
#include "ceres/model/services.h"
#include "ceres/sources/readiness.h"
#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

static void
test_score_weights(void **state)
{
	const struct rd_check checks[] = {
		{ "security.a", RD_SECURITY, "a", 3, NULL, "" },
		{ "security.b", RD_SECURITY, "b", 2, NULL, "" },
		{ "security.c", RD_SECURITY, "c", 1, NULL, "" },
		{ "performance.d", RD_PERFORMANCE, "d", 2, NULL, "" },
		{ "performance.e", RD_PERFORMANCE, "e", 3, NULL, "" },
	};
	struct rd_result res[5];
	struct rd_score s;

	(void)state;
	memset(res, 0, sizeof res);
	res[0].status = RD_PASS;
	res[1].status = RD_FAIL;
	res[2].status = RD_UNKNOWN;
	res[3].status = RD_PASS;
	res[4].status = RD_UNKNOWN;
	rd_score_compute(checks, res, 5, &s);
	/* Unknown weight is neither scored nor in max. */
	assert_int_equal(s.score, 5);
	assert_int_equal(s.max, 7);
	assert_int_equal(s.percent, 71);	/* 5/7 = 71.4 */
	assert_int_equal(s.unknown, 2);
	assert_int_equal(s.passed, 2);
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.total, 5);
	assert_int_equal(s.cat[RD_SECURITY].score, 3);
	assert_int_equal(s.cat[RD_SECURITY].max, 5);
	assert_int_equal(s.cat[RD_SECURITY].unknown, 1);
	assert_int_equal(s.cat[RD_SECURITY].total, 3);
	/* Checks are counted apart from weights: 1 passed (weight 3),
	 * 1 failed (weight 2), 1 unknown; passed + failed + unknown = total. */
	assert_int_equal(s.cat[RD_SECURITY].passed, 1);
	assert_int_equal(s.cat[RD_SECURITY].failed, 1);
	assert_int_equal(s.cat[RD_PERFORMANCE].passed, 1);
	assert_int_equal(s.cat[RD_PERFORMANCE].failed, 0);
	assert_int_equal(s.cat[RD_PERFORMANCE].score, 2);
	assert_int_equal(s.cat[RD_PERFORMANCE].max, 2);
	assert_int_equal(s.cat[RD_AVAILABILITY].max, 0);

	/* Turning an unknown into a pass raises the score, into a fail the max. */
	res[4].status = RD_FAIL;
	rd_score_compute(checks, res, 5, &s);
	assert_int_equal(s.score, 5);
	assert_int_equal(s.max, 10);
	assert_int_equal(s.percent, 50);
	res[4].status = RD_PASS;
	rd_score_compute(checks, res, 5, &s);
	assert_int_equal(s.percent, 80);
}

static void
test_score_rounding_and_empty(void **state)
{
	const struct rd_check checks[] = {
		{ "a.a", RD_SECURITY, "a", 1, NULL, "" },
		{ "a.b", RD_SECURITY, "b", 1, NULL, "" },
		{ "a.c", RD_SECURITY, "c", 1, NULL, "" },
		{ "a.d", (enum rd_category)99, "bad category", 5, NULL, "" },
	};
	struct rd_result res[4];
	struct rd_score s;

	(void)state;
	memset(res, 0, sizeof res);
	rd_score_compute(checks, res, 3, &s);
	assert_int_equal(s.max, 0);
	assert_int_equal(s.percent, 0);		/* nothing decided: 0, not a division by zero */
	assert_int_equal(s.unknown, 3);
	res[0].status = res[1].status = RD_PASS;
	res[2].status = RD_FAIL;
	rd_score_compute(checks, res, 3, &s);
	assert_int_equal(s.percent, 67);	/* 2/3 rounds half up */
	res[1].status = RD_FAIL;
	rd_score_compute(checks, res, 3, &s);
	assert_int_equal(s.percent, 33);
	/* A row with a category outside the table is ignored. */
	res[3].status = RD_PASS;
	rd_score_compute(checks, res, 4, &s);
	assert_int_equal(s.total, 3);
	assert_int_equal(s.score, 1);
}

static void
test_table(void **state)
{
	int per[RD_NCATEGORIES] = { 0 };

	(void)state;
	assert_true(rd_ncheck >= 30);
	for (size_t i = 0; i < rd_ncheck; i++) {
		const struct rd_check *c = &rd_checks[i];
		const char *cat = rd_category_name(c->category);

		assert_true((unsigned)c->category < RD_NCATEGORIES);
		per[c->category]++;
		/* Stable ids: "<category>.<lower_snake>". */
		assert_true(strncmp(c->id, cat, strlen(cat)) == 0);
		assert_int_equal(c->id[strlen(cat)], '.');
		for (const char *p = c->id + strlen(cat) + 1; *p != '\0'; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		assert_true(c->weight >= 1 && c->weight <= 3);
		assert_non_null(c->probe);
		assert_true(strlen(c->title) > 0);
		assert_true(strlen(c->remedy) > 0);
		for (size_t j = i + 1; j < rd_ncheck; j++)
			assert_string_not_equal(c->id, rd_checks[j].id);
		assert_ptr_equal(rd_check_find(c->id), c);
	}
	for (int k = 0; k < RD_NCATEGORIES; k++)
		assert_true(per[k] >= 4);
	assert_null(rd_check_find("security.nope"));
}

/* Every check has a remediation page with the three parts. */
static void
test_runbooks(void **state)
{
	(void)state;
	for (size_t i = 0; i < rd_ncheck; i++) {
		char *path = xasprintf("%s/doc/runbooks/%s.md", SRCDIR, rd_checks[i].id);
		FILE *f = fopen(path, "r");
		char buf[16384];
		size_t n;

		if (f == NULL)
			fail_msg("no runbook page %s", path);
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		if (strstr(buf, rd_checks[i].id) == NULL || strstr(buf, "## What it means") == NULL ||
		    strstr(buf, "## How to fix it on Ceres") == NULL || strstr(buf, "## How to verify") == NULL)
			fail_msg("%s lacks its id or a section", path);
		free(path);
	}
}

static void
test_rd_set(void **state)
{
	struct rd_result r;
	struct strbuf sb;

	(void)state;
	rd_set(&r, RD_FAIL, "a %s b", "\x1b[2Jx\ny");
	assert_int_equal(r.status, RD_FAIL);
	assert_null(strchr(r.evidence, '\x1b'));
	assert_null(strchr(r.evidence, '\n'));
	/* A long line of 2-byte characters is cut on a character boundary. */
	strbuf_init(&sb);
	for (int i = 0; i < 400; i++)
		strbuf_adds(&sb, "ü");
	rd_set(&r, RD_PASS, "%s", sb.buf);
	assert_true(strlen(r.evidence) < RD_EVIDENCE_MAX);
	assert_non_null(strstr(r.evidence, "…"));
	for (const char *p = r.evidence; *p != '\0' && strncmp(p, "…", 3) != 0; p += 2)
		assert_memory_equal(p, "ü", 2);
	strbuf_free(&sb);
}

static void
test_unknown_helper(void **state)
{
	struct rd_result r;
	struct rd_fetch f;

	(void)state;
	memset(&f, 0, sizeof f);
	assert_true(rd_unknown_unless_ok(&r, &f, "caddy"));
	assert_int_equal(r.status, RD_UNKNOWN);
	assert_string_equal(r.evidence, "caddy not configured");
	rd_fetch_wait(&f);
	assert_true(rd_unknown_unless_ok(&r, &f, "caddy"));
	assert_non_null(strstr(r.evidence, "no answer yet"));
	rd_fetch_err(&f, "connect: %s", "Connection refused");
	assert_true(rd_unknown_unless_ok(&r, &f, "caddy"));
	assert_string_equal(r.evidence, "caddy: connect: Connection refused");
	assert_int_equal(r.status, RD_UNKNOWN);
	rd_fetch_ok(&f);
	assert_false(rd_unknown_unless_ok(&r, &f, "caddy"));
	rd_fetch_clear(&f);
}

/* With nothing configured and nothing answered, no backend check passes:
 * unknown is never a pass by default. */
static void
test_nothing_known(void **state)
{
	static const char cfg[] = "[ceres]\nsite = t\n";
	struct config *c;
	struct model m;
	struct rd_data *d = rd_data_new();
	struct rd_result *res = calloc(rd_ncheck, sizeof *res);
	struct rd_score s;
	struct rd_ctx ctx;
	char *cause = NULL;
	size_t pass = 0;

	(void)state;
	c = config_parse("t", cfg, strlen(cfg), NULL, &cause);
	assert_non_null(c);
	model_init(&m);
	ctx.d = d;
	ctx.model = &m;
	ctx.config = c;
	ctx.now = now_wall();
	rd_evaluate(&ctx, res, &s);
	for (size_t i = 0; i < rd_ncheck; i++) {
		assert_true(res[i].evidence[0] != '\0');
		if (res[i].status == RD_PASS) {
			pass++;
			/* The only thing provable from an empty config. */
			assert_string_equal(rd_checks[i].id, "security.secrets");
		}
	}
	assert_int_equal(pass, 1);
	assert_int_equal(s.total, (int)rd_ncheck);
	assert_true(s.unknown > (int)rd_ncheck / 2);
	free(res);
	rd_data_free(d);
	model_free(&m);
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score_weights),
		cmocka_unit_test(test_score_rounding_and_empty),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_runbooks),
		cmocka_unit_test(test_rd_set),
		cmocka_unit_test(test_unknown_helper),
		cmocka_unit_test(test_nothing_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
