/* The readiness check table (id, category, title, weight, probe) and the
 * score: passed weight over the weight of the checks that could be
 * decided.  Unknown checks are counted apart, never as pass.  A new check
 * is one row here and one probe in src/readiness/probes_<category>.c. */
#include "ceres/util/i18n.h"
#include "ceres/model/services.h"
#include "ceres/features/readiness.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"
#include "probes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW(id, cat, title, w, fn, remedy) { id, cat, title, w, fn, remedy }

const struct rd_check rd_checks[] = {
	/* Security */
	ROW("security.sso_oidc", RD_SECURITY, N_("SSO: Keycloak realm serves OIDC"), 3, probe_sso_oidc,
	    N_("create the realm in Keycloak and set [keycloak] url and realm")),
	ROW("security.mfa", RD_SECURITY, N_("MFA required on Keycloak"), 3, probe_mfa,
	    N_("make Configure OTP a default required action, or make the OTP form REQUIRED in the browser flow")),
	ROW("security.brute_force", RD_SECURITY, N_("Brute-force detection on the realm"), 1, probe_brute_force,
	    N_("Realm settings > Security defenses > Brute force detection: on")),
	ROW("security.https", RD_SECURITY, N_("HTTPS served by Caddy"), 2, probe_https,
	    N_("serve the sites with https:// names and remove auto_https off")),
	ROW("security.certificates", RD_SECURITY, N_("TLS certificates valid for more than 14 days"), 2,
	    probe_certificates, N_("renew the certificate; check Caddy's ACME logs for renewal errors")),
	ROW("security.proxy_sso", RD_SECURITY, N_("SSO at the reverse proxy (forward auth)"), 2, probe_proxy_sso,
	    N_("put forward_auth to oauth2-proxy (Keycloak OIDC) in front of every site")),
	ROW("security.rate_limit", RD_SECURITY, N_("Rate limiting on the reverse proxy"), 1, probe_rate_limit,
	    N_("build Caddy with the rate_limit module and limit login and API routes")),
	ROW("security.password_hashing", RD_SECURITY, N_("PostgreSQL passwords hashed with SCRAM"), 1,
	    probe_password_hashing, N_("set password_encryption = scram-sha-256 and reset md5 passwords")),
	ROW("security.redis_auth", RD_SECURITY, N_("Redis refuses unauthenticated clients"), 2, probe_redis_auth,
	    N_("set requirepass (or ACL users) in redis.conf and give ceres-top password_file")),
	ROW("security.audit_central", RD_SECURITY, N_("Centralized audit logging"), 2, probe_audit_central,
	    N_("set [audit] conninfo to a PostgreSQL database the audit rows go to")),
	ROW("security.secrets", RD_SECURITY, N_("Secrets kept out of the config file"), 1, probe_secrets,
	    N_("move every token, key and webhook URL to *_file or *_env")),

	/* Availability */
	ROW("availability.ha_postgres", RD_AVAILABILITY, N_("HA PostgreSQL: streaming replica, lag < 10 s"), 3,
	    probe_ha_postgres, N_("run a streaming replica (Patroni or pg_basebackup + primary_conninfo)")),
	ROW("availability.ha_redis", RD_AVAILABILITY, N_("HA Redis: a replica online"), 2, probe_ha_redis,
	    N_("run a replica (replicaof) watched by Redis Sentinel")),
	ROW("availability.alerting", RD_AVAILABILITY, N_("Prometheus sends alerts to Alertmanager"), 3,
	    probe_alerting, N_("add alerting.alertmanagers to prometheus.yml and reload")),
	ROW("availability.alertmanager_ha", RD_AVAILABILITY, N_("Alertmanager clustered (HA)"), 1,
	    probe_alertmanager_ha, N_("run two Alertmanagers with --cluster.peer pointing at each other")),
	ROW("availability.backups", RD_AVAILABILITY, N_("Last successful backup less than 26 h ago"), 3,
	    probe_backups, N_("run the backup (b key) and schedule it daily")),
	ROW("availability.health_checks", RD_AVAILABILITY, N_("Every platform service has a health check"), 2,
	    probe_health_checks, N_("add the missing services to the ceres-top config")),
	ROW("availability.services_up", RD_AVAILABILITY, N_("Every service is up"), 2, probe_services_up,
	    N_("see the health pane for the services that are down")),
	ROW("availability.uptime_monitors", RD_AVAILABILITY, N_("Uptime Kuma monitors report up"), 1,
	    probe_uptime_monitors, N_("add monitors to the Uptime Kuma status page and fix those that are down")),
	ROW("availability.load_balancing", RD_AVAILABILITY, N_("Load-balanced upstreams on the proxy"), 1,
	    probe_load_balancing, N_("give reverse_proxy two or more upstreams with health checks")),
	ROW("availability.restore_tested", RD_AVAILABILITY, N_("A restore tested within 30 days"), 2,
	    probe_restore_tested, N_("restore the last backup into a scratch instance and record it in restore_test.json")),
	ROW("availability.dr_runbook", RD_AVAILABILITY, N_("Disaster-recovery runbook present"), 2,
	    probe_dr_runbook, N_("write the disaster-recovery runbook and set [readiness] dr_runbook to it")),
	ROW("availability.patroni", RD_AVAILABILITY, N_("HA PostgreSQL: Patroni leader and a streaming replica"),
	    2, probe_patroni, N_("bring the stopped or lagging members back (patronictl list) and resume the cluster")),
	ROW("availability.redis_sentinel", RD_AVAILABILITY,
	    N_("HA Redis: Sentinel sees the master, quorum and a replica"), 2, probe_redis_sentinel,
	    N_("run three Sentinels monitoring the master with a replica; fix what SENTINEL CKQUORUM reports")),

	/* Observability */
	ROW("observability.metrics", RD_OBSERVABILITY, N_("Prometheus scrapes every target"), 2, probe_metrics,
	    N_("fix the scrape targets that are down (health pane)")),
	ROW("observability.node_exporter", RD_OBSERVABILITY, N_("Host metrics (node-exporter) scraped"), 2,
	    probe_node_exporter, N_("run prometheus-node-exporter and add it to scrape_configs")),
	ROW("observability.meta_monitoring", RD_OBSERVABILITY, N_("The monitoring stack is monitored"), 1,
	    probe_meta_monitoring, N_("scrape Prometheus itself and every Alertmanager")),
	ROW("observability.dashboards", RD_OBSERVABILITY, N_("Grafana dashboards available"), 1, probe_dashboards,
	    N_("configure [service \"grafana\"] kind = grafana and fix its database")),
	ROW("observability.logs", RD_OBSERVABILITY, N_("Logs of every service in Loki"), 2, probe_logs,
	    N_("add the missing services to Promtail's scrape configs")),
	ROW("observability.loki_alert_rules", RD_OBSERVABILITY, N_("Loki alerts on logs (ruler alerting rules)"), 2,
	    probe_loki_alert_rules, N_("enable Loki's ruler and load alerting rules for error logs")),
	ROW("observability.tracing", RD_OBSERVABILITY, N_("Tracing backend (Tempo) ready"), 1, probe_tracing,
	    N_("run Tempo and set [tempo] url")),
	ROW("observability.alert_rules", RD_OBSERVABILITY,
	    N_("Alert rules: CPU, memory, disk, down, latency, DB connections"), 3, probe_alert_rules,
	    N_("load alert rules for the missing classes into Prometheus")),
	ROW("observability.audit_log", RD_OBSERVABILITY, N_("Audit log configured and writable"), 2,
	    probe_audit_log, N_("set [ceres] audit_log to a writable file")),

	/* Integration */
	ROW("integration.alert_chat", RD_INTEGRATION, N_("Alertmanager routes alerts to chat"), 3,
	    probe_alert_chat, N_("add a receiver with webhook_configs or slack_configs and route to it")),
	ROW("integration.alert_email", RD_INTEGRATION, N_("E-mail fallback for alerts"), 2, probe_alert_email,
	    N_("add email_configs to a routed receiver")),
	ROW("integration.webhooks", RD_INTEGRATION, N_("Chat webhook routes answered their last test"), 3,
	    probe_webhooks, N_("test every route with the w key and fix those that fail")),
	ROW("integration.gitea_hooks", RD_INTEGRATION, N_("Gitea repositories notify chat"), 2, probe_gitea_hooks,
	    N_("add a Mattermost/Slack webhook to every repository")),
	ROW("integration.uptime_alerting", RD_INTEGRATION, N_("Uptime Kuma alerts reach Alertmanager"), 1,
	    probe_uptime_alerting, N_("scrape Uptime Kuma's /metrics and alert on monitor_status")),
	ROW("integration.traces_to_logs", RD_INTEGRATION, N_("Tempo <-> Loki: Grafana links traces to logs"), 1,
	    probe_traces_to_logs, N_("set Trace to logs on Grafana's Tempo datasource to the Loki datasource")),
	ROW("integration.sso_clients", RD_INTEGRATION, N_("Applications log in through Keycloak"), 2,
	    probe_sso_clients, N_("create an OIDC client in the realm for every application")),
	ROW("integration.wiki_git", RD_INTEGRATION, N_("Wiki.js pages kept in git (storage target)"), 2,
	    probe_wiki_git, N_("enable Wiki.js's git storage target (Administration > Storage) on a Gitea repository")),

	/* Manageability */
	ROW("manageability.runbooks", RD_MANAGEABILITY, N_("Every alert rule links a runbook"), 2, probe_runbooks,
	    N_("add a runbook_url annotation to every alerting rule")),
	ROW("manageability.backup_command", RD_MANAGEABILITY, N_("Backup command configured and executable"), 2,
	    probe_backup_command, N_("set [backup] command to an executable backup script")),
	ROW("manageability.pitr", RD_MANAGEABILITY, N_("Point-in-time recovery (WAL archiving)"), 1, probe_pitr,
	    N_("set archive_mode = on and an archive_command in postgresql.conf")),
	ROW("manageability.config_reload", RD_MANAGEABILITY, N_("Last configuration reload succeeded"), 1,
	    probe_config_reload, N_("promtool check config, fix the error, reload Prometheus")),
	ROW("manageability.infra_repos", RD_MANAGEABILITY, N_("Infrastructure repositories in Gitea"), 1,
	    probe_infra_repos, N_("list the infrastructure repositories in [gitea] repos")),

	/* Performance */
	ROW("performance.compression", RD_PERFORMANCE, N_("Compression (encode) on every proxy server"), 1,
	    probe_compression, N_("add encode zstd gzip to every site block")),
	ROW("performance.cache_limits", RD_PERFORMANCE, N_("Redis cache bounded with an eviction policy"), 1,
	    probe_cache_limits, N_("set maxmemory and maxmemory-policy allkeys-lru in redis.conf")),
	/* xgettext:no-c-format ("80 % o" is text, not a conversion) */
	ROW("performance.connection_pool", RD_PERFORMANCE, N_("PostgreSQL connections below 80 % of max"), 2,
	    probe_connection_pool, N_("put PgBouncer in front of PostgreSQL or raise max_connections")),
	ROW("performance.db_maintenance", RD_PERFORMANCE, N_("PostgreSQL autovacuum on"), 1,
	    probe_db_maintenance, N_("set autovacuum = on and track_counts = on")),
	ROW("performance.query_stats", RD_PERFORMANCE, N_("Query statistics (pg_stat_statements)"), 1,
	    probe_query_stats, N_("add pg_stat_statements to shared_preload_libraries and restart")),
	ROW("performance.response_time", RD_PERFORMANCE, N_("Health probes answer within 1 s"), 1,
	    probe_response_time, N_("look at the slowest service's logs and resources")),
};
const size_t rd_ncheck = sizeof rd_checks / sizeof rd_checks[0];

