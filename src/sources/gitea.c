/* The Gitea activity source: per configured repository the activity feed
 * (paged, only as deep as needed to catch up, capped per poll), or on
 * servers older than 1.20 the commits, pull requests and releases; the
 * optional user feed; and every few minutes the repository hooks, kept as
 * facts for the readiness score. */
#include "ceres/sources/activity.h"
#include "ceres/core/app.h"
#include "ceres/net/backend.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION_RECHECK	600.0	/* seconds between /version checks */
#define HOOKS_RECHECK	300.0	/* seconds between hook list reads */
#define KEEP_PER_TARGET	300	/* events remembered per repository */

enum greq_what {
	GREQ_FEEDS = 0,
	GREQ_COMMITS,
	GREQ_PULLS,
	GREQ_RELEASES,
	GREQ_HOOKS,
	GREQ_COUNT
};

struct gitea_target;

/* One request in flight.  Each target has at most one per kind at a time
 * (pages follow one another), so the contexts live in the target and
 * nothing leaks when the source is freed with requests in flight. */
struct greq {
	struct source		*s;
	struct gitea_target	*t;
	enum greq_what		 what;
	int			 page;
};

struct gitea_target {
	char			*name;		/* "owner/name", or the user */
	char			*path;		/* "/api/v1/repos/o/n", "/api/v1/users/u" */
	bool			 user;
	struct greq		 req[GREQ_COUNT];
	struct act_list		 events;	/* as of the last good poll */
	bool			 have;
	double			 newest;
	bool			 legacy;	/* no feeds: the fallback endpoints */
	/* This round. */
	struct act_list		 round;
	struct act_list		 part[3];	/* commits, pulls, releases */
	int			 parts_pending;
	bool			 failed;
	/* Hooks (repositories only). */
	struct gitea_hooks	 hooks;
	bool			 hooks_known;
	char			*hooks_note;
};

struct gitea {
	struct act_timeline	*tl;
	struct backend		 be;		/* base URL, Accept and token headers */
	char			*token;		/* for scrubbing echoes; NULL without */
	int			 limit;
	int			 pages;
	struct gitea_target	*t;
	size_t			 nt;
	enum { MODE_UNKNOWN, MODE_FEEDS, MODE_LEGACY } mode;
	char			*version;
	double			 version_at;
	double			 hooks_at;
	struct greq		 version_req;
	bool			 facts;		/* the "gitea" health row exists for us */
};

static void on_answer(const struct http_response *r, void *arg);

/* GET base URL + path with the token; the answer goes to on_answer(q). */
static void
send_req(struct source *s, struct greq *q, const char *pathq)
{
	struct gitea *g = s->data;

	q->s = s;
	backend_get(s, &g->be, pathq, 0, on_answer, q);
}

static void
ask(struct source *s, struct gitea_target *t, enum greq_what what, int page)
{
	struct gitea *g = s->data;
	struct greq *q = &t->req[what];
	char *pq;

	q->t = t;
	q->what = what;
	q->page = page;
	switch (what) {
	case GREQ_FEEDS:
		pq = xasprintf("%s/activities/feeds?limit=%d&page=%d", t->path, g->limit, page);
		break;
	case GREQ_COMMITS:
		/* Without stats, files and signatures: much cheaper to poll. */
		pq = xasprintf("%s/commits?limit=%d&page=1&stat=false&files=false&verification=false",
		    t->path, g->limit);
		break;
	case GREQ_PULLS:
		pq = xasprintf("%s/pulls?state=all&sort=recentupdate&limit=%d&page=1", t->path, g->limit);
		break;
	case GREQ_RELEASES:
		pq = xasprintf("%s/releases?limit=%d&page=1", t->path, g->limit);
		break;
	default:
		pq = xasprintf("%s/hooks?limit=50", t->path);
		break;
	}
	send_req(s, q, pq);
	free(pq);
}

/* A server may echo what it was sent: never let its message carry the
 * token into the error line. */
