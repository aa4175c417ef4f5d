/* HTTP health checks: [service] entries (expect a status code, optionally
 * match the body with PCRE2) and the built-in kinds, each judged by its
 * own rule (health_parse.c).  Keycloak, Uptime Kuma and Alertmanager take
 * two requests per round. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ceres/core/app.h"
#include "ceres/net/backend.h"
#include "ceres/sources/health.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEALTH_MAX_BYTES	(1u << 20)	/* a plain health answer */

struct http_check {
	char		*name;
	char		*kind;
	char		*url;
	long		 expect;
	pcre2_code	*match;
	char		*auth_header;
	bool		 insecure;
	struct backend	 be;		/* tenant, TLS, basic auth; empty if none */
	char		*realm;
	char		*health_url;
	char		*slug;
	const struct health_kind *hk;
	/* Two-request rounds keep the first answer until the second comes. */
	struct health_result first;
	bool		 have_first;
	bool		 no_ready;	/* alertmanager: /-/ready 404 (Mimir's) */
	bool		 status_ok;	/* alertmanager: /api/v2/status an object */
	char		*page;		/* uptime kuma page body */
	size_t		 page_len;
	char		*beats;
	size_t		 beats_len;
	double		 latency;
};

static char *
join_url(const char *base, const char *path)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return xasprintf("%.*s%s", (int)n, base, path);
}

/* The service row of this check, with no secret the backend echoed.  A
 * source that does not verify TLS says so on every verdict: nobody should
 * mistake it for a checked one. */
static void
service_set(struct source *s, struct service *sv, enum svc_state st, double latency,
    const char *detail)
{
	struct http_check *c = s->data;
	char *clean = source_scrub(s, detail);

	if (c->insecure && str_has_prefix(c->url, "https://")) {
		char *marked = xasprintf("[insecure TLS] %s", clean);

		model_service_update(&s->app->model, sv, st, latency, marked);
		free(marked);
	} else
		model_service_update(&s->app->model, sv, st, latency, clean);
	free(clean);
}

static void
report(struct source *s, const struct health_result *hr, double latency)
{
	struct http_check *c = s->data;

	service_set(s, model_service(&s->app->model, c->name, c->kind), hr->state, latency, hr->detail);
}

/* Judges that read a JSON body (the others look at the status only). */
static bool
judge_reads_json(const struct health_kind *hk)
{
	return hk != NULL && hk->judge != NULL && hk->judge != health_judge_status200 &&
	    hk->judge != health_judge_ready;
}

/* Whether body is JSON (JSON_OK), and if not, why. */
static enum json_error
json_check(const char *body, size_t len)
{
	enum json_error e;

	cJSON_Delete(json_parse_bounded(body, len, &e));
	return e;
}

static void
report_error(struct source *s, const struct http_response *r)
{
	struct health_result hr;

	hr.state = SVC_DOWN;
	snprintf(hr.detail, sizeof hr.detail, "%s", r->error);
	report(s, &hr, -1);
	source_error(s, "%s", r->error);
}

static void
plain_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;
	struct health_result hr;
	enum json_error je;

	if (r->error != NULL && r->status == 0) {
		report_error(s, r);
		return;
	}
	if (r->error != NULL) {
		hr.state = SVC_DOWN;
		snprintf(hr.detail, sizeof hr.detail, "HTTP %ld: %s", r->status, r->error);
	} else if (r->status == 429) {
		/* The server is there but will not tell us how it is. */
		hr.state = SVC_UNKNOWN;
		snprintf(hr.detail, sizeof hr.detail, "rate limited (HTTP 429)");
	} else if (c->hk != NULL && c->hk->judge != NULL && strcmp(c->kind, "http") != 0)
		c->hk->judge(r->status, r->body, r->len, &hr);
	else {
		long want = c->expect > 0 ? c->expect : 200;

		if (r->status != want) {
			hr.state = SVC_DOWN;
			snprintf(hr.detail, sizeof hr.detail, "HTTP %ld (expected %ld)", r->status, want);
		} else if (c->match != NULL) {
			pcre2_match_data *md = pcre2_match_data_create_from_pattern(c->match, NULL);
			int rc = pcre2_match(c->match, (PCRE2_SPTR)r->body, r->len, 0, 0, md, NULL);

			pcre2_match_data_free(md);
			hr.state = rc >= 0 ? SVC_UP : SVC_DEGRADED;
			snprintf(hr.detail, sizeof hr.detail, "HTTP %ld, body %s", r->status,
			    rc >= 0 ? "matches" : "does not match");
		} else {
			hr.state = SVC_UP;
			snprintf(hr.detail, sizeof hr.detail, "HTTP %ld", r->status);
		}
	}
	report(s, &hr, r->latency_ms);
	if (hr.state == SVC_DOWN)
		source_error(s, "%s", hr.detail);
	else if (r->error == NULL && (r->status == 401 || r->status == 403))
		source_error(s, "%s", hr.detail);
	else if (r->error == NULL && r->status >= 200 && r->status < 300 &&
	    judge_reads_json(c->hk) && hr.state != SVC_UP && (je = json_check(r->body, r->len)) != JSON_OK)
		source_error(s, je == JSON_TOO_COMPLEX ?
		    "HTTP %ld: answer too complex, not parsed (Content-Type: %s)" :
		    "HTTP %ld: malformed answer, not JSON (Content-Type: %s)", r->status,
		    r->content_type != NULL ? r->content_type : "none");
}

