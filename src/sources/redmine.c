/* The Redmine activity source: the most recently updated issues (closed
 * ones too), then, for those whose updated_on moved since the last poll,
 * the issue with its journals (a bounded number per poll, newest first),
 * so comments and status changes show with their authors.  Project and
 * status names are refreshed every few minutes.  A 401 is an error on the
 * source, never an empty timeline. */
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

#define META_RECHECK	600.0	/* seconds between project/status reads */
#define PROJECT_PAGES	5	/* of 100 projects each */
#define JOURNALS_KEPT	20	/* newest journals shown per issue */

enum rreq_what {
	RREQ_LIST,
	RREQ_ISSUE,
	RREQ_PROJECTS,
	RREQ_STATUSES,
};

struct rreq {
	struct source	*s;
	enum rreq_what	 what;
	long		 id;		/* issue */
	long		 offset;	/* projects page */
};

/* What we know of one issue of the list. */
struct rm_entry {
	struct rm_issue	 is;		/* with journals once detailed */
	bool		 want;		/* list says it changed: read it */
};

struct redmine {
	struct act_timeline	*tl;
	struct backend		 be;		/* base URL, Accept and API key headers */
	char			*project;	/* identifier filter or NULL */
	int			 limit;
	int			 details;
	struct rm_project	*projects;
	size_t			 nprojects;
	struct rm_project	*proj_acc;	/* pages being read */
	size_t			 nproj_acc;
	struct rm_status	*statuses;
	size_t			 nstatuses;
	double			 meta_at;
	struct rm_entry		*ent;		/* list order: updated, newest first */
	size_t			 nent;
	bool			 have;		/* a list was read before this round */
	bool			 list_ok;	/* ... and in this round */
	double			 since;		/* newest updated_on before this round */
	double			 high;		/* newest updated_on of this round's list */
	struct rreq		 list_req;
	struct rreq		 proj_req;
	struct rreq		 stat_req;
	struct rreq		*dreq;		/* details, one per slot */
};

#define ISSUE_MAX_BYTES	(2u << 20)	/* one issue with its journals */

static void on_answer(const struct http_response *r, void *arg);

static void
send_req(struct source *s, struct rreq *q, const char *pathq)
{
	struct redmine *rm = s->data;

	q->s = s;
	backend_get(s, &rm->be, pathq, q->what == RREQ_ISSUE ? ISSUE_MAX_BYTES : 0, on_answer, q);
}

/* Errors worded for the operator; 401 is the common one: a wrong or
 * revoked key, or the REST API turned off. */
static void
fail(struct source *s, const struct http_response *r, const char *what)
{
	if (r->status == 0)
		source_error(s, "%s", r->error != NULL ? r->error : "no answer");
	else if (r->status == 401)
		source_error(s, "auth error: check api_key (HTTP 401)");
	else if (r->status == 403)
		source_error(s, "%s: forbidden (HTTP 403): the key's user may not see it", what);
	else if (r->error != NULL)
		source_error(s, "%s: %s", what, r->error);
	else
		source_error(s, "%s: HTTP %ld", what, r->status);
}

static struct rm_entry *
entry_find(struct redmine *rm, long id)
{
	for (size_t i = 0; i < rm->nent; i++)
		if (rm->ent[i].is.id == id)
			return &rm->ent[i];
	return NULL;
}

static void
ask_details(struct source *s)
{
	struct redmine *rm = s->data;
	int slot = 0;

	for (size_t i = 0; i < rm->nent && slot < rm->details; i++) {
		struct rm_entry *e = &rm->ent[i];
		char path[64];

		if (!e->want)
			continue;
		rm->dreq[slot].what = RREQ_ISSUE;
		rm->dreq[slot].id = e->is.id;
		snprintf(path, sizeof path, "/issues/%ld.json?include=journals", e->is.id);
		send_req(s, &rm->dreq[slot], path);
		slot++;
	}
}

/* The new list: entries keep what we knew of an issue while its
 * updated_on is the same; a changed one keeps its old journals until the
 * new ones arrive, so nothing blinks. */
