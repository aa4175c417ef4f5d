/* Readiness probes on health rows, Prometheus, Loki, Tempo, webhooks,
 * Gitea and local files: pass, fail and unknown with their evidence. */
#include "test_readiness_fx.h"
#include "ceres/core/paths.h"

static const char *const platform[] = { "keycloak", "grafana", "nextcloud", "gitea", "wikijs", "redmine",
	"mattermost", "prometheus", "loki", "tempo", "alertmanager", "uptime_kuma", "caddy", "postgres", "redis" };

static void
test_health_rows(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "availability.services_up", RD_UNKNOWN, "no services configured");
	expect(&f, "performance.response_time", RD_UNKNOWN, NULL);
	expect(&f, "availability.health_checks", RD_FAIL, "0/15");
	for (size_t i = 0; i + 1 < sizeof platform / sizeof platform[0]; i++)
		row(&f, platform[i], platform[i], SVC_UNKNOWN, -1, NULL);
	expect(&f, "availability.health_checks", RD_FAIL, "14/15 platform services have a health check; missing: redis");
	expect(&f, "availability.services_up", RD_UNKNOWN, "no service has answered yet");
	row(&f, "zulip", "http", SVC_UP, 20, NULL);	/* chat by name */
	row(&f, "redis", "redis", SVC_UP, 2, NULL);
	for (size_t i = 0; i + 1 < sizeof platform / sizeof platform[0]; i++)
		row(&f, platform[i], platform[i], SVC_UP, 10 + (double)i, NULL);
	expect(&f, "availability.health_checks", RD_PASS, "15/15");
	expect(&f, "availability.services_up", RD_PASS, "16/16 services up");
	expect(&f, "performance.response_time", RD_PASS, "slowest postgres 23 ms");
	row(&f, "gitea", "gitea", SVC_DOWN, -1, NULL);
	row(&f, "redmine", "redmine", SVC_UP, 1500, NULL);
	expect(&f, "availability.services_up", RD_FAIL, "15/16 services up; gitea down");
	expect(&f, "performance.response_time", RD_FAIL, "redmine 1500 ms");
	expect(&f, "observability.dashboards", RD_PASS, "grafana: fine");
	row(&f, "grafana", "grafana", SVC_DEGRADED, 3, NULL);
	expect(&f, "observability.dashboards", RD_FAIL, "grafana degraded: broken");
	fx_free(&f);
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "observability.dashboards", RD_UNKNOWN, "grafana not configured");
	row(&f, "grafana", "grafana", SVC_UNKNOWN, -1, NULL);
	expect(&f, "observability.dashboards", RD_UNKNOWN, "no answer yet");
	fx_free(&f);
}

