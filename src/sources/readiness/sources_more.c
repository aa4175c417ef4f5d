/* Readiness sources with several requests or peers: Prometheus (rules,
 * Alertmanager targets, runtime info, exporter series), Alertmanager
 * (config of the first peer that answers), Keycloak (public discovery,
 * then the admin API with a token) and the certificate of every https
 * URL of the config. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/sources/health.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <cJSON.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first URL of a list value, or the built-in default without a file. */
static char *
first_url(struct app *app, const char *section, const char *key)
{
	const char *v = config_get(app->config, section, NULL, key);
	const struct health_kind *hk;

	if (v != NULL)
		return xstrndup(v + strspn(v, " \t"), strcspn(v + strspn(v, " \t"), " \t"));
	if (!app->config->defaults || (hk = health_kind_find(section)) == NULL || hk->default_url == NULL)
		return NULL;
	return xstrdup(hk->default_url);
}

/* ---- Prometheus --------------------------------------------------------- */

typedef int (*prom_parse_fn)(const char *, size_t, struct rd_prom *, char **);

static void
prom_handle(struct source *s, const struct http_response *resp, struct rd_fetch *f, prom_parse_fn fn)
{
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, f, "prometheus")) {
		if (fn(resp->body, resp->len, &r->d->prom, &cause) != 0) {
			rd_fetch_err(f, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(f);
	}
	rds_touch(r);
}

static void
prom_ams_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	prom_handle(s, resp, &((struct rds *)s->data)->d->prom.ams, rd_parse_alertmanagers);
}

static void
prom_rules_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	prom_handle(s, resp, &((struct rds *)s->data)->d->prom.rules, rd_parse_rules);
}

static void
prom_runtime_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	prom_handle(s, resp, &((struct rds *)s->data)->d->prom.runtime, rd_parse_runtimeinfo);
}

static void
prom_series_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	prom_handle(s, resp, &((struct rds *)s->data)->d->prom.series, rd_parse_series_counts);
}

static void
prom_start(struct source *s)
{
	/* count by (__name__) ({__name__=~"node_exporter_build_info|..."}) */
	static const char series[] = "/api/v1/query?query=count%20by%20(__name__)%20"
	    "(%7B__name__%3D~%22node_exporter_build_info%7Calertmanager_build_info%7C"
	    "prometheus_build_info%7Cmonitor_status%22%7D)";

	rds_get(s, "/api/v1/alertmanagers", prom_ams_done, s);
	rds_get(s, "/api/v1/rules", prom_rules_done, s);
	rds_get(s, "/api/v1/status/runtimeinfo", prom_runtime_done, s);
	rds_get(s, series, prom_series_done, s);
}

static const struct source_ops prom_ops = { .kind = "readiness", .start = prom_start, .free = rds_free };

void
rds_prometheus_init(struct app *app, struct rd_data *d)
{
	char *url = first_url(app, "prometheus", "url");

	if (url == NULL)
		return;
	rd_fetch_wait(&d->prom.ams);
	rd_fetch_wait(&d->prom.rules);
	rd_fetch_wait(&d->prom.runtime);
	rd_fetch_wait(&d->prom.series);
	rds_source(app, &prom_ops, "readiness prometheus", rds_new(app, d, "prometheus", url));
	free(url);
}

/* ---- Alertmanager: the first peer (config order) that answers ----------- */

static void
am_done(const struct http_response *resp, void *arg)
{
	struct rds_item *it = arg;
	struct rds *r = it->r;
	struct rd_am tmp;
	char *cause = NULL;

	r->answered++;
	if (it->i > r->best)
		return;
	memset(&tmp, 0, sizeof tmp);
	if (resp->status != 200) {
		char *shown = url_redact(r->url[it->i]);

		if (r->err == NULL)
			r->err = resp->status == 0 ? xasprintf("%s: %s", shown, resp->error ? resp->error : "?") :
			    xasprintf("%s: HTTP %ld", shown, resp->status);
		free(shown);
	} else if (rd_parse_am_status(resp->body, resp->len, &tmp, &cause) != 0) {
		if (r->err == NULL)
			r->err = cause;
		else
			free(cause);
		rd_am_receivers_free(&tmp);
		free(tmp.cluster);
	} else {
		rd_am_receivers_free(&r->d->am);
		free(r->d->am.cluster);
		free(r->d->am.url);
		r->d->am.rcv = tmp.rcv;
		r->d->am.nrcv = tmp.nrcv;
		r->d->am.cluster = tmp.cluster;
		r->d->am.peers = tmp.peers;
		r->d->am.url = url_redact(r->url[it->i]);
		r->best = it->i;
		rd_fetch_ok(&r->d->am.status);
	}
	/* Every peer failed: say why (the first reason). */
	if (r->answered == r->nurl && r->best == SIZE_MAX) {
		rd_fetch_err(&r->d->am.status, "%s", r->err != NULL ? r->err : _("no answer"));
		source_error(r->s, "alertmanager: %s", r->d->am.status.error);
	}
	rds_touch(r);
}