static char *
scrub_token(struct gitea *g, char *msg)
{
	const char *tok = g->token;
	struct strbuf sb;
	const char *p, *hit;

	if (msg == NULL || tok == NULL || *tok == '\0' || strstr(msg, tok) == NULL)
		return msg;
	strbuf_init(&sb);
	for (p = msg; (hit = strstr(p, tok)) != NULL; p = hit + strlen(tok)) {
		strbuf_add(&sb, p, (size_t)(hit - p));
		strbuf_adds(&sb, "<redacted>");
	}
	strbuf_adds(&sb, p);
	free(msg);
	return strbuf_detach(&sb);
}

/* The first failure of a target this round says what went wrong. */
static void
fail(struct source *s, struct gitea_target *t, const struct http_response *r, const char *what)
{
	char *msg = r != NULL && r->status != 0 ?
	    scrub_token(s->data, gitea_error_message(r->body, r->len)) : NULL;

	if (t != NULL)
		t->failed = true;
	if (r == NULL)
		source_error(s, "%s: %s", t != NULL ? t->name : "gitea", what);
	else if (r->status == 0)
		source_error(s, "%s", r->error != NULL ? r->error : "no answer");
	else if (r->status == 401)
		source_error(s, "auth error: check token (HTTP 401%s%s)", msg ? ": " : "", msg ? msg : "");
	else if (r->status == 403)
		source_error(s, "%s: permission denied (HTTP 403%s%s)", t != NULL ? t->name : what,
		    msg ? ": " : "", msg ? msg : "");
	else if (r->status == 404)
		source_error(s, "%s: not found (HTTP 404)", t != NULL ? t->name : what);
	else if (r->error != NULL)
		source_error(s, "%s: %s: %s", t != NULL ? t->name : "gitea", what, r->error);
	else
		source_error(s, "%s: %s: HTTP %ld%s%s", t != NULL ? t->name : "gitea", what, r->status,
		    msg ? ": " : "", msg ? msg : "");
	free(msg);
}

static double
list_oldest(const struct act_list *l, size_t from)
{
	double t = 0;

	for (size_t i = from; i < l->n; i++)
		if (i == from || l->v[i].time < t)
			t = l->v[i].time;
	return t;
}

static bool
list_has_key(const struct act_list *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return true;
	return false;
}

/* A target's round is complete: what came now, plus what we knew that is
 * older than the deepest page read (a poll reads only the new part). */
static void
target_done(struct gitea_target *t)
{
	struct act_list merged;
	double oldest = list_oldest(&t->round, 0);

	act_list_init(&merged);
	act_list_move(&merged, &t->round);
	for (size_t i = 0; i < t->events.n; i++) {
		struct act_event *e = &t->events.v[i];

		if (merged.n > 0 && e->time > oldest)
			continue;	/* gone from the newest pages: deleted */
		if (!list_has_key(&merged, e->key))
			act_list_add_copy(&merged, e);
	}
	act_list_sort(&merged);
	while (merged.n > KEEP_PER_TARGET)
		act_event_clear(&merged.v[--merged.n]);
	act_list_free(&t->events);
	t->events = merged;
	t->newest = t->events.n > 0 ? t->events.v[0].time : t->newest;
	t->have = true;
}

static void
feeds_answer(struct source *s, struct greq *q, const struct http_response *r)
{
	struct gitea *g = s->data;
	struct gitea_target *t = q->t;
	struct gitea_ctx ctx = { g->be.base, t->user ? "" : t->name, t->have ? t->newest : INFINITY };
	size_t before = t->round.n;
	char *cause = NULL;

	if (r->status == 404 && !t->user && q->page == 1) {
		/* No feeds on this server after all: read the fallback. */
		t->legacy = true;
		t->parts_pending = 3;
		ask(s, t, GREQ_COMMITS, 1);
		ask(s, t, GREQ_PULLS, 1);
		ask(s, t, GREQ_RELEASES, 1);
		return;
	}
	if (r->status != 200 || r->error != NULL) {
		fail(s, t, r, "activity feed");
		return;
	}
	if (gitea_feeds_parse(r->body, r->len, &ctx, &t->round, &cause) != 0) {
		source_error(s, "%s: %s", t->name, cause);
		free(cause);
		t->failed = true;
		return;
	}
	/* Another page only while everything on this one was unknown. */
	if (q->page < g->pages &&
	    gitea_has_next_page(http_response_header(r, "Link"), http_response_header(r, "X-Total-Count"),
	    q->page, g->limit, t->round.n - before) &&
	    (!t->have || list_oldest(&t->round, before) > t->newest))
		ask(s, t, GREQ_FEEDS, q->page + 1);
	else
		target_done(t);
}

