/* The probe functions of the readiness checks, one per check, grouped by
 * category in src/readiness/probes_<category>.c.  Only src/readiness.c
 * (the table) and the unit tests include this. */
#ifndef CERES_READINESS_PROBES_H
#define CERES_READINESS_PROBES_H

#include "ceres/features/readiness.h"
#include "ceres/sources/readiness.h"

struct service;

/* security */
void probe_sso_oidc(const struct rd_ctx *c, struct rd_result *r);
void probe_mfa(const struct rd_ctx *c, struct rd_result *r);
void probe_brute_force(const struct rd_ctx *c, struct rd_result *r);
void probe_https(const struct rd_ctx *c, struct rd_result *r);
void probe_certificates(const struct rd_ctx *c, struct rd_result *r);
void probe_proxy_sso(const struct rd_ctx *c, struct rd_result *r);
void probe_rate_limit(const struct rd_ctx *c, struct rd_result *r);
void probe_password_hashing(const struct rd_ctx *c, struct rd_result *r);
void probe_redis_auth(const struct rd_ctx *c, struct rd_result *r);
void probe_audit_central(const struct rd_ctx *c, struct rd_result *r);
void probe_secrets(const struct rd_ctx *c, struct rd_result *r);

/* availability */
void probe_ha_postgres(const struct rd_ctx *c, struct rd_result *r);
void probe_patroni(const struct rd_ctx *c, struct rd_result *r);
void probe_redis_sentinel(const struct rd_ctx *c, struct rd_result *r);
void probe_ha_redis(const struct rd_ctx *c, struct rd_result *r);
void probe_alerting(const struct rd_ctx *c, struct rd_result *r);
void probe_alertmanager_ha(const struct rd_ctx *c, struct rd_result *r);
void probe_restore_tested(const struct rd_ctx *c, struct rd_result *r);
void probe_dr_runbook(const struct rd_ctx *c, struct rd_result *r);
void probe_backups(const struct rd_ctx *c, struct rd_result *r);
void probe_health_checks(const struct rd_ctx *c, struct rd_result *r);
void probe_services_up(const struct rd_ctx *c, struct rd_result *r);
void probe_uptime_monitors(const struct rd_ctx *c, struct rd_result *r);
void probe_load_balancing(const struct rd_ctx *c, struct rd_result *r);

/* observability */
void probe_metrics(const struct rd_ctx *c, struct rd_result *r);
void probe_node_exporter(const struct rd_ctx *c, struct rd_result *r);
void probe_meta_monitoring(const struct rd_ctx *c, struct rd_result *r);
void probe_dashboards(const struct rd_ctx *c, struct rd_result *r);
void probe_logs(const struct rd_ctx *c, struct rd_result *r);
void probe_loki_alert_rules(const struct rd_ctx *c, struct rd_result *r);
void probe_tracing(const struct rd_ctx *c, struct rd_result *r);
void probe_alert_rules(const struct rd_ctx *c, struct rd_result *r);
void probe_audit_log(const struct rd_ctx *c, struct rd_result *r);

/* integration */
void probe_alert_chat(const struct rd_ctx *c, struct rd_result *r);
void probe_alert_email(const struct rd_ctx *c, struct rd_result *r);
void probe_webhooks(const struct rd_ctx *c, struct rd_result *r);
void probe_gitea_hooks(const struct rd_ctx *c, struct rd_result *r);
void probe_uptime_alerting(const struct rd_ctx *c, struct rd_result *r);
void probe_traces_to_logs(const struct rd_ctx *c, struct rd_result *r);
void probe_sso_clients(const struct rd_ctx *c, struct rd_result *r);
void probe_wiki_git(const struct rd_ctx *c, struct rd_result *r);

/* manageability */
void probe_runbooks(const struct rd_ctx *c, struct rd_result *r);
void probe_backup_command(const struct rd_ctx *c, struct rd_result *r);
void probe_pitr(const struct rd_ctx *c, struct rd_result *r);
void probe_config_reload(const struct rd_ctx *c, struct rd_result *r);
void probe_infra_repos(const struct rd_ctx *c, struct rd_result *r);

/* performance */
void probe_compression(const struct rd_ctx *c, struct rd_result *r);
void probe_cache_limits(const struct rd_ctx *c, struct rd_result *r);
void probe_connection_pool(const struct rd_ctx *c, struct rd_result *r);
void probe_db_maintenance(const struct rd_ctx *c, struct rd_result *r);
void probe_query_stats(const struct rd_ctx *c, struct rd_result *r);
void probe_response_time(const struct rd_ctx *c, struct rd_result *r);

/* Shared by the probes: the top-level health row of a kind (first one),
 * a row by name, and list building for evidence ("a, b, c and 2 more"). */
const struct service *rd_row_of_kind(const struct model *m, const char *kind);
struct rd_list {
	char	 buf[200];
	char	 out[240];
	size_t	 n;		/* items offered */
	size_t	 shown;
};
void rd_list_add(struct rd_list *l, const char *item);
/* The list as text, with "and N more" when items did not fit. */
const char *rd_list_str(struct rd_list *l);

#endif
