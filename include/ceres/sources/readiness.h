/* Readiness evidence: the sources that gather it and their pure parsers.
 * The checks themselves are in include/ceres/features/readiness.h.
 *
 * State files written by the actions area (src/actions/backup.c and
 * webhook_format.c) and read here, defensively: missing keys, wrong types
 * and garbage are "unknown", never a crash.  Times are RFC 3339 strings
 * or epoch seconds (both accepted):
 *
 *   Backup state, [backup] state_file, default <state_dir>/backup.json:
 *     {"last_run": <time>, "last_status": "success"|"failed"|"cancelled",
 *      "exit_code": <int>, "duration_s": <seconds>,
 *      "last_success": <time of the last run that exited 0> | null}
 *   Webhook tests, <state_dir>/webhooks.json, written by the `w` menu:
 *     {"routes": {"<webhook name>": {"ok": true|false,
 *                                   "status": <HTTP status, 0 none>,
 *                                   "latency_ms": <number>, "time": <time>,
 *                                   "answer": "<first line of the answer>",
 *                                   "error": "<transport error, optional>"}}}
 *   <state_dir> is paths_state_dir() (include/ceres/core/paths.h).
 */
#ifndef CERES_SOURCES_READINESS_H
#define CERES_SOURCES_READINESS_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/readiness.h"

struct app;
struct config;

/* Which of RD_RULE_* a rule alerts on, from its name and expression. */
unsigned rd_rule_classify(const char *name, const char *expr);

/* ---- pure parsers (unit-tested, fuzzable): 0 or -1 with *cause ------ */
int rd_parse_alertmanagers(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_rules(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_runtimeinfo(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_series_counts(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_am_status(const char *buf, size_t len, struct rd_am *out, char **cause);
/* The receivers part alone, from the YAML text of config.original. */
int rd_parse_am_yaml(const char *yaml, size_t len, struct rd_am *out, char **cause);
int rd_parse_caddy_config(const char *buf, size_t len, struct rd_caddy *out, char **cause);
int rd_parse_kc_discovery(const char *buf, size_t len, const char *realm, struct rd_keycloak *out, char **cause);
int rd_parse_kc_realm(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
int rd_parse_kc_actions(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
int rd_parse_kc_flow(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
int rd_parse_kc_clients(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
/* Label values are merged into out (deduplicated). */
int rd_parse_loki_values(const char *buf, size_t len, struct rd_loki *out, char **cause);
/* The Loki ruler's /prometheus/api/v1/rules (Prometheus rules shape). */
int rd_parse_loki_rules(const char *buf, size_t len, struct rd_loki_rules *out, char **cause);
/* Grafana's /api/datasources: the trace-to-logs links of Tempo datasources. */
int rd_parse_grafana_datasources(const char *buf, size_t len, struct rd_grafana *out, char **cause);
/* Redis Sentinel replies, each one whole RESP reply: SENTINEL MASTERS
 * (fills out->m[] and total), SENTINEL REPLICAS <name> (fills m's
 * replicas, online, down). */
int rd_parse_sentinel_masters(const char *buf, size_t len, struct rd_sentinel *out, char **cause);
int rd_parse_sentinel_replicas(const char *buf, size_t len, struct rd_sentinel_master *m, char **cause);
/* Wiki.js GraphQL storage { targets status }: the git target. */
int rd_parse_wiki_storage(const char *buf, size_t len, struct rd_wiki *out, char **cause);
/* Patroni's /cluster (members, roles, lag) and /history (timeline switches). */
int rd_parse_patroni_cluster(const char *buf, size_t len, struct rd_patroni *out, char **cause);
int rd_parse_patroni_history(const char *buf, size_t len, struct rd_patroni *out, char **cause);
int rd_parse_gitea_hooks(const char *buf, size_t len, struct rd_gitea_repo *out, char **cause);
/* Redis INFO text (any sections): the fields readiness uses. */
int rd_parse_redis_info(const char *buf, size_t len, struct rd_redis *out, char **cause);
int rd_parse_backup_state(const char *buf, size_t len, struct rd_backup *out, char **cause);
int rd_parse_webhook_state(const char *buf, size_t len, struct rd_webhooks *out, char **cause);
/* A JSON number of epoch seconds or an RFC 3339 string; 0 if neither. */
double rd_json_time(const void *cjson_item);

/* ---- files and paths ---------------------------------------------- */
/* Local files: backup state, webhook test state, audit log. */
void rd_files_refresh(const struct config *c, const char *audit_path, struct rd_data *d);

/* ---- sources (src/readiness/sources.c, pg.c, redis.c) --------------- */
/* Create every readiness source the config calls for (none for what is
 * not configured) and add them with app_add_source(). */
int rd_sources_init(struct app *app, struct rd_data *d, char **cause);

#endif
