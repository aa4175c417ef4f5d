/* The webhook test menu (`w`): every [webhook "name"] route and every hook
 * of the configured Gitea repositories, tested one at a time (Enter) or
 * all at once in parallel (`a`).  Each result (status, latency, first line
 * of the answer) is shown per route, kept in webhooks.json for the
 * readiness checks, and written to the audit trail.  Webhook URLs are
 * secrets: only their url_redact() form is ever shown or recorded. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX	160
#define BODY_MAX	(64u << 10)
#define STATE_MAX	(4u << 20)

struct wh_route {
	struct webhooks		*w;
	char			*name;
	enum webhook_kind	 kind;
	char			*url;		/* secret; NULL for Gitea hooks */
	char			*shown;		/* safe to show */
	char			*channel;
	char			*username;
	double			 timeout;
	char			*problem;	/* why it cannot be tested */
	char			*repo;		/* Gitea: owner/name */
	long			 hook_id;
	bool			 stale;		/* Gitea: gone from the last listing */
	bool			 in_batch;	/* part of the running "test all" */
	struct http_handle	*pending;
	bool			 has_last;
	struct webhook_result	 last;
};

struct gitea_repo {
	struct webhooks		*w;
	char			*repo;
	struct http_handle	*pending;
	char			*error;
	size_t			 nhooks;
	bool			 listed;
};

struct webhooks {
	struct app		*app;
	struct wh_route		**routes;
	size_t			  nroutes;
	char			 *gitea_url;
	char			 *gitea_token;	/* secret */
	bool			  gitea_insecure;
	struct gitea_repo	**repos;
	size_t			  nrepos;
	char			 *state_path;
	size_t			  sel;
	size_t			  top;
	bool			  menu_open;
	char			 *confirm_route;	/* route a pending y/n is about */
	size_t			  batch_left;		/* results still due in "test all" */
	size_t			  batch_ok;
	size_t			  batch_total;
};

static void
burn_free(char *s)
{
	secret_free(s);
}

static void
route_free(struct webhooks *w, struct wh_route *r)
{
	if (r->pending != NULL)
		loop_http_cancel(w->app->loop, r->pending);
	free(r->name);
	burn_free(r->url);
	free(r->shown);
	free(r->channel);
	free(r->username);
	free(r->problem);
	free(r->repo);
	free(r->last.answer);
	free(r);
}

/* The last result of a route from webhooks.json, if any. */
static void
route_load_last(struct webhooks *w, struct wh_route *r)
{
	char *cause = NULL, *text;
	size_t len;

	text = file_read_small(w->state_path, STATE_MAX, &len, &cause);
	free(cause);
	if (text == NULL)
		return;
	free(r->last.answer);
	r->last.answer = NULL;
	r->has_last = webhook_state_lookup(text, len, r->name, &r->last) == 0;
	free(text);
}

static struct wh_route *
route_add(struct webhooks *w, const char *name, enum webhook_kind kind)
{
	struct wh_route *r = xcalloc(1, sizeof *r);

	r->w = w;
	r->name = xstrdup(name);
	r->kind = kind;
	w->routes = xreallocarray(w->routes, w->nroutes + 1, sizeof *w->routes);
	w->routes[w->nroutes++] = r;
	return r;
}

static void
routes_from_config(struct webhooks *w)
{
	struct app *app = w->app;
	const char **names = NULL;
	size_t n = config_names(app->config, "webhook", &names);

	for (size_t i = 0; i < n; i++) {
		const char *kind = config_get(app->config, "webhook", names[i], "kind");
		const char *url = config_get(app->config, "webhook", names[i], "url");
		const char *v;
		int k = webhook_kind_parse(kind != NULL ? kind : "mattermost");
		struct wh_route *r = route_add(w, names[i], k < 0 ? WEBHOOK_GENERIC : (enum webhook_kind)k);

		if (k < 0)
			r->problem = xasprintf(_("unknown kind \"%s\" (mattermost, zulip, slack, generic)"), kind);
		else if (url == NULL || *url == '\0')
			r->problem = xstrdup(_("no url (set url_file or url_env)"));
		else if (!str_has_prefix(url, "http://") && !str_has_prefix(url, "https://"))
			r->problem = xstrdup(_("url is not http:// or https://"));
		else
			r->url = xstrdup(url);
		r->shown = url_redact(url);
		if ((v = config_get(app->config, "webhook", names[i], "channel")) != NULL)
			r->channel = xstrdup(v);
		if ((v = config_get(app->config, "webhook", names[i], "username")) != NULL)
			r->username = xstrdup(v);
		r->timeout = config_get_double(app->config, "webhook", names[i], "timeout", 10);
		route_load_last(w, r);
	}
	free(names);
}

