/* Every item of the assessment accounted for: each item of its six
 * checklist categories and each "missing" line of its integration matrix
 * is either proved by live checks (its state is the worst of theirs) or
 * not checkable from here, with the reason.  Items are shown, never
 * counted: the score is the checks'. */
#include "ceres/util/i18n.h"
#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#define CK(cat, title, ...)	{ RD_ITEM_CHECKLIST, cat, title, { __VA_ARGS__, NULL }, NULL }
#define NA(cat, title, why)	{ RD_ITEM_CHECKLIST, cat, title, { NULL }, why }
#define MX(title, ...)		{ RD_ITEM_MATRIX, RD_INTEGRATION, title, { __VA_ARGS__, NULL }, NULL }
#define MXNA(title, why)	{ RD_ITEM_MATRIX, RD_INTEGRATION, title, { NULL }, why }

static const char no_api[] = N_("no API to ask");
/* Redmine's webhooks (its own in recent releases, or a chat plugin's) are
 * kept per user and per project and shown only in its web pages: no REST
 * endpoint lists them, and the key's answers say nothing about them. */
static const char redmine_no_api[] = N_("Redmine has no API for it: its webhooks (My account > Webhooks) "
    "and chat plugins' settings are shown only in its web pages");


const struct rd_item rd_items[] = {
	CK(RD_SECURITY, N_("SSO/OIDC everywhere"), "security.sso_oidc", "integration.sso_clients"),
	CK(RD_SECURITY, N_("HTTPS/TLS via Caddy"), "security.https"),
	CK(RD_SECURITY, N_("Password hashing"), "security.password_hashing"),
	CK(RD_SECURITY, N_("MFA on Keycloak"), "security.mfa"),
	CK(RD_SECURITY, N_("Centralized audit logging"), "security.audit_central"),
	CK(RD_SECURITY, N_("Rate limiting (Caddy)"), "security.rate_limit"),
	NA(RD_SECURITY, N_("DDoS protection"), N_("no DDoS protection layer exposes an API here (rate limiting is checked)")),
	NA(RD_SECURITY, N_("Encryption at rest"), N_("disk encryption is not visible through any service's API")),
	NA(RD_SECURITY, N_("VPN / network segmentation"), N_("the network layout is not visible from the services' APIs")),
	CK(RD_SECURITY, N_("Certificate management (Caddy auto-renew)"), "security.certificates"),
	CK(RD_SECURITY, N_("Secret management"), "security.secrets"),

	CK(RD_AVAILABILITY, N_("HA PostgreSQL (Patroni)"), "availability.ha_postgres", "availability.patroni"),
	CK(RD_AVAILABILITY, N_("HA Redis (Sentinel)"), "availability.ha_redis", "availability.redis_sentinel"),
	CK(RD_AVAILABILITY, N_("Load balancing (HAProxy)"), "availability.load_balancing"),
	CK(RD_AVAILABILITY, N_("Backup automation"), "availability.backups"),
	CK(RD_AVAILABILITY, N_("Disaster recovery plan"), "availability.dr_runbook", "availability.restore_tested"),
	CK(RD_AVAILABILITY, N_("Complete health checks"), "availability.health_checks"),
	CK(RD_AVAILABILITY, N_("Monitoring"), "observability.metrics", "availability.services_up"),
	CK(RD_AVAILABILITY, N_("Alerting (Alertmanager)"), "availability.alerting", "observability.loki_alert_rules"),
	NA(RD_AVAILABILITY, N_("Auto-scaling (Kubernetes)"), N_("the platform runs without Kubernetes; no autoscaler to ask")),
	NA(RD_AVAILABILITY, N_("Multi-region"), N_("one site per config; regions are not described")),

	CK(RD_OBSERVABILITY, N_("Metrics"), "observability.metrics"),
	CK(RD_OBSERVABILITY, N_("Dashboards"), "observability.dashboards"),
	CK(RD_OBSERVABILITY, N_("Logs"), "observability.logs"),
	CK(RD_OBSERVABILITY, N_("Tracing"), "observability.tracing"),
	CK(RD_OBSERVABILITY, N_("Centralized logging of all services"), "observability.logs"),
	CK(RD_OBSERVABILITY, N_("Performance monitoring"), "observability.node_exporter", "performance.response_time"),
	NA(RD_OBSERVABILITY, N_("Error tracking (Sentry)"), N_("no Sentry in the platform to ask")),
	CK(RD_OBSERVABILITY, N_("Audit logging"), "observability.audit_log"),
	NA(RD_OBSERVABILITY, N_("User behaviour analytics"), no_api),
	NA(RD_OBSERVABILITY, N_("Cost tracking"), N_("no cost data source")),

	CK(RD_INTEGRATION, N_("SSO integration"), "integration.sso_clients"),
	CK(RD_INTEGRATION, N_("Notification system"), "integration.alert_chat", "integration.alert_email"),
	NA(RD_INTEGRATION, N_("File sync"), N_("no API tells whether files are kept in one place")),
	CK(RD_INTEGRATION, N_("Webhook system"), "integration.webhooks", "integration.gitea_hooks"),
	NA(RD_INTEGRATION, N_("API gateway (Kong/Tyk)"), N_("no API gateway in the platform to ask")),
	NA(RD_INTEGRATION, N_("Message queue"), N_("whether applications queue through Redis is not visible in Redis INFO")),
	NA(RD_INTEGRATION, N_("Event streaming (Kafka)"), N_("no event bus in the platform to ask")),
	NA(RD_INTEGRATION, N_("Service mesh"), N_("no service mesh in the platform to ask")),
	CK(RD_INTEGRATION, N_("Version-control integration"), "integration.gitea_hooks"),
	CK(RD_INTEGRATION, N_("Documentation sync"), "integration.wiki_git"),

	NA(RD_MANAGEABILITY, N_("Centralized configuration"), N_("no configuration store in the platform to ask")),
	CK(RD_MANAGEABILITY, N_("Infrastructure as code"), "manageability.infra_repos"),
	NA(RD_MANAGEABILITY, N_("GitOps"), N_("no GitOps controller (FluxCD) to ask outside Kubernetes")),
	CK(RD_MANAGEABILITY, N_("Automated backup & restore"), "manageability.backup_command", "availability.backups",
	    "availability.restore_tested"),
	CK(RD_MANAGEABILITY, N_("Log management everywhere"), "observability.logs"),
	NA(RD_MANAGEABILITY, N_("Change management"), N_("a process, not a state any API reports")),
	NA(RD_MANAGEABILITY, N_("Automated rollback"), N_("deployments are not run through anything ceres-top reads")),
	NA(RD_MANAGEABILITY, N_("Unified documentation"), N_("whether documentation is complete is not machine-checkable")),
	NA(RD_MANAGEABILITY, N_("Training & onboarding"), no_api),
	NA(RD_MANAGEABILITY, N_("Community plugins"), N_("nothing to measure")),

	CK(RD_PERFORMANCE, N_("Caching strategy (Redis)"), "performance.cache_limits"),
	CK(RD_PERFORMANCE, N_("DB optimization (indexes, vacuum)"), "performance.db_maintenance"),
	CK(RD_PERFORMANCE, N_("Query optimization"), "performance.query_stats"),
	NA(RD_PERFORMANCE, N_("Image optimization"), N_("the applications' image sizes are not visible from here")),
	NA(RD_PERFORMANCE, N_("CDN"), N_("no CDN in the platform to ask")),
	CK(RD_PERFORMANCE, N_("Compression (Caddy)"), "performance.compression"),
	CK(RD_PERFORMANCE, N_("Load balancing"), "availability.load_balancing"),
	CK(RD_PERFORMANCE, N_("Connection pooling"), "performance.connection_pool"),
	CK(RD_PERFORMANCE, N_("Rate limiting"), "security.rate_limit"),
	NA(RD_PERFORMANCE, N_("Resource limits"), N_("container and cgroup limits are not exposed by the services' APIs")),

	MX(N_("Prometheus -> Alertmanager routing to anyone"), "availability.alerting", "integration.alert_chat"),
	MX(N_("Gitea -> chat notifications"), "integration.gitea_hooks"),
	MXNA(N_("Redmine -> chat notifications"), redmine_no_api),
	MX(N_("Alertmanager -> chat"), "integration.alert_chat"),
	MXNA(N_("Nextcloud -> chat notifications"), N_("Nextcloud's notification targets are not read")),
	MX(N_("Caddy <- Keycloak (SSO at the proxy, oauth2-proxy)"), "security.proxy_sso"),
	MXNA(N_("Nextcloud <-> Gitea file sync"), N_("no API tells whether files are synced")),
	MX(N_("Wiki.js <-> Gitea (git sync)"), "integration.wiki_git"),
	MX(N_("Uptime Kuma -> Alertmanager"), "integration.uptime_alerting"),
	MX(N_("Tempo <-> Loki"), "integration.traces_to_logs"),
};
const size_t rd_nitem = sizeof rd_items / sizeof rd_items[0];

