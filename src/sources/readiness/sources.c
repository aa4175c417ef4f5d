/* The readiness feature's own HTTP sources: the answers nobody else
 * fetches (Prometheus rules and Alertmanager targets, Alertmanager's
 * config, Caddy's config, Keycloak's realm, Loki's label values and
 * ruler rules, Tempo,
 * Gitea hooks, certificate expiry of every https URL).  One source per
 * backend, each request parsed into struct
 * rd_data.  Findings (a 404 realm, no hooks) are data, not errors;
 * transport failures and 5xx/401/403 are source errors. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/sources/health.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rds *
rds_new(struct app *app, struct rd_data *d, const char *section, const char *base)
{
	struct rds *r = xcalloc(1, sizeof *r);

	r->d = d;
	/* The tenant and TLS of a central engine's section: evidence is read
	 * the way the data is. */
	if (section != NULL)
		backend_init_section(&r->be, app->config, section, NULL, base);
	else
		backend_init(&r->be, base, false);
	return r;
}

void
rds_free(struct source *s)
{
	struct rds *r = s->data;

	backend_clear(&r->be);
	secret_free(r->form);
	free(r->realm);
	free(r->err);
	for (size_t i = 0; i < r->nurl; i++)
		free(r->url[i]);
	free(r->url);
	free(r->items);
	rd_loki_values_free(&r->loki);
	if (r->free_extra != NULL)
		r->free_extra(r);
	free(r);
}

void
rds_get(struct source *s, const char *path, http_cb cb, void *arg)
{
	backend_get(s, &((struct rds *)s->data)->be, path, 0, cb, arg);
}

/* Common answer handling: true when the body is a 200 to parse.  Anything
 * else becomes the fetch's error; transport failures, 5xx and auth
 * refusals are also the source's error. */
bool
rds_answer(struct source *s, const struct http_response *resp, struct rd_fetch *f, const char *what)
{
	if (resp->status == 0) {
		rd_fetch_err(f, "%s", resp->error != NULL ? resp->error : _("no answer"));
		source_error(s, "%s: %s", what, f->error);
		return false;
	}
	if (resp->status != 200) {
		size_t n = resp->len < 80 ? resp->len : 80;
		char *first = sanitize_text(resp->body, strcspn(resp->body, "\r\n") < n ?
		    strcspn(resp->body, "\r\n") : n);

		if (resp->status == 401 || resp->status == 403)
			rd_fetch_err(f, _("HTTP %ld: credentials refused or lacking rights %s"), resp->status, first);
		else
			rd_fetch_err(f, "HTTP %ld %s", resp->status, first);
		free(first);
		if (resp->status >= 500 || resp->status == 401 || resp->status == 403)
			source_error(s, "%s: %s", what, f->error);
		return false;
	}
	return true;
}

void
rds_touch(struct rds *r)
{
	r->d->generation++;
	app_dirty(r->s->app);
}

void
rds_put(char *dst, size_t n, const char *s)
{
	char *clean = sanitize_str(s != NULL ? s : "?");

	snprintf(dst, n, "%s", utf8_clip(clean, n - 1));
	free(clean);
}

struct source *
rds_source(struct app *app, const struct source_ops *ops, const char *name, struct rds *r)
{
	struct source *s = source_new(app, ops, name, r);

	r->s = s;
	s->interval = config_get_double(app->config, "readiness", NULL, "interval", 30);
	s->timeout = config_get_double(app->config, "readiness", NULL, "timeout", app->timeout);
	s->advisory = true;
	app_add_source(app, s);
	return s;
}

/* ---- Tempo ------------------------------------------------------------ */

static void
tempo_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	struct rd_tempo *t = &r->d->tempo;

	if (resp->status == 0)
		rds_answer(s, resp, &t->ready, "tempo");
	else {
		size_t n = strcspn(resp->body, "\r\n");

		t->status = resp->status;
		free(t->detail);
		t->detail = sanitize_text(resp->body, n < 120 ? n : 120);
		rd_fetch_ok(&t->ready);
	}
	rds_touch(r);
}

static void
tempo_start(struct source *s)
{
	rds_get(s, "/ready", tempo_done, s);
}

