/* The alerts feature: the Alertmanager peers from the config (or the
 * Ceres local default), the source that polls them, and the --once
 * output: the JSON alerts array, a grouped text list, and the verdict
 * (a firing critical alert is CRITICAL, a firing warning is WARNING). */
#include "ceres/features/alerts.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_URL	"http://127.0.0.1:9093"

static int
alerts_init(struct app *app, void **data, char **cause)
{
	struct alerts_area *af = xcalloc(1, sizeof *af);
	struct alerts *al = &af->al;
	const char *urls = config_get(app->config, "alertmanager", NULL, "url");
	long mb;

	al->peer = -1;
	al->status_peer = -1;
	*data = af;
	if (urls == NULL && app->config->defaults)
		urls = DEFAULT_URL;
	if (urls == NULL)
		return 0;		/* not configured: the pane says so */
	/* HA peers, space separated, asked in this order. */
	for (const char *p = urls; *p != '\0'; ) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		alerts_add_peer(al, p, n);
		p += n;
	}
	if (al->npeers == 0)
		return 0;
	am_conn_init(&af->conn, app->config);
	af->src = alertmanager_source_new(app, al, &af->conn);
	af->src->interval = config_get_double(app->config, "alertmanager", NULL, "interval",
	    app->interval);
	af->src->timeout = config_get_double(app->config, "alertmanager", NULL, "timeout",
	    app->timeout);
	af->conn.timeout = af->src->timeout;
	af->src->vital = true;
	app_add_source(app, af->src);
	/* 32 MiB is about 50,000 alerts; a large estate raises it. */
	mb = config_get_int(app->config, "alertmanager", NULL, "max_answer_mb",
	    (long)(ALERTS_MAX_BYTES >> 20));
	if (mb < 1 || mb > 4096) {
		*cause = xasprintf(_("[alertmanager] max_answer_mb: %ld is not between 1 and 4096"), mb);
		return -1;
	}
	af->src->max_bytes = (size_t)mb << 20;
	return 0;
}

/* The source is freed by the app (before features). */
static void
alerts_free(void *data)
{
	struct alerts_area *af = data;

	if (af == NULL)
		return;
	alerts_clear(&af->al);
	am_conn_clear(&af->conn);
	alerts_news_free(&af->news);
	free(af);
}

/* The alerts array is written straight into one buffer rather than built
 * as a cJSON tree: with 10,000 alerts the tree and its printing would
 * triple the memory of --once (strings: json_write_str()). */
static void
json_key(struct strbuf *sb, const char *key, bool first)
{
	if (!first)
		strbuf_addc(sb, ',');
	json_write_str(sb, key);
	strbuf_addc(sb, ':');
}

static void
json_str_or_null(struct strbuf *sb, const char *v)
{
	if (v != NULL && *v != '\0')
		json_write_str(sb, v);
	else
		strbuf_adds(sb, "null");
}

static void
json_pairs(struct strbuf *sb, const struct alert_pair *p, size_t n)
{
	strbuf_addc(sb, '{');
	for (size_t i = 0; i < n; i++) {
		json_key(sb, p[i].name, i == 0);
		json_write_str(sb, p[i].value);
	}
	strbuf_addc(sb, '}');
}

static void
json_strings(struct strbuf *sb, const char *const *v, size_t n)
{
	strbuf_addc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addc(sb, ',');
		json_write_str(sb, v[i]);
	}
	strbuf_addc(sb, ']');
}

/* A constant key (and what comes before it), copied as it is. */
#define KEY(sb, lit)	strbuf_add((sb), (lit), sizeof(lit) - 1)

