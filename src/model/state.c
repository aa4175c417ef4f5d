/* The state files' one reader and one writer: see model/state.h. */
#include "ceres/model/state.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Epoch seconds (a number or a numeric string) or an RFC 3339 string. */
static double
state_time(const cJSON *v)
{
	double t = 0;

	if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0 && v->valuedouble < 1e11)
		return v->valuedouble;
	if (cJSON_IsString(v)) {
		if (parse_rfc3339(v->valuestring, &t) == 0 && t > 0)
			return t;
		if (parse_double(v->valuestring, &t) == 0 && isfinite(t) && t > 0 && t < 1e11)
			return t;
	}
	return 0;
}

static cJSON *
parse_object(const char *buf, size_t len, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);

	if (!cJSON_IsObject(j)) {
		*cause = xstrdup(j == NULL ? _("invalid JSON") : _("not a JSON object"));
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* Print a tree as the file's text (ends with a newline). */
static char *
print_file(cJSON *root)
{
	char *s = cJSON_Print(root), *out;

	cJSON_Delete(root);
	if (s == NULL)
		abort();
	out = xasprintf("%s\n", s);
	cJSON_free(s);
	return out;
}

/* ---- backup.json ---- */

void
backup_state_free(struct backup_state *st)
{
	free(st->owner);
	free(st->last_status);
	memset(st, 0, sizeof *st);
}

int
backup_state_parse(const char *buf, size_t len, struct backup_state *out, char **cause)
{
	cJSON *j = parse_object(buf, len, cause);
	const char *s;
	double v;

	memset(out, 0, sizeof *out);
	if (j == NULL)
		return -1;
	s = json_get_str(j, "owner");
	out->owner = s != NULL ? xstrdup(s) : NULL;
	out->last_run = state_time(json_get(j, "last_run"));
	out->last_success = state_time(json_get(j, "last_success"));
	s = json_get_str(j, "last_status");
	out->last_status = s != NULL ? sanitize_str(s) : NULL;
	if (json_get_num(j, "exit_code", &v) && v > -1e6 && v < 1e6)
		out->exit_code = (int)v;
	if (json_get_num(j, "duration_s", &v) && isfinite(v) && v >= 0)
		out->duration = v;
	cJSON_Delete(j);
	return 0;
}

char *
backup_state_json(double end, const char *status, int exit_code, double duration,
    double last_success_prev, const char *owner)
{
	cJSON *o = cJSON_CreateObject();
	char ts[40];
	double success = strcmp(status, "success") == 0 ? end : last_success_prev;

	if (owner != NULL)
		cJSON_AddStringToObject(o, "owner", owner);
	cJSON_AddStringToObject(o, "last_run", fmt_rfc3339(end, ts, sizeof ts));
	cJSON_AddStringToObject(o, "last_status", status);
	cJSON_AddNumberToObject(o, "exit_code", exit_code);
	cJSON_AddNumberToObject(o, "duration_s", round_to(duration, 1000));
	if (success > 0)
		cJSON_AddStringToObject(o, "last_success", fmt_rfc3339(success, ts, sizeof ts));
	else
		cJSON_AddNullToObject(o, "last_success");
	return print_file(o);
}

/* ---- webhooks.json ---- */

static void
route_read(const cJSON *e, struct webhook_route_state *x)
{
	const char *a = json_get_str(e, "error");
	double v;

	/* A tool may record "error"; ceres-top keeps the answer's first
	 * line (or the transport error) in "answer". */
	if (a == NULL || *a == '\0')
		a = json_get_str(e, "answer");
	x->ok = json_get_bool(e, "ok", -1);
	x->r.ok = x->ok == 1;
	x->r.status = json_get_num(e, "status", &v) && isfinite(v) && v >= 0 && v < 1000 ? (long)v : 0;
	x->r.latency_ms = json_get_num(e, "latency_ms", &v) && isfinite(v) ? v : 0;
	x->r.time = state_time(json_get(e, "time"));
	x->r.answer = sanitize_str(a != NULL ? a : "");
	x->line = sanitize_text(a != NULL ? a : "", a != NULL ? strcspn(a, "\r\n") : 0);
}

void
webhook_state_free(struct webhook_route_state *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(routes[i].name);
		free(routes[i].r.answer);
		free(routes[i].line);
	}
	free(routes);
}

int
webhook_state_parse(const char *buf, size_t len, size_t max, struct webhook_route_state **out,
    size_t *n, char **cause)
{
	cJSON *j = parse_object(buf, len, cause);
	const cJSON *e;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(e, json_get(j, "routes")) {
		struct webhook_route_state *x;

		if (!cJSON_IsObject(e) || e->string == NULL || *n >= max)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		x = &(*out)[(*n)++];
		memset(x, 0, sizeof *x);
		x->name = sanitize_str(e->string);
		route_read(e, x);
	}
	cJSON_Delete(j);
	return 0;
}

char *
webhook_state_update(const char *old, size_t len, const char *route, const struct webhook_result *r)
{
	cJSON *root = old != NULL ? json_parse_bounded(old, len, NULL) : NULL, *routes, *e;
	char ts[40];

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		root = cJSON_CreateObject();
	}
	routes = cJSON_GetObjectItemCaseSensitive(root, "routes");
	if (!cJSON_IsObject(routes)) {
		cJSON_DeleteItemFromObjectCaseSensitive(root, "routes");
		routes = cJSON_AddObjectToObject(root, "routes");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(routes, route);
	e = cJSON_AddObjectToObject(routes, route);
	cJSON_AddBoolToObject(e, "ok", r->ok);
	cJSON_AddNumberToObject(e, "status", (double)r->status);
	cJSON_AddNumberToObject(e, "latency_ms", round_to(r->latency_ms, 10));
	cJSON_AddStringToObject(e, "time", fmt_rfc3339(r->time, ts, sizeof ts));
	cJSON_AddStringToObject(e, "answer", r->answer != NULL ? r->answer : "");
	return print_file(root);
}

int
webhook_state_lookup(const char *text, size_t len, const char *route, struct webhook_result *r)
{
	cJSON *root = json_parse_bounded(text, len, NULL);
	const cJSON *e = json_get(json_get(root, "routes"), route);
	struct webhook_route_state x;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (cJSON_IsObject(e)) {
		memset(&x, 0, sizeof x);
		route_read(e, &x);
		*r = x.r;
		free(x.line);
		rc = 0;
	}
	cJSON_Delete(root);
	return rc;
}
