/* The health feature: one source per configured service (or, with no
 * config file, the Ceres standard local layout), and its --once output:
 * services worst first, the exit code and the nagios perfdata. */
#include "ceres/core/app.h"
#include "ceres/sources/health.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A health source is vital (the header's data age) and backs off to at
 * most [ceres] health_backoff_max seconds: a service that comes back is
 * seen within that time. */
static void
add_health_source(struct app *app, struct source *s)
{
	s->vital = true;
	s->backoff_max = config_get_double(app->config, "ceres", NULL, "health_backoff_max", 30);
	if (s->backoff_max < s->interval)
		s->backoff_max = s->interval;
	app_add_source(app, s);
}

static void
tune(struct app *app, struct source *s, const char *section, const char *name)
{
	s->interval = config_get_double(app->config, section, name, "interval", app->interval);
	s->timeout = config_get_double(app->config, section, name, "timeout", app->timeout);
	add_health_source(app, s);
}

static int
add_http(struct app *app, const char *section, const char *sname, const char *rowname,
    struct http_check_opts *o, char **cause)
{
	struct source *s = http_check_source_new(app, rowname, o, cause);

	if (s == NULL)
		return -1;
	tune(app, s, section, sname);
	return 0;
}

/* The built-in layout: every Ceres service on localhost, default port. */
static int
health_defaults(struct app *app, char **cause)
{
	for (const struct health_kind *k = health_kinds; k->kind != NULL; k++) {
		struct http_check_opts o;
		struct source *s;

		if (strcmp(k->kind, "http") == 0)
			continue;
		if (strcmp(k->kind, "prometheus") == 0)
			s = prometheus_source_new(app, k->kind, k->default_url);
		else if (strcmp(k->kind, "postgres") == 0)
			s = postgres_source_new(app, k->kind, k->default_url);
		else if (strcmp(k->kind, "redis") == 0)
			s = redis_source_new(app, k->kind, k->default_url, NULL);
		else {
			memset(&o, 0, sizeof o);
			o.kind = k->kind;
			o.url = k->default_url;
			s = http_check_source_new(app, k->kind, &o, cause);
			if (s == NULL)
				return -1;
		}
		add_health_source(app, s);
	}
	return 0;
}

static char *
auth_header(const char *name, const char *prefix, const char *secret)
{
	return secret != NULL ? xasprintf("%s: %s%s", name, prefix, secret) : NULL;
}

/* Sections that name a single built-in service. */
static const struct {
	const char	*section;
	const char	*url_key;
} simple_sections[] = {
	{ "loki", "url" },
	{ "tempo", "url" },
	{ "caddy", "admin_url" },
	{ "gitea", "url" },
	{ "redmine", "url" },
	{ "keycloak", "url" },
	{ "uptime_kuma", "url" },
};

