/* Availability probes: replicated PostgreSQL and Redis, alert delivery
 * and Alertmanager HA, backups, health-check coverage and state, Uptime
 * Kuma monitors, load balancing at the proxy. */
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/model/services.h"
#include "ceres/util/util.h"
#include "probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_LAG		10.0
#define BACKUP_MAX_AGE		(26 * 3600.0)

/* The facts the health source put on the postgres row, when our own
 * query has not answered. */
static bool
ha_postgres_from_facts(const struct rd_ctx *c, struct rd_result *r)
{
	const struct service *sv = rd_row_of_kind(c->model, "postgres");
	char role[32], reps[32], lag[32];
	long n = 0;
	double l = 0;

	if (sv == NULL || service_fact(sv, FACT_PG_ROLE, role, sizeof role) == NULL ||
	    service_fact(sv, FACT_PG_REPLICAS, reps, sizeof reps) == NULL)
		return false;
	if (service_fact(sv, FACT_PG_MAX_LAG, lag, sizeof lag) == NULL || parse_double(lag, &l) != 0)
		l = 0;
	if (strcmp(role, "replica") == 0)
		rd_set(r, RD_PASS, "%s", _("postgres (health facts): the configured server is a streaming replica"));
	else if (parse_long(reps, 0, 100000, &n) == 0 && n > 0 && l < PG_MAX_LAG)
		rd_set(r, RD_PASS, _("postgres (health facts): %ld streaming replica(s), max lag %.1f s"), n, l);
	else
		rd_set(r, RD_FAIL, _("postgres (health facts): primary, %s streaming replica(s), max lag %.1f s"),
		    reps, l);
	return true;
}

void
probe_ha_postgres(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_pg *p = &c->d->pg;
	const struct rd_pg_replica *good = NULL;
	struct rd_list others = { .n = 0 };

	if (p->f.avail != RD_OK && ha_postgres_from_facts(c, r))
		return;
	if (rd_unknown_unless_ok(r, &p->f, "postgres"))
		return;
	if (p->in_recovery) {
		rd_set(r, RD_PASS, "%s", _("postgres: the configured server is a replica in recovery"));
		return;
	}
	for (size_t i = 0; i < p->nrep; i++) {
		const struct rd_pg_replica *x = &p->rep[i];
		char item[128];

		/* A NULL lag on a streaming replica means it has replayed
		 * everything and nothing new was written. */
		if (strcmp(x->state, "streaming") == 0 && x->lag < PG_MAX_LAG) {
			good = good != NULL ? good : x;
			continue;
		}
		snprintf(item, sizeof item, _("%s %s, lag %.1f s"), x->name, x->state, x->lag < 0 ? 0 : x->lag);
		rd_list_add(&others, item);
	}
	if (good != NULL)
		rd_set(r, RD_PASS, _("postgres: replica %s (%s) streaming, %s, replay lag %.1f s%s%s"),
		    good->name[0] != '\0' ? good->name : "?", good->client, good->sync,
		    good->lag < 0 ? 0 : good->lag, others.n > 0 ? "; " : "", rd_list_str(&others));
	else if (p->nrep > 0)
		rd_set(r, RD_FAIL, _("postgres: no replica streaming with lag < 10 s: %s"), rd_list_str(&others));
	else
		rd_set(r, RD_FAIL, "%s", _("postgres: primary with no replica in pg_stat_replication"));
}

/* Patroni's view of the cluster: one running leader, not paused, and a
 * replica streaming within the lag Patroni would still fail over to. */