static const struct source_ops tempo_ops = { .kind = "readiness", .start = tempo_start, .free = rds_free };

/* ---- Loki: label values of job, app and service_name -------------------- */

static void
loki_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	char *cause = NULL;

	if (!rds_answer(s, resp, &r->d->loki.labels, "loki")) {
		r->failed = true;
		return;
	}
	if (rd_parse_loki_values(resp->body, resp->len, &r->loki, &cause) != 0) {
		rd_fetch_err(&r->d->loki.labels, "%s", cause);
		r->failed = true;
		free(cause);
	}
}

/* The ruler's rules: 404 means Loki runs without its ruler, a finding. */
static void
loki_rules_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	struct rd_loki_rules *lr = &r->d->loki_rules;
	char *cause = NULL;

	if (resp->status == 404) {
		lr->ruler_off = true;
		lr->groups = lr->alerting = lr->recording = lr->broken = 0;
		rd_fetch_ok(&lr->f);
	} else if (rds_answer(s, resp, &lr->f, _("loki ruler"))) {
		if (rd_parse_loki_rules(resp->body, resp->len, lr, &cause) != 0) {
			rd_fetch_err(&lr->f, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(&lr->f);
	}
	rds_touch(r);
}

static void
loki_start(struct source *s)
{
	struct rds *r = s->data;

	rds_get(s, "/prometheus/api/v1/rules", loki_rules_done, s);
	rd_loki_values_free(&r->loki);
	r->failed = false;
	rds_get(s, "/loki/api/v1/label/job/values", loki_done, s);
	rds_get(s, "/loki/api/v1/label/app/values", loki_done, s);
	rds_get(s, "/loki/api/v1/label/service_name/values", loki_done, s);
}

static void
loki_round_end(struct source *s)
{
	struct rds *r = s->data;

	/* Swap in a complete set only, so a half-answered round never shows
	 * as "missing streams". */
	if (!r->failed) {
		rd_loki_values_free(&r->d->loki);
		r->d->loki.value = r->loki.value;
		r->d->loki.nvalue = r->loki.nvalue;
		r->loki.value = NULL;
		r->loki.nvalue = 0;
		rd_fetch_ok(&r->d->loki.labels);
	}
	rds_touch(r);
}

static const struct source_ops loki_ops = {
	.kind = "readiness", .start = loki_start, .round_end = loki_round_end, .free = rds_free,
};

/* ---- Caddy ------------------------------------------------------------ */

static void
caddy_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, &r->d->caddy.config, "caddy")) {
		if (rd_parse_caddy_config(resp->body, resp->len, &r->d->caddy, &cause) != 0) {
			rd_fetch_err(&r->d->caddy.config, "%s", cause);
			source_error(s, "caddy: %s", cause);
			free(cause);
		} else
			rd_fetch_ok(&r->d->caddy.config);
	}
	rds_touch(r);
}

static void
caddy_start(struct source *s)
{
	rds_get(s, "/config/", caddy_done, s);
}

static const struct source_ops caddy_ops = { .kind = "readiness", .start = caddy_start, .free = rds_free };

/* ---- Gitea: hooks of every configured repository ----------------------- */

