/* --once --format openmetrics: the snapshot as OpenMetrics text for
 * node-exporter's textfile collector (or any scraper).  Only gauges, each
 * family written whole (HELP, TYPE, samples), so the same bytes are also
 * valid Prometheus text format 0.0.4, which is what the textfile collector
 * and `promtool check metrics` parse.  Every sample carries the site label;
 * label values are escaped (backslash, quote, newline); names and label
 * names never come from a backend. */
#include "ceres/core/app.h"
#include "ceres/features/alerts.h"
#include "ceres/features/readiness.h"
#include "ceres/render/render.h"
#include "ceres/util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct om {
	struct strbuf	 sb;
	const char	*site;
	double		 now;
};

static void
om_family(struct om *om, const char *name, const char *help)
{
	strbuf_addf(&om->sb, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void
om_escape(struct strbuf *sb, const char *v)
{
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '\\')
			strbuf_adds(sb, "\\\\");
		else if (*p == '"')
			strbuf_adds(sb, "\\\"");
		else if (*p == '\n')
			strbuf_adds(sb, "\\n");
		else
			strbuf_addc(sb, *p);
	}
}

/* One sample: name{site="..",k1="v1",...} value.  labels is a NULL-ended
 * list of name, value pairs. */
static void
om_sample(struct om *om, const char *name, const char *const *labels, double v)
{
	strbuf_addf(&om->sb, "%s{site=\"", name);
	om_escape(&om->sb, om->site);
	strbuf_addc(&om->sb, '"');
	for (size_t i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		strbuf_addf(&om->sb, ",%s=\"", labels[i]);
		om_escape(&om->sb, labels[i + 1] != NULL ? labels[i + 1] : "");
		strbuf_addc(&om->sb, '"');
	}
	if (isnan(v))
		strbuf_adds(&om->sb, "} NaN\n");
	else if (v == floor(v) && fabs(v) < 1e15)
		strbuf_addf(&om->sb, "} %.0f\n", v);
	else
		strbuf_addf(&om->sb, "} %.6g\n", v);
}

static void
om_services(struct om *om, const struct model *m)
{
	static const enum svc_state states[] = { SVC_UP, SVC_DEGRADED, SVC_DOWN, SVC_UNKNOWN };

	om_family(om, "ceres_service_up", "1 when the service answered healthy, else 0.");
	for (size_t i = 0; i < m->nservices; i++) {
		const struct service *sv = m->services[i];
		const char *l[] = { "service", sv->name, "kind", sv->kind, NULL };

		om_sample(om, "ceres_service_up", l, sv->state == SVC_UP ? 1 : 0);
	}
	om_family(om, "ceres_service_state", "1 for the state the service is in (up, degraded, down, unknown).");
	for (size_t i = 0; i < m->nservices; i++)
		for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
			const char *l[] = { "service", m->services[i]->name, "state", svc_state_name(states[s]),
				NULL };

			om_sample(om, "ceres_service_state", l, m->services[i]->state == states[s] ? 1 : 0);
		}
	om_family(om, "ceres_service_latency_seconds", "Time the last health probe took.");
	for (size_t i = 0; i < m->nservices; i++) {
		const struct service *sv = m->services[i];
		const char *l[] = { "service", sv->name, NULL };

		if (sv->latency_ms >= 0)
			om_sample(om, "ceres_service_latency_seconds", l, sv->latency_ms / 1000.0);
	}
	om_family(om, "ceres_services", "Services per state.");
	for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
		const char *l[] = { "state", svc_state_name(states[s]), NULL };
		size_t n = 0;

		for (size_t i = 0; i < m->nservices; i++)
			n += m->services[i]->state == states[s];
		om_sample(om, "ceres_services", l, (double)n);
	}
}

static void
om_alerts(struct om *om, const struct alerts_area *a)
{
	static const char *const sev[] = { "critical", "warning", "info", "other" };
	static const char *const state[] = { "active", "silenced", "inhibited" };
	size_t count[4][3];

	memset(count, 0, sizeof count);
	if (a->al.set != NULL)
		for (size_t i = 0; i < a->al.set->ngroups; i++) {
			const struct alert_group *g = &a->al.set->groups[i];
			unsigned c = (unsigned)g->sev < 4 ? (unsigned)g->sev : 3;

			count[c][0] += g->nactive;
			count[c][1] += g->nsilenced;
			count[c][2] += g->ninhibited;
		}
	om_family(om, "ceres_alerts_answered", "1 when Alertmanager answered with the alerts.");
	om_sample(om, "ceres_alerts_answered", NULL, a->al.set != NULL ? 1 : 0);
	om_family(om, "ceres_alerts", "Alerts by severity class and state.");
	for (size_t c = 0; c < 4; c++)
		for (size_t s = 0; s < 3; s++) {
			const char *l[] = { "severity", sev[c], "state", state[s], NULL };

			om_sample(om, "ceres_alerts", l, (double)count[c][s]);
		}
}

static void
om_readiness_checks(struct om *om, const struct readiness *r)
{
	static const enum rd_status st[] = { RD_PASS, RD_FAIL, RD_UNKNOWN };

	om_family(om, "ceres_readiness_check_state", "1 for the state of the readiness check (pass, fail, unknown).");
	for (size_t i = 0; i < rd_ncheck; i++)
		for (size_t s = 0; s < 3; s++) {
			const char *l[] = { "category", rd_category_name(rd_checks[i].category), "check",
				rd_checks[i].id, "state", rd_status_name(st[s]), NULL };

			om_sample(om, "ceres_readiness_check_state", l, r->res[i].status == st[s] ? 1 : 0);
		}
	om_family(om, "ceres_readiness_check_weight", "Weight of the check in the score (1 nice, 2 important, 3 critical).");
	for (size_t i = 0; i < rd_ncheck; i++) {
		const char *l[] = { "check", rd_checks[i].id, NULL };

		om_sample(om, "ceres_readiness_check_weight", l, rd_checks[i].weight);
	}
}

