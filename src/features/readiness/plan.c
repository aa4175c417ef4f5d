/* The master plan of the Ceres readiness assessment, live: its four phases
 * (critical fixes; integrations; high availability; scale), each item
 * mapped to the checks that prove it done, or marked not checkable from
 * here with the reason.  Per phase: items and checks done and left, and
 * the score the platform reaches when the phase (and every one before it)
 * is done, by the same weights; the next step is the heaviest failing
 * check of the earliest unfinished phase. */
#include "ceres/util/i18n.h"
#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#define ITEM(title, ...)	{ title, { __VA_ARGS__, NULL }, NULL }
#define NA(title, why)		{ title, { NULL }, why }

/* Redmine's webhooks (its own in recent releases, or a chat plugin's) are
 * kept per user and per project and shown only in its web pages: no REST
 * endpoint lists them, and the key's answers say nothing about them. */
static const char redmine_no_api[] = N_("Redmine has no API for it: its webhooks (My account > Webhooks) "
    "and chat plugins' settings are shown only in its web pages");

const struct rd_phase rd_plan[RD_PLAN_PHASES] = {
	{ N_("Critical fixes"), 65, {
		ITEM(N_("Alertmanager configured, Prometheus sends to it"), "availability.alerting"),
		ITEM(N_("Alert rules for CPU, memory, disk, down, latency, DB connections"),
		    "observability.alert_rules"),
		ITEM(N_("Alertmanager routes to chat, e-mail as fallback"), "integration.alert_chat",
		    "integration.alert_email"),
		ITEM(N_("Chat webhooks answer"), "integration.webhooks"),
		ITEM(N_("Loki alerts on logs"), "observability.loki_alert_rules"),
		ITEM(N_("Gitea notifies chat"), "integration.gitea_hooks"),
		NA(N_("Redmine notifies chat"), redmine_no_api),
		ITEM(N_("Uptime Kuma alerts through Alertmanager"), "integration.uptime_alerting"),
		ITEM(N_("Audit logging, central"), "security.audit_central", "observability.audit_log"),
		ITEM(N_("MFA in Keycloak"), "security.mfa"),
		{ NULL, { NULL }, NULL } } },
	{ N_("Integrations"), 75, {
		NA(N_("File sync (Nextcloud as main storage)"),
		    N_("no API tells whether files are kept in one place")),
		ITEM(N_("oauth2-proxy (forward auth) on Caddy"), "security.proxy_sso"),
		ITEM(N_("Backup workflow"), "availability.backups", "manageability.backup_command",
		    "availability.restore_tested"),
		ITEM(N_("Runbooks for every alert"), "manageability.runbooks"),
		ITEM(N_("Applications log in through Keycloak"), "integration.sso_clients"),
		NA(N_("Event streaming"), N_("no event bus in the platform to ask")),
		{ NULL, { NULL }, NULL } } },
	{ N_("High availability"), 85, {
		ITEM(N_("PostgreSQL replicated (Patroni)"), "availability.ha_postgres", "availability.patroni"),
		ITEM(N_("Redis replicated (Sentinel)"), "availability.ha_redis", "availability.redis_sentinel"),
		ITEM(N_("Load balancing (HAProxy)"), "availability.load_balancing"),
		ITEM(N_("Alertmanager clustered"), "availability.alertmanager_ha"),
		ITEM(N_("Storage duplication (WAL archive)"), "manageability.pitr"),
		NA(N_("Keepalived (virtual IP)"), N_("VRRP state is not exposed over an API ceres-top reads")),
		NA(N_("Automatic failover tested"), N_("no record of a failover test to read")),
		ITEM(N_("Disaster-recovery runbook"), "availability.dr_runbook"),
		{ NULL, { NULL }, NULL } } },
	{ N_("Scale"), 95, {
		NA(N_("API gateway"), N_("no API gateway in the platform to ask")),
		NA(N_("Service mesh"), N_("no service mesh in the platform to ask")),
		NA(N_("Error tracking (Sentry)"), N_("no Sentry in the platform to ask")),
		NA(N_("Cost tracking"), N_("no cost data source")),
		NA(N_("User behaviour analytics"), N_("no API to ask")),
		NA(N_("Kubernetes"), N_("the platform runs without Kubernetes; nothing to ask")),
		NA(N_("Multi-region"), N_("one site per config; regions are not described")),
		{ NULL, { NULL }, NULL } } },
};