const char *
rd_item_state(const struct rd_item *it, const struct rd_result *res)
{
	bool unknown = false;

	if (it->check[0] == NULL)
		return "n/a";
	for (size_t c = 0; c < RD_ITEM_CHECKS && it->check[c] != NULL; c++) {
		const struct rd_check *ck = rd_check_find(it->check[c]);
		enum rd_status s = ck != NULL ? res[ck - rd_checks].status : RD_UNKNOWN;

		if (s == RD_FAIL)
			return "fail";
		unknown |= s != RD_PASS;
	}
	return unknown ? "unknown" : "pass";
}

void
rd_items_json(const struct rd_result *res, cJSON *parent)
{
	cJSON *arr = cJSON_AddArrayToObject(parent, "items");

	for (size_t i = 0; i < rd_nitem; i++) {
		const struct rd_item *it = &rd_items[i];
		cJSON *o = cJSON_CreateObject(), *ids;

		cJSON_AddStringToObject(o, "source", it->source == RD_ITEM_MATRIX ? "matrix" : "checklist");
		cJSON_AddStringToObject(o, "category", rd_category_name(it->category));
		cJSON_AddStringToObject(o, "title", it->title);
		cJSON_AddStringToObject(o, "status", rd_item_state(it, res));
		ids = cJSON_AddArrayToObject(o, "checks");
		for (size_t c = 0; c < RD_ITEM_CHECKS && it->check[c] != NULL; c++)
			cJSON_AddItemToArray(ids, cJSON_CreateString(it->check[c]));
		if (it->na_reason != NULL)
			cJSON_AddStringToObject(o, "reason", it->na_reason);
		cJSON_AddItemToArray(arr, o);
	}
}

void
rd_items_text(enum rd_category cat, int source, const struct rd_result *res, struct strbuf *out)
{
	for (size_t i = 0; i < rd_nitem; i++) {
		const struct rd_item *it = &rd_items[i];
		const char *st;

		if (it->category != cat || (int)it->source != source)
			continue;
		st = rd_item_state(it, res);
		if (it->na_reason != NULL && source == RD_ITEM_MATRIX)
			strbuf_addf(out, _("    - [-] %s: n/a, %s\n"), _(it->title), _(it->na_reason));
		else if (it->na_reason != NULL)
			strbuf_addf(out, _("    [-] %s: n/a, %s\n"), _(it->title), _(it->na_reason));
		else if (source == RD_ITEM_MATRIX) {
			strbuf_addf(out, "    - %s %s:", strcmp(st, "pass") == 0 ? "[x]" :
			    strcmp(st, "fail") == 0 ? "[ ]" : "[?]", _(it->title));
			for (size_t c = 0; c < RD_ITEM_CHECKS && it->check[c] != NULL; c++)
				strbuf_addf(out, "%s%s", c > 0 ? ", " : " ", it->check[c]);
			strbuf_addc(out, '\n');
		}
	}
}
