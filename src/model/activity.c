/* The activity model: events, the lists the parsers build, and the
 * merged timeline (newest first, ties in first-seen order, "new since the
 * last look" marks). */
#include "ceres/model/activity.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Events kept when the caller gives no cap. */
#define TIMELINE_MAX	2000

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

