/* The activity area: one timeline of Gitea and Redmine events, newest
 * first.  The pure parsers turn API answers into events; the sources keep
 * per-repository / per-issue state between polls and hand the timeline a
 * complete list per round; the pane and the --once renderers read it. */
#ifndef CERES_ACTIVITY_H
#define CERES_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct source;

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

/* ---- Gitea parsers (pure: bytes in, events or an error out) ---- */
/* Context for turning answers into events: the configured base URL (used
 * when the answer carries no html_url), and the newest event time known
 * before this poll (server clock): events not after it are old news, so
 * baseline (never marked new).  INFINITY on a first poll. */
struct gitea_ctx {
	const char	*base_url;
	const char	*repo;		/* owner/name for the fallback endpoints */
	double		 since;
};
/* /repos/{o}/{r}/activities/feeds and /users/{u}/activities/feeds. */
int gitea_feeds_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause);
/* Fallback for servers without feeds. */
int gitea_commits_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause);
int gitea_pulls_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause);
int gitea_releases_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause);

/* Repository hooks as the readiness score needs them. */
struct gitea_hooks {
	int	total;
	int	active;
	int	push;		/* active and sending push events */
};
int gitea_hooks_parse(const char *buf, size_t len, struct gitea_hooks *out, char **cause);

/* /api/v1/version: "1.22.0", "1.23.0+rc0-12-g…", Forgejo "7.0.4+gitea-1.21.11". */
int gitea_version_parse(const char *buf, size_t len, int *major, int *minor, char **cause);
/* The repository activity feed API exists since Gitea 1.20. */
bool gitea_version_has_feeds(int major, int minor);
/* Whether another page follows: Link rel="next" wins, else X-Total-Count,
 * else a full page.  Header values may be NULL. */
bool gitea_has_next_page(const char *link, const char *total_count, int page, int limit, size_t got);
/* The "message" of a Gitea error body, sanitized, or NULL. */
char *gitea_error_message(const char *buf, size_t len);

/* ---- Redmine parsers ---- */
struct rm_journal_detail {
	char	*property;	/* attr, cf, attachment, relation */
	char	*name;
	char	*old_value;	/* NULL when null */
	char	*new_value;
};
struct rm_journal {
	long			 id;
	char			*user;
	char			*notes;		/* "" when none */
	double			 created;
	bool			 private_notes;
	struct rm_journal_detail *details;
	size_t			 ndetails;
};
struct rm_issue {
	long			 id;
	long			 project_id;
	char			*project;	/* name */
	char			*tracker;
	long			 status_id;
	char			*status;
	bool			 closed;
	char			*priority;
	char			*author;
	char			*assigned_to;	/* NULL when unset */
	char			*subject;
	char			*description;	/* NULL when null */
	double			 created;
	double			 updated;
	char			*updated_raw;	/* as sent: compared between polls */
	struct rm_journal	*journals;
	size_t			 njournals;
	bool			 detailed;	/* journals were asked for */
};
struct rm_project {
	long	 id;
	char	*identifier;
	char	*name;
};
struct rm_status {
	long	 id;
	char	*name;
};
void rm_issue_clear(struct rm_issue *is);
void rm_issues_free(struct rm_issue *v, size_t n);
void rm_projects_free(struct rm_project *v, size_t n);
void rm_statuses_free(struct rm_status *v, size_t n);
/* /issues.json: total is -1 with nometa. */
int redmine_issues_parse(const char *buf, size_t len, struct rm_issue **out, size_t *n,
    long *total, char **cause);
/* /issues/{id}.json?include=journals; only the newest RM_JOURNALS_MAX
 * journals are kept, so a hostile issue cannot grow memory without end. */
#define RM_JOURNALS_MAX	50
int redmine_issue_parse(const char *buf, size_t len, struct rm_issue *out, char **cause);
int redmine_projects_parse(const char *buf, size_t len, struct rm_project **out, size_t *n,
    long *total, char **cause);
int redmine_statuses_parse(const char *buf, size_t len, struct rm_status **out, size_t *n,
    char **cause);

/* Names the events are rendered with (all may be empty). */
struct rm_names {
	const struct rm_project	*projects;
	size_t			 nprojects;
	const struct rm_status	*statuses;
	size_t			 nstatuses;
	const char		*base_url;
	double			 since;		/* as in struct gitea_ctx */
	size_t			 max_journals;	/* newest kept per issue; 0: all */
};
/* The events of one issue: "opened" and one per journal when journals
 * were fetched; with no journals but a later update, one "updated". */
void redmine_issue_events(const struct rm_issue *is, const struct rm_names *names,
    struct act_list *out);

/* ---- the feature ---- */
/* The feature's data, shared by the feature (sources, --once) and the pane. */
struct activity_view;
struct activity {
	struct act_timeline	*tl;
	struct source		*gitea;		/* NULL when not configured */
	struct source		*redmine;
	bool			 gitea_configured;	/* [gitea] present (maybe without repos) */
	bool			 redmine_configured;
	struct activity_view	*view;		/* the pane's state (activity_pane.c) */
};
void activity_view_free(struct activity_view *v);

/* ---- sources (created by the activity feature) ---- */
struct source *gitea_activity_source_new(struct app *app, struct act_timeline *t, char **cause);
struct source *redmine_activity_source_new(struct app *app, struct act_timeline *t, char **cause);
/* Hooks of owner/name as last read by a Gitea source: 0, or -1 when not
 * (yet) known (no such repo, no admin right on it, never polled). */
int gitea_source_hooks(struct source *s, const char *repo, struct gitea_hooks *out);

/* For readiness and others: the hooks of a configured repository through
 * the activity feature; -1 when activity is off or the count is unknown.
 * The same numbers are facts on the "gitea" health row:
 * gitea.hooks.<owner>/<name> (active hooks) and gitea.hooks_push.<...>. */
int activity_gitea_hooks(struct app *app, const char *repo, struct gitea_hooks *out);

#endif
