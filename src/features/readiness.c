/* The readiness feature: its sources (created from the config), the
 * score recomputed whenever the evidence or the health rows change, and
 * the --once output: the JSON object of DESIGN section 6 and the seed's
 * checklist as measured text.  Readiness is not an outage: it adds only
 * the readiness_percent perfdata to the verdict. */
#include "ceres/core/app.h"
#include "ceres/core/paths.h"
#include "ceres/util/i18n.h"
#include "ceres/features/readiness.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Time-based checks (backup age, certificate expiry) move on their own. */
#define REEVALUATE_SECONDS	5.0

int
readiness_check_at(enum rd_category cat, size_t n)
{
	for (size_t i = 0; i < rd_ncheck; i++) {
		if (rd_checks[i].category != cat)
			continue;
		if (n-- == 0)
			return (int)i;
	}
	return -1;
}

size_t
readiness_count(enum rd_category cat)
{
	size_t n = 0;

	for (size_t i = 0; i < rd_ncheck; i++)
		n += rd_checks[i].category == cat;
	return n;
}

/* ---- score history ------------------------------------------------ */

/* The clock of the history: CERES_TOP_TEST_NOW (epoch seconds) lets the
 * tests play rounds days apart; everything else uses the wall clock. */
static double
history_now(void)
{
	const char *e = getenv("CERES_TOP_TEST_NOW");
	char *end;
	double v;

	if (e == NULL || *e == '\0')
		return now_wall();
	v = strtod(e, &end);
	return *end == '\0' && v > 0 ? v : now_wall();
}

/* <state dir>/readiness-history-<site>.txt, the site name made a file
 * name (letters, digits, ".", "-", "_"; anything else "_"). */
static char *
history_path(struct app *app)
{
	char *name = xasprintf("readiness-history-%s.txt", app->site != NULL ? app->site : "default");
	char *path;

	for (char *p = name + strlen("readiness-history-"); *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || (*p == '.' && p[-1] != '-')))
			*p = '_';
	path = paths_state_file(app->config, name);
	free(name);
	return path;
}

static void
history_record(struct readiness *r)
{
	struct rd_hist_point before = { 0, { 0 } };
	bool had = r->hist.n > 0;
	char *cause = NULL;

	if (r->hist_path == NULL)
		return;
	if (had)
		before = r->hist.p[r->hist.n - 1];
	if (!rd_history_add(&r->hist, history_now(), &r->score))
		return;
	/* The same hour with the same scores: nothing to write. */
	if (had && (long)(before.t / 3600) == (long)(r->hist.p[r->hist.n - 1].t / 3600) &&
	    memcmp(before.pct, r->hist.p[r->hist.n - 1].pct, sizeof before.pct) == 0)
		return;
	free(r->hist_error);
	r->hist_error = NULL;
	if (rd_history_save(r->hist_path, &r->hist, &cause) != 0)
		r->hist_error = cause;
}

/* Console: a point when every readiness source finished a round since
 * the last one. */
static void
history_console(struct app *app, struct readiness *r)
{
	unsigned fewest = UINT_MAX;
	size_t n = 0;

	for (size_t i = 0; i < app->nsources; i++) {
		const struct source *s = app->sources[i];

		if (!s->advisory)
			continue;
		if (!s->polled)
			return;
		n++;
		if (s->rounds < fewest)
			fewest = s->rounds;
	}
	if (n == 0 || fewest <= r->hist_round)
		return;
	r->hist_round = fewest;
	history_record(r);
}

void
readiness_history_tick(struct app *app, struct readiness *r)
{
	if (r == NULL)
		return;
	readiness_update(app, r);
	if (app->opt.once) {
		if (!r->hist_once_done)
			history_record(r);
		r->hist_once_done = true;
	}
}

void
readiness_update(struct app *app, struct readiness *r)
{
	struct rd_ctx ctx;

	if (r == NULL)
		return;
	if (r->evaluated && r->gen_data == r->d->generation && r->gen_model == app->model.generation &&
	    now_mono() - r->evaluated_at < REEVALUATE_SECONDS)
		return;
	ctx.d = r->d;
	ctx.model = &app->model;
	ctx.config = app->config;
	ctx.now = now_wall();
	rd_evaluate(&ctx, r->res, &r->score);
	rd_plan_compute(r->res, &r->plan);
	r->evaluated = true;
	r->gen_data = r->d->generation;
	r->gen_model = app->model.generation;
	r->evaluated_at = now_mono();
	if (!app->opt.once)
		history_console(app, r);
}

/* The local files (backup and webhook-test state, the audit log) are
 * read on a timer of their own rather than by a source: they are not a
 * backend, and an always-answering "source" would hide that every real
 * one is unreachable (exit code 3). */
static void
files_refresh(struct readiness *r)
{
	char *audit = paths_audit_log(r->app->config);

	rd_files_refresh(r->app->config, audit, r->d);
	free(audit);
	app_dirty(r->app);
}