static void
legacy_answer(struct source *s, struct greq *q, const struct http_response *r)
{
	struct gitea *g = s->data;
	struct gitea_target *t = q->t;
	struct gitea_ctx ctx = { g->be.base, t->name, t->have ? t->newest : INFINITY };
	int i = q->what - GREQ_COMMITS;
	char *cause = NULL;
	int rc = 0;

	t->parts_pending--;
	if (t->failed)
		return;
	if (q->what == GREQ_COMMITS && r->status == 409) {
		/* An empty repository: no commits, not an error. */
	} else if (r->status != 200 || r->error != NULL) {
		fail(s, t, r, q->what == GREQ_COMMITS ? "commits" : q->what == GREQ_PULLS ?
		    "pull requests" : "releases");
		return;
	} else if (q->what == GREQ_COMMITS)
		rc = gitea_commits_parse(r->body, r->len, &ctx, &t->part[i], &cause);
	else if (q->what == GREQ_PULLS)
		rc = gitea_pulls_parse(r->body, r->len, &ctx, &t->part[i], &cause);
	else
		rc = gitea_releases_parse(r->body, r->len, &ctx, &t->part[i], &cause);
	if (rc != 0) {
		source_error(s, "%s: %s", t->name, cause);
		free(cause);
		t->failed = true;
		return;
	}
	if (t->parts_pending == 0) {
		for (int k = 0; k < 3; k++)
			act_list_move(&t->round, &t->part[k]);
		act_list_sort(&t->round);
		/* The fallback lists are complete each time: no merging. */
		act_list_free(&t->events);
		t->events = t->round;
		act_list_init(&t->round);
		t->newest = t->events.n > 0 ? t->events.v[0].time : 0;
		t->have = true;
	}
}

static void
hooks_answer(struct source *s, struct greq *q, const struct http_response *r)
{
	struct gitea_target *t = q->t;
	char *cause = NULL;

	if (r->status == 200 && r->error == NULL) {
		if (gitea_hooks_parse(r->body, r->len, &t->hooks, &cause) == 0) {
			t->hooks_known = true;
			str_set(&t->hooks_note, NULL);
		} else {
			t->hooks_known = false;
			str_set(&t->hooks_note, cause);
			free(cause);
		}
		return;
	}
	if (r->status == 401) {
		fail(s, t, r, "hooks");
		return;
	}
	/* Reading hooks needs admin rights on the repository; without them
	 * the count is unknown, which is no reason to fail the activity. */
	t->hooks_known = false;
	free(t->hooks_note);
	if (r->status == 0)
		t->hooks_note = xstrdup(r->error != NULL ? r->error : "no answer");
	else
		t->hooks_note = xasprintf("HTTP %ld%s", r->status,
		    r->status == 403 || r->status == 404 ? " (the token needs admin rights on the repository)" : "");
}

static void start_targets(struct source *s);

static void
version_answer(struct source *s, const struct http_response *r)
{
	struct gitea *g = s->data;
	int major, minor;
	char *cause = NULL;

	if (r->status == 0) {
		fail(s, NULL, r, "version");
		return;
	}
	if (r->status == 401) {
		fail(s, NULL, r, "version");
		return;
	}
	g->version_at = now_wall();
	if (r->status == 200 && gitea_version_parse(r->body, r->len, &major, &minor, &cause) == 0) {
		g->mode = gitea_version_has_feeds(major, minor) ? MODE_FEEDS : MODE_LEGACY;
		/* After an upgrade the feeds may be there now. */
		for (size_t i = 0; g->mode == MODE_FEEDS && i < g->nt; i++)
			g->t[i].legacy = false;
		free(g->version);
		g->version = xasprintf("%d.%d", major, minor);
	} else if (g->mode == MODE_UNKNOWN) {
		/* No readable version: try the feeds, a 404 falls back. */
		g->mode = MODE_FEEDS;
	}
	free(cause);
	start_targets(s);
}

