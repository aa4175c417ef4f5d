/* The activity feature: a Gitea and a Redmine source feeding one merged
 * timeline (newest first, ties in first-seen order, "new since the last
 * look" marks), and its --once output.  The event list helpers used by the
 * parsers live here too. */
#include "ceres/activity.h"
#include "ceres/app.h"
#include "ceres/i18n.h"
#include "ceres/sanitize.h"
#include "ceres/ui.h"
#include "ceres/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMELINE_MAX	2000

extern const struct pane_ops activity_pane;

static const struct {
	const char	*name;		/* JSON, never translated */
	const char	*label;		/* N_() pane label */
} kinds[ACT_KIND_COUNT] = {
	[ACT_PUSH] = { "push", N_("push") },
	[ACT_COMMIT] = { "commit", N_("commit") },
	[ACT_PR_OPENED] = { "pr_opened", N_("PR open") },
	[ACT_PR_MERGED] = { "pr_merged", N_("PR merged") },
	[ACT_PR_CLOSED] = { "pr_closed", N_("PR closed") },
	[ACT_PR_REOPENED] = { "pr_reopened", N_("PR reopen") },
	[ACT_PR_REVIEW] = { "pr_review", N_("review") },
	[ACT_RELEASE] = { "release", N_("release") },
	[ACT_TAG] = { "tag", N_("tag") },
	[ACT_BRANCH] = { "branch", N_("branch") },
	[ACT_ISSUE_OPENED] = { "issue_opened", N_("issue") },
	[ACT_ISSUE_CLOSED] = { "issue_closed", N_("closed") },
	[ACT_ISSUE_REOPENED] = { "issue_reopened", N_("reopened") },
	[ACT_ISSUE_UPDATED] = { "issue_updated", N_("updated") },
	[ACT_COMMENT] = { "comment", N_("comment") },
	[ACT_STATUS_CHANGE] = { "status_change", N_("status") },
	[ACT_REPO] = { "repository", N_("repo") },
	[ACT_OTHER] = { "other", N_("other") },
};

const char *
act_kind_name(enum act_kind k)
{
	return k < ACT_KIND_COUNT ? kinds[k].name : "other";
}

const char *
act_kind_label(enum act_kind k)
{
	return _(k < ACT_KIND_COUNT ? kinds[k].label : kinds[ACT_OTHER].label);
}

const char *
act_source_name(enum act_source s)
{
	return s == ACT_SRC_GITEA ? "gitea" : "redmine";
}

/* ---- text helpers for the parsers ---- */

char *
act_clip(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	n = max;
	/* Back up to the start of a UTF-8 sequence. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s = xrealloc(s, n + sizeof "…");
	memcpy(s + n, "…", sizeof "…");
	return s;
}

char *
act_line(const char *s)
{
	return act_clip(sanitize_str(s != NULL ? s : ""), ACT_TITLE_MAX);
}

char *
act_text(const char *s)
{
	return act_clip(sanitize_multiline(s != NULL ? s : "", s != NULL ? strlen(s) : 0), ACT_DETAIL_MAX);
}

char *
act_first_line(const char *s)
{
	char *raw, *out;

	if (s == NULL)
		return xstrdup("");
	while (*s == '\r' || *s == '\n' || *s == ' ' || *s == '\t')
		s++;
	raw = xstrndup(s, strcspn(s, "\r\n"));
	out = act_line(raw);
	free(raw);
	return out;
}

/* ---- event lists ---- */

void
act_list_init(struct act_list *l)
{
	memset(l, 0, sizeof *l);
}

void
act_event_clear(struct act_event *e)
{
	free(e->key);
	free(e->actor);
	free(e->where);
	free(e->scope);
	free(e->title);
	free(e->url);
	free(e->detail);
	free(e->op);
	memset(e, 0, sizeof *e);
}

void
act_list_free(struct act_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		act_event_clear(&l->v[i]);
	free(l->v);
	act_list_init(l);
}

struct act_event *
act_list_push(struct act_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[0]);
	return &l->v[l->n++];
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
act_list_add_copy(struct act_list *l, const struct act_event *e)
{
	struct act_event *c = act_list_push(l);

	*c = *e;
	c->key = dup_or_null(e->key);
	c->actor = dup_or_null(e->actor);
	c->where = dup_or_null(e->where);
	c->scope = dup_or_null(e->scope);
	c->title = dup_or_null(e->title);
	c->url = dup_or_null(e->url);
	c->detail = dup_or_null(e->detail);
	c->op = dup_or_null(e->op);
}

void
act_list_move(struct act_list *dst, struct act_list *src)
{
	for (size_t i = 0; i < src->n; i++)
		*act_list_push(dst) = src->v[i];
	free(src->v);
	act_list_init(src);
}

void
act_event_finish(struct act_event *e)
{
	char **s[] = { &e->key, &e->actor, &e->where, &e->scope, &e->title, &e->url };

	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (*s[i] == NULL)
			*s[i] = xstrdup("");
}

static int
cmp_key(const void *a, const void *b)
{
	const struct act_event *x = *(struct act_event *const *)a;
	const struct act_event *y = *(struct act_event *const *)b;
	int d = strcmp(x->key, y->key);

	/* Equal keys: the earlier one in the list first, so it is kept. */
	return d != 0 ? d : (x < y ? -1 : x > y);
}

void
act_list_dedupe(struct act_list *l)
{
	struct act_event **p;
	bool *drop;
	size_t j = 0;

	if (l->n < 2)
		return;
	p = xreallocarray(NULL, l->n, sizeof *p);
	drop = xcalloc(l->n, sizeof *drop);
	for (size_t i = 0; i < l->n; i++)
		p[i] = &l->v[i];
	qsort(p, l->n, sizeof *p, cmp_key);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(p[i]->key, p[i - 1]->key) == 0)
			drop[p[i] - l->v] = true;
	for (size_t i = 0; i < l->n; i++) {
		if (drop[i])
			act_event_clear(&l->v[i]);
		else
			l->v[j++] = l->v[i];
	}
	l->n = j;
	free(drop);
	free(p);
}