struct webhooks *
webhooks_new(struct app *app)
{
	struct webhooks *w = xcalloc(1, sizeof *w);
	const char *url = config_get(app->config, "gitea", NULL, "url");
	const char *token = config_get(app->config, "gitea", NULL, "token");
	const char *repos = config_get(app->config, "gitea", NULL, "repos");

	w->app = app;
	w->state_path = actions_state_path(app, "webhooks.json");
	routes_from_config(w);
	if (url != NULL && repos != NULL) {
		char *copy = xstrdup(repos), *save = NULL;

		w->gitea_url = xstrdup(url);
		while (*w->gitea_url != '\0' && w->gitea_url[strlen(w->gitea_url) - 1] == '/')
			w->gitea_url[strlen(w->gitea_url) - 1] = '\0';
		w->gitea_token = token != NULL ? xstrdup(token) : NULL;
		w->gitea_insecure = config_get_bool(app->config, "gitea", NULL, "insecure", false);
		for (char *t = strtok_r(copy, " \t,", &save); t != NULL; t = strtok_r(NULL, " \t,", &save)) {
			struct gitea_repo *g = xcalloc(1, sizeof *g);

			g->w = w;
			g->repo = xstrdup(t);
			w->repos = xreallocarray(w->repos, w->nrepos + 1, sizeof *w->repos);
			w->repos[w->nrepos++] = g;
		}
		free(copy);
	}
	return w;
}

void
webhooks_free(struct webhooks *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nroutes; i++)
		route_free(w, w->routes[i]);
	free(w->routes);
	for (size_t i = 0; i < w->nrepos; i++) {
		if (w->repos[i]->pending != NULL)
			loop_http_cancel(w->app->loop, w->repos[i]->pending);
		free(w->repos[i]->repo);
		free(w->repos[i]->error);
		free(w->repos[i]);
	}
	free(w->repos);
	free(w->gitea_url);
	burn_free(w->gitea_token);
	free(w->state_path);
	free(w->confirm_route);
	free(w);
}

/* ---- sending ---- */

static void
record_result(struct webhooks *w, struct wh_route *r)
{
	struct app *app = w->app;
	char *cause = NULL, *old, *text, *result;
	size_t len = 0;
	cJSON *params;

	old = file_read_small(w->state_path, STATE_MAX, &len, &cause);
	free(cause);
	cause = NULL;
	text = webhook_state_update(old, len, r->name, &r->last);
	free(old);
	if (file_write_atomic(w->state_path, text, strlen(text), &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("webhook state: %s"), cause);
		free(cause);
		cause = NULL;
	}
	free(text);
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "kind", webhook_kind_name(r->kind));
	cJSON_AddStringToObject(params, "url", r->shown);
	if (r->kind == WEBHOOK_GITEA) {
		cJSON_AddStringToObject(params, "repo", r->repo);
		cJSON_AddNumberToObject(params, "hook_id", (double)r->hook_id);
	}
	cJSON_AddNumberToObject(params, "status", (double)r->last.status);
	cJSON_AddNumberToObject(params, "latency_ms", (double)(long)(r->last.latency_ms * 10) / 10);
	result = xasprintf("%s: %s", r->last.ok ? "ok" : "failed", r->last.answer);
	if (audit_record(app, "webhook.test", r->name, params, result, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("audit: %s"), cause);
		free(cause);
	}
	free(result);
	cJSON_Delete(params);
}

/* Zulip puts the wait in the body ("retry-after": 28.7) as well. */
static double
body_retry_after(const char *body, size_t len)
{
	cJSON *j = json_parse_bounded(body, len, NULL);
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "retry-after");
	double d = cJSON_IsNumber(v) && v->valuedouble > 0 && v->valuedouble < 86400 ? v->valuedouble : 0;

	cJSON_Delete(j);
	return d;
}

