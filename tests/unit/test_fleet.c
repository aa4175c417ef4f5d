/* Unit tests of what a site needs to be a tenant of a central engine:
 * the label matcher lists of [alertmanager] filter, the org_id, ca_file,
 * cert_file and key_file keys (and their checks), and how a backend
 * section becomes the headers, credentials and TLS of a request. */
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

#include "ceres/core/config.h"
#include "ceres/core/loop.h"
#include "ceres/model/matchers.h"
#include "ceres/net/backend.h"
#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"

static struct config *
parse_ok(const char *text, const char *site)
{
	char *cause = NULL;
	struct config *c = config_parse("t.conf", text, strlen(text), site, &cause);

	if (c == NULL)
		fail_msg("unexpected error: %s", cause);
	return c;
}

static void
expect_error(const char *text, const char *want)
{
	char *cause = NULL;
	struct config *c = config_parse("t.conf", text, strlen(text), NULL, &cause);

	assert_null(c);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

/* ---- matcher lists ------------------------------------------------ */

static void
test_matchers_forms(void **state)
{
	struct matcher_list l;
	char *cause = NULL, *q;

	(void)state;
	assert_int_equal(matcher_list_parse("site=\"berlin\"", &l, &cause), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.m[0].name, "site");
	assert_string_equal(l.m[0].value, "berlin");
	assert_true(l.m[0].is_equal);
	assert_false(l.m[0].is_regex);
	matcher_list_free(&l);

	assert_int_equal(matcher_list_parse(" { site = \"a \\\"b\\\" ,c\" , env=~\"prod|stage\","
	    "team!=ops, x!~\"y.*\" } ", &l, &cause), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.m[0].value, "a \"b\" ,c");
	assert_string_equal(l.m[1].name, "env");
	assert_true(l.m[1].is_equal && l.m[1].is_regex);
	assert_string_equal(l.m[1].value, "prod|stage");
	assert_string_equal(l.m[2].name, "team");
	assert_true(!l.m[2].is_equal && !l.m[2].is_regex);
	assert_string_equal(l.m[2].value, "ops");
	assert_true(!l.m[3].is_equal && l.m[3].is_regex);
	q = matcher_list_query(&l);
	/* Each matcher its own filter parameter, fully escaped. */
	assert_string_equal(q, "&filter=site%3D%22a%20%5C%22b%5C%22%20%2Cc%22"
	    "&filter=env%3D~%22prod%7Cstage%22&filter=team%21%3D%22ops%22&filter=x%21~%22y.%2A%22");
	free(q);
	matcher_list_free(&l);
}

static void
test_matchers_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "", "expected at least one matcher such as site=\"berlin\" at ''" },
		{ "{}", "expected at least one matcher such as site=\"berlin\" at ''" },
		{ "9site=\"a\"", "expected a label name at '9site=\"a\"'" },
		{ "site:\"a\"", "expected =, !=, =~ or !~ at 'site:\"a\"'" },
		{ "site=\"a", "expected a closing quote at 'site=\"a'" },
		{ "site=\"a\" env=\"b\"", "expected ',' between matchers at 'env=\"b\"'" },
		{ "{site=\"a\"", "expected a closing '}' at ''" },
		{ "{site=\"a\"} x", "expected nothing after the matchers at ' x'" },
	};
	struct matcher_list l;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;

		assert_int_equal(matcher_list_parse(bad[i].text, &l, &cause), -1);
		assert_int_equal(l.n, 0);
		assert_null(l.m);
		assert_string_equal(cause, bad[i].want);
		free(cause);
	}
}

/* ---- the config keys ---------------------------------------------- */

static void
test_config_keys(void **state)
{
	char dir[] = "/tmp/ceres-fleet-XXXXXX", *ca, *text;
	struct config *c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ca = xasprintf("%s/ca.pem", dir);
	f = fopen(ca, "w");
	assert_non_null(f);
	fputs("-----BEGIN CERTIFICATE-----\n", f);
	fclose(f);
	text = xasprintf("[prometheus]\nurl = https://mimir.example/prometheus\norg_id = all\n"
	    "ca_file = %s\n[alertmanager]\nurl = https://mimir.example/alertmanager\n"
	    "filter = site=\"hq\"\ncert_file = %s\nkey_file = %s\n[loki]\nurl = http://gw/loki\n"
	    "org_id = hq\n[site \"berlin\"]\nprometheus.org_id = berlin\n"
	    "alertmanager.filter = site=\"berlin\", env=\"prod\"\nloki.org_id = berlin\n", ca, ca, ca);
	c = parse_ok(text, NULL);
	assert_string_equal(config_get(c, "prometheus", NULL, "org_id"), "all");
	assert_string_equal(config_get(c, "alertmanager", NULL, "filter"), "site=\"hq\"");
	assert_string_equal(config_get(c, "alertmanager", NULL, "key_file"), ca);
	config_free(c);
	c = parse_ok(text, "berlin");
	assert_string_equal(config_get(c, "prometheus", NULL, "org_id"), "berlin");
	assert_string_equal(config_get(c, "loki", NULL, "org_id"), "berlin");
	assert_string_equal(config_get(c, "alertmanager", NULL, "filter"), "site=\"berlin\", env=\"prod\"");
	assert_string_equal(config_get(c, "prometheus", NULL, "ca_file"), ca);
	config_free(c);
	free(text);

	/* A missing file, a directory, a bad filter, a control character. */
	text = xasprintf("[loki]\nurl = http://x\nca_file = %s/nope.pem\n", dir);
	free(ca);
	ca = xasprintf("t.conf:3: ca_file: cannot read %s/nope.pem: No such file or directory", dir);
	expect_error(text, ca);
	free(text);
	free(ca);
	text = xasprintf("[prometheus]\nurl = http://x\ncert_file = %s\n", dir);
	ca = xasprintf("t.conf:3: cert_file: cannot read %s: not a regular file", dir);
	expect_error(text, ca);
	free(text);
	free(ca);
	expect_error("[alertmanager]\nurl = http://x\nfilter = site=berlin env=x\n",
	    "t.conf:3: filter: expected ',' between matchers at 'env=x'");
	expect_error("[site \"b\"]\nalertmanager.filter = \"{\"\n",
	    "t.conf:2: filter: expected a closing '}' at ''");
	expect_error("[prometheus]\norg_id = \"a\\nb\"\n",
	    "t.conf:2: org_id must not contain control characters");
	ca = xasprintf("%s/ca.pem", dir);
	unlink(ca);
	free(ca);
	rmdir(dir);
}