void
probe_patroni(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_patroni *p = &c->d->patroni;
	char last[160] = "";

	if (p->cluster.avail == RD_OFF) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [postgres] patroni_url configured"));
		return;
	}
	if (rd_unknown_unless_ok(r, &p->cluster, "patroni"))
		return;
	if (p->history.avail == RD_OK)
		snprintf(last, sizeof last, p->switches > 0 ? _("; last failover %s") : _("; no failover in history%s"),
		    p->last_switch);
	if (p->leaders != 1)
		rd_set(r, RD_FAIL, _("Patroni cluster '%s': %zu running leaders among %zu members%s%s"),
		    p->scope, p->leaders, p->members, p->behind[0] != '\0' ? "; " : "", p->behind);
	else if (p->paused)
		rd_set(r, RD_FAIL, _("Patroni cluster '%s' is paused (maintenance mode): no automatic failover"),
		    p->scope);
	else if (p->streaming == 0)
		rd_set(r, RD_FAIL, _("Patroni cluster '%s': leader %s, no replica streaming within %lld B%s%s"),
		    p->scope, p->leader, p->lag_limit, p->behind[0] != '\0' ? ": " : "", p->behind);
	else
		rd_set(r, RD_PASS, _("Patroni cluster '%s': leader %s (timeline %ld), %zu/%zu replicas streaming, "
		    "max lag %lld B%s"), p->scope, p->leader, p->timeline, p->streaming, p->replicas, p->max_lag, last);
}

/* One master as Sentinel sees it: its problems into l, true when none. */
static bool
sentinel_master_ok(const struct rd_sentinel_master *m, struct rd_list *l)
{
	char item[200];
	bool ok = true;

	if (strstr(m->flags, "s_down") != NULL || strstr(m->flags, "o_down") != NULL) {
		snprintf(item, sizeof item, _("master %s at %s is down (%s)"), m->name, m->addr, m->flags);
		rd_list_add(l, item);
		ok = false;
	}
	if (m->ckquorum != 1) {
		snprintf(item, sizeof item, _("master %s: %s (quorum %ld of %ld sentinels)"), m->name,
		    m->ckmsg[0] != '\0' ? m->ckmsg : _("quorum not reported"), m->quorum, m->sentinels);
		rd_list_add(l, item);
		ok = false;
	}
	if (m->online <= 0) {
		snprintf(item, sizeof item, _("master %s: no replica online (%ld known%s%s)"), m->name,
		    m->replicas > 0 ? m->replicas : 0, m->down[0] != '\0' ? ": " : "", m->down);
		rd_list_add(l, item);
		ok = false;
	}
	return ok;
}

/* Redis Sentinel: every master it monitors (or the one named by
 * [redis] sentinel_master) up, with quorum and a replica online. */
void
probe_redis_sentinel(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_sentinel *x = &c->d->sentinel;
	const struct rd_sentinel_master *shown = NULL;
	struct rd_list bad = { .n = 0 };
	size_t judged = 0;

	if (x->f.avail == RD_OFF) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [redis] sentinel configured"));
		return;
	}
	if (rd_unknown_unless_ok(r, &x->f, "sentinel"))
		return;
	for (size_t i = 0; i < x->n; i++) {
		if (x->want[0] != '\0' && strcmp(x->m[i].name, x->want) != 0)
			continue;
		judged++;
		if (sentinel_master_ok(&x->m[i], &bad) && shown == NULL)
			shown = &x->m[i];
	}
	if (judged == 0 && x->want[0] != '\0')
		rd_set(r, RD_FAIL, _("Sentinel %s monitors no master named '%s' (%zu masters)"), x->address, x->want,
		    x->total);
	else if (judged == 0)
		rd_set(r, RD_FAIL, _("Sentinel %s monitors no master"), x->address);
	else if (bad.n > 0)
		rd_set(r, RD_FAIL, _("Sentinel %s: %s"), x->address, rd_list_str(&bad));
	else
		rd_set(r, RD_PASS, _("Sentinel %s: master %s at %s, quorum %ld of %ld sentinels (%s), %ld/%ld replica(s) "
		    "online%s"), x->address, shown->name, shown->addr, shown->quorum, shown->sentinels, shown->ckmsg,
		    shown->online, shown->replicas, judged > 1 ? _(", every master alike") : "");
}

