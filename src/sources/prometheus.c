/* Prometheus health: /-/ready for the server itself, /api/v1/targets for
 * one row per scrape target (up/down with the last scrape error). */
#include "ceres/core/app.h"
#include "ceres/sources/health.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_MAX_ROWS	500	/* health rows of targets per Prometheus */

struct prom {
	char			*name;
	char			*url;
	struct health_result	 ready;
	bool			 have_ready;
	double			 latency;
	struct prom_target	*targets;
	size_t			 ntargets;
	bool			 have_targets;
};

static void
ready_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct prom *p = s->data;

	if (r->status == 0) {
		p->ready.state = SVC_DOWN;
		snprintf(p->ready.detail, sizeof p->ready.detail, "%s", r->error ? r->error : "no answer");
		source_error(s, "%s", p->ready.detail);
	} else
		health_judge_ready(r->status, r->body, r->len, &p->ready);
	p->have_ready = true;
	p->latency = r->latency_ms;
}

static void
targets_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct prom *p = s->data;
	char *cause = NULL;

	prom_targets_free(p->targets, p->ntargets);
	p->targets = NULL;
	p->ntargets = 0;
	p->have_targets = false;
	if (r->status == 0)
		return;		/* ready_done reports the transport error */
	if (r->status != 200 && r->len == 0) {
		source_error(s, "targets: HTTP %ld", r->status);
		return;
	}
	if (prom_targets_parse(r->body, r->len, &p->targets, &p->ntargets, &cause) != 0) {
		source_error(s, "%s", cause);
		free(cause);
		return;
	}
	p->have_targets = true;
}

static void
prom_start(struct source *s)
{
	struct prom *p = s->data;
	struct http_request req;
	char *u;

	memset(&req, 0, sizeof req);
	p->have_ready = false;
	u = xasprintf("%s/-/ready", p->url);
	req.url = u;
	source_http(s, &req, ready_done, s);
	free(u);
	u = xasprintf("%s/api/v1/targets?state=active", p->url);
	req.url = u;
	source_http(s, &req, targets_done, s);
	free(u);
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
		snprintf(detail, sizeof detail, "ready, %zu/%zu targets up (%d rows shown)", up,
		    p->ntargets, PROM_MAX_ROWS);
	else if (p->ready.state == SVC_UP && p->have_targets)
		snprintf(detail, sizeof detail, "ready, %zu/%zu targets up", up, p->ntargets);
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
	free(p->url);
	free(p);
}

static const struct source_ops prom_ops = {
	.kind = "prometheus",
	.start = prom_start,
	.round_end = prom_round_end,
	.free = prom_free,
};

struct source *
prometheus_source_new(struct app *app, const char *name, const char *url)
{
	struct prom *p = xcalloc(1, sizeof *p);
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	p->name = xstrdup(name);
	p->url = xstrndup(url, n);
	return source_new(app, &prom_ops, name, p);
}