static void
route_done(const struct http_response *resp, void *arg)
{
	struct wh_route *r = arg;
	struct webhooks *w = r->w;
	const char *secret = r->kind == WEBHOOK_GITEA ? w->gitea_token : r->url;
	char *answer;

	r->pending = NULL;
	if (resp->error != NULL) {
		char *e = webhook_scrub(resp->error, secret), *clean = sanitize_str(e);

		answer = resp->status > 0 ? xasprintf("%s", clean) :
		    strstr(resp->error, "timed out") != NULL ? xasprintf(_("timeout: %s"), clean) :
		    xasprintf(_("no answer: %s"), clean);
		free(e);
		free(clean);
	} else {
		char *a = webhook_answer(resp->body, resp->len, secret, ANSWER_MAX);

		if (resp->status == 429) {
			double ra = resp->retry_after > 0 ? resp->retry_after :
			    body_retry_after(resp->body, resp->len);

			answer = ra > 0 ? xasprintf(_("rate limited, retry after %.0fs: %s"), ra, a) :
			    xasprintf(_("rate limited: %s"), a);
			free(a);
		} else if (*a == '\0') {
			free(a);
			answer = xstrdup(resp->status == 204 ? _("no content") : _("empty answer"));
		} else
			answer = a;
	}
	free(r->last.answer);
	r->last.answer = answer;
	r->last.ok = resp->error == NULL &&
	    webhook_accepted(r->kind, resp->status, resp->body, resp->len);
	r->last.status = resp->status;
	r->last.latency_ms = resp->latency_ms;
	r->last.time = now_wall();
	r->has_last = true;
	record_result(w, r);
	if (r->in_batch && w->batch_left > 0) {
		r->in_batch = false;
		w->batch_left--;
		w->batch_ok += r->last.ok;
		if (w->batch_left == 0)
			ui_message(w->app, w->batch_ok == w->batch_total ? UI_MSG_INFO : UI_MSG_ERROR,
			    P_("webhook test: %zu of %zu route accepted the message",
			    "webhook test: %zu of %zu routes accepted the message",
			    w->batch_total), w->batch_ok, w->batch_total);
	} else if (!w->menu_open)
		ui_message(w->app, r->last.ok ? UI_MSG_INFO : UI_MSG_ERROR, "%s: %s %ld %s",
		    r->name, r->last.ok ? "✓" : "✗", r->last.status, r->last.answer);
	app_dirty(w->app);
}

static bool
route_send(struct webhooks *w, struct wh_route *r)
{
	struct app *app = w->app;
	struct http_request req;
	char ts[40], *body, *url, *auth = NULL;
	const char *headers[4];
	struct webhook_msg m;

	if (r->pending != NULL || r->problem != NULL)
		return false;
	memset(&m, 0, sizeof m);
	m.route = r->name;
	m.site = app->site;
	m.sent_by = app->user_host;
	m.time = fmt_rfc3339(now_wall(), ts, sizeof ts);
	m.version = PACKAGE_VERSION;
	m.channel = r->channel;
	m.username = r->username;
	memset(&req, 0, sizeof req);
	headers[0] = "Content-Type: application/json";
	headers[1] = "Accept: application/json, text/plain;q=0.9, */*;q=0.5";
	headers[2] = NULL;
	if (r->kind == WEBHOOK_GITEA) {
		url = xasprintf("%s/api/v1/repos/%s/hooks/%ld/tests", w->gitea_url, r->repo, r->hook_id);
		body = xstrdup("");
		if (w->gitea_token != NULL) {
			auth = xasprintf("Authorization: token %s", w->gitea_token);
			headers[2] = auth;
			headers[3] = NULL;
		}
		req.authenticated = true;
		req.insecure = w->gitea_insecure;
	} else {
		url = xstrdup(r->url);
		body = webhook_payload(r->kind, &m);
		req.authenticated = true;	/* the URL itself is the secret */
	}
	req.url = url;
	req.method = "POST";
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	req.timeout = r->timeout > 0 ? r->timeout : 10;
	req.max_bytes = BODY_MAX;
	req.scope = app;	/* the site's connections */
	r->pending = loop_http(app->loop, &req, route_done, r);
	burn_free(url);
	burn_free(auth);
	free(body);
	app_dirty(app);
	return true;
}

/* ---- Gitea hooks ---- */

static struct wh_route *
route_find(struct webhooks *w, const char *name)
{
	for (size_t i = 0; i < w->nroutes; i++)
		if (strcmp(w->routes[i]->name, name) == 0)
			return w->routes[i];
	return NULL;
}

static void
routes_drop_stale(struct webhooks *w)
{
	size_t j = 0;

	for (size_t i = 0; i < w->nroutes; i++) {
		struct wh_route *r = w->routes[i];

		if (r->stale && r->pending == NULL)
			route_free(w, r);
		else
			w->routes[j++] = r;
	}
	w->nroutes = j;
	if (w->sel >= w->nroutes)
		w->sel = w->nroutes > 0 ? w->nroutes - 1 : 0;
}