static void
alert_json(struct strbuf *sb, const struct alert *a)
{
	KEY(sb, "{\"fingerprint\":");
	json_write_str(sb, a->fingerprint);
	KEY(sb, ",\"alertname\":");
	json_write_str(sb, a->alertname);
	KEY(sb, ",\"severity\":");
	json_write_str(sb, a->severity);
	KEY(sb, ",\"state\":");
	json_write_str(sb, a->am_state);
	KEY(sb, ",\"display_state\":");
	json_write_str(sb, alert_state_name(a->state));
	KEY(sb, ",\"silenced_by\":");
	json_strings(sb, a->silenced_by, a->nsilenced_by);
	KEY(sb, ",\"inhibited_by\":");
	json_strings(sb, a->inhibited_by, a->ninhibited_by);
	KEY(sb, ",\"muted_by\":");
	json_strings(sb, a->muted_by, a->nmuted_by);
	KEY(sb, ",\"starts_at\":");
	json_str_or_null(sb, a->starts_at);
	KEY(sb, ",\"ends_at\":");
	json_str_or_null(sb, a->ends_at);
	KEY(sb, ",\"updated_at\":");
	json_str_or_null(sb, a->updated_at);
	KEY(sb, ",\"summary\":");
	json_write_str(sb, a->summary);
	KEY(sb, ",\"labels\":");
	json_pairs(sb, a->labels, a->nlabels);
	KEY(sb, ",\"annotations\":");
	json_pairs(sb, a->annotations, a->nannotations);
	KEY(sb, ",\"generator_url\":");
	json_str_or_null(sb, a->generator_url);
	KEY(sb, ",\"receivers\":");
	json_strings(sb, a->receivers, a->nreceivers);
	strbuf_addc(sb, '}');
}

static void
add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
silence_json(const struct silence *s)
{
	cJSON *o = cJSON_CreateObject(), *ms = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "state", s->state);
	for (size_t i = 0; i < s->nmatchers; i++) {
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "name", s->matchers[i].name);
		cJSON_AddStringToObject(m, "value", s->matchers[i].value);
		cJSON_AddBoolToObject(m, "isRegex", s->matchers[i].is_regex);
		cJSON_AddBoolToObject(m, "isEqual", s->matchers[i].is_equal);
		cJSON_AddItemToArray(ms, m);
	}
	cJSON_AddItemToObject(o, "matchers", ms);
	cJSON_AddStringToObject(o, "created_by", s->created_by);
	cJSON_AddStringToObject(o, "comment", s->comment);
	add_str_or_null(o, "starts_at", s->starts_at);
	add_str_or_null(o, "ends_at", s->ends_at);
	cJSON_AddNumberToObject(o, "silencing", (double)s->nsilencing);
	return o;
}

/* The "alerts" array, one alert at a time from the model. */
static void
alerts_json_stream(struct app *app, void *data, FILE *out)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	struct strbuf sb;

	(void)app;
	strbuf_init(&sb);
	strbuf_addc(&sb, '[');
	for (size_t i = 0; al != NULL && al->set != NULL && i < al->set->n; i++) {
		if (i > 0)
			strbuf_addc(&sb, ',');
		alert_json(&sb, &al->set->alerts[i]);
		strbuf_flush_to(&sb, out, STRBUF_STREAM_CHUNK);
	}
	strbuf_addc(&sb, ']');
	strbuf_flush_to(&sb, out, 0);
	strbuf_free(&sb);
}

static void
alerts_json(struct app *app, void *data, cJSON *root)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	cJSON *am, *peers, *sil;

	(void)app;
	/* Every alert is written by alerts_json_stream() at its place. */
	feature_json_slot(root, "alerts", "alerts");
	if (al == NULL)
		return;
	sil = cJSON_AddArrayToObject(root, "silences");
	if (al->silences != NULL)
		for (size_t i = 0; i < al->silences->n; i++)
			cJSON_AddItemToArray(sil, silence_json(&al->silences->v[i]));
	/* Which peer answered, and what the others said. */
	am = cJSON_AddObjectToObject(root, "alertmanager");
	add_str_or_null(am, "peer", al->peer >= 0 ? al->peers[al->peer].shown : NULL);
	peers = cJSON_AddArrayToObject(am, "peers");
	for (size_t i = 0; i < al->npeers; i++) {
		cJSON *p = cJSON_CreateObject();

		cJSON_AddStringToObject(p, "url", al->peers[i].shown);
		cJSON_AddBoolToObject(p, "asked", al->peers[i].tried);
		cJSON_AddBoolToObject(p, "answered", al->peer == (int)i);
		add_str_or_null(p, "error", al->peers[i].error);
		cJSON_AddItemToArray(peers, p);
	}
	cJSON_AddNumberToObject(am, "duplicates", al->set != NULL ? (double)al->set->duplicates : 0);
	cJSON_AddNumberToObject(am, "malformed", al->set != NULL ? (double)al->set->malformed : 0);
	add_str_or_null(am, "silences_error", al->silences_error);
}

