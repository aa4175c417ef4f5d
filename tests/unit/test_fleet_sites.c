/* Unit tests of the fleet: one app per site on one loop (fleet_new),
 * opening a site moves what the apps watch and every source's owner
 * follows (app_swap_sites), the worst-site verdict and its order, and
 * the nagios line's perfdata per site. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceres/core/app.h"
#include "ceres/core/fleet.h"
#include "ceres/render/render.h"
#include "ceres/util/util.h"

static char *
write_config(const char *text)
{
	char *path = xstrdup("/tmp/ceres-test-fleet-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char config_text[] =
    "[ceres]\ninterval = 7\n"
    "[service \"web\"]\nurl = http://127.0.0.1:9/\n"
    "[site \"berlin\"]\nceres.interval = 9\n"
    "[site \"paris\"]\nceres.interval = 11\nservice.web.url = http://127.0.0.1:9/p\n"
    "[site \"rome\"]\nceres.interval = 13\n";

static void
owners_are(struct app *app)
{
	for (size_t i = 0; i < app->nsources; i++)
		assert_ptr_equal(app->sources[i]->app, app);
}

static void
test_fleet_open(void **state)
{
	char *path = write_config(config_text), *cause = NULL;
	struct options opt;
	struct app *root, *paris;
	struct fleet *f;
	int i;

	(void)state;
	memset(&opt, 0, sizeof opt);
	opt.config_path = path;
	opt.site = "paris";
	opt.panes = 1u << FEATURE_HEALTH;
	root = app_new(&opt, &cause);
	assert_non_null(root);
	f = fleet_new(root, &cause);
	assert_non_null(f);
	assert_int_equal(f->n, 3);
	assert_int_equal(f->shown, 1);
	assert_ptr_equal(f->site[1], root);
	for (size_t k = 0; k < f->n; k++) {
		assert_ptr_equal(f->site[k]->loop, root->loop);
		owners_are(f->site[k]);
	}
	assert_true(f->site[0]->shared_loop && !root->shared_loop);
	assert_string_equal(f->site[0]->site, "berlin");
	assert_true(f->site[2]->interval == 13);
	assert_int_equal(fleet_find(f, "rome"), 2);
	assert_int_equal(fleet_find(f, "oslo"), -1);

	/* Open rome: the console's app takes rome's sources, paris polls on
	 * in the app rome had. */
	i = fleet_find(f, "rome");
	assert_int_equal(f->open(f, (size_t)i, &cause), 0);
	assert_ptr_equal(f->site[2], root);
	assert_string_equal(root->site, "rome");
	assert_true(root->interval == 13);
	paris = f->site[1];
	assert_ptr_not_equal(paris, root);
	assert_string_equal(paris->site, "paris");
	assert_true(paris->interval == 11);
	assert_string_equal(paris->config->site, "paris");
	owners_are(root);
	owners_are(paris);
	assert_int_equal(fleet_find(f, "paris"), 1);
	/* And back. */
	assert_int_equal(f->open(f, 1, &cause), 0);
	assert_string_equal(root->site, "paris");
	owners_are(root);
	owners_are(f->site[2]);
	assert_int_equal(f->open(f, 7, &cause), -1);
	free(cause);
	fleet_free(f);
	app_free(root);
	unlink(path);
	free(path);
}

static void
test_fleet_code(void **state)
{
	struct status st[4];
	enum status_code want[][4] = {
		{ STATUS_OK, STATUS_OK, STATUS_OK, STATUS_OK },
		{ STATUS_OK, STATUS_UNKNOWN, STATUS_OK, STATUS_UNKNOWN },
		{ STATUS_UNKNOWN, STATUS_WARNING, STATUS_OK, STATUS_WARNING },
		{ STATUS_WARNING, STATUS_CRITICAL, STATUS_UNKNOWN, STATUS_CRITICAL },
	};

	(void)state;
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		for (int j = 0; j < 3; j++) {
			status_init(&st[j]);
			st[j].code = want[k][j];
		}
		assert_int_equal(render_fleet_code(st, 3), want[k][3]);
		for (int j = 0; j < 3; j++)
			status_free(&st[j]);
	}
	assert_true(render_fleet_rank(STATUS_CRITICAL) < render_fleet_rank(STATUS_WARNING));
	assert_true(render_fleet_rank(STATUS_WARNING) < render_fleet_rank(STATUS_UNKNOWN));
	assert_true(render_fleet_rank(STATUS_UNKNOWN) < render_fleet_rank(STATUS_OK));
}

static void
test_fleet_nagios(void **state)
{
	struct app a = { 0 }, b = { 0 };
	struct app *apps[] = { &a, &b };
	struct status st[2];
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	a.site = "berlin";
	b.site = "new york|x";
	status_init(&st[0]);
	status_init(&st[1]);
	status_raise(&st[0], STATUS_CRITICAL);
	status_note(&st[0], "1 critical alert");
	status_perf(&st[0], "alerts_critical", 1, -1);
	status_perf(&st[0], "services_up", 3, 4);
	status_perf(&st[1], "alerts_critical", 0, -1);
	render_fleet_nagios(apps, st, 2, out);
	fclose(out);
	assert_non_null(strstr(buf, "CERES FLEET CRITICAL - 2 sites: 1 critical, 1 ok - berlin CRITICAL (1 critical alert) |"));
	assert_non_null(strstr(buf, " berlin_status=2;1;2;0;3 berlin_alerts_critical=1 berlin_services_up=3;;;0;4 "));
	/* One line; a site name never breaks the perfdata. */
	assert_non_null(strstr(buf, " new_york_x_status=0;1;2;0;3 new_york_x_alerts_critical=0\n"));
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
	free(buf);
	status_free(&st[0]);
	status_free(&st[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleet_open),
		cmocka_unit_test(test_fleet_code),
		cmocka_unit_test(test_fleet_nagios),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