static void
om_readiness(struct om *om, const struct readiness *r)
{
	const struct rd_score *sc = &r->score;

	om_family(om, "ceres_readiness_ratio", "Readiness score: passed weight over decided weight (0 to 1).");
	om_sample(om, "ceres_readiness_ratio", NULL, sc->max > 0 ? (double)sc->score / sc->max : 0);
	om_family(om, "ceres_readiness_score", "Passed weight of the readiness checks.");
	om_sample(om, "ceres_readiness_score", NULL, sc->score);
	om_family(om, "ceres_readiness_max_score", "Weight of the readiness checks that could be decided.");
	om_sample(om, "ceres_readiness_max_score", NULL, sc->max);
	om_family(om, "ceres_readiness_unknown_checks", "Readiness checks that could not be decided.");
	om_sample(om, "ceres_readiness_unknown_checks", NULL, sc->unknown);
	om_family(om, "ceres_readiness_category_ratio", "Readiness score of a category (0 to 1).");
	for (int c = 0; c < RD_NCATEGORIES; c++) {
		const char *l[] = { "category", rd_category_name((enum rd_category)c), NULL };

		om_sample(om, "ceres_readiness_category_ratio", l,
		    sc->cat[c].max > 0 ? (double)sc->cat[c].score / sc->cat[c].max : 0);
	}
	om_family(om, "ceres_readiness_category_score", "Passed weight of a category.");
	for (int c = 0; c < RD_NCATEGORIES; c++) {
		const char *l[] = { "category", rd_category_name((enum rd_category)c), NULL };

		om_sample(om, "ceres_readiness_category_score", l, sc->cat[c].score);
	}
	om_family(om, "ceres_readiness_category_max_score", "Decided weight of a category.");
	for (int c = 0; c < RD_NCATEGORIES; c++) {
		const char *l[] = { "category", rd_category_name((enum rd_category)c), NULL };

		om_sample(om, "ceres_readiness_category_max_score", l, sc->cat[c].max);
	}
	om_readiness_checks(om, r);
}

static void
om_sources(struct om *om, struct app *app)
{
	double oldest = 0;

	om_family(om, "ceres_source_up", "1 when the source's last round succeeded.");
	for (size_t i = 0; i < app->nsources; i++) {
		const struct source *s = app->sources[i];
		const char *l[] = { "source", s->name, "kind", s->ops->kind, NULL };

		om_sample(om, "ceres_source_up", l, s->ok ? 1 : 0);
	}
	om_family(om, "ceres_source_error_info", "The error of a failing source, in the error label.");
	for (size_t i = 0; i < app->nsources; i++) {
		const struct source *s = app->sources[i];
		const char *l[] = { "source", s->name, "error", s->error, NULL };

		if (!s->ok && s->error != NULL)
			om_sample(om, "ceres_source_error_info", l, 1);
	}
	om_family(om, "ceres_source_latency_seconds", "Time the source's last round took.");
	for (size_t i = 0; i < app->nsources; i++) {
		const struct source *s = app->sources[i];
		const char *l[] = { "source", s->name, NULL };

		if (s->latency_ms >= 0)
			om_sample(om, "ceres_source_latency_seconds", l, s->latency_ms / 1000.0);
	}
	om_family(om, "ceres_source_data_age_seconds", "Age of the source's last good answer (NaN: never answered).");
	for (size_t i = 0; i < app->nsources; i++) {
		const struct source *s = app->sources[i];
		const char *l[] = { "source", s->name, NULL };
		double age = s->last_ok > 0 ? om->now - s->last_ok : NAN;

		if (age < 0)
			age = 0;
		if (!s->advisory && !isnan(age) && age > oldest)
			oldest = age;
		om_sample(om, "ceres_source_data_age_seconds", l, age);
	}
	om_family(om, "ceres_data_age_seconds", "Age of the oldest good answer among the watched sources.");
	om_sample(om, "ceres_data_age_seconds", NULL, oldest);
}

char *
render_openmetrics(struct app *app, const struct status *st)
{
	struct om om;
	void *alerts = app_feature_enabled(app, FEATURE_ALERTS) ? app_feature(app, FEATURE_ALERTS) : NULL;
	void *rd = app_feature_enabled(app, FEATURE_READINESS) ? app_feature(app, FEATURE_READINESS) : NULL;

	strbuf_init(&om.sb);
	om.site = app->site;
	om.now = now_wall();
	om_family(&om, "ceres_status", "Verdict of the snapshot: 0 ok, 1 warning, 2 critical, 3 unknown.");
	om_sample(&om, "ceres_status", NULL, (double)st->code);
	om_family(&om, "ceres_snapshot_timestamp_seconds", "When the snapshot was taken (Unix time).");
	om_sample(&om, "ceres_snapshot_timestamp_seconds", NULL, floor(om.now));
	if (app_feature_enabled(app, FEATURE_HEALTH))
		om_services(&om, &app->model);
	if (alerts != NULL)
		om_alerts(&om, alerts);
	if (rd != NULL) {
		readiness_update(app, rd);
		om_readiness(&om, rd);
	}
	om_sources(&om, app);
	strbuf_adds(&om.sb, "# EOF\n");
	return strbuf_detach(&om.sb);
}
