/* The alerts feature: the Alertmanager peers from the config (or the
 * Ceres local default), the source that polls them, and the --once
 * output: the JSON alerts array, a grouped text list, and the verdict
 * (a firing critical alert is CRITICAL, a firing warning is WARNING). */
#include "ceres/alerts.h"
#include "ceres/app.h"
#include "ceres/i18n.h"
#include "ceres/sanitize.h"
#include "ceres/ui.h"
#include "ceres/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct pane_ops alerts_pane;

#define DEFAULT_URL	"http://127.0.0.1:9093"

static void
add_peer(struct alerts *al, const char *url, size_t len)
{
	struct alerts_peer *p;

	while (len > 0 && url[len - 1] == '/')
		len--;
	if (len == 0)
		return;
	al->peers = xreallocarray(al->peers, al->npeers + 1, sizeof *al->peers);
	p = &al->peers[al->npeers++];
	memset(p, 0, sizeof *p);
	p->url = xstrndup(url, len);
	p->shown = url_redact(p->url);
}

static int
alerts_init(struct app *app, void **data, char **cause)
{
	struct alerts *al = xcalloc(1, sizeof *al);
	const char *urls = config_get(app->config, "alertmanager", NULL, "url");
	const char *user = config_get(app->config, "alertmanager", NULL, "user");
	const char *pass = config_get(app->config, "alertmanager", NULL, "password");

	(void)cause;
	al->app = app;
	al->peer = -1;
	al->status_peer = -1;
	al->view = alerts_view_new();
	*data = al;
	if (urls == NULL && app->config->defaults)
		urls = DEFAULT_URL;
	if (urls == NULL)
		return 0;		/* not configured: the pane says so */
	/* HA peers, space separated, asked in this order. */
	for (const char *p = urls; *p != '\0'; ) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		add_peer(al, p, n);
		p += n;
	}
	if (al->npeers == 0)
		return 0;
	if (user != NULL)
		al->userpwd = xasprintf("%s:%s", user, pass != NULL ? pass : "");
	al->insecure = config_get_bool(app->config, "alertmanager", NULL, "insecure", false);
	al->src = alertmanager_source_new(app, al);
	al->src->interval = config_get_double(app->config, "alertmanager", NULL, "interval",
	    app->interval);
	al->src->timeout = config_get_double(app->config, "alertmanager", NULL, "timeout",
	    app->timeout);
	app_add_source(app, al->src);
	return 0;
}

static void
alerts_free(void *data)
{
	struct alerts *al = data;

	if (al == NULL)
		return;
	silences_actions_free(al);
	alert_set_free(al->set);
	silence_set_free(al->silences);
	for (size_t i = 0; i < al->npeers; i++) {
		free(al->peers[i].url);
		free(al->peers[i].shown);
		free(al->peers[i].error);
	}
	free(al->peers);
	if (al->userpwd != NULL) {
		memset(al->userpwd, 0, strlen(al->userpwd));
		free(al->userpwd);
	}
	free(al->silences_error);
	alerts_view_free(al->view);
	free(al);
}

static cJSON *
pairs_json(const struct alert_pair *p, size_t n)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToObject(o, p[i].name, cJSON_CreateString(p[i].value));
	return o;
}