void
probe_ha_redis(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_redis *k = &c->d->redis;
	const struct service *sv;
	char role[32], n[32];

	if (k->f.avail == RD_OK && k->have_info) {
		if (strcmp(k->role, "slave") == 0)
			rd_set(r, k->link_up == 1 ? RD_PASS : RD_FAIL, _("redis: the configured server is a replica, master link %s"),
			    k->link_up == 1 ? "up" : "down");
		else if (k->replicas_online > 0)
			rd_set(r, RD_PASS, _("redis: %s with %ld replica(s) online"), k->role, k->replicas_online);
		else
			rd_set(r, RD_FAIL, _("redis: %s with %ld connected replica(s), none online"), k->role,
			    k->replicas < 0 ? 0 : k->replicas);
		return;
	}
	/* Our INFO needs the password too; the health row may know more. */
	sv = rd_row_of_kind(c->model, "redis");
	if (sv != NULL && service_fact(sv, FACT_REDIS_ROLE, role, sizeof role) != NULL &&
	    service_fact(sv, FACT_REDIS_REPLICAS, n, sizeof n) != NULL) {
		long cnt = 0;

		parse_long(n, 0, 1000000, &cnt);
		rd_set(r, strcmp(role, "slave") == 0 || cnt > 0 ? RD_PASS : RD_FAIL,
		    _("redis (health facts): role %s, %ld connected replica(s)"), role, cnt);
		return;
	}
	if (!rd_unknown_unless_ok(r, &k->f, "redis"))
		rd_set(r, RD_UNKNOWN, "%s", _("redis: INFO not readable (password needed?)"));
}

void
probe_alerting(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;

	if (rd_unknown_unless_ok(r, &p->ams, "prometheus"))
		return;
	if (p->am_active > 0)
		rd_set(r, RD_PASS, _("Prometheus sends alerts to %zu active Alertmanager(s)"), p->am_active);
	else
		rd_set(r, RD_FAIL, _("Prometheus has no active Alertmanager (%zu dropped)"), p->am_dropped);
}

void
probe_alertmanager_ha(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_am *a = &c->d->am;
	char sends[64] = "";

	if (rd_unknown_unless_ok(r, &a->status, "alertmanager"))
		return;
	if (c->d->prom.ams.avail == RD_OK)
		snprintf(sends, sizeof sends, _("; Prometheus sends to %zu"), c->d->prom.am_active);
	if (a->cluster != NULL && strcmp(a->cluster, "ready") == 0 && a->peers >= 2)
		rd_set(r, RD_PASS, _("%s: cluster ready with %d peers%s"), a->url, a->peers, sends);
	else
		rd_set(r, RD_FAIL, _("%s: cluster %s, %d peer(s)%s"), a->url,
		    a->cluster != NULL ? a->cluster : "?", a->peers, sends);
}

void
probe_backups(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_backup *b = &c->d->backup;
	long keep = config_get_int(c->config, "backup", NULL, "retention_days", -1);
	char age[16], when[40], ret[48] = "";

	if (keep > 0)
		snprintf(ret, sizeof ret, _(", kept %ld days"), keep);
	if (b->f.avail == RD_ERR) {
		rd_set(r, RD_UNKNOWN, _("backup state %s: %s"), b->path, b->f.error);
		return;
	}
	if (b->f.avail != RD_OK) {
		rd_set(r, RD_UNKNOWN, "%s", _("backup state not read yet"));
		return;
	}
	if (b->foreign) {
		rd_set(r, config_get(c->config, "backup", NULL, "command") != NULL ? RD_FAIL : RD_UNKNOWN,
		    _("no backup recorded for this config (%s was written by another config or site)"), b->path);
		return;
	}
	if (!b->exists) {
		if (config_get(c->config, "backup", NULL, "command") != NULL)
			rd_set(r, RD_FAIL, _("no backup recorded yet (%s does not exist)"), b->path);
		else
			rd_set(r, RD_UNKNOWN, _("no [backup] section and no backup state in %s"), b->path);
		return;
	}
	if (b->last_success <= 0) {
		rd_set(r, RD_FAIL, _("no successful backup recorded (last status: %s)"),
		    b->last_status != NULL ? b->last_status : "?");
		return;
	}
	fmt_age(c->now - b->last_success, age, sizeof age);
	fmt_rfc3339(b->last_success, when, sizeof when);
	if (c->now - b->last_success < BACKUP_MAX_AGE)
		rd_set(r, RD_PASS, _("last successful backup %s ago (%s)%s"), age, when, ret);
	else
		rd_set(r, RD_FAIL, _("last successful backup %s ago (%s), more than 26 h%s"), age, when, ret);
}