static void
hooks_listed(const struct http_response *resp, void *arg)
{
	struct gitea_repo *g = arg;
	struct webhooks *w = g->w;
	struct webhook_gitea_hook *hooks = NULL;
	size_t n = 0;
	char *cause = NULL;

	g->pending = NULL;
	g->listed = true;
	free(g->error);
	g->error = NULL;
	if (resp->error != NULL || resp->status != 200) {
		char *a = resp->error != NULL ? webhook_scrub(resp->error, w->gitea_token) :
		    webhook_answer(resp->body, resp->len, w->gitea_token, ANSWER_MAX);
		char *clean = sanitize_str(a);

		g->error = resp->status > 0 ? xasprintf("%ld %s", resp->status, clean) : xstrdup(clean);
		free(a);
		free(clean);
		app_dirty(w->app);
		return;
	}
	if (webhook_gitea_hooks_parse(resp->body, resp->len, &hooks, &n, &cause) != 0) {
		g->error = cause;
		app_dirty(w->app);
		return;
	}
	for (size_t i = 0; i < w->nroutes; i++)
		if (w->routes[i]->kind == WEBHOOK_GITEA && strcmp(w->routes[i]->repo, g->repo) == 0)
			w->routes[i]->stale = true;
	for (size_t i = 0; i < n; i++) {
		char *name = xasprintf("gitea:%s#%ld", g->repo, hooks[i].id);
		struct wh_route *r = route_find(w, name);

		if (r == NULL) {
			r = route_add(w, name, WEBHOOK_GITEA);
			r->repo = xstrdup(g->repo);
			r->hook_id = hooks[i].id;
			r->timeout = w->app->timeout > 0 ? w->app->timeout * 2 : 10;
			route_load_last(w, r);
		}
		r->stale = false;
		free(r->shown);
		r->shown = xasprintf("%s%s → %s", hooks[i].type, hooks[i].active ? "" : _(" (inactive)"),
		    hooks[i].target);
		free(name);
	}
	g->nhooks = n;
	webhook_gitea_hooks_free(hooks, n);
	routes_drop_stale(w);
	app_dirty(w->app);
}

static void
hooks_list(struct webhooks *w)
{
	for (size_t i = 0; i < w->nrepos; i++) {
		struct gitea_repo *g = w->repos[i];
		struct http_request req;
		char *url, *auth = NULL;
		const char *headers[3] = { "Accept: application/json", NULL, NULL };

		if (g->pending != NULL)
			continue;
		memset(&req, 0, sizeof req);
		url = xasprintf("%s/api/v1/repos/%s/hooks?limit=50", w->gitea_url, g->repo);
		if (w->gitea_token != NULL) {
			auth = xasprintf("Authorization: token %s", w->gitea_token);
			headers[1] = auth;
		}
		req.url = url;
		req.headers = headers;
		req.timeout = w->app->timeout > 0 ? w->app->timeout * 2 : 10;
		req.max_bytes = 1u << 20;
		req.authenticated = true;
		req.insecure = w->gitea_insecure;
		req.scope = w->app;
		g->pending = loop_http(w->app->loop, &req, hooks_listed, g);
		free(url);
		burn_free(auth);
	}
}

/* ---- the menu ---- */

static void
draw_result(WINDOW *win, int y, int x, int width, const struct wh_route *r)
{
	char line[512], age[16], status[24];

	if (r->problem != NULL) {
		snprintf(line, sizeof line, "! %s", r->problem);
		ui_put(win, y, x, line, width, ui_attr(COLOR_ROLE_WARN));
		return;
	}
	if (r->pending != NULL) {
		ui_put(win, y, x, _("… sending"), width, ui_attr(COLOR_ROLE_HIGHLIGHT));
		return;
	}
	if (!r->has_last) {
		ui_put(win, y, x, _("– not tested yet"), width, ui_attr(COLOR_ROLE_DIM));
		return;
	}
	if (r->last.status > 0)
		snprintf(status, sizeof status, "%ld", r->last.status);
	else
		snprintf(status, sizeof status, "---");
	fmt_age(now_wall() - r->last.time, age, sizeof age);
	snprintf(line, sizeof line, "%s %s %5.0f ms  %s  (%s %s)", r->last.ok ? "✓" : "✗", status,
	    r->last.latency_ms, r->last.answer != NULL ? r->last.answer : "", age, _("ago"));
	ui_put(win, y, x, line, width, ui_attr(r->last.ok ? COLOR_ROLE_OK : COLOR_ROLE_CRIT));
}