static void
files_tick(void *arg)
{
	struct readiness *r = arg;

	r->files_timer = NULL;
	files_refresh(r);
	r->files_timer = loop_timer_add(r->app->loop, r->files_interval, files_tick, r);
}

static int
readiness_init(struct app *app, void **data, char **cause)
{
	struct readiness *r = xcalloc(1, sizeof *r);

	r->app = app;
	r->d = rd_data_new();
	r->res = xcalloc(rd_ncheck, sizeof *r->res);
	*data = r;
	r->files_interval = config_get_double(app->config, "readiness", NULL, "interval", 30);
	if (r->files_interval < 0.2)
		r->files_interval = 0.2;
	r->hist_path = history_path(app);
	if (r->hist_path != NULL && rd_history_load(r->hist_path, &r->hist, &r->hist_error) != 0)
		rd_history_free(&r->hist);
	files_refresh(r);
	if (!app->opt.once)
		r->files_timer = loop_timer_add(app->loop, r->files_interval, files_tick, r);
	return rd_sources_init(app, r->d, cause);
}

static void
readiness_free(void *data)
{
	struct readiness *r = data;

	if (r == NULL)
		return;
	if (r->files_timer != NULL)
		loop_timer_cancel(r->app->loop, r->files_timer);
	rd_data_free(r->d);
	rd_history_free(&r->hist);
	free(r->hist_path);
	free(r->hist_error);
	free(r->res);
	free(r);
}

static void
change_json(cJSON *o, const struct rd_history *h, int cat)
{
	int d;

	if (h->n > 0 && h->p[h->n - 1].pct[cat] >= 0)
		cJSON_AddNumberToObject(o, "percent", h->p[h->n - 1].pct[cat]);
	else
		cJSON_AddNullToObject(o, "percent");
	if (rd_history_change(h, cat, 7, &d))
		cJSON_AddNumberToObject(o, "change_7d", d);
	else
		cJSON_AddNullToObject(o, "change_7d");
	if (rd_history_change(h, cat, 30, &d))
		cJSON_AddNumberToObject(o, "change_30d", d);
	else
		cJSON_AddNullToObject(o, "change_30d");
}

#define HISTORY_JSON_RECENT	48

/* "history": the points kept, the change of the total and of each
 * category since 7 and 30 days, and the latest points. */
static void
history_json(const struct readiness *r, cJSON *o)
{
	const struct rd_history *h = &r->hist;
	cJSON *hj = cJSON_AddObjectToObject(o, "history"), *cats, *recent;

	cJSON_AddNumberToObject(hj, "points", (double)h->n);
	if (r->hist_error != NULL)
		cJSON_AddStringToObject(hj, "error", r->hist_error);
	change_json(cJSON_AddObjectToObject(hj, "total"), h, RD_NCATEGORIES);
	cats = cJSON_AddObjectToObject(hj, "categories");
	for (int c = 0; c < RD_NCATEGORIES; c++)
		change_json(cJSON_AddObjectToObject(cats, rd_category_name((enum rd_category)c)), h, c);
	recent = cJSON_AddArrayToObject(hj, "recent");
	for (size_t i = h->n > HISTORY_JSON_RECENT ? h->n - HISTORY_JSON_RECENT : 0; i < h->n; i++) {
		cJSON *p = cJSON_CreateObject();

		cJSON_AddNumberToObject(p, "time", h->p[i].t);
		for (int c = 0; c <= RD_NCATEGORIES; c++) {
			const char *k = c == RD_NCATEGORIES ? "total" : rd_category_name((enum rd_category)c);

			if (h->p[i].pct[c] >= 0)
				cJSON_AddNumberToObject(p, k, h->p[i].pct[c]);
			else
				cJSON_AddNullToObject(p, k);
		}
		cJSON_AddItemToArray(recent, p);
	}
}

