/* The activity model: one timeline of Gitea and Redmine events, newest
 * first, with "new since the last look" marks; the event list helpers the
 * parsers build it with. */
#ifndef CERES_MODEL_ACTIVITY_H
#define CERES_MODEL_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>

enum act_source {
	ACT_SRC_GITEA = 0,
	ACT_SRC_REDMINE,
	ACT_SRC_COUNT
};

/* What happened.  act_kind_name() is the stable JSON word. */
enum act_kind {
	ACT_PUSH = 0,		/* commits pushed to a branch (feeds) */
	ACT_COMMIT,		/* one commit (fallback without feeds) */
	ACT_PR_OPENED,
	ACT_PR_MERGED,
	ACT_PR_CLOSED,
	ACT_PR_REOPENED,
	ACT_PR_REVIEW,
	ACT_RELEASE,
	ACT_TAG,
	ACT_BRANCH,
	ACT_ISSUE_OPENED,
	ACT_ISSUE_CLOSED,
	ACT_ISSUE_REOPENED,
	ACT_ISSUE_UPDATED,
	ACT_COMMENT,
	ACT_STATUS_CHANGE,
	ACT_REPO,
	ACT_OTHER,
	ACT_KIND_COUNT
};
const char *act_kind_name(enum act_kind k);	/* "push", "pr_merged" ... */
const char *act_kind_label(enum act_kind k);	/* short translated pane label */
const char *act_source_name(enum act_source s);	/* "gitea", "redmine" */

/* One event.  Every string has been through the sanitizer (detail with
 * sanitize_multiline); NULL only where noted. */
struct act_event {
	enum act_source	 source;
	enum act_kind	 kind;
	double		 time;		/* epoch seconds, UTC */
	char		*key;		/* unique within the source, stable across polls */
	char		*actor;
	char		*where;		/* "ceres/infra", "Ops" */
	char		*scope;		/* filter key: repo full name, project identifier */
	char		*title;
	char		*url;		/* "" when unknown */
	char		*detail;	/* multi-line details, may be NULL */
	char		*op;		/* Gitea op_type or Redmine tracker, may be NULL */
	bool		 baseline;	/* old news when first seen: never marked new */
	/* Kept by the timeline. */
	unsigned long	 seq;		/* first-seen order; equal times keep it */
	double		 arrived;	/* wall clock first seen, 0 for baseline */
};

struct act_list {
	struct act_event	*v;
	size_t			 n;
	size_t			 cap;
};
void act_list_init(struct act_list *l);
void act_list_free(struct act_list *l);
/* A new zeroed event at the end of l (strings still NULL). */
struct act_event *act_list_push(struct act_list *l);
/* Append a deep copy of e. */
void act_list_add_copy(struct act_list *l, const struct act_event *e);
/* Move every event of src to the end of dst; src is left empty. */
void act_list_move(struct act_list *dst, struct act_list *src);
void act_event_clear(struct act_event *e);
/* Fill NULL strings of e with "" (detail and op stay NULL). */
void act_event_finish(struct act_event *e);
/* Drop events whose key occurs earlier in l (keeps the first). */
void act_list_dedupe(struct act_list *l);
/* Sort newest first; equal times keep their order (stable). */
void act_list_sort(struct act_list *l);

/* Text from a backend, made safe once (parsers use these). */
#define ACT_TITLE_MAX	1024		/* bytes kept of a one-line text */
#define ACT_DETAIL_MAX	(16 * 1024)	/* bytes kept of a multi-line text */
/* s cut to at most max bytes on a UTF-8 boundary, "…" marking the cut. */
char *act_clip(char *s, size_t max);
/* Sanitized one-line copy (NULL gives ""), clipped to ACT_TITLE_MAX. */
char *act_line(const char *s);
/* Sanitized multi-line copy, clipped to ACT_DETAIL_MAX. */
char *act_text(const char *s);
/* The first non-empty line, sanitized. */
char *act_first_line(const char *s);

/* ---- the merged timeline ---- */
struct act_timeline {
	struct act_event	**ev;		/* newest first */
	size_t			  n;
	size_t			  max;		/* cap on events kept */
	unsigned long		  next_seq;
	double			  seen_until;	/* the end of the last look */
	unsigned		  generation;	/* bumped on every change */
};
struct act_timeline *act_timeline_new(size_t max);
void act_timeline_free(struct act_timeline *t);
/* Replace every event of source src by the events of l (moved out; l is
 * left empty).  Known keys keep their seq and arrival time; a new key
 * arrives now, unless its event is baseline.  Returns how many events
 * were new. */
size_t act_timeline_replace(struct act_timeline *t, enum act_source src, struct act_list *l, double now);
/* New = arrived after the last look ended. */
bool act_timeline_is_new(const struct act_timeline *t, const struct act_event *e);
size_t act_timeline_count_new(const struct act_timeline *t);

#endif
