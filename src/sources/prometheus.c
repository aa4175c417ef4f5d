/* Prometheus health: /-/ready for the server itself, /api/v1/targets for
 * one row per scrape target (up/down with the last scrape error).  An
 * engine that serves the Prometheus query API but neither of those
 * (Grafana Mimir, Cortex: /-/ready answers 404) is judged by the instant
 * query `up` instead: it answered, so it is up, and each series of up is
 * a target row.  Now and then /-/ready is asked again, in case the URL
 * now leads to a Prometheus. */
#include "ceres/core/app.h"
#include "ceres/net/backend.h"
#include "ceres/sources/health.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_MAX_ROWS	500	/* health rows of targets per Prometheus */
#define PROM_UP_QUERY	"/api/v1/query?query=up"
#define PROM_REPROBE	60	/* rounds on the query API before /-/ready again */

struct prom {
	char			*name;
	struct backend		 be;	/* base URL, tenant, TLS */
	struct health_result	 ready;
	bool			 have_ready;
	double			 latency;
	struct prom_target	*targets;
	size_t			 ntargets;
	bool			 have_targets;
	bool			 query_api;	/* no /-/ready: health from `up` */
	bool			 targets_404;	/* this round, before /-/ready said */
	unsigned		 query_rounds;
};

static void up_done(const struct http_response *r, void *arg);

/* No answer, or not one that says it is up: down, and the round failed. */
static void
ready_down(struct source *s, struct prom *p, const char *detail)
{
	p->ready.state = SVC_DOWN;
	snprintf(p->ready.detail, sizeof p->ready.detail, "%s", detail);
	source_error(s, "%s", p->ready.detail);
}

static void
set_targets(struct prom *p, struct prom_target *t, size_t n)
{
	prom_targets_free(p->targets, p->ntargets);
	p->targets = t;
	p->ntargets = n;
	p->have_targets = t != NULL;
}

static void
ready_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct prom *p = s->data;

	if (r->status == 404 && !p->query_api) {
		/* The query API of Mimir or Cortex: ask it instead, now. */
		p->query_api = true;
		p->query_rounds = 0;
		backend_get(s, &p->be, PROM_UP_QUERY, 0, up_done, s);
		return;
	}
	if (r->status == 0)
		ready_down(s, p, r->error != NULL ? r->error : "no answer");
	else
		health_judge_ready(r->status, r->body, r->len, &p->ready);
	p->query_api = false;
	p->have_ready = true;
	p->latency = r->latency_ms;
	if (p->targets_404 && r->status != 0)
		source_error(s, "targets: HTTP 404");
}

/* The instant query up, on an engine without /-/ready. */
static void
up_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct prom *p = s->data;
	struct prom_target *t = NULL;
	size_t n = 0;
	char *cause = NULL, why[64];

	p->have_ready = true;
	p->latency = r->latency_ms;
	set_targets(p, NULL, 0);
	if (r->status == 0) {
		ready_down(s, p, r->error != NULL ? r->error : "no answer");
		return;
	}
	if (r->status != 200) {
		snprintf(why, sizeof why, "query API: HTTP %ld", r->status);
		ready_down(s, p, why);
		if (r->status == 404)
			p->query_api = false;	/* no query API either: /-/ready next round */
		return;
	}
	if (prom_up_parse(r->body, r->len, &t, &n, &cause) != 0) {
		p->ready.state = SVC_DEGRADED;
		snprintf(p->ready.detail, sizeof p->ready.detail, "query API: %s", cause);
		source_error(s, "%s", cause);
		free(cause);
		return;
	}
	p->ready.state = SVC_UP;
	snprintf(p->ready.detail, sizeof p->ready.detail, "query API answers");
	set_targets(p, t, n);
}

static void
targets_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct prom *p = s->data;
	struct prom_target *t = NULL;
	size_t n = 0;
	char *cause = NULL;

	if (r->status == 404) {
		/* An engine without a targets list: up_done gives the rows
		 * if /-/ready says so too; else it is an error. */
		if (p->query_api)
			return;
		if (p->have_ready)
			source_error(s, "targets: HTTP 404");
		else
			p->targets_404 = true;
		set_targets(p, NULL, 0);
		return;
	}
	set_targets(p, NULL, 0);
	if (r->status == 0)
		return;		/* ready_done reports the transport error */
	if (r->status != 200 && r->len == 0) {
		source_error(s, "targets: HTTP %ld", r->status);
		return;
	}
	if (prom_targets_parse(r->body, r->len, &t, &n, &cause) != 0) {
		source_error(s, "%s", cause);
		free(cause);
		return;
	}
	set_targets(p, t, n);
}