static void
am_start(struct source *s)
{
	struct rds *r = s->data;

	r->best = SIZE_MAX;
	r->answered = 0;
	free(r->err);
	r->err = NULL;
	for (size_t i = 0; i < r->nurl; i++) {
		char *u = xasprintf("%s/api/v2/status", r->url[i]);

		backend_request(s, &r->be, u, true, false, 0, am_done, &r->items[i]);
		free(u);
	}
}

static const struct source_ops am_ops = { .kind = "readiness", .start = am_start, .free = rds_free };

void
rds_alertmanager_init(struct app *app, struct rd_data *d)
{
	const char *v = config_get(app->config, "alertmanager", NULL, "url");
	const char *user = config_get(app->config, "alertmanager", NULL, "user");
	const char *pw = config_get(app->config, "alertmanager", NULL, "password");
	struct rds *r;
	char *list, *save = NULL, *w;

	if (v == NULL && !app->config->defaults)
		return;
	r = rds_new(app, d, "alertmanager", NULL);
	list = xstrdup(v != NULL ? v : health_kind_find("alertmanager")->default_url);
	for (w = strtok_r(list, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		size_t n = strlen(w);

		while (n > 0 && w[n - 1] == '/')
			n--;
		r->url = xreallocarray(r->url, r->nurl + 1, sizeof *r->url);
		r->url[r->nurl++] = xstrndup(w, n);
	}
	free(list);
	r->items = xcalloc(r->nurl + 1, sizeof *r->items);
	for (size_t i = 0; i < r->nurl; i++) {
		r->items[i].r = r;
		r->items[i].i = i;
	}
	if (user != NULL && pw != NULL)
		backend_basic(&r->be, user, pw);
	rd_fetch_wait(&d->am.status);
	rds_source(app, &am_ops, "readiness alertmanager", r);
}

/* ---- Keycloak ------------------------------------------------------------ */

static void
kc_disc_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	struct rd_keycloak *k = &r->d->kc;
	char *cause = NULL;

	free(k->disc_problem);
	k->disc_problem = NULL;
	if (resp->status == 404 || (resp->status > 0 && resp->status < 500 && resp->status != 200)) {
		/* The realm does not exist (or is not public): a finding. */
		k->disc_problem = xasprintf(_("discovery answered HTTP %ld"), resp->status);
		free(k->issuer);
		k->issuer = NULL;
		rd_fetch_ok(&k->disc);
	} else if (rds_answer(s, resp, &k->disc, "keycloak")) {
		if (rd_parse_kc_discovery(resp->body, resp->len, r->realm, k, &cause) != 0) {
			k->disc_problem = cause;
			free(k->issuer);
			k->issuer = NULL;
		}
		rd_fetch_ok(&k->disc);
	}
	rds_touch(r);
}

typedef int (*kc_parse_fn)(const char *, size_t, struct rd_keycloak *, char **);

static void
kc_admin(struct source *s, const struct http_response *resp, struct rd_fetch *f, kc_parse_fn fn)
{
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, f, _("keycloak admin API"))) {
		if (fn(resp->body, resp->len, &r->d->kc, &cause) != 0) {
			rd_fetch_err(f, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(f);
	}
	rds_touch(r);
}

static void
kc_flow_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	kc_admin(s, resp, &((struct rds *)s->data)->d->kc.flow, rd_parse_kc_flow);
}