static void
list_answer(struct source *s, const struct http_response *r)
{
	struct redmine *rm = s->data;
	struct rm_issue *v = NULL;
	struct rm_entry *ne;
	size_t n = 0;
	long total;
	char *cause = NULL;

	if (r->status == 404 && rm->project != NULL) {
		source_error(s, "project %s: not found (HTTP 404)", rm->project);
		return;
	}
	if (r->status != 200 || r->error != NULL) {
		fail(s, r, "issues");
		return;
	}
	if (redmine_issues_parse(r->body, r->len, &v, &n, &total, &cause) != 0) {
		source_error(s, "%s", cause);
		free(cause);
		return;
	}
	ne = xcalloc(n + 1, sizeof *ne);
	rm->high = -INFINITY;
	rm->list_ok = true;
	for (size_t i = 0; i < n; i++) {
		struct rm_entry *old = entry_find(rm, v[i].id);

		if (v[i].updated > rm->high)
			rm->high = v[i].updated;
		if (old != NULL && strcmp(old->is.updated_raw, v[i].updated_raw) == 0) {
			ne[i] = *old;
			memset(&old->is, 0, sizeof old->is);
			old->is.id = -1;
			rm_issue_clear(&v[i]);
			continue;
		}
		if (old != NULL && old->is.detailed) {
			/* Keep the journals we have; ask for the new ones. */
			ne[i] = *old;
			memset(&old->is, 0, sizeof old->is);
			old->is.id = -1;
			free(ne[i].is.updated_raw);
			ne[i].is.updated_raw = v[i].updated_raw;
			v[i].updated_raw = NULL;
			rm_issue_clear(&v[i]);
		} else
			ne[i].is = v[i];
		ne[i].want = true;
	}
	free(v);
	for (size_t i = 0; i < rm->nent; i++)
		rm_issue_clear(&rm->ent[i].is);
	free(rm->ent);
	rm->ent = ne;
	rm->nent = n;
	ask_details(s);
}

static void
issue_answer(struct source *s, struct rreq *q, const struct http_response *r)
{
	struct redmine *rm = s->data;
	struct rm_entry *e = entry_find(rm, q->id);
	struct rm_issue is;
	char *cause = NULL;

	if (e == NULL)
		return;
	if (r->status == 404 || r->status == 403) {
		/* Deleted or moved out of sight since the list: no details. */
		e->want = false;
		return;
	}
	if (r->status != 200 || r->error != NULL) {
		char what[48];

		snprintf(what, sizeof what, "issue #%ld", q->id);
		fail(s, r, what);
		return;
	}
	if (redmine_issue_parse(r->body, r->len, &is, &cause) != 0) {
		source_error(s, "issue #%ld: %s", q->id, cause);
		free(cause);
		return;
	}
	rm_issue_clear(&e->is);
	e->is = is;
	e->want = false;
}

static void
projects_answer(struct source *s, struct rreq *q, const struct http_response *r)
{
	struct redmine *rm = s->data;
	struct rm_project *v = NULL;
	size_t n = 0;
	long total;
	char *cause = NULL;

	if (r->status == 401) {
		fail(s, r, "projects");
		return;
	}
	/* Names are a nicety: any other failure keeps the old ones. */
	if (r->status != 200 || r->error != NULL ||
	    redmine_projects_parse(r->body, r->len, &v, &n, &total, &cause) != 0) {
		free(cause);
		rm_projects_free(rm->proj_acc, rm->nproj_acc);
		rm->proj_acc = NULL;
		rm->nproj_acc = 0;
		return;
	}
	rm->proj_acc = xreallocarray(rm->proj_acc, rm->nproj_acc + n + 1, sizeof *rm->proj_acc);
	memcpy(rm->proj_acc + rm->nproj_acc, v, n * sizeof *v);
	rm->nproj_acc += n;
	free(v);
	if (n > 0 && total > q->offset + (long)n && q->offset / 100 + 1 < PROJECT_PAGES) {
		char path[64];

		q->offset += (long)n;
		snprintf(path, sizeof path, "/projects.json?limit=100&offset=%ld", q->offset);
		send_req(s, q, path);
		return;
	}
	rm_projects_free(rm->projects, rm->nprojects);
	rm->projects = rm->proj_acc;
	rm->nprojects = rm->nproj_acc;
	rm->proj_acc = NULL;
	rm->nproj_acc = 0;
}

static void
statuses_answer(struct source *s, const struct http_response *r)
{
	struct redmine *rm = s->data;
	struct rm_status *v = NULL;
	size_t n = 0;
	char *cause = NULL;

	if (r->status == 200 && r->error == NULL &&
	    redmine_statuses_parse(r->body, r->len, &v, &n, &cause) == 0) {
		rm_statuses_free(rm->statuses, rm->nstatuses);
		rm->statuses = v;
		rm->nstatuses = n;
	}
	free(cause);
	(void)s;
}

static void
on_answer(const struct http_response *r, void *arg)
{
	struct rreq *q = arg;

	switch (q->what) {
	case RREQ_LIST:
		list_answer(q->s, r);
		break;
	case RREQ_ISSUE:
		issue_answer(q->s, q, r);
		break;
	case RREQ_PROJECTS:
		projects_answer(q->s, q, r);
		break;
	default:
		statuses_answer(q->s, r);
		break;
	}
}