static void
readiness_json(struct app *app, void *data, cJSON *root)
{
	struct readiness *r = data;
	cJSON *o, *cats;

	if (r == NULL)
		return;
	o = cJSON_AddObjectToObject(root, "readiness");
	readiness_update(app, r);
	cJSON_AddNumberToObject(o, "score", r->score.score);
	cJSON_AddNumberToObject(o, "max", r->score.max);
	cJSON_AddNumberToObject(o, "percent", r->score.percent);
	cJSON_AddNumberToObject(o, "unknown", r->score.unknown);
	cJSON_AddNumberToObject(o, "passed", r->score.passed);
	cJSON_AddNumberToObject(o, "failed", r->score.failed);
	cJSON_AddNumberToObject(o, "total", r->score.total);
	cats = cJSON_AddArrayToObject(o, "categories");
	for (int c = 0; c < RD_NCATEGORIES; c++) {
		cJSON *co = cJSON_CreateObject(), *checks;

		cJSON_AddStringToObject(co, "name", rd_category_name((enum rd_category)c));
		cJSON_AddNumberToObject(co, "score", r->score.cat[c].score);
		cJSON_AddNumberToObject(co, "max", r->score.cat[c].max);
		cJSON_AddNumberToObject(co, "unknown", r->score.cat[c].unknown);
		cJSON_AddNumberToObject(co, "passed", r->score.cat[c].passed);
		cJSON_AddNumberToObject(co, "failed", r->score.cat[c].failed);
		checks = cJSON_AddArrayToObject(co, "checks");
		for (size_t i = 0; i < rd_ncheck; i++) {
			cJSON *ch;

			if ((int)rd_checks[i].category != c)
				continue;
			ch = cJSON_CreateObject();
			cJSON_AddStringToObject(ch, "id", rd_checks[i].id);
			/* Untranslated, like the other keys scripts rely on. */
			cJSON_AddStringToObject(ch, "title", rd_checks[i].title);
			cJSON_AddStringToObject(ch, "status", rd_status_name(r->res[i].status));
			cJSON_AddStringToObject(ch, "evidence", r->res[i].evidence);
			cJSON_AddNumberToObject(ch, "weight", rd_checks[i].weight);
			cJSON_AddItemToArray(checks, ch);
		}
		cJSON_AddItemToArray(cats, co);
	}
	history_json(r, o);
	rd_plan_json(&r->plan, r->res, o);
	rd_items_json(r->res, o);
}

static const char *
mark(enum rd_status s)
{
	return s == RD_PASS ? "[x]" : s == RD_FAIL ? "[ ]" : "[?]";
}

/* ", 7 days +5, 30 days -2" when the history knows. */
static void
change_text(struct strbuf *out, const struct rd_history *h, int cat)
{
	int d7, d30;
	bool k7 = rd_history_change(h, cat, 7, &d7), k30 = rd_history_change(h, cat, 30, &d30);

	if (k7)
		strbuf_addf(out, _(", %+d in 7 days"), d7);
	if (k30)
		strbuf_addf(out, _(", %+d in 30 days"), d30);
}

/* The seed's checklist, measured: category scores, then [x] / [ ] / [?]
 * lines with the evidence. */
static void
readiness_text(struct app *app, void *data, struct strbuf *out)
{
	struct readiness *r = data;
	size_t idw = 0;

	if (r == NULL)
		return;
	readiness_update(app, r);
	for (size_t i = 0; i < rd_ncheck; i++)
		if (strlen(rd_checks[i].id) > idw)
			idw = strlen(rd_checks[i].id);
	strbuf_addf(out, _("READINESS %d/%d (%d%%), %d unknown of %d checks\n"), r->score.score,
	    r->score.max, r->score.percent, r->score.unknown, r->score.total);
	if (r->hist.n > 0) {
		char ts[40];

		strbuf_addf(out, _("  history: %zu hourly points since %s"), r->hist.n,
		    fmt_rfc3339(r->hist.p[0].t, ts, sizeof ts));
		change_text(out, &r->hist, RD_NCATEGORIES);
		strbuf_addc(out, '\n');
	}
	for (int c = 0; c < RD_NCATEGORIES; c++) {
		const struct rd_cat_score *cs = &r->score.cat[c];
		char *up = xstrdup(_(rd_category_title((enum rd_category)c)));

		for (char *p = up; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		strbuf_addf(out, "  %s %d/%d", up, cs->score, cs->max);
		if (cs->max > 0)
			strbuf_addf(out, " (%d%%)", (cs->score * 200 + cs->max) / (cs->max * 2));
		strbuf_addf(out, _(", checks passed %d, failed %d"), cs->passed, cs->failed);
		if (cs->unknown > 0)
			strbuf_addf(out, _(", %d unknown"), cs->unknown);
		change_text(out, &r->hist, c);
		strbuf_addc(out, '\n');
		free(up);
		for (size_t i = 0; i < rd_ncheck; i++) {
			if ((int)rd_checks[i].category != c)
				continue;
			strbuf_addf(out, "    %s %-*s %s: %s\n", mark(r->res[i].status), (int)idw, rd_checks[i].id,
			    _(rd_checks[i].title), r->res[i].evidence);
		}
		rd_items_text((enum rd_category)c, RD_ITEM_CHECKLIST, r->res, out);
	}
	strbuf_addf(out, "  %s\n", _("INTEGRATION MATRIX (lines the assessment found missing)"));
	rd_items_text(RD_INTEGRATION, RD_ITEM_MATRIX, r->res, out);
	strbuf_addc(out, '\n');
	rd_plan_text(&r->plan, r->res, out);
}

static void
readiness_status(struct app *app, void *data, struct status *st)
{
	struct readiness *r = data;

	/* The console asks every feature for the header's verdict, enabled
	 * or not. */
	if (r == NULL)
		return;
	readiness_history_tick(app, r);
	status_perf(st, "readiness_percent", (double)r->score.percent, 100);
}

const struct feature readiness_feature = {
	.name = "readiness",
	.init = readiness_init,
	.free = readiness_free,
	.json = readiness_json,
	.text = readiness_text,
	.status = readiness_status,
};