static void
kc_realm_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	struct rd_keycloak *k = &r->d->kc;

	kc_admin(s, resp, &k->realm, rd_parse_kc_realm);
	/* The executions of the realm's browser flow, now that we know it. */
	if (k->realm.avail == RD_OK) {
		char *er = url_escape(r->realm);
		char *ef = url_escape(k->browser_flow != NULL ? k->browser_flow : "browser");
		char *path = xasprintf("/admin/realms/%s/authentication/flows/%s/executions", er, ef);

		rds_get(s, path, kc_flow_done, s);
		free(path);
		free(ef);
		free(er);
	} else
		rd_fetch_err(&k->flow, "%s", _("realm not readable"));
}

static void
kc_actions_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	kc_admin(s, resp, &((struct rds *)s->data)->d->kc.actions, rd_parse_kc_actions);
}

static void
kc_clients_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;

	kc_admin(s, resp, &((struct rds *)s->data)->d->kc.clients, rd_parse_kc_clients);
}

/* The admin requests, with the bearer token in hdr[0]. */
static void
kc_admin_requests(struct source *s)
{
	struct rds *r = s->data;
	char *er = url_escape(r->realm), *u;

	u = xasprintf("/admin/realms/%s", er);
	rds_get(s, u, kc_realm_done, s);
	free(u);
	u = xasprintf("/admin/realms/%s/authentication/required-actions", er);
	rds_get(s, u, kc_actions_done, s);
	free(u);
	u = xasprintf("/admin/realms/%s/clients", er);
	rds_get(s, u, kc_clients_done, s);
	free(u);
	free(er);
}

static void
kc_admin_failed(struct rds *r, const char *why)
{
	rd_fetch_err(&r->d->kc.realm, "%s", why);
	rd_fetch_err(&r->d->kc.actions, "%s", why);
	rd_fetch_err(&r->d->kc.flow, "%s", why);
	rd_fetch_err(&r->d->kc.clients, "%s", why);
}

/* Client credentials grant: a fresh access token every round, since
 * Keycloak's admin tokens live about a minute. */
static void
kc_token_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	cJSON *j = resp->status == 200 ? json_parse_bounded(resp->body, resp->len, NULL) : NULL;
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");

	if (cJSON_IsString(tok) && tok->valuestring[0] != '\0' &&
	    strcspn(tok->valuestring, "\r\n") == strlen(tok->valuestring)) {
		backend_drop_header(&r->be, "Authorization");
		backend_header(&r->be, "Authorization", "Bearer ", tok->valuestring, true);
		kc_admin_requests(s);
	} else {
		char *why = resp->status == 0 ? xasprintf(_("token request: %s"), resp->error ? resp->error : "?") :
		    xasprintf(_("token request: HTTP %ld (client id or secret refused?)"), resp->status);

		kc_admin_failed(r, why);
		source_error(s, "keycloak: %s", why);
		free(why);
		rds_touch(r);
	}
	if (j != NULL) {
		/* The token is a secret: do not leave it in freed memory. */
		if (cJSON_IsString(tok))
			explicit_bzero(tok->valuestring, strlen(tok->valuestring));
		cJSON_Delete(j);
	}
}

static void
kc_start(struct source *s)
{
	struct rds *r = s->data;
	char *er = url_escape(r->realm), *u;

	u = xasprintf("%s/realms/%s/.well-known/openid-configuration", r->be.base, er);
	backend_request(s, &r->be, u, false, false, 0, kc_disc_done, s);
	free(u);
	if (r->form != NULL) {
		const char *hdrs[BACKEND_HDRS];
		struct http_request req;

		/* The secret is in the form: no header of the backend goes. */
		u = xasprintf("%s/realms/%s/protocol/openid-connect/token", r->be.base, er);
		backend_start(&r->be, &req, hdrs, u, false);
		backend_add_header(&req, "Content-Type: application/x-www-form-urlencoded");
		req.follow = false;
		req.method = "POST";
		req.body = r->form;
		req.body_len = strlen(r->form);
		req.authenticated = true;
		source_http(s, &req, kc_token_done, s);
		free(u);
	} else if (r->be.secret)
		kc_admin_requests(s);
	free(er);
}

static const struct source_ops kc_ops = { .kind = "readiness", .start = kc_start, .free = rds_free };