struct sort_item {
	double	 t;
	size_t	 i;
};

static int
cmp_sort_item(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;

	/* Newest first; equal times in the order given. */
	if (x->t != y->t)
		return x->t > y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void
act_list_sort(struct act_list *l)
{
	struct sort_item *it;
	struct act_event *v;

	if (l->n < 2)
		return;
	it = xreallocarray(NULL, l->n, sizeof *it);
	for (size_t i = 0; i < l->n; i++) {
		it[i].t = l->v[i].time;
		it[i].i = i;
	}
	/* The index as the last key makes qsort stable. */
	qsort(it, l->n, sizeof *it, cmp_sort_item);
	v = xreallocarray(NULL, l->cap, sizeof *v);
	for (size_t i = 0; i < l->n; i++)
		v[i] = l->v[it[i].i];
	free(l->v);
	l->v = v;
	free(it);
}

/* ---- the timeline ---- */

struct act_timeline *
act_timeline_new(size_t max)
{
	struct act_timeline *t = xcalloc(1, sizeof *t);

	t->max = max > 0 ? max : TIMELINE_MAX;
	t->next_seq = 1;
	return t;
}

void
act_timeline_free(struct act_timeline *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		act_event_clear(t->ev[i]);
		free(t->ev[i]);
	}
	free(t->ev);
	free(t);
}

