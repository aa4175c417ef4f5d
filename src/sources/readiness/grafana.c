/* Grafana's datasources, for the Tempo <-> Loki correlation: the first
 * top-level [service "NAME"] of kind grafana, its url and token (a
 * service account token with datasources:read).  The parser is pure:
 * a Tempo datasource passes when jsonData.tracesToLogsV2 (or the older
 * tracesToLogs) names by uid a datasource of type loki in the list. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dst (size n) = the terminal-safe, clipped text of s. */
static void
put(char *dst, size_t n, const char *s)
{
	char *clean = sanitize_str(s != NULL ? s : "?");

	snprintf(dst, n, "%s", utf8_clip(clean, n - 1));
	free(clean);
}

static const cJSON *
ds_by_uid(const cJSON *arr, const char *uid)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, arr) {
		const char *u = json_get_str(d, "uid");

		if (u != NULL && strcmp(u, uid) == 0)
			return d;
	}
	return NULL;
}

/* The first problem of a Tempo datasource into out->why (once); the
 * names are made terminal-safe and clipped first. */
#define WHY(out, fmt, a, b) do {						\
	if ((out)->why[0] == '\0') {						\
		char ca_[64], cb_[64], *t_;					\
		put(ca_, sizeof ca_, (a));					\
		put(cb_, sizeof cb_, (b));					\
		t_ = xasprintf(fmt, ca_, cb_);					\
		snprintf((out)->why, sizeof (out)->why, "%s",			\
		    utf8_clip(t_, sizeof (out)->why - 1));			\
		free(t_);							\
	}									\
} while (0)

static void
tempo_link(const cJSON *arr, const cJSON *d, struct rd_grafana *out)
{
	const cJSON *jd = json_get_obj(d, "jsonData");
	const cJSON *t2l = json_get_obj(jd, "tracesToLogsV2");
	const char *name = json_get_str(d, "name"), *uid, *type;
	const cJSON *target;

	if (t2l == NULL)
		t2l = json_get_obj(jd, "tracesToLogs");
	uid = json_get_str(t2l, "datasourceUid");
	if (uid == NULL || uid[0] == '\0') {
		WHY(out, _("Tempo datasource '%s' has no trace-to-logs link%s"), name, "");
		return;
	}
	if ((target = ds_by_uid(arr, uid)) == NULL) {
		WHY(out, _("Tempo datasource '%s' links logs to uid '%s', which is not a datasource"), name, uid);
		return;
	}
	type = json_get_str(target, "type");
	if (type == NULL || strcmp(type, "loki") != 0) {
		WHY(out, _("Tempo datasource '%s' links logs to '%s', which is not Loki"), name,
		    json_get_str(target, "name"));
		return;
	}
	if (out->linked++ == 0) {
		put(out->tempo, sizeof out->tempo, name);
		put(out->loki, sizeof out->loki, json_get_str(target, "name"));
	}
}

int
rd_parse_grafana_datasources(const char *buf, size_t len, struct rd_grafana *out, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const cJSON *d;

	out->nds = out->ntempo = out->linked = 0;
	out->tempo[0] = out->loki[0] = out->why[0] = '\0';
	if (!cJSON_IsArray(j)) {
		*cause = xstrdup(j != NULL ? _("datasources answer is not a list") : _("invalid JSON"));
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(d, j) {
		const char *type = json_get_str(d, "type");

		if (!cJSON_IsObject(d))
			continue;
		out->nds++;
		if (type == NULL || strcmp(type, "tempo") != 0)
			continue;
		out->ntempo++;
		tempo_link(j, d, out);
	}
	cJSON_Delete(j);
	return 0;
}

/* ---- the source ------------------------------------------------------- */

static void
grafana_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, &r->d->grafana.ds, "grafana")) {
		if (rd_parse_grafana_datasources(resp->body, resp->len, &r->d->grafana, &cause) != 0) {
			rd_fetch_err(&r->d->grafana.ds, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(&r->d->grafana.ds);
	}
	rds_touch(r);
}

static void
grafana_start(struct source *s)
{
	rds_get(s, "/api/datasources", grafana_done, s);
}

static const struct source_ops grafana_ops = { .kind = "readiness", .start = grafana_start, .free = rds_free };

void
rds_grafana_init(struct app *app, struct rd_data *d)
{
	const struct config *c = app->config;
	const char *name = NULL, *url, *tok;
	struct rds *r;

	for (size_t i = 0; i < c->nentries && name == NULL; i++) {
		const struct config_entry *e = &c->entries[i];

		if (strcmp(e->section, "service") == 0 && e->name != NULL && strcmp(e->key, "kind") == 0 &&
		    strcmp(e->value, "grafana") == 0)
			name = e->name;
	}
	if (name == NULL || (url = config_get(c, "service", name, "url")) == NULL)
		return;
	d->grafana.service = sanitize_str(name);
	r = rds_new(app, d, NULL, url);
	r->be.insecure = config_get_bool(c, "service", name, "insecure", false);
	if ((tok = config_get(c, "service", name, "token")) != NULL)
		backend_header(&r->be, "Authorization", "Bearer ", tok, true);
	rd_fetch_wait(&d->grafana.ds);
	rds_source(app, &grafana_ops, "readiness grafana", r);
}
