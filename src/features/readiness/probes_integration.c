/* Integration probes: alerts to chat and e-mail, the [webhook] routes'
 * last tests, Gitea repositories' chat hooks, Uptime Kuma into the
 * alerting path, applications registered as Keycloak clients. */
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/model/services.h"
#include "ceres/util/util.h"
#include "probes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
kinds_text(unsigned k, char *buf, size_t n)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ RD_RCV_WEBHOOK, "webhook" }, { RD_RCV_SLACK, "slack" }, { RD_RCV_EMAIL, "email" },
		{ RD_RCV_MSTEAMS, "msteams" }, { RD_RCV_TELEGRAM, "telegram" }, { RD_RCV_DISCORD, "discord" },
		{ RD_RCV_WEBEX, "webex" }, { RD_RCV_PAGER, "pager" }, { RD_RCV_OTHER, "other" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((k & names[i].bit) && off < n)
			off += (size_t)snprintf(buf + off, n - off, "%s%s", off > 0 ? "+" : "", names[i].name);
	return buf;
}

/* A receiver with any of want, preferring a routed one. */
static void
receiver_probe(const struct rd_ctx *c, struct rd_result *r, unsigned want, const char *what)
{
	const struct rd_am *a = &c->d->am;
	const struct rd_receiver *routed = NULL, *unrouted = NULL;
	struct rd_list all = { .n = 0 };
	char kinds[96];

	if (rd_unknown_unless_ok(r, &a->status, "alertmanager"))
		return;
	for (size_t i = 0; i < a->nrcv; i++) {
		const struct rd_receiver *x = &a->rcv[i];

		rd_list_add(&all, x->name);
		if (!(x->kinds & want))
			continue;
		if (x->routed && routed == NULL)
			routed = x;
		else if (!x->routed && unrouted == NULL)
			unrouted = x;
	}
	if (routed != NULL)
		rd_set(r, RD_PASS, _("receiver %s: %s, used by the route tree"), routed->name,
		    kinds_text(routed->kinds, kinds, sizeof kinds));
	else if (unrouted != NULL)
		rd_set(r, RD_FAIL, _("receiver %s has %s, but no route sends to it"), unrouted->name,
		    kinds_text(unrouted->kinds & want, kinds, sizeof kinds));
	else
		rd_set(r, RD_FAIL, _("no receiver with %s (receivers: %s)"), what,
		    all.n > 0 ? rd_list_str(&all) : _("none"));
}

void
probe_alert_chat(const struct rd_ctx *c, struct rd_result *r)
{
	receiver_probe(c, r, RD_RCV_CHAT, _("a chat integration (webhook, slack, ...)"));
}

void
probe_alert_email(const struct rd_ctx *c, struct rd_result *r)
{
	receiver_probe(c, r, RD_RCV_EMAIL, _("email_configs"));
}

static const struct rd_route *
route_state(const struct rd_webhooks *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->r[i].name, name) == 0)
			return &w->r[i];
	return NULL;
}

void
probe_webhooks(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_webhooks *w = &c->d->webhooks;
	const char **names = NULL;
	size_t n = config_names(c->config, "webhook", &names), good = 0;
	struct rd_list failed = { .n = 0 }, untested = { .n = 0 };
	double oldest = 0;
	char age[16];

	if (n == 0) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [webhook] routes configured"));
		free(names);
		return;
	}
	if (w->f.avail == RD_ERR) {
		rd_set(r, RD_UNKNOWN, _("webhook test state %s: %s"), w->path, w->f.error);
		free(names);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rd_route *rt = route_state(w, names[i]);
		char item[160];

		if (rt == NULL) {
			rd_list_add(&untested, names[i]);
			continue;
		}
		if (rt->ok == 1 || (rt->ok < 0 && rt->status >= 200 && rt->status < 300)) {
			good++;
			if (oldest == 0 || (rt->time > 0 && rt->time < oldest))
				oldest = rt->time;
			continue;
		}
		if (rt->status > 0)
			snprintf(item, sizeof item, "%s: HTTP %ld", names[i], rt->status);
		else
			snprintf(item, sizeof item, "%s: %s", names[i], rt->error != NULL ? rt->error : _("failed"));
		rd_list_add(&failed, item);
	}
	free(names);
	if (failed.n > 0)
		rd_set(r, RD_FAIL, _("last test failed for %s"), rd_list_str(&failed));
	else if (untested.n > 0)
		rd_set(r, RD_UNKNOWN, _("never tested: %s (w key)"), rd_list_str(&untested));
	else if (oldest > 0)
		rd_set(r, RD_PASS, _("%zu/%zu routes answered their last test (oldest %s ago)"), good, n,
		    fmt_age(c->now - oldest, age, sizeof age));
	else
		rd_set(r, RD_PASS, _("%zu/%zu routes answered their last test"), good, n);
}