static int
pct(int score, int max)
{
	return max > 0 ? (score * 200 + max) / (max * 2) : 0;
}

/* Failing before unknown, then the heavier; the earlier item on a tie. */
static int
rank(const struct rd_result *res, size_t i)
{
	return (res[i].status == RD_FAIL ? 10 : 0) + rd_checks[i].weight;
}

static void
phase_compute(int p, const struct rd_result *res, struct rd_result *what_if, struct rd_plan_phase *ph)
{
	struct rd_score sc;

	memset(ph, 0, sizeof *ph);
	ph->next = -1;
	for (size_t k = 0; k < RD_PLAN_ITEMS && rd_plan[p].item[k].title != NULL; k++) {
		const struct rd_plan_item *it = &rd_plan[p].item[k];
		bool all = true;

		if (it->check[0] == NULL) {
			ph->items_na++;
			continue;
		}
		for (size_t c = 0; c < RD_PLAN_CHECKS && it->check[c] != NULL; c++) {
			const struct rd_check *ck = rd_check_find(it->check[c]);
			size_t i;

			if (ck == NULL)
				continue;
			i = (size_t)(ck - rd_checks);
			if (res[i].status == RD_PASS) {
				ph->checks_done++;
			} else {
				all = false;
				ph->checks_left++;
				if (ph->next < 0 || rank(res, i) > rank(res, (size_t)ph->next))
					ph->next = (int)i;
			}
			what_if[i].status = RD_PASS;
		}
		if (all)
			ph->items_done++;
		else
			ph->items_left++;
	}
	rd_score_compute(rd_checks, what_if, rd_ncheck, &sc);
	ph->percent_when_done = pct(sc.score, sc.max);
}

void
rd_plan_compute(const struct rd_result *res, struct rd_plan_state *out)
{
	struct rd_result *what_if = xcalloc(rd_ncheck, sizeof *what_if);

	memcpy(what_if, res, rd_ncheck * sizeof *what_if);
	out->next_phase = -1;
	out->next = -1;
	for (int p = 0; p < RD_PLAN_PHASES; p++) {
		struct rd_plan_phase *ph = &out->phase[p];

		phase_compute(p, res, what_if, ph);
		ph->done = ph->checks_left == 0 && ph->checks_done > 0;
		if (out->next < 0 && ph->next >= 0) {
			out->next_phase = p;
			out->next = ph->next;
		}
	}
	free(what_if);
}

/* ---- --once output ------------------------------------------------- */

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/ceres-top"
#endif

static const char *
item_status(const struct rd_plan_item *it, const struct rd_result *res)
{
	if (it->check[0] == NULL)
		return "n/a";
	for (size_t c = 0; c < RD_PLAN_CHECKS && it->check[c] != NULL; c++) {
		const struct rd_check *ck = rd_check_find(it->check[c]);

		if (ck != NULL && res[ck - rd_checks].status != RD_PASS)
			return "left";
	}
	return "done";
}