static void
gitea_done(const struct http_response *resp, void *arg)
{
	struct rds_item *it = arg;
	struct rds *r = it->r;
	struct rd_gitea_repo *x = &r->d->gitea.repo[it->i];
	char *cause = NULL;

	x->status = resp->status;
	if (resp->status == 404) {
		/* The repository does not exist (or is hidden): a finding. */
		x->nhooks = x->chat_hooks = 0;
		rd_fetch_ok(&x->hooks);
	} else if (rds_answer(r->s, resp, &x->hooks, "gitea")) {
		if (rd_parse_gitea_hooks(resp->body, resp->len, x, &cause) != 0) {
			rd_fetch_err(&x->hooks, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(&x->hooks);
	}
	rds_touch(r);
}

static void
gitea_start(struct source *s)
{
	struct rds *r = s->data;

	for (size_t i = 0; i < r->d->gitea.nrepo; i++) {
		const char *full = r->d->gitea.repo[i].repo, *slash = strchr(full, '/');
		char *o = xstrndup(full, slash != NULL ? (size_t)(slash - full) : strlen(full));
		char *eo = url_escape(o), *en = url_escape(slash != NULL ? slash + 1 : "");
		char *path = xasprintf("/api/v1/repos/%s/%s/hooks", eo, en);

		rds_get(s, path, gitea_done, &r->items[i]);
		free(path);
		free(o);
		free(eo);
		free(en);
	}
}

static const struct source_ops gitea_ops = { .kind = "readiness", .start = gitea_start, .free = rds_free };

static void
gitea_init(struct app *app, struct rd_data *d)
{
	const char *url = config_get(app->config, "gitea", NULL, "url");
	const char *tok = config_get(app->config, "gitea", NULL, "token");
	const char *repos = config_get(app->config, "gitea", NULL, "repos");
	struct rds *r;
	char *list, *save = NULL, *w;

	if (url == NULL)
		return;
	d->gitea.have_token = tok != NULL;
	list = xstrdup(repos != NULL ? repos : "");
	for (w = strtok_r(list, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
		struct rd_gitea_repo *x;

		d->gitea.repo = xreallocarray(d->gitea.repo, d->gitea.nrepo + 1, sizeof *d->gitea.repo);
		x = &d->gitea.repo[d->gitea.nrepo++];
		memset(x, 0, sizeof *x);
		x->repo = sanitize_str(w);
		rd_fetch_wait(&x->hooks);
	}
	free(list);
	/* Without a token the hooks API refuses: the probe says why. */
	if (tok == NULL || d->gitea.nrepo == 0)
		return;
	r = rds_new(app, d, "gitea", url);
	backend_header(&r->be, "Authorization", "token ", tok, true);
	r->items = xcalloc(d->gitea.nrepo, sizeof *r->items);
	for (size_t i = 0; i < d->gitea.nrepo; i++) {
		r->items[i].r = r;
		r->items[i].i = i;
	}
	rds_source(app, &gitea_ops, "readiness gitea", r);
}

/* ---- set-up ----------------------------------------------------------- */

static void
simple_init(struct app *app, struct rd_data *d, const char *section, const char *key,
    const struct source_ops *ops, const char *name, struct rd_fetch *f)
{
	const char *url = config_get(app->config, section, NULL, key);
	struct rds *r;

	if (url == NULL && !app->config->defaults)
		return;
	if (url == NULL) {
		/* No config file: the Ceres standard local layout. */
		const struct health_kind *hk = health_kind_find(section);

		if (hk == NULL || hk->default_url == NULL)
			return;
		url = hk->default_url;
	}
	r = rds_new(app, d, section, url);
	if (strcmp(section, "loki") == 0) {
		const char *tok = config_get(app->config, "loki", NULL, "token");
		const char *org = config_get(app->config, "loki", NULL, "org_id");
		const char *user = config_get(app->config, "loki", NULL, "user");
		const char *pw = config_get(app->config, "loki", NULL, "password");

		if (tok != NULL)
			backend_header(&r->be, "Authorization", "Bearer ", tok, true);
		/* Kept with the credentials: not sent to another host. */
		if (org != NULL)
			backend_header(&r->be, "X-Scope-OrgID", "", org, true);
		if (user != NULL && pw != NULL)
			backend_basic(&r->be, user, pw);
		rd_fetch_wait(&d->loki_rules.f);
	}
	rd_fetch_wait(f);
	rds_source(app, ops, name, r);
}

int
rd_sources_init(struct app *app, struct rd_data *d, char **cause)
{
	(void)cause;
	simple_init(app, d, "tempo", "url", &tempo_ops, "readiness tempo", &d->tempo.ready);
	simple_init(app, d, "loki", "url", &loki_ops, "readiness loki", &d->loki.labels);
	simple_init(app, d, "caddy", "admin_url", &caddy_ops, "readiness caddy", &d->caddy.config);
	gitea_init(app, d);
	rds_prometheus_init(app, d);
	rds_alertmanager_init(app, d);
	rds_keycloak_init(app, d);
	rds_tls_init(app, d);
	rd_pg_init(app, d);
	rd_redis_init(app, d);
	rds_grafana_init(app, d);
	rds_patroni_init(app, d);
	rds_wiki_init(app, d);
	rd_sentinel_init(app, d);
	return 0;
}