static int
cmp_timeline(const void *a, const void *b)
{
	const struct act_event *x = *(struct act_event *const *)a;
	const struct act_event *y = *(struct act_event *const *)b;

	/* Time zones are gone already (epoch seconds); equal instants keep
	 * the order in which they were first seen, across both sources. */
	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_event_key(const void *a, const void *b)
{
	return strcmp((*(struct act_event *const *)a)->key, (*(struct act_event *const *)b)->key);
}

static const struct act_event *
find_key(struct act_event **sorted, size_t n, const char *key)
{
	struct act_event probe = { .key = (char *)key }, *pp = &probe, **hit;

	hit = bsearch(&pp, sorted, n, sizeof *sorted, cmp_event_key);
	return hit != NULL ? *hit : NULL;
}

size_t
act_timeline_replace(struct act_timeline *t, enum act_source src, struct act_list *l, double now)
{
	struct act_event **nv, **old;
	size_t n = 0, fresh = 0, nold = 0;

	act_list_dedupe(l);
	nv = xreallocarray(NULL, t->n + l->n + 1, sizeof *nv);
	old = xreallocarray(NULL, t->n + 1, sizeof *old);
	/* Keep the other source's events; index this source's by key. */
	for (size_t i = 0; i < t->n; i++) {
		if (t->ev[i]->source != src)
			nv[n++] = t->ev[i];
		else
			old[nold++] = t->ev[i];
	}
	qsort(old, nold, sizeof *old, cmp_event_key);
	/* The sources hand their lists newest first: seq numbers follow that
	 * order, so equal instants of one answer stay as the server sent them. */
	for (size_t i = 0; i < l->n; i++) {
		struct act_event *e = xmalloc(sizeof *e);
		const struct act_event *known = find_key(old, nold, l->v[i].key);

		*e = l->v[i];
		e->source = src;
		if (known != NULL) {
			e->seq = known->seq;
			e->arrived = known->arrived;
		} else {
			e->seq = t->next_seq++;
			e->arrived = e->baseline ? 0 : now;
			if (!e->baseline)
				fresh++;
		}
		nv[n++] = e;
	}
	for (size_t i = 0; i < nold; i++) {
		act_event_clear(old[i]);
		free(old[i]);
	}
	free(old);
	free(l->v);
	act_list_init(l);
	free(t->ev);
	t->ev = nv;
	t->n = n;
	qsort(t->ev, t->n, sizeof *t->ev, cmp_timeline);
	/* Bounded: the oldest fall off. */
	while (t->n > t->max) {
		t->n--;
		act_event_clear(t->ev[t->n]);
		free(t->ev[t->n]);
	}
	t->generation++;
	return fresh;
}

bool
act_timeline_is_new(const struct act_timeline *t, const struct act_event *e)
{
	return e->arrived > 0 && e->arrived > t->seen_until;
}

size_t
act_timeline_count_new(const struct act_timeline *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (act_timeline_is_new(t, t->ev[i]))
			n++;
	return n;
}

/* ---- the feature ---- */

static int
activity_init(struct app *app, void **data, char **cause)
{
	struct activity *a = xcalloc(1, sizeof *a);
	struct config *c = app->config;
	bool gitea = config_get(c, "gitea", NULL, "repos") != NULL ||
	    config_get(c, "gitea", NULL, "feeds_user") != NULL;
	bool redmine = config_has_section(c, "redmine", NULL) || c->defaults;

	*data = a;
	a->tl = act_timeline_new(TIMELINE_MAX);
	a->gitea_configured = config_has_section(c, "gitea", NULL);
	a->redmine_configured = redmine;
	if (gitea) {
		a->gitea = gitea_activity_source_new(app, a->tl, cause);
		if (a->gitea == NULL)
			return -1;
		app_add_source(app, a->gitea);
	}
	if (redmine) {
		a->redmine = redmine_activity_source_new(app, a->tl, cause);
		if (a->redmine == NULL)
			return -1;
		app_add_source(app, a->redmine);
	}
	return 0;
}

static void
activity_free(void *data)
{
	struct activity *a = data;

	if (a == NULL)
		return;
	activity_view_free(a->view);
	act_timeline_free(a->tl);
	free(a);
}

static void
activity_json(struct app *app, void *data, cJSON *root)
{
	struct activity *a = data;
	cJSON *arr = cJSON_AddArrayToObject(root, "activity");
	char ts[40];

	(void)app;
	for (size_t i = 0; a != NULL && i < a->tl->n; i++) {
		const struct act_event *e = a->tl->ev[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "source", act_source_name(e->source));
		cJSON_AddStringToObject(o, "time", fmt_rfc3339(e->time, ts, sizeof ts));
		cJSON_AddStringToObject(o, "actor", e->actor);
		cJSON_AddStringToObject(o, "kind", act_kind_name(e->kind));
		cJSON_AddStringToObject(o, "where", e->where);
		cJSON_AddStringToObject(o, "title", e->title);
		cJSON_AddStringToObject(o, "url", e->url);
		cJSON_AddItemToArray(arr, o);
	}
}

/* Left-justify s in w display columns (wide characters count double). */
static void
add_col(struct strbuf *out, const char *s, int w)
{
	int tw = text_width(s);

	strbuf_adds(out, s);
	for (int i = tw; i < w; i++)
		strbuf_addc(out, ' ');
}

static void
activity_text(struct app *app, void *data, struct strbuf *out)
{
	struct activity *a = data;
	int wa = 5, ww = 5;
	char ts[40];

	(void)app;
	strbuf_addf(out, "%s\n", _("ACTIVITY"));
	if (a == NULL || (a->gitea == NULL && a->redmine == NULL)) {
		strbuf_addf(out, "  %s\n", _("(not configured: add [gitea] repos or [redmine])"));
		return;
	}
	for (size_t i = 0; i < a->tl->n; i++) {
		int t1 = text_width(a->tl->ev[i]->actor), t2 = text_width(a->tl->ev[i]->where);

		wa = t1 > wa ? t1 : wa;
		ww = t2 > ww ? t2 : ww;
	}
	wa = wa > 20 ? 20 : wa;
	ww = ww > 30 ? 30 : ww;
	for (size_t i = 0; i < a->tl->n; i++) {
		const struct act_event *e = a->tl->ev[i];

		strbuf_addf(out, "  %s  %-7s  ", fmt_rfc3339(e->time, ts, sizeof ts),
		    act_source_name(e->source));
		add_col(out, e->actor, wa);
		strbuf_adds(out, "  ");
		add_col(out, e->where, ww);
		strbuf_addf(out, "  %-14s  %s", act_kind_name(e->kind), e->title);
		if (e->url[0] != '\0')
			strbuf_addf(out, "  %s", e->url);
		strbuf_addc(out, '\n');
	}
	if (a->tl->n == 0)
		strbuf_addf(out, "  %s\n", _("(no events)"));
	/* A failed source is said here too: an empty list is not "nothing
	 * happened" when the source could not be read. */
	for (int i = 0; i < 2; i++) {
		struct source *s = i == 0 ? a->gitea : a->redmine;

		if (s != NULL && s->error != NULL)
			strbuf_addf(out, "  %s: %s\n", s->name, s->error);
	}
}

const struct feature activity_feature = {
	.name = "activity",
	.init = activity_init,
	.free = activity_free,
	.json = activity_json,
	.text = activity_text,
	.pane = &activity_pane,
};

int
activity_gitea_hooks(struct app *app, const char *repo, struct gitea_hooks *out)
{
	struct activity *a = app_feature(app, FEATURE_ACTIVITY);

	if (a == NULL || a->gitea == NULL)
		return -1;
	return gitea_source_hooks(a->gitea, repo, out);
}