const struct rd_check *
rd_check_find(const char *id)
{
	for (size_t i = 0; i < rd_ncheck; i++)
		if (strcmp(rd_checks[i].id, id) == 0)
			return &rd_checks[i];
	return NULL;
}


/* Cut s to at most max bytes without splitting a UTF-8 sequence, ending
 * with an ellipsis when anything was cut. */
static void
copy_line(char *dst, size_t max, const char *s)
{
	/* At most max bytes of s: longer than the room, so clipped to it. */
	char *t = utf8_clip(xstrndup(s, strnlen(s, max)), max - 1);

	memcpy(dst, t, strlen(t) + 1);
	free(t);
}

void
rd_set(struct rd_result *out, enum rd_status st, const char *fmt, ...)
{
	va_list ap;
	char *raw, *clean;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	/* Evidence quotes backend strings: one terminal-safe line. */
	clean = sanitize_str(raw);
	out->status = st;
	copy_line(out->evidence, sizeof out->evidence, clean);
	free(clean);
	free(raw);
}

bool
rd_unknown_unless_ok(struct rd_result *out, const struct rd_fetch *f, const char *what)
{
	switch (f->avail) {
	case RD_OK:
		return false;
	case RD_OFF:
		rd_set(out, RD_UNKNOWN, _("%s not configured"), what);
		return true;
	case RD_WAIT:
		rd_set(out, RD_UNKNOWN, _("%s: no answer yet"), what);
		return true;
	default:
		rd_set(out, RD_UNKNOWN, "%s: %s", what, f->error != NULL ? f->error : _("failed"));
		return true;
	}
}