static void
keycloak_health_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;

	if (r->status == 0) {
		c->first.state = SVC_DOWN;
		snprintf(c->first.detail, sizeof c->first.detail, "health: %s",
		    r->error ? r->error : "no answer");
		source_error(s, "%s", c->first.detail);
	} else
		health_judge_keycloak(r->status, r->body, r->len, &c->first);
	c->have_first = true;
	c->latency = r->latency_ms;
}

static void
keycloak_discovery_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;
	cJSON *j = r->status == 200 ? json_parse_bounded(r->body, r->len, NULL) : NULL;
	const cJSON *iss = cJSON_GetObjectItemCaseSensitive(j, "issuer");

	if (cJSON_IsString(iss)) {
		free(c->page);
		c->page = xstrdup(iss->valuestring);
		c->page_len = 1;
	} else {
		free(c->page);
		c->page = NULL;
		c->page_len = 0;
		if (r->status == 0)
			source_error(s, "realm discovery: %s", r->error ? r->error : "no answer");
	}
	if (r->status != 0 && !cJSON_IsString(iss))
		source_error(s, "realm %s discovery: HTTP %ld, no issuer", c->realm, r->status);
	cJSON_Delete(j);
}

static void
kuma_page_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;
	enum json_error je = r->status == 200 ? json_check(r->body, r->len) : JSON_OK;

	free(c->page);
	c->page = NULL;
	c->page_len = 0;
	if (je == JSON_TOO_COMPLEX)
		source_error(s, "status page: answer too complex (over %d JSON values)", JSON_MAX_VALUES);
	else if (je != JSON_OK)
		source_error(s, "status page: malformed answer, not JSON");
	else if (r->status == 200) {
		c->page = xstrndup(r->body, r->len);
		c->page_len = r->len;
	} else if (r->status == 404)
		source_error(s, "status page %s not found", c->slug);
	else
		source_error(s, "status page: %s", r->error ? r->error : "bad answer");
}

static void
kuma_beats_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;
	enum json_error je = r->status == 200 ? json_check(r->body, r->len) : JSON_OK;

	free(c->beats);
	c->beats = NULL;
	c->beats_len = 0;
	c->latency = r->latency_ms;
	if (je == JSON_TOO_COMPLEX)
		source_error(s, "heartbeats: answer too complex (over %d JSON values)", JSON_MAX_VALUES);
	else if (je != JSON_OK)
		source_error(s, "heartbeats: malformed answer, not JSON");
	else if (r->status == 200) {
		c->beats = xstrndup(r->body, r->len);
		c->beats_len = r->len;
	} else
		source_error(s, "heartbeats: %s", r->error ? r->error : "bad answer");
}

static void
am_status_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;
	cJSON *j = r->status == 200 ? json_parse_bounded(r->body, r->len, NULL) : NULL;
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(j, "cluster");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(cl, "status");
	const cJSON *peers = cJSON_GetObjectItemCaseSensitive(cl, "peers");

	/* The cluster status refines the /-/ready verdict in round_end. */
	c->status_ok = cJSON_IsObject(j);
	free(c->page);
	c->page = cJSON_IsString(st) ? xasprintf("%s:%d", st->valuestring,
	    cJSON_IsArray(peers) ? cJSON_GetArraySize(peers) : 0) : NULL;
	cJSON_Delete(j);
}