/* The labels every alert of a group shares, but the two the group line
 * already names. */
static void
common_labels(const struct alert_group *g, struct strbuf *out)
{
	struct strbuf sb;
	char *safe;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (size_t k = 0; k < g->ncommon; k++) {
		if (strcmp(g->common[k].name, "alertname") == 0 ||
		    strcmp(g->common[k].name, "severity") == 0)
			continue;
		strbuf_addf(&sb, "%s%s=\"%s\"", sb.len > 0 ? " " : "", g->common[k].name,
		    g->common[k].value);
	}
	if (sb.len > 0) {
		safe = sanitize_str(sb.buf);
		strbuf_addf(out, "      %s %s\n", _("all:"), safe);
		free(safe);
	}
	strbuf_free(&sb);
}

static void
text_alert(struct alerts *al, const struct alert_group *g, const struct alert *a,
    struct strbuf *out, double now)
{
	struct strbuf sb;
	char age[16], *safe;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	alert_own_labels(g, a, true, &sb);
	if (a->starts > 0)
		fmt_age(now - a->starts, age, sizeof age);
	else
		snprintf(age, sizeof age, "-");
	safe = sanitize_str(sb.buf);
	strbuf_addf(out, "      %-10s %7s  %s  [%s]\n", alert_state_name(a->state), age, safe,
	    a->fingerprint);
	free(safe);
	strbuf_free(&sb);
	if (a->d_summary[0] != '\0' && strcmp(a->d_summary, g->d_summary) != 0)
		strbuf_addf(out, "        %s\n", a->d_summary);
	for (size_t i = 0; i < a->nsilenced_by; i++) {
		const struct silence *s = silence_set_find(al->silences, a->silenced_by[i]);
		char *by = sanitize_str(s != NULL ? s->created_by : "?");
		char *cm = sanitize_str(s != NULL ? s->comment : "");
		char *id = sanitize_str(a->silenced_by[i]);

		strbuf_addf(out, "        %s %s (%s: %s) %s %s\n", _("silenced by"), id, by, cm,
		    _("until"), s != NULL && s->ends_at[0] != '\0' ? s->ends_at : "?");
		free(by);
		free(cm);
		free(id);
	}
}

static void
alerts_text(struct app *app, void *data, struct strbuf *out)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	const struct alert_set *set = al != NULL ? al->set : NULL;

	(void)app;
	strbuf_addf(out, "%s\n", _("ALERTS"));
	if (al == NULL || al->npeers == 0) {
		strbuf_addf(out, "  %s\n", _("(Alertmanager not configured)"));
		return;
	}
	if (set == NULL) {
		strbuf_addf(out, "  %s\n", _("(no answer from any Alertmanager peer)"));
		return;
	}
	/* Counts and state words of --once text are read by scripts: English
	 * (the console's own words are translated in alerts_pane.c). */
	strbuf_addf(out, "  %s %s, %zu alerts: %zu critical, %zu warning, %zu suppressed\n", _("via"),
	    al->peers[al->peer].shown, set->n, set->ncritical, set->nwarning, set->nsuppressed);
	if (set->malformed > 0)
		strbuf_addf(out, "  %zu malformed alerts skipped\n", set->malformed);
}

/* The groups and their alerts, after alerts_text()'s head, one alert at
 * a time from the model. */