/* ---- score ---------------------------------------------------------- */

void
rd_score_compute(const struct rd_check *checks, const struct rd_result *res, size_t n,
    struct rd_score *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		struct rd_cat_score *cs;
		int w = checks[i].weight > 0 ? checks[i].weight : 0;

		if ((unsigned)checks[i].category >= RD_NCATEGORIES)
			continue;
		cs = &out->cat[checks[i].category];
		cs->total++;
		out->total++;
		switch (res[i].status) {
		case RD_PASS:
			cs->score += w;
			cs->max += w;
			cs->passed++;
			out->passed++;
			break;
		case RD_FAIL:
			cs->max += w;
			cs->failed++;
			out->failed++;
			break;
		default:
			cs->unknown++;
			out->unknown++;
			break;
		}
	}
	for (int c = 0; c < RD_NCATEGORIES; c++) {
		out->score += out->cat[c].score;
		out->max += out->cat[c].max;
	}
	/* Rounded half up, integers only: 2/3 is 67 %, not 66. */
	out->percent = out->max > 0 ? (out->score * 200 + out->max) / (out->max * 2) : 0;
}

void
rd_evaluate(const struct rd_ctx *ctx, struct rd_result *res, struct rd_score *score)
{
	for (size_t i = 0; i < rd_ncheck; i++) {
		memset(&res[i], 0, sizeof res[i]);
		rd_checks[i].probe(ctx, &res[i]);
		if (res[i].evidence[0] == '\0')
			rd_set(&res[i], res[i].status, "%s", _("no evidence"));
	}
	rd_score_compute(rd_checks, res, rd_ncheck, score);
}

/* ---- helpers shared by the probes ----------------------------------- */

const struct service *
rd_row_of_kind(const struct model *m, const char *kind)
{
	for (size_t i = 0; i < m->nservices; i++) {
		const struct service *sv = m->services[i];

		if (sv->parent == NULL && strcmp(sv->kind, kind) == 0)
			return sv;
	}
	return NULL;
}

void
rd_list_add(struct rd_list *l, const char *item)
{
	size_t used = strlen(l->buf), need = strlen(item) + (l->shown > 0 ? 2 : 0);

	l->n++;
	/* Keep room for " and 999 more" at the end. */
	if (used + need + 16 >= sizeof l->buf)
		return;
	snprintf(l->buf + used, sizeof l->buf - used, "%s%s", l->shown > 0 ? ", " : "", item);
	l->shown++;
}

const char *
rd_list_str(struct rd_list *l)
{
	if (l->shown < l->n)
		snprintf(l->out, sizeof l->out, _("%s and %zu more"), l->buf, l->n - l->shown);
	else
		snprintf(l->out, sizeof l->out, "%s", l->buf);
	return l->out;
}
