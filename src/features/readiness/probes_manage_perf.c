/* Manageability probes (runbooks, backup command, point-in-time recovery,
 * config reloads, infrastructure repositories) and performance probes
 * (compression, cache limits, connection headroom, autovacuum, query
 * statistics, response time). */
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/model/services.h"
#include "ceres/util/util.h"
#include "probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONN_MAX_RATIO	0.8
#define SLOW_MS		1000.0

/* ---- manageability ---------------------------------------------------- */

void
probe_runbooks(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;
	struct rd_list without = { .n = 0 };
	size_t alerting = 0;

	if (rd_unknown_unless_ok(r, &p->rules, "prometheus"))
		return;
	for (size_t i = 0; i < p->nrule; i++) {
		if (!p->rule[i].alerting)
			continue;
		alerting++;
		if (!p->rule[i].runbook)
			rd_list_add(&without, p->rule[i].name);
	}
	if (alerting == 0)
		rd_set(r, RD_UNKNOWN, "%s", _("no alerting rules loaded (see observability.alert_rules)"));
	else if (without.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu alerting rules lack runbook_url: %s"), without.n, alerting,
		    rd_list_str(&without));
	else
		rd_set(r, RD_PASS, _("all %zu alerting rules have a runbook_url annotation"), alerting);
}

void
probe_backup_command(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_backup *b = &c->d->backup;

	if (b->command_ok < 0)
		rd_set(r, RD_FAIL, "%s", _("[backup] command not set: the b key cannot run a backup"));
	else if (b->command_ok == 0)
		rd_set(r, RD_FAIL, "%s: %s", b->command != NULL ? b->command : "?",
		    b->command_why != NULL ? b->command_why : _("not executable"));
	else
		rd_set(r, RD_PASS, _("%s: executable"), b->command);
}

static bool
set_and_not(const char *v, const char *not1, const char *not2)
{
	return v != NULL && v[0] != '\0' && strcmp(v, not1) != 0 && (not2 == NULL || strcmp(v, not2) != 0);
}

void
probe_pitr(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_pg *p = &c->d->pg;
	bool mode, cmd, lib;

	if (rd_unknown_unless_ok(r, &p->f, "postgres"))
		return;
	mode = p->archive_mode != NULL && (strcmp(p->archive_mode, "on") == 0 ||
	    strcmp(p->archive_mode, "always") == 0);
	cmd = set_and_not(p->archive_command, "(disabled)", NULL);
	lib = set_and_not(p->archive_library, "", NULL);
	if (mode && (cmd || lib))
		rd_set(r, RD_PASS, _("postgres: archive_mode=%s, WAL archived by %s"), p->archive_mode,
		    lib ? _("archive_library") : _("archive_command"));
	else if (mode)
		rd_set(r, RD_FAIL, "%s", _("postgres: archive_mode on, but no archive_command or archive_library"));
	else
		rd_set(r, RD_FAIL, _("postgres: archive_mode=%s: WAL is not archived"),
		    p->archive_mode != NULL ? p->archive_mode : "?");
}

void
probe_config_reload(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;

	if (rd_unknown_unless_ok(r, &p->runtime, "prometheus"))
		return;
	if (p->reload_ok < 0)
		rd_set(r, RD_UNKNOWN, "%s", _("Prometheus does not report reloadConfigSuccess"));
	else if (p->reload_ok)
		rd_set(r, RD_PASS, _("Prometheus: last config reload succeeded (config of %s)"),
		    p->last_config != NULL ? p->last_config : "?");
	else
		rd_set(r, RD_FAIL, _("Prometheus: the last config reload FAILED; still running the config of %s"),
		    p->last_config != NULL ? p->last_config : "?");
}

void
probe_infra_repos(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_gitea *g = &c->d->gitea;
	struct rd_list gone = { .n = 0 }, ok = { .n = 0 }, unsure = { .n = 0 };

	if (config_get(c->config, "gitea", NULL, "url") == NULL) {
		rd_set(r, RD_UNKNOWN, "%s", _("gitea not configured"));
		return;
	}
	if (g->nrepo == 0) {
		rd_set(r, RD_FAIL, "%s", _("[gitea] repos lists no repository"));
		return;
	}
	for (size_t i = 0; i < g->nrepo; i++) {
		const struct rd_gitea_repo *x = &g->repo[i];

		if (x->hooks.avail == RD_OK && x->status == 404)
			rd_list_add(&gone, x->repo);
		else if (x->hooks.avail == RD_OK && x->status == 200)
			rd_list_add(&ok, x->repo);
		else
			rd_list_add(&unsure, x->repo);
	}
	if (gone.n > 0)
		rd_set(r, RD_FAIL, _("repositories not found in Gitea: %s"), rd_list_str(&gone));
	else if (unsure.n > 0)
		rd_set(r, RD_UNKNOWN, _("could not confirm: %s (token with repository access needed)"),
		    rd_list_str(&unsure));
	else
		rd_set(r, RD_PASS, _("%zu repositories in Gitea: %s"), ok.n, rd_list_str(&ok));
}

/* ---- performance ------------------------------------------------------ */