static void
alerts_text_stream(struct app *app, void *data, FILE *f)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	const struct alert_set *set = al != NULL ? al->set : NULL;
	double now = now_wall();
	struct strbuf sb, *out = &sb;

	(void)app;
	if (al == NULL || al->npeers == 0 || set == NULL)
		return;		/* alerts_text() said why */
	strbuf_init(&sb);
	for (size_t gi = 0; gi < set->ngroups; gi++) {
		const struct alert_group *g = &set->groups[gi];
		char age[16];

		if (g->oldest > 0)
			fmt_age(now - g->oldest, age, sizeof age);
		else
			snprintf(age, sizeof age, "-");
		strbuf_addf(out, "  %-9s %s  x%zu  %s %s  %zu active, %zu silenced, %zu inhibited\n",
		    g->d_severity[0] != '\0' ? g->d_severity : "-",
		    g->d_alertname[0] != '\0' ? g->d_alertname : _("(no alertname)"), g->n,
		    _("oldest"), age, g->nactive, g->nsilenced, g->ninhibited);
		if (g->d_summary[0] != '\0')
			strbuf_addf(out, "      %s\n", g->d_summary);
		if (g->n > 1)
			common_labels(g, out);
		for (size_t i = g->first; i < g->first + g->n; i++) {
			text_alert(al, g, &set->alerts[i], out, now);
			strbuf_flush_to(out, f, STRBUF_STREAM_CHUNK);
		}
	}
	if (set->n == 0)
		strbuf_addf(out, "  %s\n", _("(no alerts)"));
	strbuf_flush_to(out, f, 0);
	strbuf_free(&sb);
}

/* Silenced and inhibited alerts are counted too: an "OK" that hides
 * a silenced alert says so. */
static void
alerts_status_suppressed(const struct app *app, const struct alert_set *set, struct status *st)
{
	size_t silenced = 0, inhibited;

	if (set == NULL || set->nsuppressed == 0)
		return;
	for (size_t i = 0; i < set->ngroups; i++)
		silenced += set->groups[i].nsilenced;
	inhibited = set->nsuppressed - silenced;
	if (silenced > 0)
		status_note(st, status_plural(app, "%zu silenced", "%zu silenced", silenced), silenced);
	if (inhibited > 0)
		status_note(st, status_plural(app, "%zu inhibited", "%zu inhibited", inhibited), inhibited);
}

static void
alerts_status(struct app *app, void *data, struct status *st)
{
	struct alerts_area *af = data;
	struct alerts *al = af != NULL ? &af->al : NULL;
	const struct alert_set *set = al != NULL ? al->set : NULL;
	size_t crit = set != NULL ? set->ncritical : 0, warn = set != NULL ? set->nwarning : 0;
	const struct source *src = af != NULL ? af->src : NULL;
	bool failing = src != NULL && src->polled && src->error != NULL;
	char age[16];

	if (al == NULL || al->npeers == 0)
		return;
	if (failing && set == NULL) {
		/* Nothing fetched: the alerts are not known, not absent. */
		status_raise(st, STATUS_UNKNOWN);
		status_note(st, "%s", status_plural(app, "alerts unknown", "alerts unknown", 1));
		status_perf(st, "alerts_critical", NAN, -1);
		status_perf(st, "alerts_warning", NAN, -1);
		status_perf(st, "alerts_silenced", NAN, -1);
		return;
	}
	if (failing) {
		/* What is counted below is what was last fetched: said first,
		 * so that no header width cuts it off. */
		fmt_age(source_data_age(src) > 0 ? source_data_age(src) : 0, age, sizeof age);
		status_raise(st, STATUS_UNKNOWN);
		status_note(st, status_plural(app, "alerts stale %s", "alerts stale %s", 1), age);
	}
	/* What is new is new since the last round: --once has one. */
	if (!app->opt.once)
		alerts_news_update(af);
	if (crit > 0) {
		const struct alert *newest;
		size_t fresh = alerts_news_critical(af, &newest);

		status_raise(st, STATUS_CRITICAL);
		if (fresh > 0)
			status_note(st, status_plural(app, "%zu NEW critical", "%zu NEW critical", fresh), fresh);
		status_note(st, status_plural(app, "%zu critical alert", "%zu critical alerts", crit), crit);
	}
	if (warn > 0) {
		status_raise(st, STATUS_WARNING);
		status_note(st, status_plural(app, "%zu warning alert", "%zu warning alerts", warn), warn);
	}
	alerts_status_suppressed(app, set, st);
	status_perf(st, "alerts_critical", (double)crit, -1);
	status_perf(st, "alerts_warning", (double)warn, -1);
	status_perf(st, "alerts_silenced", set != NULL ? (double)set->nsuppressed : 0, -1);
}

const struct feature alerts_feature = {
	.name = "alerts",
	.init = alerts_init,
	.free = alerts_free,
	.json = alerts_json,
	.text = alerts_text,
	.json_stream = alerts_json_stream,
	.text_stream = alerts_text_stream,
	.status = alerts_status,
};