/* Gitea not configured / no repos / no token: unknown, said once. */
static bool
gitea_unknown(const struct rd_ctx *c, struct rd_result *r)
{
	if (config_get(c->config, "gitea", NULL, "url") == NULL) {
		rd_set(r, RD_UNKNOWN, "%s", _("gitea not configured"));
		return true;
	}
	if (c->d->gitea.nrepo == 0) {
		rd_set(r, RD_UNKNOWN, "%s", _("no repositories in [gitea] repos"));
		return true;
	}
	if (!c->d->gitea.have_token) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [gitea] token: reading hooks needs repository admin rights"));
		return true;
	}
	return false;
}

void
probe_gitea_hooks(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_gitea *g = &c->d->gitea;
	struct rd_list without = { .n = 0 }, errors = { .n = 0 };
	const struct rd_gitea_repo *example = NULL;
	size_t with = 0;

	if (gitea_unknown(c, r))
		return;
	for (size_t i = 0; i < g->nrepo; i++) {
		const struct rd_gitea_repo *x = &g->repo[i];
		char item[160];

		if (x->hooks.avail != RD_OK) {
			snprintf(item, sizeof item, "%s: %s", x->repo,
			    x->hooks.error != NULL ? x->hooks.error : _("no answer yet"));
			rd_list_add(&errors, item);
		} else if (x->status != 200) {
			snprintf(item, sizeof item, "%s (HTTP %ld)", x->repo, x->status);
			rd_list_add(&without, item);
		} else if (x->chat_hooks == 0) {
			snprintf(item, sizeof item, _("%s (%zu hooks, none to chat)"), x->repo, x->nhooks);
			rd_list_add(&without, item);
		} else {
			with++;
			example = example != NULL ? example : x;
		}
	}
	if (without.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu repositories notify chat; not: %s"), with, g->nrepo,
		    rd_list_str(&without));
	else if (errors.n > 0)
		rd_set(r, RD_UNKNOWN, "%s", rd_list_str(&errors));
	else
		rd_set(r, RD_PASS, _("%zu/%zu repositories have a chat hook, e.g. %s: %s"), with, g->nrepo,
		    example->repo, example->example != NULL ? example->example : "?");
}

void
probe_uptime_alerting(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;
	const struct rd_rule *rule = NULL;

	if (rd_row_of_kind(c->model, "uptime_kuma") == NULL &&
	    config_get(c->config, "uptime_kuma", NULL, "url") == NULL) {
		rd_set(r, RD_UNKNOWN, "%s", _("uptime_kuma not configured"));
		return;
	}
	if (p->series.avail != RD_OK || p->kuma_series <= 0) {
		/* Its own notifications may well go to Alertmanager: we cannot see. */
		rd_set(r, RD_UNKNOWN, "%s", _("Uptime Kuma's notifications are not visible through its status page, and Prometheus does not scrape its /metrics"));
		return;
	}
	for (size_t i = 0; i < p->nrule && rule == NULL; i++)
		if (p->rule[i].kuma)
			rule = &p->rule[i];
	if (rule != NULL)
		rd_set(r, RD_PASS, _("Prometheus scrapes Uptime Kuma (%ld monitor_status series) and rule %s alerts on it through Alertmanager"),
		    p->kuma_series, rule->name);
	else if (p->rules.avail == RD_OK)
		rd_set(r, RD_FAIL, _("Prometheus scrapes Uptime Kuma (%ld monitor_status series), but no alerting rule uses monitor_status"),
		    p->kuma_series);
	else
		rd_unknown_unless_ok(r, &p->rules, "prometheus");
}