static cJSON *
strings_json(const char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
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
alert_json(const struct alert *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "fingerprint", a->fingerprint);
	cJSON_AddStringToObject(o, "alertname", a->alertname);
	cJSON_AddStringToObject(o, "severity", a->severity);
	cJSON_AddStringToObject(o, "state", a->am_state);
	cJSON_AddStringToObject(o, "display_state", alert_state_name(a->state));
	cJSON_AddItemToObject(o, "silenced_by", strings_json(a->silenced_by, a->nsilenced_by));
	cJSON_AddItemToObject(o, "inhibited_by", strings_json(a->inhibited_by, a->ninhibited_by));
	cJSON_AddItemToObject(o, "muted_by", strings_json(a->muted_by, a->nmuted_by));
	add_str_or_null(o, "starts_at", a->starts_at);
	add_str_or_null(o, "ends_at", a->ends_at);
	add_str_or_null(o, "updated_at", a->updated_at);
	cJSON_AddStringToObject(o, "summary", a->summary);
	cJSON_AddItemToObject(o, "labels", pairs_json(a->labels, a->nlabels));
	cJSON_AddItemToObject(o, "annotations", pairs_json(a->annotations, a->nannotations));
	add_str_or_null(o, "generator_url", a->generator_url);
	cJSON_AddItemToObject(o, "receivers", strings_json(a->receivers, a->nreceivers));
	return o;
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

static void
alerts_json(struct app *app, void *data, cJSON *root)
{
	struct alerts *al = data;
	cJSON *arr = cJSON_AddArrayToObject(root, "alerts"), *am, *peers, *sil;

	(void)app;
	if (al == NULL)
		return;
	if (al->set != NULL)
		for (size_t i = 0; i < al->set->n; i++)
			cJSON_AddItemToArray(arr, alert_json(&al->set->alerts[i]));
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

/* Labels of an alert that its group does not share, as k="v" text. */
static void
own_labels(const struct alert_group *g, const struct alert *a, struct strbuf *sb)
{
	for (size_t i = 0; i < a->nlabels; i++) {
		bool common = false;

		/* Alone in its group, an alert shares everything with it: then
		 * show all but the two labels the group line already names. */
		if (g->n == 1)
			common = strcmp(a->labels[i].name, "alertname") == 0 ||
			    strcmp(a->labels[i].name, "severity") == 0;
		for (size_t k = 0; g->n > 1 && k < g->ncommon && !common; k++)
			common = strcmp(g->common[k].name, a->labels[i].name) == 0;
		if (common)
			continue;
		if (sb->len > 0)
			strbuf_addc(sb, ' ');
		strbuf_addf(sb, "%s=\"%s\"", a->labels[i].name, a->labels[i].value);
	}
}

static void
text_alert(struct alerts *al, const struct alert_group *g, const struct alert *a,
    struct strbuf *out, double now)
{
	struct strbuf sb;
	char age[16], *safe;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	own_labels(g, a, &sb);
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
	struct alerts *al = data;
	const struct alert_set *set = al != NULL ? al->set : NULL;
	double now = now_wall();

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
	strbuf_addf(out, "  %s %s, %zu %s: %zu %s, %zu %s, %zu %s\n", _("via"),
	    al->peers[al->peer].shown, set->n, _("alerts"), set->ncritical, _("critical"),
	    set->nwarning, _("warning"), set->nsuppressed, _("suppressed"));
	for (size_t gi = 0; gi < set->ngroups; gi++) {
		const struct alert_group *g = &set->groups[gi];
		char age[16];

		if (g->oldest > 0)
			fmt_age(now - g->oldest, age, sizeof age);
		else
			snprintf(age, sizeof age, "-");
		strbuf_addf(out, "  %-9s %s  x%zu  %s %s  %zu %s, %zu %s, %zu %s\n",
		    g->d_severity[0] != '\0' ? g->d_severity : "-",
		    g->d_alertname[0] != '\0' ? g->d_alertname : _("(no alertname)"), g->n,
		    _("oldest"), age, g->nactive, _("active"), g->nsilenced, _("silenced"),
		    g->ninhibited, _("inhibited"));
		if (g->d_summary[0] != '\0')
			strbuf_addf(out, "      %s\n", g->d_summary);
		for (size_t i = g->first; i < g->first + g->n; i++)
			text_alert(al, g, &set->alerts[i], out, now);
	}
	if (set->n == 0)
		strbuf_addf(out, "  %s\n", _("(no alerts)"));
}

static void
alerts_status(struct app *app, void *data, struct status *st)
{
	struct alerts *al = data;
	const struct alert_set *set = al != NULL ? al->set : NULL;
	size_t crit = set != NULL ? set->ncritical : 0, warn = set != NULL ? set->nwarning : 0;

	(void)app;
	if (al == NULL || al->npeers == 0)
		return;
	if (crit > 0) {
		status_raise(st, STATUS_CRITICAL);
		status_note(st, "%zu critical alert%s", crit, crit == 1 ? "" : "s");
	}
	if (warn > 0) {
		status_raise(st, STATUS_WARNING);
		status_note(st, "%zu warning alert%s", warn, warn == 1 ? "" : "s");
	}
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
	.status = alerts_status,
	.pane = &alerts_pane,
};