void
rds_keycloak_init(struct app *app, struct rd_data *d)
{
	char *url = first_url(app, "keycloak", "url");
	const char *tok = config_get(app->config, "keycloak", NULL, "admin_token");
	const char *cid = config_get(app->config, "keycloak", NULL, "admin_client_id");
	const char *csec = config_get(app->config, "keycloak", NULL, "admin_client_secret");
	struct rds *r;

	if (url == NULL)
		return;
	r = rds_new(app, d, "keycloak", url);
	r->realm = xstrdup(config_get_default(app->config, "keycloak", NULL, "realm", "ceres"));
	rd_fetch_wait(&d->kc.disc);
	if (cid != NULL && csec != NULL) {
		char *ei = url_escape(cid), *es = url_escape(csec);

		/* Kept as the form body; never sent anywhere but the token URL. */
		r->form = xasprintf("grant_type=client_credentials&client_id=%s&client_secret=%s", ei, es);
		free(ei);
		secret_free(es);
	} else if (tok != NULL)
		backend_header(&r->be, "Authorization", "Bearer ", tok, true);
	d->kc.have_token = r->form != NULL || r->be.secret;
	if (d->kc.have_token) {
		rd_fetch_wait(&d->kc.realm);
		rd_fetch_wait(&d->kc.actions);
		rd_fetch_wait(&d->kc.flow);
		rd_fetch_wait(&d->kc.clients);
	}
	rds_source(app, &kc_ops, "readiness keycloak", r);
	free(url);
}

/* ---- certificates of every https URL ------------------------------------- */

static void
tls_done(const struct http_response *resp, void *arg)
{
	struct rds_item *it = arg;
	struct rd_tls_url *u = &it->r->d->tls.u[it->i];

	if (resp->status == 0 && resp->error != NULL)
		rd_fetch_err(&u->f, "%s", resp->error);
	else
		rd_fetch_ok(&u->f);
	/* The handshake happened even when the HTTP answer is an error. */
	u->expiry = resp->cert_expiry;
	rds_touch(it->r);
}

static void
tls_start(struct source *s)
{
	struct rds *r = s->data;

	for (size_t i = 0; i < r->d->tls.n; i++) {
		r->be.insecure = r->d->tls.u[i].insecure;
		backend_request(s, &r->be, r->d->tls.u[i].url, false, true, 0, tls_done, &r->items[i]);
	}
}

static const struct source_ops tls_ops = { .kind = "readiness", .start = tls_start, .free = rds_free };

/* "https://host:port/" of an URL (no user info, path or query). */
static char *
https_origin(const char *url)
{
	const char *host, *end, *at;

	if (strncasecmp(url, "https://", 8) != 0)
		return NULL;
	host = url + 8;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at != NULL)
		host = at + 1;
	if (end == host)
		return NULL;
	return xasprintf("https://%.*s/", (int)(end - host), host);
}

struct tls_urls {
	const struct config	*c;
	struct rd_data		*d;
};

/* One URL of the config: its https origin, once. */
static void
tls_url(const char *url, const struct config_entry *e, void *arg)
{
	struct tls_urls *t = arg;
	struct rd_data *d = t->d;
	char *o = https_origin(url);

	if (o == NULL)
		return;
	for (size_t j = 0; j < d->tls.n; j++)
		if (strcmp(d->tls.u[j].url, o) == 0) {
			free(o);
			return;
		}
	d->tls.u = xreallocarray(d->tls.u, d->tls.n + 1, sizeof *d->tls.u);
	memset(&d->tls.u[d->tls.n], 0, sizeof d->tls.u[0]);
	d->tls.u[d->tls.n].url = o;
	d->tls.u[d->tls.n].shown = sanitize_str(o);
	d->tls.u[d->tls.n].insecure = config_get_bool(t->c, e->section, e->name, "insecure", false);
	rd_fetch_wait(&d->tls.u[d->tls.n].f);
	d->tls.n++;
}

void
rds_tls_init(struct app *app, struct rd_data *d)
{
	struct tls_urls t = { app->config, d };
	struct rds *r;

	/* URL-typed keys only: never probe a secret (webhook URLs). */
	config_each_url(app->config, tls_url, &t);
	if (d->tls.n == 0)
		return;
	r = rds_new(app, d, NULL, NULL);
	r->items = xcalloc(d->tls.n, sizeof *r->items);
	for (size_t i = 0; i < d->tls.n; i++) {
		r->items[i].r = r;
		r->items[i].i = i;
	}
	rds_source(app, &tls_ops, "readiness tls", r);
}