static void
test_uptime_kuma(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[uptime_kuma]\nurl = http://127.0.0.1:1\n");
	expect(&f, "availability.uptime_monitors", RD_UNKNOWN, "uptime_kuma not configured");
	expect(&f, "integration.uptime_alerting", RD_UNKNOWN, "not visible");
	row(&f, "uptime_kuma", "uptime_kuma", SVC_DOWN, -1, NULL);
	expect(&f, "availability.uptime_monitors", RD_UNKNOWN, "uptime_kuma: broken");
	row(&f, "uptime_kuma", "uptime_kuma", SVC_UP, 3, NULL);
	expect(&f, "availability.uptime_monitors", RD_FAIL, "lists no monitors");
	row(&f, "uptime_kuma: Gitea", "uptime_kuma", SVC_UP, 3, "uptime_kuma");
	row(&f, "uptime_kuma: Grafana", "uptime_kuma", SVC_UP, 3, "uptime_kuma");
	expect(&f, "availability.uptime_monitors", RD_PASS, "2 monitors on the status page, all up");
	row(&f, "uptime_kuma: Grafana", "uptime_kuma", SVC_DOWN, 3, "uptime_kuma");
	expect(&f, "availability.uptime_monitors", RD_FAIL, "1/2 monitors not up: Grafana");
	rd_fetch_ok(&f.d->prom.series);
	f.d->prom.kuma_series = 0;
	expect(&f, "integration.uptime_alerting", RD_UNKNOWN, "does not scrape");
	f.d->prom.kuma_series = 4;
	expect(&f, "integration.uptime_alerting", RD_UNKNOWN, "prometheus not configured");
	rd_fetch_wait(&f.d->prom.rules);
	expect(&f, "integration.uptime_alerting", RD_UNKNOWN, "prometheus: no answer yet");
	LOAD(rd_parse_rules, "prom_rules_full.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.rules);
	expect(&f, "integration.uptime_alerting", RD_FAIL, "no alerting rule uses monitor_status");
	f.d->prom.rule[3].kuma = true;
	expect(&f, "integration.uptime_alerting", RD_PASS, "4 monitor_status series) and rule ServiceDown alerts on it");
	fx_free(&f);
}

/* ---- observability ------------------------------------------------------ */

static void
test_prometheus_checks(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[prometheus]\nurl = http://127.0.0.1:1\n[alertmanager]\nurl = http://127.0.0.1:2\n");
	expect(&f, "observability.metrics", RD_UNKNOWN, "prometheus not configured");
	expect(&f, "observability.node_exporter", RD_UNKNOWN, NULL);
	expect(&f, "observability.alert_rules", RD_UNKNOWN, NULL);
	expect(&f, "manageability.runbooks", RD_UNKNOWN, NULL);
	expect(&f, "manageability.config_reload", RD_UNKNOWN, NULL);
	row(&f, "prometheus", "prometheus", SVC_DOWN, -1, NULL);
	expect(&f, "observability.metrics", RD_UNKNOWN, "prometheus: broken");
	row(&f, "prometheus", "prometheus", SVC_UP, 3, NULL);
	expect(&f, "observability.metrics", RD_FAIL, "no active scrape target");
	row(&f, "prometheus target node 127.0.0.1:9100", "target", SVC_UP, 3, "prometheus");
	row(&f, "prometheus target gitea 127.0.0.1:3001", "target", SVC_UNKNOWN, 3, "prometheus");
	expect(&f, "observability.metrics", RD_PASS, "1/2 targets up");
	row(&f, "prometheus target gitea 127.0.0.1:3001", "target", SVC_DOWN, 3, "prometheus");
	expect(&f, "observability.metrics", RD_FAIL, "down: target gitea 127.0.0.1:3001");

	LOAD(rd_parse_series_counts, "prom_series.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.series);
	expect(&f, "observability.node_exporter", RD_PASS, "from 1 host(s)");
	expect(&f, "observability.meta_monitoring", RD_FAIL, "Alertmanager (alertmanager_build_info)");
	f.d->prom.am_series = 2;
	expect(&f, "observability.meta_monitoring", RD_PASS, "itself and 2 Alertmanager(s)");
	f.d->prom.node_series = 0;
	f.d->prom.self_series = 0;
	expect(&f, "observability.node_exporter", RD_FAIL, "no node-exporter is scraped");
	expect(&f, "observability.meta_monitoring", RD_FAIL, "Prometheus itself");

	LOAD(rd_parse_rules, "prom_rules_full.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.rules);
	expect(&f, "observability.alert_rules", RD_PASS, "6 alerting rules cover cpu, memory, disk, service down, latency, db connections");
	expect(&f, "manageability.runbooks", RD_PASS, "all 6 alerting rules");
	f.d->prom.rule[2].runbook = false;
	f.d->prom.rule[4].runbook = false;
	expect(&f, "manageability.runbooks", RD_FAIL, "2/6 alerting rules lack runbook_url: DiskSpaceLow, ApiLatencyHigh");
	f.d->prom.rule[0].healthy = false;
	expect(&f, "observability.alert_rules", RD_FAIL, "1 fail to evaluate");
	LOAD(rd_parse_rules, "prom_rules_sandbox.json", &f.d->prom);
	expect(&f, "observability.alert_rules", RD_FAIL, "1 alerting rules; missing: cpu, memory, disk, service down, latency, db connections");
	rd_prom_rules_free(&f.d->prom);
	expect(&f, "observability.alert_rules", RD_FAIL, "no alerting rules");
	expect(&f, "manageability.runbooks", RD_UNKNOWN, "no alerting rules loaded");

	LOAD(rd_parse_runtimeinfo, "prom_runtimeinfo.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.runtime);
	expect(&f, "manageability.config_reload", RD_PASS, "last config reload succeeded");
	f.d->prom.reload_ok = 0;
	expect(&f, "manageability.config_reload", RD_FAIL, "FAILED");
	f.d->prom.reload_ok = -1;
	expect(&f, "manageability.config_reload", RD_UNKNOWN, "does not report");
	fx_free(&f);

	/* Without Alertmanager configured, Prometheus scraping itself is enough. */
	fx_init(&f, "[prometheus]\nurl = http://127.0.0.1:1\n");
	rd_fetch_ok(&f.d->prom.series);
	f.d->prom.self_series = 1;
	f.d->prom.am_series = 0;
	expect(&f, "observability.meta_monitoring", RD_PASS, "Prometheus scrapes itself");
	fx_free(&f);
}

static void
test_logs_and_tracing(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[loki]\nurl = http://127.0.0.1:1\n");
	expect(&f, "observability.logs", RD_UNKNOWN, "loki not configured");
	expect(&f, "observability.tracing", RD_UNKNOWN, "tempo not configured");
	rd_fetch_ok(&f.d->loki.labels);
	expect(&f, "observability.logs", RD_FAIL, "no job, app or service_name label values");
	LOAD(rd_parse_loki_values, "loki_values.json", &f.d->loki);
	expect(&f, "observability.logs", RD_UNKNOWN, "no services configured");
	row(&f, "caddy", "caddy", SVC_UP, 1, NULL);
	row(&f, "gitea", "gitea", SVC_UP, 1, NULL);
	row(&f, "sso", "keycloak", SVC_UP, 1, NULL);
	row(&f, "alertmanager a", "alertmanager", SVC_UP, 1, NULL);
	row(&f, "alertmanager b", "alertmanager", SVC_UP, 1, NULL);
	/* Children (targets, monitors) are not services of their own. */
	row(&f, "prometheus target x", "target", SVC_UP, 1, "prometheus");
	expect(&f, "observability.logs", RD_FAIL, "logs from 3/4 services; missing: alertmanager");
	assert_null(strstr(f.last.evidence, "alertmanager, alertmanager"));
	{
		static const char more[] = "{\"status\":\"success\",\"data\":[\"alertmanager\"]}";
		char *cause = NULL;

		assert_int_equal(rd_parse_loki_values(more, strlen(more), &f.d->loki, &cause), 0);
	}
	expect(&f, "observability.logs", RD_PASS, "streams from all 4 services");
	rd_fetch_err(&f.d->loki.labels, "HTTP 401 no org id");
	expect(&f, "observability.logs", RD_UNKNOWN, "no org id");

	rd_fetch_ok(&f.d->tempo.ready);
	f.d->tempo.status = 200;
	f.d->tempo.detail = xstrdup("ready");
	expect(&f, "observability.tracing", RD_PASS, "HTTP 200 ready");
	f.d->tempo.status = 503;
	str_set(&f.d->tempo.detail, "Some services are not Running:");
	expect(&f, "observability.tracing", RD_FAIL, "HTTP 503 Some services");
	rd_fetch_err(&f.d->tempo.ready, "Connection refused");
	expect(&f, "observability.tracing", RD_UNKNOWN, "Connection refused");
	fx_free(&f);
}

/* ---- integration -------------------------------------------------------- */

static void
test_webhooks(void **state)
{
	struct fx f;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "integration.webhooks", RD_UNKNOWN, "no [webhook] routes configured");
	fx_free(&f);
	setenv("RD_TEST_HOOK", "http://127.0.0.1/hooks/k", 1);
	fx_init(&f, "[webhook \"mattermost-ops\"]\nkind = mattermost\nurl_env = RD_TEST_HOOK\n"
	    "[webhook \"zulip-dev\"]\nkind = zulip\nurl_env = RD_TEST_HOOK\n");
	f.d->webhooks.path = xstrdup("/state/webhooks.json");
	rd_fetch_ok(&f.d->webhooks.f);
	expect(&f, "integration.webhooks", RD_UNKNOWN, "never tested: mattermost-ops, zulip-dev");
	buf = fixture("webhooks.json", &len);
	assert_int_equal(rd_parse_webhook_state(buf, len, &f.d->webhooks, &cause), 0);
	free(buf);
	expect(&f, "integration.webhooks", RD_FAIL, "zulip-dev: HTTP 404");
	f.d->webhooks.r[1].ok = 1;
	f.d->webhooks.r[1].status = 200;
	f.d->webhooks.r[1].time = f.ctx.now - 3600;
	f.d->webhooks.r[0].time = f.ctx.now - 600;
	expect(&f, "integration.webhooks", RD_PASS, "2/2 routes answered their last test (oldest 1h");
	/* No "ok" key: the status code decides. */
	f.d->webhooks.r[1].ok = -1;
	f.d->webhooks.r[1].status = 502;
	expect(&f, "integration.webhooks", RD_FAIL, "HTTP 502");
	rd_fetch_err(&f.d->webhooks.f, "invalid JSON");
	expect(&f, "integration.webhooks", RD_UNKNOWN, "invalid JSON");
	fx_free(&f);
}

static struct rd_gitea_repo *
add_repo(struct fx *f, const char *name)
{
	struct rd_gitea *g = &f->d->gitea;

	g->repo = xreallocarray(g->repo, g->nrepo + 1, sizeof *g->repo);
	memset(&g->repo[g->nrepo], 0, sizeof g->repo[0]);
	g->repo[g->nrepo].repo = xstrdup(name);
	rd_fetch_wait(&g->repo[g->nrepo].hooks);
	return &g->repo[g->nrepo++];
}

static void
test_gitea(void **state)
{
	struct fx f;
	struct rd_gitea_repo *a, *b;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "gitea not configured");
	expect(&f, "manageability.infra_repos", RD_UNKNOWN, "gitea not configured");
	fx_free(&f);
	fx_init(&f, "[gitea]\nurl = http://127.0.0.1:1\n");
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "no repositories");
	expect(&f, "manageability.infra_repos", RD_FAIL, "lists no repository");
	add_repo(&f, "ceres/infra");
	add_repo(&f, "ceres/app");
	a = &f.d->gitea.repo[0];
	b = &f.d->gitea.repo[1];
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "no [gitea] token");
	f.d->gitea.have_token = true;
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "ceres/infra: no answer yet");
	expect(&f, "manageability.infra_repos", RD_UNKNOWN, "could not confirm: ceres/infra, ceres/app");
	LOAD(rd_parse_gitea_hooks, "gitea_hooks.json", a);
	a->status = 200;
	rd_fetch_ok(&a->hooks);
	LOAD(rd_parse_gitea_hooks, "gitea_hooks_none.json", b);
	b->status = 200;
	rd_fetch_ok(&b->hooks);
	expect(&f, "integration.gitea_hooks", RD_FAIL, "1/2 repositories notify chat; not: ceres/app (2 hooks, none to chat)");
	expect(&f, "manageability.infra_repos", RD_PASS, "2 repositories in Gitea");
	LOAD(rd_parse_gitea_hooks, "gitea_hooks.json", b);
	expect(&f, "integration.gitea_hooks", RD_PASS, "2/2 repositories have a chat hook, e.g. ceres/infra: gitea → https://chat.ceres.example/…");
	b->status = 404;
	b->nhooks = b->chat_hooks = 0;
	expect(&f, "integration.gitea_hooks", RD_FAIL, "ceres/app (HTTP 404)");
	expect(&f, "manageability.infra_repos", RD_FAIL, "not found in Gitea: ceres/app");
	fx_free(&f);
}