static void
redmine_start(struct source *s)
{
	struct redmine *rm = s->data;
	double now = now_wall();
	char *path;

	rm->list_ok = false;
	if (rm->meta_at == 0 || now - rm->meta_at >= META_RECHECK) {
		rm->meta_at = now;
		rm_projects_free(rm->proj_acc, rm->nproj_acc);
		rm->proj_acc = NULL;
		rm->nproj_acc = 0;
		rm->proj_req.what = RREQ_PROJECTS;
		rm->proj_req.offset = 0;
		send_req(s, &rm->proj_req, "/projects.json?limit=100&offset=0");
		rm->stat_req.what = RREQ_STATUSES;
		send_req(s, &rm->stat_req, "/issue_statuses.json");
	}
	/* status_id=*: closed issues too (the default is open only). */
	if (rm->project != NULL) {
		char *p = url_escape(rm->project);

		path = xasprintf("/issues.json?sort=updated_on:desc&status_id=*&limit=%d&project_id=%s",
		    rm->limit, p);
		free(p);
	} else
		path = xasprintf("/issues.json?sort=updated_on:desc&status_id=*&limit=%d", rm->limit);
	rm->list_req.what = RREQ_LIST;
	send_req(s, &rm->list_req, path);
	free(path);
}

static void
redmine_round_end(struct source *s)
{
	struct redmine *rm = s->data;
	struct act_list all;
	struct rm_names nm;
	bool listed = rm->ent != NULL;

	/* No list yet (first round failed): nothing to show, the error says
	 * why.  Otherwise the last good state stays on screen. */
	if (!listed)
		return;
	memset(&nm, 0, sizeof nm);
	nm.projects = rm->projects;
	nm.nprojects = rm->nprojects;
	nm.statuses = rm->statuses;
	nm.nstatuses = rm->nstatuses;
	nm.base_url = rm->be.base;
	nm.since = rm->have ? rm->since : INFINITY;
	nm.max_journals = JOURNALS_KEPT;
	act_list_init(&all);
	for (size_t i = 0; i < rm->nent; i++)
		redmine_issue_events(&rm->ent[i].is, &nm, &all);
	act_list_sort(&all);
	act_timeline_replace(rm->tl, ACT_SRC_REDMINE, &all, now_wall());
	/* What this list showed is known from now on. */
	if (rm->list_ok) {
		if (!rm->have || rm->high > rm->since)
			rm->since = rm->high;
		rm->have = true;
	}
	model_touch(&s->app->model);
}

static void
redmine_free(struct source *s)
{
	struct redmine *rm = s->data;

	if (rm == NULL)
		return;
	for (size_t i = 0; i < rm->nent; i++)
		rm_issue_clear(&rm->ent[i].is);
	free(rm->ent);
	rm_projects_free(rm->projects, rm->nprojects);
	rm_projects_free(rm->proj_acc, rm->nproj_acc);
	rm_statuses_free(rm->statuses, rm->nstatuses);
	free(rm->dreq);
	backend_clear(&rm->be);
	free(rm->project);
	free(rm);
}

static const struct source_ops redmine_ops = {
	.kind = "redmine",
	.start = redmine_start,
	.round_end = redmine_round_end,
	.free = redmine_free,
};

struct source *
redmine_activity_source_new(struct app *app, struct act_timeline *tl, char **cause)
{
	struct config *c = app->config;
	struct redmine *rm = xcalloc(1, sizeof *rm);
	const char *url = config_get_default(c, "redmine", NULL, "url", "http://127.0.0.1:3002");
	const char *key = config_get(c, "redmine", NULL, "api_key");
	const char *project = config_get(c, "redmine", NULL, "project");
	struct source *s;
	size_t n = strcspn(url, " \t");
	char *first;

	(void)cause;
	rm->tl = tl;
	first = xstrndup(url, n);
	backend_init(&rm->be, first, config_get_bool(c, "redmine", NULL, "insecure", false));
	free(first);
	backend_header(&rm->be, "Accept", "", "application/json", false);
	if (key != NULL)
		backend_header(&rm->be, "X-Redmine-API-Key", "", key, true);
	rm->project = project != NULL && *project != '\0' ? xstrdup(project) : NULL;
	/* Redmine caps limit at 100 and turns values below 1 into 25. */
	rm->limit = (int)config_get_int(c, "redmine", NULL, "limit", 25);
	rm->limit = rm->limit < 1 ? 25 : rm->limit > 100 ? 100 : rm->limit;
	rm->details = (int)config_get_int(c, "redmine", NULL, "details", 10);
	rm->details = rm->details < 1 ? 1 : rm->details > 50 ? 50 : rm->details;
	rm->dreq = xcalloc((size_t)rm->details, sizeof *rm->dreq);
	rm->since = INFINITY;
	s = source_new(app, &redmine_ops, "redmine activity", rm);
	s->interval = config_get_double(c, "redmine", NULL, "interval", app->interval);
	s->timeout = config_get_double(c, "redmine", NULL, "timeout", app->timeout);
	return s;
}
