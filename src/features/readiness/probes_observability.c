/* Observability probes: scrape targets, host and meta monitoring, Grafana,
 * logs from every service in Loki, Tempo, alert rule coverage, and the
 * local audit log. */
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/model/services.h"
#include "ceres/util/util.h"
#include "probes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
probe_metrics(const struct rd_ctx *c, struct rd_result *r)
{
	const struct service *prom = rd_row_of_kind(c->model, "prometheus");
	struct rd_list down = { .n = 0 };
	size_t n = 0, up = 0;

	if (prom == NULL) {
		rd_set(r, RD_UNKNOWN, "%s", _("prometheus not configured"));
		return;
	}
	if (prom->state != SVC_UP) {
		rd_set(r, RD_UNKNOWN, "%s: %s", prom->name, prom->detail);
		return;
	}
	for (size_t i = 0; i < c->model->nservices; i++) {
		const struct service *sv = c->model->services[i];

		if (sv->parent == NULL || strcmp(sv->parent, prom->name) != 0)
			continue;
		n++;
		if (sv->state == SVC_UP)
			up++;
		else if (sv->state == SVC_DOWN)
			rd_list_add(&down, sv->name + (strncmp(sv->name, prom->name, strlen(prom->name)) == 0 ?
			    strlen(prom->name) + 1 : 0));
	}
	if (n == 0)
		rd_set(r, RD_FAIL, "%s", _("Prometheus has no active scrape target"));
	else if (down.n > 0)
		rd_set(r, RD_FAIL, _("%zu/%zu targets up; down: %s"), up, n, rd_list_str(&down));
	else if (up == 0)
		rd_set(r, RD_UNKNOWN, _("%zu targets, none scraped yet"), n);
	else
		rd_set(r, RD_PASS, _("%zu/%zu targets up"), up, n);
}

void
probe_node_exporter(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;

	if (rd_unknown_unless_ok(r, &p->series, "prometheus"))
		return;
	if (p->node_series > 0)
		rd_set(r, RD_PASS, _("node_exporter_build_info from %ld host(s)"), p->node_series);
	else
		rd_set(r, RD_FAIL, "%s", _("no node_exporter_build_info series: no node-exporter is scraped"));
}

void
probe_meta_monitoring(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;
	bool want_am = config_get(c->config, "alertmanager", NULL, "url") != NULL || c->config->defaults;
	struct rd_list missing = { .n = 0 };

	if (rd_unknown_unless_ok(r, &p->series, "prometheus"))
		return;
	if (p->self_series <= 0)
		rd_list_add(&missing, _("Prometheus itself (prometheus_build_info)"));
	if (want_am && p->am_series <= 0)
		rd_list_add(&missing, _("Alertmanager (alertmanager_build_info)"));
	if (missing.n > 0)
		rd_set(r, RD_FAIL, _("not scraped: %s"), rd_list_str(&missing));
	else if (want_am)
		rd_set(r, RD_PASS, _("Prometheus scrapes itself and %ld Alertmanager(s)"), p->am_series);
	else
		rd_set(r, RD_PASS, "%s", _("Prometheus scrapes itself"));
}

void
probe_dashboards(const struct rd_ctx *c, struct rd_result *r)
{
	const struct service *g = rd_row_of_kind(c->model, "grafana");

	if (g == NULL)
		rd_set(r, RD_UNKNOWN, "%s", _("grafana not configured"));
	else if (g->state == SVC_UP)
		rd_set(r, RD_PASS, "%s: %s", g->name, g->detail);
	else if (g->state == SVC_UNKNOWN)
		rd_set(r, RD_UNKNOWN, _("%s: no answer yet"), g->name);
	else
		rd_set(r, RD_FAIL, "%s %s: %s", g->name, svc_state_name(g->state), g->detail);
}

static bool
word_in(const char *hay, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = hay; (p = strstr(p, word)) != NULL; p++) {
		bool before = p == hay || !isalnum((unsigned char)p[-1]);
		bool after = !isalnum((unsigned char)p[wl]);

		if (before && after)
			return true;
	}
	return false;
}

/* Does any label value name this service?  "ceres/gitea" names gitea;
 * uptime_kuma also answers to "uptime-kuma" and "kuma". */