static void
menu_draw(struct app *app, void *data, WINDOW *win)
{
	struct webhooks *w = data;
	int h = getmaxy(win), width = getmaxx(win), y = 0, namew = 8, kindw = 10, targw = 0;
	size_t rows;

	(void)app;
	ui_put(win, y++, 0, _("Enter test · a test all · i details · r reload Gitea hooks · Esc close"),
	    width, ui_attr(COLOR_ROLE_DIM));
	y++;
	for (size_t i = 0; i < w->nroutes; i++) {
		int tw = text_width(w->routes[i]->name);

		if (tw > namew)
			namew = tw;
	}
	if (namew > width / 4)
		namew = width / 4;
	/* The target only when there is room: the result matters more. */
	if (width >= 110)
		targw = width / 5;
	if (w->nroutes == 0)
		ui_put(win, y++, 2, _("No notification route: add [webhook \"name\"] sections, or [gitea] repos."),
		    width - 2, A_NORMAL);
	rows = h - y > (int)w->nrepos + 1 ? (size_t)(h - y - (int)w->nrepos - 1) : 1;
	if (w->sel < w->top)
		w->top = w->sel;
	if (w->sel >= w->top + rows)
		w->top = w->sel - rows + 1;
	for (size_t i = w->top; i < w->nroutes && y < h; i++) {
		const struct wh_route *r = w->routes[i];
		bool sel = i == w->sel;
		attr_t a = sel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;
		int x = 0;

		if (sel) {
			wattr_on(win, a, NULL);
			mvwhline(win, y, 0, ' ', width);
			wattr_off(win, a, NULL);
		}
		x += ui_put(win, y, x, sel ? "▸ " : "  ", 2, a);
		ui_put(win, y, x, r->name, namew, a | A_BOLD);
		x += namew + 1;
		ui_put(win, y, x, webhook_kind_name(r->kind), kindw, a);
		x += kindw + 1;
		if (targw > 0) {
			ui_put(win, y, x, r->shown != NULL ? r->shown : "", targw, a | ui_attr(COLOR_ROLE_DIM));
			x += targw + 1;
		}
		if (x < width)
			draw_result(win, y, x, width - x, r);
		y++;
	}
	if (w->nrepos > 0 && y < h)
		y++;
	for (size_t i = 0; i < w->nrepos && y < h; i++) {
		const struct gitea_repo *g = w->repos[i];
		char line[512];
		enum color_role role = COLOR_ROLE_DIM;

		if (g->pending != NULL)
			snprintf(line, sizeof line, _("gitea %s: listing hooks…"), g->repo);
		else if (g->error != NULL) {
			snprintf(line, sizeof line, _("gitea %s: cannot list hooks: %s"), g->repo, g->error);
			role = COLOR_ROLE_CRIT;
		} else if (!g->listed)
			snprintf(line, sizeof line, _("gitea %s: hooks not listed yet"), g->repo);
		else if (g->nhooks == 0) {
			snprintf(line, sizeof line, _("gitea %s: no webhook configured"), g->repo);
			role = COLOR_ROLE_WARN;
		} else
			snprintf(line, sizeof line, P_("gitea %s: %zu hook", "gitea %s: %zu hooks", g->nhooks),
			    g->repo, g->nhooks);
		ui_put(win, y++, 2, line, width - 2, ui_attr(role));
	}
}

static void
confirm_one(struct app *app, bool yes, void *arg)
{
	struct webhooks *w = arg;
	struct wh_route *r = w->confirm_route != NULL ? route_find(w, w->confirm_route) : NULL;

	free(w->confirm_route);
	w->confirm_route = NULL;
	if (!yes || r == NULL)
		return;
	if (!route_send(w, r))
		ui_message(app, UI_MSG_WARN, _("%s: a test is already on its way"), r->name);
}

static void
confirm_all(struct app *app, bool yes, void *arg)
{
	struct webhooks *w = arg;
	size_t sent = 0;

	(void)app;
	if (!yes)
		return;
	if (w->batch_left > 0) {
		ui_message(app, UI_MSG_WARN, "%s", _("a test of all routes is still running"));
		return;
	}
	w->batch_ok = 0;
	for (size_t i = 0; i < w->nroutes; i++) {
		if (route_send(w, w->routes[i])) {
			w->routes[i]->in_batch = true;
			sent++;
		}
	}
	w->batch_left = w->batch_total = sent;
	if (sent == 0)
		ui_message(app, UI_MSG_WARN, "%s", _("no route can be tested now"));
}