static cJSON *
phase_json(int p, const struct rd_plan_phase *ph, const struct rd_result *res)
{
	cJSON *o = cJSON_CreateObject(), *items;

	cJSON_AddNumberToObject(o, "phase", p + 1);
	cJSON_AddStringToObject(o, "name", rd_plan[p].title);
	cJSON_AddNumberToObject(o, "seed_target", rd_plan[p].seed_target);
	cJSON_AddBoolToObject(o, "done", ph->done);
	cJSON_AddNumberToObject(o, "items_done", ph->items_done);
	cJSON_AddNumberToObject(o, "items_left", ph->items_left);
	cJSON_AddNumberToObject(o, "items_na", ph->items_na);
	cJSON_AddNumberToObject(o, "checks_done", ph->checks_done);
	cJSON_AddNumberToObject(o, "checks_left", ph->checks_left);
	cJSON_AddNumberToObject(o, "percent_when_done", ph->percent_when_done);
	if (ph->next >= 0)
		cJSON_AddStringToObject(o, "next", rd_checks[ph->next].id);
	else
		cJSON_AddNullToObject(o, "next");
	items = cJSON_AddArrayToObject(o, "items");
	for (size_t k = 0; k < RD_PLAN_ITEMS && rd_plan[p].item[k].title != NULL; k++) {
		const struct rd_plan_item *it = &rd_plan[p].item[k];
		cJSON *io = cJSON_CreateObject(), *ids = cJSON_AddArrayToObject(io, "checks");

		cJSON_AddStringToObject(io, "title", it->title);
		cJSON_AddStringToObject(io, "status", item_status(it, res));
		for (size_t c = 0; c < RD_PLAN_CHECKS && it->check[c] != NULL; c++)
			cJSON_AddItemToArray(ids, cJSON_CreateString(it->check[c]));
		if (it->na_reason != NULL)
			cJSON_AddStringToObject(io, "reason", it->na_reason);
		cJSON_AddItemToArray(items, io);
	}
	return o;
}

void
rd_plan_json(const struct rd_plan_state *st, const struct rd_result *res, cJSON *parent)
{
	cJSON *o = cJSON_AddObjectToObject(parent, "plan"), *phases = cJSON_AddArrayToObject(o, "phases");

	for (int p = 0; p < RD_PLAN_PHASES; p++)
		cJSON_AddItemToArray(phases, phase_json(p, &st->phase[p], res));
	if (st->next >= 0) {
		cJSON *n = cJSON_AddObjectToObject(o, "next");
		char *rb = xasprintf("%s/runbooks/%s.md", PKGDATADIR, rd_checks[st->next].id);

		cJSON_AddNumberToObject(n, "phase", st->next_phase + 1);
		cJSON_AddStringToObject(n, "id", rd_checks[st->next].id);
		cJSON_AddStringToObject(n, "title", rd_checks[st->next].title);
		cJSON_AddNumberToObject(n, "weight", rd_checks[st->next].weight);
		cJSON_AddStringToObject(n, "status", rd_status_name(res[st->next].status));
		cJSON_AddStringToObject(n, "evidence", res[st->next].evidence);
		cJSON_AddStringToObject(n, "runbook", rb);
		free(rb);
	} else {
		cJSON_AddNullToObject(o, "next");
	}
}

void
rd_plan_text(const struct rd_plan_state *st, const struct rd_result *res, struct strbuf *out)
{
	strbuf_addf(out, "%s\n", _("PLAN (the assessment's master plan; the score when a phase is done)"));
	for (int p = 0; p < RD_PLAN_PHASES; p++) {
		const struct rd_plan_phase *ph = &st->phase[p];

		strbuf_addf(out, _("  %d %-18s items %d/%d done, %d n/a  checks %d/%d  -> %d%% (assessment: %d%%)%s\n"),
		    p + 1, _(rd_plan[p].title), ph->items_done, ph->items_done + ph->items_left, ph->items_na,
		    ph->checks_done, ph->checks_done + ph->checks_left, ph->percent_when_done,
		    rd_plan[p].seed_target, ph->done ? _("  done") : "");
	}
	if (st->next < 0) {
		strbuf_addf(out, "  %s\n", _("next step: none, every checkable item is done"));
		return;
	}
	strbuf_addf(out, _("  next step: phase %d, %s %s (weight %d, %s): %s\n"), st->next_phase + 1,
	    rd_checks[st->next].id, _(rd_checks[st->next].title), rd_checks[st->next].weight,
	    rd_status_name(res[st->next].status), res[st->next].evidence);
	strbuf_addf(out, _("  runbook: %s/runbooks/%s.md\n"), PKGDATADIR, rd_checks[st->next].id);
}