void
probe_compression(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_caddy *k = &c->d->caddy;

	if (rd_unknown_unless_ok(r, &k->config, "caddy"))
		return;
	if (k->servers == 0)
		rd_set(r, RD_FAIL, "%s", _("Caddy has no HTTP server configured"));
	else
		rd_set(r, k->encode_servers == k->servers ? RD_PASS : RD_FAIL,
		    _("encode on %zu/%zu Caddy servers"), k->encode_servers, k->servers);
}

static void
bytes_text(long long b, char *buf, size_t n)
{
	if (b >= 1LL << 30)
		snprintf(buf, n, "%.1f GiB", (double)b / (1LL << 30));
	else if (b >= 1LL << 20)
		snprintf(buf, n, "%.0f MiB", (double)b / (1LL << 20));
	else
		snprintf(buf, n, "%lld bytes", b);
}

void
probe_cache_limits(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_redis *k = &c->d->redis;
	char mem[32];

	if (rd_unknown_unless_ok(r, &k->f, "redis"))
		return;
	if (!k->have_info || k->maxmemory < 0) {
		rd_set(r, RD_UNKNOWN, "%s", _("redis: INFO memory not readable (password needed?)"));
		return;
	}
	if (k->maxmemory == 0) {
		rd_set(r, RD_FAIL, _("redis: maxmemory 0 (unbounded), policy %s"), k->policy);
		return;
	}
	bytes_text(k->maxmemory, mem, sizeof mem);
	rd_set(r, strcmp(k->policy, "noeviction") != 0 && k->policy[0] != '\0' ? RD_PASS : RD_FAIL,
	    _("redis: maxmemory %s, policy %s"), mem, k->policy[0] != '\0' ? k->policy : "?");
}

void
probe_connection_pool(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_pg *p = &c->d->pg;
	long used = p->used, max = p->max;
	const char *from = "postgres";

	if (p->f.avail != RD_OK) {
		const struct service *sv = rd_row_of_kind(c->model, "postgres");
		char u[32], m[32];

		if (sv != NULL && service_fact(sv, FACT_PG_CONNECTIONS, u, sizeof u) != NULL &&
		    service_fact(sv, FACT_PG_MAX_CONNECTIONS, m, sizeof m) != NULL &&
		    parse_long(u, 0, 10000000, &used) == 0 && parse_long(m, 1, 10000000, &max) == 0)
			from = _("postgres (health facts)");
		else if (rd_unknown_unless_ok(r, &p->f, "postgres"))
			return;
	}
	if (used < 0 || max <= 0) {
		rd_set(r, RD_UNKNOWN, "%s", _("postgres: connection counts not reported"));
		return;
	}
	rd_set(r, (double)used < CONN_MAX_RATIO * (double)max ? RD_PASS : RD_FAIL,
	    _("%s: %ld/%ld client connections (%.0f %%)"), from, used, max, 100.0 * (double)used / (double)max);
}

void
probe_db_maintenance(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_pg *p = &c->d->pg;
	bool av, tc;

	if (rd_unknown_unless_ok(r, &p->f, "postgres"))
		return;
	av = p->autovacuum != NULL && strcmp(p->autovacuum, "on") == 0;
	tc = p->track_counts != NULL && strcmp(p->track_counts, "on") == 0;
	rd_set(r, av && tc ? RD_PASS : RD_FAIL, "postgres: autovacuum=%s, track_counts=%s",
	    p->autovacuum != NULL ? p->autovacuum : "?", p->track_counts != NULL ? p->track_counts : "?");
}

void
probe_query_stats(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_pg *p = &c->d->pg;

	if (rd_unknown_unless_ok(r, &p->f, "postgres"))
		return;
	if (p->preload != NULL && strstr(p->preload, "pg_stat_statements") != NULL)
		rd_set(r, RD_PASS, "postgres: shared_preload_libraries='%s'", p->preload);
	else
		rd_set(r, RD_FAIL, _("postgres: pg_stat_statements not loaded (shared_preload_libraries='%s')"),
		    p->preload != NULL ? p->preload : "");
}

void
probe_response_time(const struct rd_ctx *c, struct rd_result *r)
{
	const struct service *slowest = NULL;
	struct rd_list slow = { .n = 0 };
	size_t n = 0;

	for (size_t i = 0; i < c->model->nservices; i++) {
		const struct service *sv = c->model->services[i];
		char item[128];

		if (sv->parent != NULL || sv->latency_ms < 0 || sv->state == SVC_DOWN)
			continue;
		n++;
		if (slowest == NULL || sv->latency_ms > slowest->latency_ms)
			slowest = sv;
		if (sv->latency_ms >= SLOW_MS) {
			snprintf(item, sizeof item, "%s %.0f ms", sv->name, sv->latency_ms);
			rd_list_add(&slow, item);
		}
	}
	if (n == 0)
		rd_set(r, RD_UNKNOWN, "%s", _("no service answered a health probe yet"));
	else if (slow.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu services slower than 1 s: %s"), slow.n, n, rd_list_str(&slow));
	else
		rd_set(r, RD_PASS, _("%zu services answer within 1 s; slowest %s %.0f ms"), n, slowest->name,
		    slowest->latency_ms);
}