/* The platform of the seed: each needs a health check. */
static const struct {
	const char	*label;
	const char	*kinds[3];	/* any of these row kinds */
} platform[] = {
	{ "keycloak", { "keycloak" } }, { "grafana", { "grafana" } },
	{ "nextcloud", { "nextcloud" } }, { "gitea", { "gitea" } },
	{ "wikijs", { "wikijs" } }, { "redmine", { "redmine" } },
	{ "chat", { "mattermost", "zulip" } }, { "prometheus", { "prometheus" } },
	{ "loki", { "loki" } }, { "tempo", { "tempo" } },
	{ "alertmanager", { "alertmanager" } }, { "uptime_kuma", { "uptime_kuma" } },
	{ "caddy", { "caddy" } }, { "postgres", { "postgres" } }, { "redis", { "redis" } },
};

static bool
has_service(const struct model *m, const char *const *kinds)
{
	for (size_t i = 0; i < m->nservices; i++) {
		const struct service *sv = m->services[i];

		if (sv->parent != NULL)
			continue;
		for (int k = 0; k < 3 && kinds[k] != NULL; k++)
			if (strcmp(sv->kind, kinds[k]) == 0 || strstr(sv->name, kinds[k]) != NULL)
				return true;
	}
	return false;
}

void
probe_health_checks(const struct rd_ctx *c, struct rd_result *r)
{
	struct rd_list missing = { .n = 0 };
	size_t n = sizeof platform / sizeof platform[0];

	for (size_t i = 0; i < n; i++)
		if (!has_service(c->model, platform[i].kinds))
			rd_list_add(&missing, platform[i].label);
	if (missing.n == 0)
		rd_set(r, RD_PASS, _("%zu/%zu platform services have a health check"), n, n);
	else
		rd_set(r, RD_FAIL, _("%zu/%zu platform services have a health check; missing: %s"),
		    n - missing.n, n, rd_list_str(&missing));
}