static void
am_ready_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct http_check *c = s->data;

	c->no_ready = r->status == 404;
	if (r->status == 0) {
		c->first.state = SVC_DOWN;
		snprintf(c->first.detail, sizeof c->first.detail, "%s", r->error ? r->error : "no answer");
		source_error(s, "%s", c->first.detail);
	} else
		health_judge_ready(r->status, r->body, r->len, &c->first);
	c->have_first = true;
	c->latency = r->latency_ms;
}

static void
http_check_start(struct source *s)
{
	struct http_check *c = s->data;
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	char *u1 = NULL, *u2 = NULL;

	/* The section's own headers (tenant), then the check's secret. */
	backend_start(&c->be, &req, hdrs, NULL, true);
	if (c->auth_header != NULL)
		backend_add_header(&req, c->auth_header);
	req.insecure = c->insecure || c->be.insecure;
	req.authenticated = c->auth_header != NULL || req.authenticated;
	c->have_first = false;
	if (strcmp(c->kind, "keycloak") == 0) {
		u1 = join_url(c->health_url, "/health/ready");
		req.url = u1;
		source_http(s, &req, keycloak_health_done, s);
		u2 = xasprintf("%s/realms/%s/.well-known/openid-configuration", c->url, c->realm);
		req.url = u2;
		source_http(s, &req, keycloak_discovery_done, s);
	} else if (strcmp(c->kind, "uptime_kuma") == 0) {
		u1 = xasprintf("%s/api/status-page/%s", c->url, c->slug);
		req.url = u1;
		source_http(s, &req, kuma_page_done, s);
		u2 = xasprintf("%s/api/status-page/heartbeat/%s", c->url, c->slug);
		req.url = u2;
		source_http(s, &req, kuma_beats_done, s);
	} else if (strcmp(c->kind, "alertmanager") == 0) {
		u1 = join_url(c->url, "/-/ready");
		req.url = u1;
		source_http(s, &req, am_ready_done, s);
		u2 = join_url(c->url, "/api/v2/status");
		req.url = u2;
		source_http(s, &req, am_status_done, s);
	} else {
		u1 = join_url(c->url, c->hk != NULL && c->hk->path != NULL ? c->hk->path : "");
		req.url = u1;
		/* A health answer is a few hundred bytes: 1 MiB is plenty, and
		 * keeps many misbehaving services from adding up. */
		req.max_bytes = s->max_bytes < HEALTH_MAX_BYTES ? s->max_bytes : HEALTH_MAX_BYTES;
		source_http(s, &req, plain_done, s);
	}
	free(u1);
	free(u2);
}

static void
kuma_round_end(struct source *s, struct http_check *c)
{
	struct model *m = &s->app->model;
	struct kuma_monitor *mons = NULL;
	size_t n = 0, up = 0, down = 0;
	char *cause = NULL;
	struct service *sv = model_service(m, c->name, c->kind);

	if (c->beats == NULL) {
		service_set(s, sv, SVC_DOWN, -1, s->error ? s->error : "no answer");
		return;
	}
	if (kuma_parse(c->page, c->page_len, c->beats, c->beats_len, &mons, &n, &cause) != 0) {
		service_set(s, sv, SVC_DEGRADED, c->latency, cause);
		free(cause);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *rname = xasprintf("%s: %s", c->name, mons[i].name);
		struct service *row = model_service(m, rname, "uptime_kuma");
		enum svc_state st = SVC_UNKNOWN;
		const char *word = "no heartbeat";

		switch (mons[i].status) {
		case 0: st = SVC_DOWN; word = "DOWN"; down++; break;
		case 1: st = SVC_UP; word = "UP"; up++; break;
		case 2: st = SVC_DEGRADED; word = "PENDING"; break;
		case 3: st = SVC_DEGRADED; word = "MAINTENANCE"; break;
		default: break;
		}
		str_set(&row->parent, c->name);
		model_service_update(m, row, st, mons[i].ping, word);
		free(rname);
	}
	model_service_prune(m, c->name);
	{
		char detail[128];

		snprintf(detail, sizeof detail, "%zu monitors: %zu up, %zu down", n, up, down);
		service_set(s, sv, down > 0 ? SVC_DEGRADED : SVC_UP, c->latency, detail);
	}
	kuma_monitors_free(mons, n);
}