static bool
loki_has(const struct rd_loki *l, const struct service *sv)
{
	const char *alt[4] = { sv->kind, sv->name, NULL, NULL };

	if (strcmp(sv->kind, "uptime_kuma") == 0) {
		alt[2] = "uptime-kuma";
		alt[3] = "kuma";
	} else if (strcmp(sv->kind, "postgres") == 0)
		alt[2] = "postgresql";
	else if (strcmp(sv->kind, "node") == 0)
		alt[2] = "node-exporter";
	for (size_t i = 0; i < l->nvalue; i++) {
		char *low = xstrdup(l->value[i]);
		bool hit = false;

		for (char *p = low; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (int k = 0; k < 4 && !hit; k++)
			hit = alt[k] != NULL && strcmp(alt[k], "http") != 0 && word_in(low, alt[k]);
		free(low);
		if (hit)
			return true;
	}
	return false;
}

void
probe_logs(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_loki *l = &c->d->loki;
	struct rd_list missing = { .n = 0 };
	size_t n = 0;

	if (rd_unknown_unless_ok(r, &l->labels, "loki"))
		return;
	if (l->nvalue == 0) {
		rd_set(r, RD_FAIL, "%s", _("Loki has no job, app or service_name label values (last 6 h)"));
		return;
	}
	for (size_t i = 0; i < c->model->nservices; i++) {
		const struct service *sv = c->model->services[i];
		bool seen = false;

		if (sv->parent != NULL)
			continue;
		/* HA peers of one kind are one service; plain HTTP checks
		 * are told apart by name. */
		for (size_t j = 0; j < i && !seen && strcmp(sv->kind, "http") != 0; j++)
			seen = c->model->services[j]->parent == NULL &&
			    strcmp(c->model->services[j]->kind, sv->kind) == 0;
		if (seen)
			continue;
		n++;
		if (!loki_has(l, sv))
			rd_list_add(&missing, strcmp(sv->kind, "http") != 0 ? sv->kind : sv->name);
	}
	if (n == 0)
		rd_set(r, RD_UNKNOWN, "%s", _("no services configured"));
	else if (missing.n > 0)
		rd_set(r, RD_FAIL, _("logs from %zu/%zu services; missing: %s"), n - missing.n, n,
		    rd_list_str(&missing));
	else
		rd_set(r, RD_PASS, _("Loki has streams from all %zu services"), n);
}

void
probe_loki_alert_rules(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_loki_rules *lr = &c->d->loki_rules;

	if (rd_unknown_unless_ok(r, &lr->f, _("loki ruler")))
		return;
	if (lr->ruler_off)
		rd_set(r, RD_FAIL, "%s", _("Loki's ruler is not enabled (/prometheus/api/v1/rules answered HTTP 404)"));
	else if (lr->alerting == 0)
		rd_set(r, RD_FAIL, _("the Loki ruler has no alerting rules (%zu groups, %zu recording rules)"),
		    lr->groups, lr->recording);
	else if (lr->broken > 0)
		rd_set(r, RD_FAIL, _("%zu Loki alerting rules, %zu fail to evaluate"), lr->alerting, lr->broken);
	else
		rd_set(r, RD_PASS, _("%zu Loki alerting rules in %zu groups (%s, ...)"), lr->alerting, lr->groups,
		    lr->example);
}

void
probe_tracing(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_tempo *t = &c->d->tempo;

	if (rd_unknown_unless_ok(r, &t->ready, "tempo"))
		return;
	rd_set(r, t->status == 200 ? RD_PASS : RD_FAIL, _("Tempo /ready: HTTP %ld %s"), t->status,
	    t->detail != NULL ? t->detail : "");
}

void
probe_alert_rules(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_prom *p = &c->d->prom;
	struct rd_list missing = { .n = 0 }, have = { .n = 0 };
	unsigned cover = 0;
	size_t alerting = 0, broken = 0;

	if (rd_unknown_unless_ok(r, &p->rules, "prometheus"))
		return;
	for (size_t i = 0; i < p->nrule; i++) {
		if (!p->rule[i].alerting)
			continue;
		alerting++;
		cover |= p->rule[i].classes;
		if (!p->rule[i].healthy)
			broken++;
	}
	if (alerting == 0) {
		rd_set(r, RD_FAIL, "%s", _("Prometheus has no alerting rules loaded"));
		return;
	}
	for (unsigned bit = 1; bit <= RD_RULE_CONNECTIONS; bit <<= 1)
		rd_list_add((cover & bit) ? &have : &missing, rd_rule_class_name(bit));
	if (missing.n > 0)
		rd_set(r, RD_FAIL, _("%zu alerting rules; missing: %s"), alerting, rd_list_str(&missing));
	else if (broken > 0)
		rd_set(r, RD_FAIL, _("%zu alerting rules cover every class, but %zu fail to evaluate"), alerting,
		    broken);
	else
		rd_set(r, RD_PASS, _("%zu alerting rules cover %s"), alerting, rd_list_str(&have));
}

void
probe_audit_log(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_audit *a = &c->d->audit;
	char age[16];

	if (a->f.avail != RD_OK || a->path == NULL) {
		rd_set(r, RD_UNKNOWN, "%s", _("audit log not checked yet"));
		return;
	}
	if (!a->writable)
		rd_set(r, RD_FAIL, "%s: %s", a->path, a->why != NULL ? a->why : _("not writable"));
	else if (a->last > 0)
		rd_set(r, RD_PASS, _("%s: writable, last entry %s ago"), a->path,
		    fmt_age(c->now - a->last, age, sizeof age));
	else
		rd_set(r, RD_PASS, _("%s: writable, no entry yet"), a->path);
}