/* Applications of the seed that log in through Keycloak. */
static const struct {
	const char	*kind;
	const char	*names[3];	/* client ids contain one of these */
} sso_apps[] = {
	{ "grafana", { "grafana" } }, { "gitea", { "gitea" } }, { "nextcloud", { "nextcloud" } },
	{ "wikijs", { "wikijs", "wiki" } }, { "redmine", { "redmine", "openproject" } },
	{ "mattermost", { "mattermost" } },
};

static bool
client_for(const struct rd_keycloak *k, const char *const *names)
{
	for (size_t i = 0; i < k->nclient; i++) {
		char *low = xstrdup(k->client[i]);
		bool hit = false;

		for (char *p = low; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (int n = 0; n < 3 && names[n] != NULL && !hit; n++)
			hit = strstr(low, names[n]) != NULL;
		free(low);
		if (hit)
			return true;
	}
	return false;
}

void
probe_sso_clients(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_keycloak *k = &c->d->kc;
	struct rd_list missing = { .n = 0 }, have = { .n = 0 };

	if (k->disc.avail == RD_OFF) {
		rd_set(r, RD_UNKNOWN, "%s", _("keycloak not configured"));
		return;
	}
	if (!k->have_token) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [keycloak] admin_token or admin_client_id/_secret: the realm's clients cannot be listed"));
		return;
	}
	if (rd_unknown_unless_ok(r, &k->clients, _("keycloak admin API")))
		return;
	for (size_t i = 0; i < sizeof sso_apps / sizeof sso_apps[0]; i++) {
		if (rd_row_of_kind(c->model, sso_apps[i].kind) == NULL)
			continue;
		rd_list_add(client_for(k, sso_apps[i].names) ? &have : &missing, sso_apps[i].kind);
	}
	if (have.n + missing.n == 0)
		rd_set(r, RD_UNKNOWN, "%s", _("no SSO-capable application configured"));
	else if (missing.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu applications have a client; missing: %s"), have.n,
		    have.n + missing.n, rd_list_str(&missing));
	else
		rd_set(r, RD_PASS, _("every application has a client in the realm: %s"), rd_list_str(&have));
}

void
probe_traces_to_logs(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_grafana *g = &c->d->grafana;

	if (g->ds.avail == RD_OFF) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [service] of kind grafana with a url"));
		return;
	}
	if (rd_unknown_unless_ok(r, &g->ds, "grafana"))
		return;
	if (g->ntempo == 0)
		rd_set(r, RD_FAIL, _("Grafana has no Tempo datasource (%zu datasources)"), g->nds);
	else if (g->linked == 0)
		rd_set(r, RD_FAIL, "%s", g->why);
	else
		rd_set(r, RD_PASS, _("Tempo datasource '%s' links traces to logs in '%s' (%zu/%zu Tempo datasources)"),
		    g->tempo, g->loki, g->linked, g->ntempo);
}

/* Wiki.js under version control: its git storage target enabled and not
 * failing; where it pushes and its last sync are the evidence. */
void
probe_wiki_git(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_wiki *w = &c->d->wiki;
	char where[200] = "";

	if (w->f.avail == RD_OFF) {
		rd_set(r, RD_UNKNOWN, "%s", _("no [service] of kind wikijs with a url"));
		return;
	}
	if (rd_unknown_unless_ok(r, &w->f, "wikijs"))
		return;
	if (w->repo[0] != '\0')
		snprintf(where, sizeof where, _(" to %s"), w->repo);
	if (w->git < 0)
		rd_set(r, RD_FAIL, _("Wiki.js has no git storage target (%zu targets, %zu enabled)"), w->targets,
		    w->enabled);
	else if (w->git == 0)
		rd_set(r, RD_FAIL, _("Wiki.js git storage is disabled: pages live only in its database"));
	else if (strcmp(w->status, "error") == 0)
		rd_set(r, RD_FAIL, _("Wiki.js git storage%s fails: %s (last attempt %s)"), where, w->message,
		    w->last[0] != '\0' ? w->last : "?");
	else
		rd_set(r, RD_PASS, _("Wiki.js git storage enabled%s, mode %s, every %s, status %s%s%s"), where,
		    w->mode[0] != '\0' ? w->mode : "?", w->interval[0] != '\0' ? w->interval : "?",
		    w->status[0] != '\0' ? w->status : _("not reported"), w->last[0] != '\0' ? _(", last sync ") : "",
		    w->last);
}
