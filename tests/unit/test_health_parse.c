/* Health parsers on fixtures: Prometheus targets, Redis INFO, Uptime
 * Kuma, and the per-kind judges (a 200 is not always "up"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/health.h"
#include "ceres/util/util.h"

static char *
slurp(const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
test_targets(void **state)
{
	size_t len, n;
	char *buf = slurp("prometheus/targets.json", &len), *cause = NULL;
	struct prom_target *t;

	(void)state;
	assert_int_equal(prom_targets_parse(buf, len, &t, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].job, "node");
	assert_string_equal(t[0].health, "down");
	assert_non_null(strstr(t[0].last_error, "connection refused"));
	assert_string_equal(t[1].instance, "127.0.0.1:9090");
	assert_string_equal(t[1].health, "up");
	assert_true(t[1].last_scrape_duration > 0.004 && t[1].last_scrape_duration < 0.005);
	/* No labels: job from scrapePool, instance from the URL, null duration. */
	assert_string_equal(t[2].job, "grafana");
	assert_string_equal(t[2].instance, "http://127.0.0.1:3000/metrics");
	assert_true(t[2].last_scrape_duration < 0);
	prom_targets_free(t, n);
	free(buf);
}

static void
test_targets_empty_and_errors(void **state)
{
	size_t len, n;
	char *buf = slurp("prometheus/targets-empty.json", &len), *cause = NULL;
	struct prom_target *t;

	(void)state;
	assert_int_equal(prom_targets_parse(buf, len, &t, &n, &cause), 0);
	assert_int_equal(n, 0);
	prom_targets_free(t, n);
	free(buf);
	buf = slurp("prometheus/targets-error.json", &len);
	assert_int_equal(prom_targets_parse(buf, len, &t, &n, &cause), -1);
	assert_non_null(strstr(cause, "invalid parameter"));
	free(cause);
	free(buf);
	assert_int_equal(prom_targets_parse("{\"status\":\"succ", 15, &t, &n, &cause), -1);
	assert_string_equal(cause, "targets: malformed JSON");
	free(cause);
	assert_int_equal(prom_targets_parse("{\"status\":\"success\",\"data\":{\"activeTargets\":7}}", 47, &t, &n, &cause), -1);
	free(cause);
	/* Items of the wrong type are skipped, not trusted. */
	assert_int_equal(prom_targets_parse("{\"status\":\"success\",\"data\":{\"activeTargets\":[1,\"x\",{\"health\":5}]}}", 66, &t, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].health, "unknown");
	prom_targets_free(t, n);
}

/* The instant query up of an engine without a targets list (Mimir,
 * Cortex): one row per series, 1 up, 0 down, anything else unknown. */
static void
test_up_query(void **state)
{
	size_t len, n;
	char *buf = slurp("prometheus/query-up.json", &len), *cause = NULL;
	struct prom_target *t;

	(void)state;
	assert_int_equal(prom_up_parse(buf, len, &t, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].job, "node");
	assert_string_equal(t[0].instance, "10.0.2.7:9100");
	assert_string_equal(t[0].health, "up");
	assert_string_equal(t[1].health, "down");
	assert_string_equal(t[1].last_error, "");
	assert_true(t[1].last_scrape_duration < 0);
	assert_string_equal(t[2].job, "blackbox – Zürich 監視");
	assert_string_equal(t[2].instance, "?");
	assert_string_equal(t[2].health, "unknown");
	prom_targets_free(t, n);
	free(buf);
	/* An empty vector, an error, not a vector, not JSON. */
	assert_int_equal(prom_up_parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
	    63, &t, &n, &cause), 0);
	assert_int_equal(n, 0);
	prom_targets_free(t, n);
	assert_int_equal(prom_up_parse("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no tenant\"}",
	    61, &t, &n, &cause), -1);
	assert_string_equal(cause, "up: no tenant");
	free(cause);
	assert_int_equal(prom_up_parse("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"1\"]}}",
	    68, &t, &n, &cause), -1);
	assert_string_equal(cause, "up: the answer is not a vector");
	free(cause);
	assert_int_equal(prom_up_parse("<html>gateway</html>", 20, &t, &n, &cause), -1);
	assert_string_equal(cause, "up: malformed JSON");
	free(cause);
	/* Series of the wrong shape: skipped or unknown, never trusted. */
	assert_int_equal(prom_up_parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[7,{\"metric\":5,\"value\":[1,1]},{\"value\":\"1\"}]}}", 105, &t, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].health, "unknown");
	assert_string_equal(t[0].job, "?");
	prom_targets_free(t, n);
}

static void
test_redis_info(void **state)
{
	size_t len;
	char *buf = slurp("health/redis-info-master.txt", &len), *cause = NULL;
	struct redis_info info;

	(void)state;
	assert_int_equal(redis_info_parse(buf, len, &info, &cause), 0);
	assert_string_equal(info.role, "master");
	assert_string_equal(info.version, "7.0.15");
	assert_int_equal(info.connected_slaves, 2);
	assert_int_equal(info.master_link_up, -1);
	free(buf);
	buf = slurp("health/redis-info-replica.txt", &len);
	assert_int_equal(redis_info_parse(buf, len, &info, &cause), 0);
	assert_string_equal(info.role, "slave");
	assert_int_equal(info.master_link_up, 0);
	free(buf);
	assert_int_equal(redis_info_parse("# Server\r\nfoo:bar\r\n", 19, &info, &cause), -1);
	free(cause);
	/* Overlong values are clipped, not overflowed. */
	{
		char big[600];

		snprintf(big, sizeof big, "role:%0500d\r\n", 1);
		assert_int_equal(redis_info_parse(big, strlen(big), &info, &cause), 0);
		assert_true(strlen(info.role) < sizeof info.role);
	}
}