void
probe_services_up(const struct rd_ctx *c, struct rd_result *r)
{
	struct rd_list bad = { .n = 0 };
	size_t total = 0, up = 0, unknown = 0;

	for (size_t i = 0; i < c->model->nservices; i++) {
		const struct service *sv = c->model->services[i];
		char item[128];

		if (sv->parent != NULL)
			continue;
		total++;
		if (sv->state == SVC_UP)
			up++;
		else if (sv->state == SVC_UNKNOWN)
			unknown++;
		else {
			snprintf(item, sizeof item, "%s %s", sv->name, svc_state_name(sv->state));
			rd_list_add(&bad, item);
		}
	}
	if (total == 0)
		rd_set(r, RD_UNKNOWN, "%s", _("no services configured"));
	else if (bad.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu services up; %s"), up, total, rd_list_str(&bad));
	else if (up == 0)
		rd_set(r, RD_UNKNOWN, _("no service has answered yet (%zu configured)"), total);
	else
		rd_set(r, RD_PASS, _("%zu/%zu services up%s"), up, total,
		    unknown > 0 ? _(", the rest not answered yet") : "");
}

void
probe_uptime_monitors(const struct rd_ctx *c, struct rd_result *r)
{
	const struct service *kuma = rd_row_of_kind(c->model, "uptime_kuma");
	struct rd_list down = { .n = 0 };
	size_t n = 0;

	if (kuma == NULL) {
		rd_set(r, RD_UNKNOWN, "%s", _("uptime_kuma not configured"));
		return;
	}
	if (kuma->state == SVC_UNKNOWN || kuma->state == SVC_DOWN) {
		rd_set(r, RD_UNKNOWN, "%s: %s", kuma->name, kuma->detail);
		return;
	}
	for (size_t i = 0; i < c->model->nservices; i++) {
		const struct service *sv = c->model->services[i];
		const char *mon;

		if (sv->parent == NULL || strcmp(sv->parent, kuma->name) != 0)
			continue;
		n++;
		mon = strncmp(sv->name, kuma->name, strlen(kuma->name)) == 0 ?
		    sv->name + strlen(kuma->name) + (sv->name[strlen(kuma->name)] == ':' ? 2 : 0) : sv->name;
		if (sv->state != SVC_UP)
			rd_list_add(&down, mon);
	}
	if (n == 0)
		rd_set(r, RD_FAIL, "%s", _("the Uptime Kuma status page lists no monitors"));
	else if (down.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu monitors not up: %s"), down.n, n, rd_list_str(&down));
	else
		rd_set(r, RD_PASS, _("%zu monitors on the status page, all up"), n);
}

void
probe_load_balancing(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_caddy *k = &c->d->caddy;

	if (rd_unknown_unless_ok(r, &k->config, "caddy"))
		return;
	if (k->balanced > 0)
		rd_set(r, RD_PASS, _("%zu of %zu reverse proxies balance over several upstreams"), k->balanced,
		    k->proxies);
	else
		rd_set(r, RD_FAIL, _("none of %zu reverse proxies has more than one upstream"), k->proxies);
}

#define RESTORE_MAX_AGE		(30 * 86400.0)

void
probe_restore_tested(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_restore *t = &c->d->restore;
	char age[16], when[40];

	if (t->f.avail == RD_ERR) {
		rd_set(r, RD_UNKNOWN, _("restore test state %s: %s"), t->path, t->f.error);
		return;
	}
	if (t->f.avail != RD_OK) {
		rd_set(r, RD_UNKNOWN, "%s", _("restore test state not read yet"));
		return;
	}
	if (!t->exists) {
		rd_set(r, RD_FAIL, _("no restore test recorded (%s does not exist)"), t->path);
		return;
	}
	if (t->last_success <= 0) {
		rd_set(r, RD_FAIL, _("no successful restore test recorded (last status: %s)"),
		    t->last_status != NULL ? t->last_status : "?");
		return;
	}
	fmt_age(c->now - t->last_success, age, sizeof age);
	fmt_rfc3339(t->last_success, when, sizeof when);
	if (c->now - t->last_success > RESTORE_MAX_AGE)
		rd_set(r, RD_FAIL, _("last successful restore test %s ago (%s), more than 30 days"), age, when);
	else if (t->last_status != NULL && strcmp(t->last_status, "success") != 0 && t->last_run > t->last_success)
		rd_set(r, RD_FAIL, _("the last restore test failed (%s); the last success was %s ago"),
		    t->last_status, age);
	else
		rd_set(r, RD_PASS, _("last successful restore test %s ago (%s)"), age, when);
}

void
probe_dr_runbook(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_dr *d = &c->d->dr;
	char age[16];

	if (d->f.avail == RD_OFF) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [readiness] dr_runbook: where the disaster-recovery runbook is"));
		return;
	}
	if (d->f.avail != RD_OK) {
		rd_set(r, RD_UNKNOWN, "%s", _("disaster-recovery runbook not looked at yet"));
		return;
	}
	if (!d->exists) {
		rd_set(r, RD_FAIL, _("disaster-recovery runbook %s: %s"), d->path, d->why != NULL ? d->why : "?");
		return;
	}
	if (d->size < 200) {
		rd_set(r, RD_FAIL, _("disaster-recovery runbook %s has %lld bytes: too short to be a plan"), d->path,
		    d->size);
		return;
	}
	fmt_age(c->now - d->mtime, age, sizeof age);
	rd_set(r, RD_PASS, _("disaster-recovery runbook %s, %lld bytes, changed %s ago"), d->path, d->size, age);
}
