/* Wiki.js under version control: its GraphQL API (POST /graphql of the
 * first [service "NAME"] of kind wikijs, with the service's token as the
 * API key) lists the storage targets and the state of the enabled ones.
 * The git target enabled, and not in error, keeps every page in a git
 * repository.  GraphQL answers 200 even on errors: the errors array is
 * read first.  The parser is pure. */
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

/* Config values are asked for only to show the repository: Wiki.js masks
 * the sensitive ones (keys, passwords) itself, and only repoUrl is kept. */
static const char wiki_query[] =
    "{\"query\":\"{ storage { targets { key title isEnabled mode syncInterval config { key value } } "
    "status { key status message lastAttempt } } }\"}";

/* repoUrl from the target's config: each value is a JSON text whose
 * "value" is the setting. */
static void
wiki_repo(const cJSON *cfg, struct rd_wiki *out)
{
	const cJSON *kv;

	cJSON_ArrayForEach(kv, cfg) {
		const char *k = json_get_str(kv, "key"), *v = json_get_str(kv, "value");
		cJSON *inner;
		char *shown;

		if (k == NULL || v == NULL || strcmp(k, "repoUrl") != 0)
			continue;
		inner = json_parse_bounded(v, strlen(v), NULL);
		if (json_get_str(inner, "value") != NULL && json_get_str(inner, "value")[0] != '\0') {
			shown = url_without_userinfo(json_get_str(inner, "value"));
			rds_put(out->repo, sizeof out->repo, shown);
			free(shown);
		}
		cJSON_Delete(inner);
	}
}

static void
wiki_status(const cJSON *status, struct rd_wiki *out)
{
	const cJSON *st;

	cJSON_ArrayForEach(st, status) {
		const char *k = json_get_str(st, "key");

		if (k == NULL || strcmp(k, "git") != 0)
			continue;
		rds_put(out->status, sizeof out->status, json_get_str(st, "status"));
		if (json_get_str(st, "message") != NULL)
			rds_put(out->message, sizeof out->message, json_get_str(st, "message"));
		if (json_get_str(st, "lastAttempt") != NULL)
			rds_put(out->last, sizeof out->last, json_get_str(st, "lastAttempt"));
	}
}

static void
wiki_reset(struct rd_wiki *out)
{
	out->targets = out->enabled = 0;
	out->git = -1;
	out->mode[0] = out->interval[0] = out->status[0] = '\0';
	out->message[0] = out->last[0] = out->repo[0] = '\0';
}

int
rd_parse_wiki_storage(const char *buf, size_t len, struct rd_wiki *out, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const cJSON *err = cJSON_GetArrayItem(json_get_arr(j, "errors"), 0);
	const cJSON *storage = json_get_obj(json_get_obj(j, "data"), "storage");
	const cJSON *targets = json_get_arr(storage, "targets"), *t;
	char msg[120];

	wiki_reset(out);
	if (err != NULL || targets == NULL) {
		if (err != NULL) {
			rds_put(msg, sizeof msg, json_get_str(err, "message"));
			*cause = xasprintf(_("GraphQL error: %s"), msg);
		} else
			*cause = xstrdup(j != NULL ? _("no storage targets in the answer") : _("invalid JSON"));
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(t, targets) {
		const char *key = json_get_str(t, "key");
		bool on = json_get_bool(t, "isEnabled", 0) == 1;

		if (!cJSON_IsObject(t))
			continue;
		out->targets++;
		out->enabled += on;
		if (key == NULL || strcmp(key, "git") != 0)
			continue;
		out->git = on;
		if (json_get_str(t, "mode") != NULL)
			rds_put(out->mode, sizeof out->mode, json_get_str(t, "mode"));
		if (json_get_str(t, "syncInterval") != NULL)
			rds_put(out->interval, sizeof out->interval, json_get_str(t, "syncInterval"));
		wiki_repo(json_get_arr(t, "config"), out);
	}
	wiki_status(json_get_arr(storage, "status"), out);
	cJSON_Delete(j);
	return 0;
}

/* ---- the source ------------------------------------------------------- */

static void
wiki_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, &r->d->wiki.f, "wikijs")) {
		if (rd_parse_wiki_storage(resp->body, resp->len, &r->d->wiki, &cause) != 0) {
			rd_fetch_err(&r->d->wiki.f, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(&r->d->wiki.f);
	}
	rds_touch(r);
}

static void
wiki_start(struct source *s)
{
	struct rds *r = s->data;
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	char *u = xasprintf("%s/graphql", r->be.base);

	backend_start(&r->be, &req, hdrs, u, true);
	backend_add_header(&req, "Content-Type: application/json");
	req.follow = false;
	req.method = "POST";
	req.body = wiki_query;
	req.body_len = sizeof wiki_query - 1;
	source_http(s, &req, wiki_done, s);
	free(u);
}

static const struct source_ops wiki_ops = { .kind = "readiness", .start = wiki_start, .free = rds_free };

void
rds_wiki_init(struct app *app, struct rd_data *d)
{
	const struct config *c = app->config;
	const char *name = NULL, *url, *tok;
	struct rds *r;

	for (size_t i = 0; i < c->nentries && name == NULL; i++) {
		const struct config_entry *e = &c->entries[i];

		if (strcmp(e->section, "service") == 0 && e->name != NULL && strcmp(e->key, "kind") == 0 &&
		    strcmp(e->value, "wikijs") == 0)
			name = e->name;
	}
	if (name == NULL || (url = config_get(c, "service", name, "url")) == NULL)
		return;
	d->wiki.service = sanitize_str(name);
	r = rds_new(app, d, NULL, NULL);
	/* insecure and TLS of the service ([service] has no tenant). */
	backend_init_section(&r->be, c, "service", name, url);
	if ((tok = config_get(c, "service", name, "token")) != NULL)
		backend_header(&r->be, "Authorization", "Bearer ", tok, true);
	rd_fetch_wait(&d->wiki.f);
	rds_source(app, &wiki_ops, "readiness wikijs", r);
}