static int
health_alertmanagers(struct app *app, const char *v, char **cause)
{
	/* HA peers: one health row each. */
	char *list = xstrdup(v), *save = NULL, *tok;
	int many = strchr(str_trim(list), ' ') != NULL;

	for (tok = strtok_r(list, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		struct http_check_opts o = { .kind = "alertmanager", .url = tok };
		char *rn = many ? xasprintf("alertmanager %s", tok + strcspn(tok, "/") + 2) :
		    xstrdup("alertmanager");

		o.insecure = config_get_bool(app->config, "alertmanager", NULL, "insecure", false);
		if (add_http(app, "alertmanager", NULL, rn, &o, cause) != 0) {
			free(rn);
			free(list);
			return -1;
		}
		free(rn);
	}
	free(list);
	return 0;
}

/* The backends with a section of their own and a plain HTTP check. */
static int
health_simple(struct app *app, char **cause)
{
	struct config *c = app->config;

	for (size_t i = 0; i < sizeof simple_sections / sizeof simple_sections[0]; i++) {
		const char *sec = simple_sections[i].section, *v;
		struct http_check_opts o;
		char *hdr = NULL;
		int rc;

		if ((v = config_get(c, sec, NULL, simple_sections[i].url_key)) == NULL)
			continue;
		memset(&o, 0, sizeof o);
		o.kind = sec;
		o.url = v;
		o.insecure = config_get_bool(c, sec, NULL, "insecure", false);
		if (strcmp(sec, "redmine") == 0)
			hdr = auth_header("X-Redmine-API-Key", "", config_get(c, sec, NULL, "api_key"));
		else if (strcmp(sec, "loki") == 0)
			hdr = auth_header("Authorization", "Bearer ", config_get(c, sec, NULL, "token"));
		o.auth_header = hdr;
		o.realm = config_get(c, sec, NULL, "realm");
		o.health_url = config_get(c, sec, NULL, "health_url");
		o.slug = config_get(c, sec, NULL, "status_page");
		rc = add_http(app, sec, NULL, sec, &o, cause);
		secret_free(hdr);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* One [service "NAME"] section. */
static int
health_service(struct app *app, const char *name, char **cause)
{
	struct config *c = app->config;
	const char *kind = config_get_default(c, "service", name, "kind", "http");
	const char *url = config_get(c, "service", name, "url");
	const char *tok = config_get(c, "service", name, "token");
	const char *hdrv = config_get(c, "service", name, "header");
	const struct health_kind *hk = health_kind_find(kind);
	struct http_check_opts o;
	char *hdr = NULL;
	int rc;

	/* Only repos/projects: names the service for incident mode, not probed. */
	if (url == NULL && config_get(c, "service", name, "kind") == NULL &&
	    (config_get(c, "service", name, "repos") != NULL ||
	    config_get(c, "service", name, "projects") != NULL))
		return 0;
	if (hk == NULL) {
		*cause = xasprintf(_("service %s: unknown kind \"%s\""), name, kind);
		return -1;
	}
	if (strcmp(hk->kind, "prometheus") == 0) {
		tune(app, prometheus_source_new(app, name, url ? url : hk->default_url), "service", name);
		return 0;
	}
	if (strcmp(hk->kind, "postgres") == 0 || strcmp(hk->kind, "redis") == 0) {
		*cause = xasprintf(_("service %s: kind %s is configured in its own [%s] section"),
		    name, hk->kind, hk->kind);
		return -1;
	}
	if (url == NULL && strcmp(hk->kind, "http") == 0) {
		*cause = xasprintf(_("service %s: url is required"), name);
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.kind = hk->kind;
	o.url = url;
	o.expect = config_get_int(c, "service", name, "expect", 0);
	o.match = config_get(c, "service", name, "match");
	o.insecure = config_get_bool(c, "service", name, "insecure", false);
	/* token goes in "header: token", by default as a bearer token. */
	if (tok != NULL && hdrv != NULL)
		hdr = xasprintf("%s: %s", hdrv, tok);
	else if (tok != NULL)
		hdr = xasprintf("Authorization: Bearer %s", tok);
	o.auth_header = hdr;
	rc = add_http(app, "service", name, name, &o, cause);
	secret_free(hdr);
	return rc != 0 ? -1 : 0;
}

static int
health_from_config(struct app *app, char **cause)
{
	struct config *c = app->config;
	const char *v, **names = NULL;
	size_t n;

	if ((v = config_get(c, "prometheus", NULL, "url")) != NULL) {
		char *first = xstrndup(v, strcspn(v, " \t"));

		tune(app, prometheus_source_new(app, "prometheus", first), "prometheus", NULL);
		free(first);
	}
	if ((v = config_get(c, "alertmanager", NULL, "url")) != NULL &&
	    health_alertmanagers(app, v, cause) != 0)
		return -1;
	if (health_simple(app, cause) != 0)
		return -1;
	if ((v = config_get(c, "postgres", NULL, "conninfo")) != NULL)
		tune(app, postgres_source_new(app, "postgres", v), "postgres", NULL);
	if ((v = config_get(c, "redis", NULL, "address")) != NULL)
		tune(app, redis_source_new(app, "redis", v, config_get(c, "redis", NULL, "password")),
		    "redis", NULL);
	n = config_names(c, "service", &names);
	for (size_t i = 0; i < n; i++) {
		if (health_service(app, names[i], cause) != 0) {
			free(names);
			return -1;
		}
	}
	free(names);
	return 0;
}

/* The rows live in the app's model; the feature only remembers how many
 * sources it made. */
struct health_area {
	size_t	 nsources;
};

static int
health_init(struct app *app, void **data, char **cause)
{
	struct health_area *h = xcalloc(1, sizeof *h);
	size_t before = app->nsources;
	int rc;

	*data = h;
	rc = app->config->defaults ? health_defaults(app, cause) : health_from_config(app, cause);
	h->nsources = app->nsources - before;
	return rc;
}

static void
health_free(void *data)
{
	free(data);
}

static void
health_json(struct app *app, void *data, cJSON *root)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "services");
	struct service **v;
	size_t n;

	(void)data;
	v = model_services_sorted(&app->model, &n);
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", v[i]->name);
		cJSON_AddStringToObject(o, "kind", v[i]->kind);
		cJSON_AddStringToObject(o, "status", svc_state_name(v[i]->state));
		if (v[i]->latency_ms >= 0)
			cJSON_AddNumberToObject(o, "latency_ms", (double)(long)(v[i]->latency_ms * 10) / 10);
		else
			cJSON_AddNullToObject(o, "latency_ms");
		cJSON_AddStringToObject(o, "detail", v[i]->detail);
		if (v[i]->parent != NULL)
			cJSON_AddStringToObject(o, "parent", v[i]->parent);
		cJSON_AddItemToArray(arr, o);
	}
	free(v);
}

static void
health_text(struct app *app, void *data, struct strbuf *out)
{
	struct service **v;
	size_t n;
	int w = 8;

	(void)data;
	v = model_services_sorted(&app->model, &n);
	for (size_t i = 0; i < n; i++) {
		int tw = text_width(v[i]->name);

		if (tw > w)
			w = tw;
	}
	if (w > 60)
		w = 60;
	strbuf_addf(out, "%s\n", _("SERVICES"));
	for (size_t i = 0; i < n; i++) {
		char lat[32];
		int pad = w - text_width(v[i]->name);

		if (v[i]->latency_ms >= 0)
			snprintf(lat, sizeof lat, "%.1fms", v[i]->latency_ms);
		else
			snprintf(lat, sizeof lat, "-");
		strbuf_addf(out, "  %-8s %s%*s  %9s  %s\n", svc_state_name(v[i]->state), v[i]->name,
		    pad > 0 ? pad : 0, "", lat, v[i]->detail);
	}
	if (n == 0)
		strbuf_addf(out, "  %s\n", _("(no services configured)"));
	free(v);
}

static void
health_status(struct app *app, void *data, struct status *st)
{
	size_t up = 0, down = 0, degraded = 0, total = app->model.nservices;

	(void)data;
	for (size_t i = 0; i < total; i++) {
		switch (app->model.services[i]->state) {
		case SVC_UP: up++; break;
		case SVC_DOWN: down++; break;
		case SVC_DEGRADED: degraded++; break;
		default: break;
		}
	}
	if (down > 0) {
		status_raise(st, STATUS_CRITICAL);
		status_note(st, status_plural(app, "%zu down", "%zu down", down), down);
	}
	if (degraded > 0) {
		status_raise(st, STATUS_WARNING);
		status_note(st, status_plural(app, "%zu degraded", "%zu degraded", degraded), degraded);
	}
	status_perf(st, "services_up", (double)up, (double)total);
	status_perf(st, "services_down", (double)down, (double)total);
	status_perf(st, "services_degraded", (double)degraded, (double)total);
}

const struct feature health_feature = {
	.name = "health",
	.init = health_init,
	.free = health_free,
	.json = health_json,
	.text = health_text,
	.status = health_status,
};