static void
test_kuma(void **state)
{
	size_t plen, blen, n;
	char *page = slurp("health/kuma-page.json", &plen), *cause = NULL;
	char *beats = slurp("health/kuma-beats.json", &blen);
	struct kuma_monitor *m;

	(void)state;
	assert_int_equal(kuma_parse(page, plen, beats, blen, &m, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].name, "Gitea");
	assert_int_equal(m[0].status, 1);		/* last beat (oldest first) */
	assert_true(m[0].ping > 41 && m[0].ping < 43);
	assert_string_equal(m[1].name, "Nextcloud ☁");
	assert_int_equal(m[1].status, 0);
	assert_true(m[1].ping < 0);			/* null ping */
	assert_int_equal(m[2].status, -1);		/* no heartbeat */
	kuma_monitors_free(m, n);
	/* Unknown slug: 200 with empty lists. */
	assert_int_equal(kuma_parse(NULL, 0, "{\"heartbeatList\":{},\"uptimeList\":{}}", 36, &m, &n, &cause), 0);
	assert_int_equal(n, 0);
	kuma_monitors_free(m, n);
	assert_int_equal(kuma_parse(NULL, 0, "[]", 2, &m, &n, &cause), -1);
	free(cause);
	free(page);
	free(beats);
}

static enum svc_state
judge(health_judge_fn fn, long status, const char *body)
{
	struct health_result r;

	fn(status, body, strlen(body), &r);
	assert_true(strlen(r.detail) > 0);
	return r.state;
}

static void
test_judges(void **state)
{
	(void)state;
	assert_int_equal(judge(health_judge_grafana, 200, "{\"database\":\"ok\",\"version\":\"11\"}"), SVC_UP);
	assert_int_equal(judge(health_judge_grafana, 503, "{\"database\":\"failing\"}"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_grafana, 200, "<html>"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_grafana, 502, ""), SVC_DOWN);
	assert_int_equal(judge(health_judge_gitea, 200, "{\n  \"status\": \"pass\"\n}"), SVC_UP);
	assert_int_equal(judge(health_judge_gitea, 200, "{\"status\":\"warn\"}"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_gitea, 424, "{\"status\":\"fail\"}"), SVC_DOWN);
	assert_int_equal(judge(health_judge_gitea, 424, "not json"), SVC_DOWN);
	assert_int_equal(judge(health_judge_redmine, 200, "{\"projects\":[],\"total_count\":0}"), SVC_UP);
	assert_int_equal(judge(health_judge_redmine, 401, ""), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_redmine, 500, ""), SVC_DOWN);
	assert_int_equal(judge(health_judge_nextcloud, 200, "{\"installed\":true,\"maintenance\":false,\"needsDbUpgrade\":false,\"versionstring\":\"30.0.4\"}"), SVC_UP);
	assert_int_equal(judge(health_judge_nextcloud, 200, "{\"installed\":true,\"maintenance\":true,\"needsDbUpgrade\":false}"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_nextcloud, 200, "{\"installed\":true,\"maintenance\":false,\"needsDbUpgrade\":true}"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_nextcloud, 500, ""), SVC_DOWN);
	assert_int_equal(judge(health_judge_keycloak, 200, "{\"status\":\"UP\",\"checks\":[]}"), SVC_UP);
	assert_int_equal(judge(health_judge_keycloak, 503, "{\"status\":\"DOWN\",\"checks\":[]}"), SVC_DOWN);
	assert_int_equal(judge(health_judge_mattermost, 200, "{\"status\":\"OK\"}"), SVC_UP);
	assert_int_equal(judge(health_judge_mattermost, 200, "{\"status\":\"UNHEALTHY\"}"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_ready, 200, "ready\n"), SVC_UP);
	assert_int_equal(judge(health_judge_ready, 503, "Ingester not ready: waiting for 15s after being ready\n"), SVC_DEGRADED);
	assert_int_equal(judge(health_judge_ready, 404, ""), SVC_DOWN);
	assert_int_equal(judge(health_judge_status200, 204, ""), SVC_UP);
	assert_int_equal(judge(health_judge_status200, 301, ""), SVC_DOWN);
}

static void
test_kinds_table(void **state)
{
	(void)state;
	assert_non_null(health_kind_find("grafana"));
	assert_non_null(health_kind_find("Nextcloud"));
	assert_null(health_kind_find("sharepoint"));
	assert_string_equal(health_kind_find("keycloak")->default_url, "http://127.0.0.1:8081");
	assert_string_equal(health_kind_find("node")->path, "/metrics");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_targets_empty_and_errors),
		cmocka_unit_test(test_up_query),
		cmocka_unit_test(test_redis_info),
		cmocka_unit_test(test_kuma),
		cmocka_unit_test(test_judges),
		cmocka_unit_test(test_kinds_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