/* ---- requests ------------------------------------------------------ */

static void
test_backend_section(void **state)
{
	struct config *c = parse_ok("[prometheus]\nurl = http://m/prometheus/\ninsecure = true\n"
	    "org_id = tenant-1\n[site \"s\"]\nprometheus.org_id = tenant-2\n", "s");
	struct backend b, b2;
	struct http_request req;
	const char *hdrs[BACKEND_MAX_HEADERS + 1];

	(void)state;
	backend_init_section(&b, c, "prometheus", NULL, "http://m/prometheus/");
	assert_string_equal(b.base, "http://m/prometheus");
	backend_basic(&b, "u", "p");
	backend_copy(&b2, &b);
	backend_clear(&b);
	memset(&req, 0, sizeof req);
	backend_fill(&b2, &req, hdrs, true);
	assert_string_equal(req.headers[0], "X-Scope-OrgID: tenant-2");
	assert_null(req.headers[1]);
	assert_string_equal(req.userpwd, "u:p");
	assert_true(req.insecure);
	assert_true(req.authenticated);
	assert_null(req.ca_file);
	/* Without auth (a certificate probe): no header, no credential. */
	backend_fill(&b2, &req, hdrs, false);
	assert_null(req.headers[0]);
	assert_null(req.userpwd);
	/* A renewed token replaces the old one; the tenant stays first. */
	backend_header(&b2, "Authorization", "Bearer ", "old", true);
	backend_drop_header(&b2, "authorization");
	backend_header(&b2, "Authorization", "Bearer ", "new", true);
	backend_fill(&b2, &req, hdrs, true);
	assert_string_equal(req.headers[0], "X-Scope-OrgID: tenant-2");
	assert_string_equal(req.headers[1], "Authorization: Bearer new");
	assert_null(req.headers[2]);
	assert_true(req.authenticated);
	backend_clear(&b2);
	config_free(c);
}

static void
test_am_conn(void **state)
{
	struct config *c;
	struct am_conn conn;
	struct http_request req;
	const char *hdrs[BACKEND_HDRS];

	(void)state;
	setenv("CERES_FLEET_TEST_PW", "pw", 1);
	c = parse_ok("[alertmanager]\nurl = http://a/am http://b/am\nuser = ops\n"
	    "password_env = CERES_FLEET_TEST_PW\norg_id = t1\nfilter = {site=\"berlin\"}\n", NULL);
	am_conn_init(&conn, c);
	assert_string_equal(conn.filter_query, "&filter=site%3D%22berlin%22");
	assert_int_equal(conn.filter.n, 1);
	backend_start(&conn.be, &req, hdrs, "http://a/am/api/v2/alerts", true);
	assert_string_equal(req.headers[0], "X-Scope-OrgID: t1");
	assert_null(req.headers[1]);
	assert_true(req.follow);
	/* One more header (the type of a body) goes after them. */
	backend_add_header(&req, "Content-Type: application/json");
	assert_string_equal(req.headers[0], "X-Scope-OrgID: t1");
	assert_string_equal(req.headers[1], "Content-Type: application/json");
	assert_null(req.headers[2]);
	assert_string_equal(req.userpwd, "ops:pw");
	assert_true(req.authenticated);
	am_conn_clear(&conn);
	config_free(c);
	/* No filter: nothing added to the query. */
	c = parse_ok("[alertmanager]\nurl = http://a\n", NULL);
	am_conn_init(&conn, c);
	assert_string_equal(conn.filter_query, "");
	assert_int_equal(conn.filter.n, 0);
	backend_start(&conn.be, &req, hdrs, "http://a/api/v2/alerts", true);
	assert_null(req.headers[0]);
	assert_null(req.userpwd);
	assert_false(req.authenticated);
	am_conn_clear(&conn);
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matchers_forms),
		cmocka_unit_test(test_matchers_errors),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_backend_section),
		cmocka_unit_test(test_am_conn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