static void
on_answer(const struct http_response *r, void *arg)
{
	struct greq *q = arg;
	struct source *s = q->s;

	if (q->t == NULL) {
		version_answer(s, r);
		return;
	}
	switch (q->what) {
	case GREQ_FEEDS:
		feeds_answer(s, q, r);
		break;
	case GREQ_HOOKS:
		hooks_answer(s, q, r);
		break;
	default:
		legacy_answer(s, q, r);
		break;
	}
}

static void
start_targets(struct source *s)
{
	struct gitea *g = s->data;
	double now = now_wall();
	bool hooks = now - g->hooks_at >= HOOKS_RECHECK;

	for (size_t i = 0; i < g->nt; i++) {
		struct gitea_target *t = &g->t[i];

		t->failed = false;
		act_list_free(&t->round);
		for (int k = 0; k < 3; k++)
			act_list_free(&t->part[k]);
		if (t->user) {
			/* A user feed exists only where repository feeds do. */
			if (g->mode == MODE_FEEDS)
				ask(s, t, GREQ_FEEDS, 1);
			continue;
		}
		if (g->mode == MODE_FEEDS && !t->legacy)
			ask(s, t, GREQ_FEEDS, 1);
		else {
			t->parts_pending = 3;
			ask(s, t, GREQ_COMMITS, 1);
			ask(s, t, GREQ_PULLS, 1);
			ask(s, t, GREQ_RELEASES, 1);
		}
		if (hooks)
			ask(s, t, GREQ_HOOKS, 1);
	}
	if (hooks)
		g->hooks_at = now;
}

static void
gitea_start(struct source *s)
{
	struct gitea *g = s->data;

	if (g->mode == MODE_UNKNOWN || now_wall() - g->version_at >= VERSION_RECHECK) {
		g->version_req.t = NULL;
		send_req(s, &g->version_req, "/api/v1/version");
		return;
	}
	start_targets(s);
}

static void
set_facts(struct source *s)
{
	struct gitea *g = s->data;
	struct model *m = &s->app->model;
	struct service *sv;

	if (!g->facts)
		return;
	sv = model_service(m, "gitea", "gitea");
	for (size_t i = 0; i < g->nt; i++) {
		struct gitea_target *t = &g->t[i];
		char key[512], val[32];

		if (t->user)
			continue;
		if (t->hooks_known) {
			snprintf(key, sizeof key, "gitea.hooks.%s", t->name);
			snprintf(val, sizeof val, "%d", t->hooks.active);
			model_service_set_fact(m, sv, key, val);
			snprintf(key, sizeof key, "gitea.hooks_push.%s", t->name);
			snprintf(val, sizeof val, "%d", t->hooks.push);
			model_service_set_fact(m, sv, key, val);
		} else if (t->hooks_note != NULL) {
			snprintf(key, sizeof key, "gitea.hooks_error.%s", t->name);
			model_service_set_fact(m, sv, key, t->hooks_note);
		}
	}
	if (g->version != NULL)
		model_service_set_fact(m, sv, FACT_GITEA_API_VERSION, g->version);
	model_service_set_fact(m, sv, FACT_GITEA_ACTIVITY_MODE, g->mode == MODE_LEGACY ? "fallback" : "feeds");
}

static void
gitea_round_end(struct source *s)
{
	struct gitea *g = s->data;
	struct act_list all;

	act_list_init(&all);
	/* Repositories first: their copy of an event shared with the user
	 * feed is the one kept. */
	for (size_t i = 0; i < g->nt; i++)
		for (size_t k = 0; k < g->t[i].events.n; k++)
			act_list_add_copy(&all, &g->t[i].events.v[k]);
	act_list_dedupe(&all);
	act_list_sort(&all);
	act_timeline_replace(g->tl, ACT_SRC_GITEA, &all, now_wall());
	set_facts(s);
	model_touch(&s->app->model);
}

static void
target_free(struct gitea_target *t)
{
	free(t->name);
	free(t->path);
	act_list_free(&t->events);
	act_list_free(&t->round);
	for (int k = 0; k < 3; k++)
		act_list_free(&t->part[k]);
	free(t->hooks_note);
}

static void
gitea_free(struct source *s)
{
	struct gitea *g = s->data;

	if (g == NULL)
		return;
	for (size_t i = 0; i < g->nt; i++)
		target_free(&g->t[i]);
	free(g->t);
	backend_clear(&g->be);
	secret_free(g->token);
	free(g->version);
	free(g);
}