/* Everything known about a route, for screens too narrow for the row. */
static void
route_details(struct app *app, const struct wh_route *r)
{
	struct strbuf sb;
	char ts[40];

	strbuf_init(&sb);
	strbuf_addf(&sb, "%-10s %s\n%-10s %s\n%-10s %s\n", _("route"), r->name, _("kind"),
	    webhook_kind_name(r->kind), _("target"), r->shown != NULL ? r->shown : "-");
	if (r->problem != NULL)
		strbuf_addf(&sb, "%-10s %s\n", _("problem"), r->problem);
	if (r->pending != NULL)
		strbuf_addf(&sb, "\n%s\n", _("A test is on its way."));
	if (r->has_last) {
		strbuf_addf(&sb, "\n%s\n%-10s %s\n%-10s %ld\n%-10s %.1f ms\n%-10s %s\n%-10s %s\n",
		    _("Last test"), _("result"), r->last.ok ? _("accepted") : _("failed"),
		    _("status"), r->last.status, _("latency"), r->last.latency_ms,
		    _("time"), fmt_rfc3339(r->last.time, ts, sizeof ts), _("answer"),
		    r->last.answer != NULL ? r->last.answer : "");
	} else if (r->problem == NULL)
		strbuf_addf(&sb, "\n%s\n", _("Not tested yet."));
	ui_text_overlay(app, r->name, strbuf_detach(&sb));
}

static size_t
testable(const struct webhooks *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nroutes; i++)
		n += w->routes[i]->problem == NULL;
	return n;
}

/* Checks shared by every send: read-only mode and a writable audit log. */
static bool
may_send(struct app *app)
{
	char *cause = NULL;

	if (!app_action_allowed(app))
		return false;
	if (audit_check(app, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("not sent: %s"), cause);
		free(cause);
		return false;
	}
	return true;
}

static bool
menu_key(struct app *app, void *data, int key)
{
	struct webhooks *w = data;
	char *q;
	size_t n;

	switch (key) {
	case 27: case 'q':
		return true;
	case 'j': case 'k': case 'g': case 'G':
	case KEY_DOWN: case KEY_UP: case KEY_HOME: case KEY_END:
		ui_list_move(key, &w->sel, w->nroutes, 1);
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (w->sel >= w->nroutes || !may_send(app))
			break;
		if (w->routes[w->sel]->problem != NULL) {
			ui_message(app, UI_MSG_WARN, "%s: %s", w->routes[w->sel]->name, w->routes[w->sel]->problem);
			break;
		}
		str_set(&w->confirm_route, w->routes[w->sel]->name);
		q = xasprintf(_("Send a test message to %s (%s)?"), w->routes[w->sel]->name,
		    w->routes[w->sel]->shown);
		ui_confirm(app, q, confirm_one, w);
		free(q);
		break;
	case 'a':
		n = testable(w);
		if (n == 0) {
			ui_message(app, UI_MSG_WARN, "%s", _("no route can be tested"));
			break;
		}
		if (!may_send(app))
			break;
		q = xasprintf(P_("Send a test message to %zu route?", "Send test messages to all %zu routes?",
		    n), n);
		ui_confirm(app, q, confirm_all, w);
		free(q);
		break;
	case 'r':
		hooks_list(w);
		break;
	case 'i':
		if (w->sel < w->nroutes)
			route_details(app, w->routes[w->sel]);
		break;
	default:
		break;
	}
	return false;
}

static void
menu_free(void *data)
{
	struct webhooks *w = data;

	w->menu_open = false;
}

static const struct overlay_ops menu_ops = {
	.draw = menu_draw,
	.key = menu_key,
	.free = menu_free,
};

bool
webhooks_menu_key(struct app *app, void *arg)
{
	struct webhooks *w = app->actions != NULL ? app->actions->webhooks : NULL;

	(void)arg;
	if (w == NULL || !app_action_allowed(app))
		return true;
	if (w->menu_open)
		return true;
	for (size_t i = 0; i < w->nrepos; i++)
		if (!w->repos[i]->listed) {
			hooks_list(w);
			break;
		}
	w->menu_open = true;
	ui_overlay_open(app, _("Notification routes — webhook tests"), &menu_ops, w);
	return true;
}