/* ---- local files, through rd_files_refresh ------------------------------ */

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

static void
test_files(void **state)
{
	char dir[] = "/tmp/rd-unit.XXXXXX", *cfgtext, *p;
	struct fx f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/backup.json", dir);
	write_file(p, "{\"last_success\": \"2026-11-26T08:00:00Z\", \"last_status\": \"ok\"}", 0600);
	free(p);
	p = xasprintf("%s/webhooks.json", dir);
	write_file(p, "{\"routes\": {\"ops\": {\"status\": 200, \"ok\": true, \"time\": 1795690000}}}", 0600);
	free(p);
	p = xasprintf("%s/backup.sh", dir);
	write_file(p, "#!/bin/sh\nexit 0\n", 0700);
	free(p);
	p = xasprintf("%s/audit.log", dir);
	write_file(p, "{\"time\":\"2026-11-26T09:00:00Z\",\"action\":\"silence\"}\n", 0600);
	cfgtext = xasprintf("[ceres]\nstate_dir = %s\n[backup]\ncommand = %s/backup.sh --full\n", dir, dir);
	fx_init(&f, cfgtext);
	rd_files_refresh(f.cfg, p, f.d);
	assert_int_equal(f.d->backup.f.avail, RD_OK);
	assert_true(f.d->backup.exists);
	assert_true(f.d->backup.last_success > 0);
	assert_int_equal(f.d->backup.command_ok, 1);
	assert_int_equal(f.d->webhooks.n, 1);
	assert_true(f.d->audit.writable);
	assert_true(f.d->audit.last > 0);
	expect(&f, "manageability.backup_command", RD_PASS, "backup.sh: executable");
	expect(&f, "observability.audit_log", RD_PASS, "last entry");
	f.ctx.now = f.d->backup.last_success + 3600;
	expect(&f, "availability.backups", RD_PASS, "1h");
	/* Written by this config: still ours.  By another: not evidence. */
	{
		char *own = paths_state_owner(f.cfg), *bp = xasprintf("%s/backup.json", dir), *t;

		t = xasprintf("{\"owner\": \"%s\", \"last_success\": \"2026-11-26T08:00:00Z\"}", own);
		write_file(bp, t, 0600);
		free(t);
		rd_files_refresh(f.cfg, p, f.d);
		assert_false(f.d->backup.foreign);
		expect(&f, "availability.backups", RD_PASS, "1h");
		write_file(bp, "{\"owner\": \"/other/config#prod\", \"last_success\": \"2026-11-26T08:00:00Z\"}", 0600);
		rd_files_refresh(f.cfg, p, f.d);
		assert_true(f.d->backup.foreign);
		expect(&f, "availability.backups", RD_FAIL, "written by another config or site");
		free(own);
		free(bp);
	}
	fx_free(&f);
	free(cfgtext);

	/* A FIFO at the state path must not block; garbage is an error. */
	free(p);
	p = xasprintf("%s/backup.json", dir);
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	p = xasprintf("%s/webhooks.json", dir);
	write_file(p, "\x01\x02 not json", 0600);
	free(p);
	cfgtext = xasprintf("[ceres]\nstate_dir = %s\n[backup]\ncommand = nonexistent-backup-tool\n", dir);
	fx_init(&f, cfgtext);
	rd_files_refresh(f.cfg, "/nonexistent-dir/sub/audit.log", f.d);
	assert_int_equal(f.d->backup.f.avail, RD_ERR);
	assert_int_equal(f.d->webhooks.f.avail, RD_ERR);
	expect(&f, "availability.backups", RD_UNKNOWN, "not a regular file");
	expect(&f, "manageability.backup_command", RD_FAIL, "not found in PATH");
	expect(&f, "integration.webhooks", RD_UNKNOWN, "no [webhook] routes");
	expect(&f, "observability.audit_log", RD_PASS, NULL);	/* "/" is writable for root */
	fx_free(&f);
	free(cfgtext);
	p = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(p), 0);
	free(p);
}

static void
test_state_path(void **state)
{
	struct fx f;
	char *p;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	setenv("XDG_STATE_HOME", "/xdg", 1);
	p = paths_state_file(f.cfg, "backup.json");
	assert_string_equal(p, "/xdg/ceres-top/backup.json");
	free(p);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/op", 1);
	p = paths_state_file(f.cfg, "webhooks.json");
	assert_string_equal(p, "/home/op/.local/state/ceres-top/webhooks.json");
	free(p);
	fx_free(&f);
	fx_init(&f, "[ceres]\nstate_dir = /var/lib/ceres-top\n");
	p = paths_state_file(f.cfg, "backup.json");
	assert_string_equal(p, "/var/lib/ceres-top/backup.json");
	free(p);
	fx_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_rows),
		cmocka_unit_test(test_uptime_kuma),
		cmocka_unit_test(test_prometheus_checks),
		cmocka_unit_test(test_logs_and_tracing),
		cmocka_unit_test(test_webhooks),
		cmocka_unit_test(test_gitea),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_state_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