static const struct source_ops gitea_ops = {
	.kind = "gitea",
	.start = gitea_start,
	.round_end = gitea_round_end,
	.free = gitea_free,
};

static int
add_repo(struct gitea *g, const char *full, char **cause)
{
	const char *slash = strchr(full, '/');
	struct gitea_target *t;
	char *o, *n;

	if (slash == NULL || slash == full || slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
		*cause = xasprintf(_("[gitea] repos: \"%s\" is not owner/name"), full);
		return -1;
	}
	for (size_t i = 0; i < g->nt; i++)
		if (strcmp(g->t[i].name, full) == 0)
			return 0;
	g->t = xreallocarray(g->t, g->nt + 1, sizeof *g->t);
	t = &g->t[g->nt++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(full);
	n = xstrndup(full, (size_t)(slash - full));
	o = url_escape(n);
	free(n);
	n = url_escape(slash + 1);
	t->path = xasprintf("/api/v1/repos/%s/%s", o, n);
	free(o);
	free(n);
	return 0;
}

struct source *
gitea_activity_source_new(struct app *app, struct act_timeline *tl, char **cause)
{
	struct config *c = app->config;
	struct gitea *g = xcalloc(1, sizeof *g);
	const char *url = config_get_default(c, "gitea", NULL, "url", "http://127.0.0.1:3001");
	const char *token = config_get(c, "gitea", NULL, "token");
	const char *repos = config_get(c, "gitea", NULL, "repos");
	const char *user = config_get(c, "gitea", NULL, "feeds_user");
	struct source *s;
	size_t n = strcspn(url, " \t");
	char *first;

	g->tl = tl;
	first = xstrndup(url, n);
	backend_init(&g->be, first, config_get_bool(c, "gitea", NULL, "insecure", false));
	free(first);
	backend_header(&g->be, "Accept", "", "application/json", false);
	if (token != NULL) {
		backend_header(&g->be, "Authorization", "token ", token, true);
		g->token = xstrdup(token);
	}
	/* Gitea caps page sizes at MAX_RESPONSE_ITEMS (50 by default). */
	g->limit = (int)config_get_int(c, "gitea", NULL, "limit", 50);
	g->limit = g->limit < 1 ? 1 : g->limit > 50 ? 50 : g->limit;
	g->pages = (int)config_get_int(c, "gitea", NULL, "pages", 3);
	g->pages = g->pages < 1 ? 1 : g->pages > 20 ? 20 : g->pages;
	if (repos != NULL) {
		char *list = xstrdup(repos), *save = NULL, *tok;

		for (tok = strtok_r(list, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
			if (add_repo(g, tok, cause) != 0) {
				free(list);
				gitea_free(&(struct source){ .data = g });
				return NULL;
			}
		}
		free(list);
	}
	if (user != NULL && *user != '\0') {
		struct gitea_target *t;
		char *u = url_escape(user);

		g->t = xreallocarray(g->t, g->nt + 1, sizeof *g->t);
		t = &g->t[g->nt++];
		memset(t, 0, sizeof *t);
		t->name = xstrdup(user);
		t->user = true;
		t->path = xasprintf("/api/v1/users/%s", u);
		free(u);
	}
	/* Hook facts go on the health row of [gitea] url, when health runs. */
	g->facts = config_get(c, "gitea", NULL, "url") != NULL && app_feature(app, FEATURE_HEALTH) != NULL;
	s = source_new(app, &gitea_ops, "gitea activity", g);
	s->interval = config_get_double(c, "gitea", NULL, "interval", app->interval);
	s->timeout = config_get_double(c, "gitea", NULL, "timeout", app->timeout);
	return s;
}

int
gitea_source_hooks(struct source *s, const char *repo, struct gitea_hooks *out)
{
	struct gitea *g;

	if (s == NULL || s->ops != &gitea_ops)
		return -1;
	g = s->data;
	for (size_t i = 0; i < g->nt; i++) {
		if (!g->t[i].user && strcmp(g->t[i].name, repo) == 0 && g->t[i].hooks_known) {
			*out = g->t[i].hooks;
			return 0;
		}
	}
	return -1;
}
