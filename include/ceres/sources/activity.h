/* The Gitea and Redmine protocols: pure parsers that turn API answers
 * into events, and the sources that keep per-repository / per-issue state
 * between polls and hand the timeline a complete list per round. */
#ifndef CERES_SOURCES_ACTIVITY_H
#define CERES_SOURCES_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/activity.h"

struct app;
struct source;

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

/* One repository hook of /repos/{owner}/{repo}/hooks, the one parse of
 * that answer (the activity source, the webhook menu and the readiness
 * check read it).  A hook without "active": true is inactive. */
struct gitea_hook {
	long	 id;		/* -1 when missing or not a whole number >= 0 */
	char	*type;		/* sanitized; "?" when missing */
	char	*target;	/* url_redact() of config.url, sanitized */
	char	*url;		/* config.url as given: holds a key, never shown; may be NULL */
	bool	 active;
	bool	 push;		/* active and sending push events */
};
int gitea_hook_list_parse(const char *buf, size_t len, struct gitea_hook **out, size_t *n, char **cause);
void gitea_hook_list_free(struct gitea_hook *h, size_t n);

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

/* ---- sources (created by the activity feature) ---- */
struct source *gitea_activity_source_new(struct app *app, struct act_timeline *t, char **cause);
struct source *redmine_activity_source_new(struct app *app, struct act_timeline *t, char **cause);
/* Hooks of owner/name as last read by a Gitea source: 0, or -1 when not
 * (yet) known (no such repo, no admin right on it, never polled). */
int gitea_source_hooks(struct source *s, const char *repo, struct gitea_hooks *out);

#endif