static void
http_check_round_end(struct source *s)
{
	struct http_check *c = s->data;
	struct model *m = &s->app->model;

	if (strcmp(c->kind, "uptime_kuma") == 0) {
		kuma_round_end(s, c);
		return;
	}
	if (!c->have_first)
		return;
	if (strcmp(c->kind, "keycloak") == 0) {
		struct health_result hr = c->first;

		if (hr.state == SVC_UP && c->page == NULL) {
			hr.state = SVC_DEGRADED;
			snprintf(hr.detail, sizeof hr.detail, "health UP, realm %s discovery failed", c->realm);
		} else if (hr.state == SVC_UP)
			snprintf(hr.detail, sizeof hr.detail, "health UP, realm %s", c->realm);
		service_set(s, model_service(m, c->name, c->kind), hr.state, c->latency, hr.detail);
	} else if (strcmp(c->kind, "alertmanager") == 0) {
		struct health_result hr = c->first;

		/* No /-/ready (the multi-tenant Alertmanager of Grafana Mimir
		 * or Cortex): its status API answering is the verdict. */
		if (c->no_ready && c->status_ok) {
			hr.state = SVC_UP;
			snprintf(hr.detail, sizeof hr.detail, "status API answers");
		}
		if (hr.state == SVC_UP && c->page != NULL) {
			char st[32];
			int peers = 0;

			if (sscanf(c->page, "%31[^:]:%d", st, &peers) == 2) {
				if (strcmp(st, "settling") == 0)
					hr.state = SVC_DEGRADED;
				snprintf(hr.detail, sizeof hr.detail, "%s, cluster %s (%d peers)",
				    c->no_ready ? "status API" : "ready", st, peers);
			}
		}
		service_set(s, model_service(m, c->name, c->kind), hr.state, c->latency, hr.detail);
	}
}

static void
http_check_free(struct source *s)
{
	struct http_check *c = s->data;

	free(c->name);
	free(c->kind);
	free(c->url);
	pcre2_code_free(c->match);
	secret_free(c->auth_header);
	backend_clear(&c->be);
	free(c->realm);
	free(c->health_url);
	free(c->slug);
	free(c->page);
	free(c->beats);
	free(c);
}

static const struct source_ops http_check_ops = {
	.kind = "http",
	.start = http_check_start,
	.round_end = http_check_round_end,
	.free = http_check_free,
};

struct source *
http_check_source_new(struct app *app, const char *name, const struct http_check_opts *o, char **cause)
{
	struct http_check *c = xcalloc(1, sizeof *c);

	c->name = xstrdup(name);
	c->kind = xstrdup(o->kind);
	c->hk = health_kind_find(o->kind);
	c->url = xstrdup(o->url != NULL ? o->url : (c->hk && c->hk->default_url ? c->hk->default_url : ""));
	c->expect = o->expect;
	c->insecure = o->insecure;
	c->auth_header = o->auth_header != NULL ? xstrdup(o->auth_header) : NULL;
	if (o->be != NULL)
		backend_copy(&c->be, o->be);
	c->realm = xstrdup(o->realm != NULL ? o->realm : "ceres");
	c->slug = xstrdup(o->slug != NULL ? o->slug : "ceres");
	if (o->health_url != NULL)
		c->health_url = xstrdup(o->health_url);
	else if (strcmp(c->kind, "keycloak") == 0) {
		/* The management port (9000) next to the default 8081. */
		c->health_url = xstrdup("http://127.0.0.1:9000");
	} else
		c->health_url = xstrdup(c->url);
	if (o->match != NULL) {
		int err;
		PCRE2_SIZE off;

		c->match = pcre2_compile((PCRE2_SPTR)o->match, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
		if (c->match == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(err, msg, sizeof msg);
			*cause = xasprintf("service %s: match: %s at offset %zu", name, (char *)msg, (size_t)off);
			http_check_free(&(struct source){ .data = c });
			return NULL;
		}
	}
	return source_new(app, &http_check_ops, name, c);
}