static void
prom_start(struct source *s)
{
	struct prom *p = s->data;

	p->have_ready = false;
	p->targets_404 = false;
	if (p->query_api) {
		if (++p->query_rounds % PROM_REPROBE != 0) {
			backend_get(s, &p->be, PROM_UP_QUERY, 0, up_done, s);
			return;
		}
		p->query_api = false;	/* /-/ready again: a 404 comes back here */
	}
	backend_get(s, &p->be, "/-/ready", 0, ready_done, s);
	backend_get(s, &p->be, "/api/v1/targets?state=active", 0, targets_done, s);
}

/* One health row for a scrape target, under the Prometheus row. */
static void
target_row(struct source *s, const struct prom_target *t)
{
	struct prom *p = s->data;
	struct model *m = &s->app->model;
	char *rname = xasprintf("%s target %s %s", p->name, t->job, t->instance);
	struct service *row = model_service(m, rname, "target");
	enum svc_state st = SVC_UNKNOWN;

	if (strcmp(t->health, "up") == 0)
		st = SVC_UP;
	else if (strcmp(t->health, "down") == 0)
		st = SVC_DOWN;
	str_set(&row->parent, p->name);
	model_service_update(m, row, st,
	    t->last_scrape_duration >= 0 ? t->last_scrape_duration * 1000 : -1,
	    st == SVC_DOWN && t->last_error[0] != '\0' ? t->last_error : t->health);
	model_service_set_fact(m, row, FACT_JOB, t->job);
	free(rname);
}

static void
prom_round_end(struct source *s)
{
	struct prom *p = s->data;
	struct model *m = &s->app->model;
	struct service *sv = model_service(m, p->name, "prometheus");
	size_t up = 0;
	char detail[256], fact[32];

	if (!p->have_ready)
		return;
	if (p->have_targets) {
		size_t rows = 0;

		for (size_t i = 0; i < p->ntargets; i++)
			up += strcmp(p->targets[i].health, "up") == 0;
		/* Rows are for people, and each costs a model look-up: past
		 * PROM_MAX_ROWS targets (a hostile or huge answer) the ones not
		 * up get rows first (pass 0), then up ones while there is room. */
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < p->ntargets && rows < PROM_MAX_ROWS; i++) {
				bool is_up = strcmp(p->targets[i].health, "up") == 0;

				if (is_up == (pass == 1)) {
					target_row(s, &p->targets[i]);
					rows++;
				}
			}
		}
		model_service_prune(m, p->name);
		snprintf(fact, sizeof fact, "%zu", p->ntargets);
		model_service_set_fact(m, sv, FACT_PROM_TARGETS, fact);
		snprintf(fact, sizeof fact, "%zu", up);
		model_service_set_fact(m, sv, FACT_PROM_TARGETS_UP, fact);
	}
	if (p->ready.state == SVC_UP && p->have_targets && p->ntargets > PROM_MAX_ROWS)
		snprintf(detail, sizeof detail, "%s, %zu/%zu targets up (%d rows shown)",
		    p->query_api ? "query API" : "ready", up, p->ntargets, PROM_MAX_ROWS);
	else if (p->ready.state == SVC_UP && p->have_targets)
		snprintf(detail, sizeof detail, "%s, %zu/%zu targets up", p->query_api ? "query API" : "ready",
		    up, p->ntargets);
	else if (p->ready.state == SVC_UP && s->error != NULL) {
		/* Ready, but its targets could not be read: not all is well. */
		snprintf(detail, sizeof detail, "ready; %s", s->error);
		model_service_update(m, sv, SVC_DEGRADED, p->latency, detail);
		return;
	} else
		snprintf(detail, sizeof detail, "%s", p->ready.detail);
	model_service_update(m, sv, p->ready.state, p->latency, detail);
}

static void
prom_free(struct source *s)
{
	struct prom *p = s->data;

	prom_targets_free(p->targets, p->ntargets);
	free(p->name);
	backend_clear(&p->be);
	free(p);
}

static const struct source_ops prom_ops = {
	.kind = "prometheus",
	.start = prom_start,
	.round_end = prom_round_end,
	.free = prom_free,
};

struct source *
prometheus_source_new(struct app *app, const char *name, const char *url,
    const struct backend *be)
{
	struct prom *p = xcalloc(1, sizeof *p);

	p->name = xstrdup(name);
	if (be != NULL)
		backend_copy(&p->be, be);
	backend_set_base(&p->be, url);
	return source_new(app, &prom_ops, name, p);
}
