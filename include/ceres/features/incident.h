/* Incident mode: the pivot from one firing alert (or a group) to its logs,
 * the changes before it, what is related, one timeline and a Markdown
 * report.  Everything here is pure: it reads the alerts, activity, logs
 * and health models and the config values it is handed, and builds a
 * struct incident of owned, terminal-safe copies.  The network (Loki's
 * /labels and query_range, Redmine) is the caller's. */
#ifndef CERES_FEATURES_INCIDENT_H
#define CERES_FEATURES_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ceres/model/activity.h"
#include "ceres/model/alerts.h"
#include "ceres/model/logs.h"

struct strbuf;
struct model;

/* ---- LogQL (incident_logql.c) ---- */

/* The alert labels tried by default, in this order. */
extern const char *const incident_default_labels[];
#define INCIDENT_NDEFAULT_LABELS 7

/* Append v as the inside of a LogQL double-quoted string: backslash and
 * double quote escaped, control characters and bytes that are not valid
 * UTF-8 as \xHH (or \n \r \t), so the value Loki unquotes is exactly v. */
void logql_escape(struct strbuf *sb, const char *v, size_t len);
/* Whether s is a valid Prometheus/Loki label name. */
bool logql_label_name_ok(const char *s);

/* A log_selector template: chosen for an alertname, else for a label the
 * alert carries, else the default one (both NULL).  Owned by the caller. */
struct inc_selector_rule {
	const char	*alertname;	/* NULL: not by alertname */
	const char	*label;		/* NULL: not by label */
	const char	*tmpl;		/* "{app=\"$service\"}" */
};

/* Replace $name and ${name} in tmpl by the escaped value of that label of
 * a; "$$" is a dollar.  A label the alert does not carry, or a malformed
 * placeholder, is an error: -1 and *cause (translated). */
int incident_expand(const char *tmpl, const struct alert_pair *labels, size_t nlabels,
    char **out, char **cause);

struct inc_selector {
	char	*selector;	/* NULL on error */
	char	*error;		/* translated message, NULL when fine */
	char	*rule;		/* "alertname X", "label service", "default", "labels" */
	bool	 refresh_labels;/* a wanted label is missing from loki_labels */
};
/* The selector for the labels of an alert: the first rule that applies,
 * else the wanted label names (NULL: incident_default_labels) the alert
 * carries and Loki knows (loki_labels NULL: not known yet, take all). */
void incident_selector(const char *alertname, const struct alert_pair *labels, size_t nlabels,
    const struct inc_selector_rule *rules, size_t nrules,
    const char *const *want, size_t nwant,
    const char *const *loki_labels, size_t nloki, struct inc_selector *out);
void inc_selector_free(struct inc_selector *s);

/* ---- the model (incident.c) ---- */

/* The window of the alert: [starts - before, ends or now]. */
struct inc_window {
	double	from;
	double	to;
	double	start;		/* the alert's startsAt (earliest of a group) */
	double	end;		/* endsAt of a resolved alert, else 0 */
};
/* Fill w; -1 when the start is unknown. */
int incident_window(double starts, double ends, bool resolved, double before, double now,
    struct inc_window *w);

/* A service naming its repositories and projects ([service "x"] repos,
 * projects); the label values of service, job, app pick one by name. */
struct inc_service_map {
	const char	 *name;
	const char	**repos;
	size_t		  nrepos;
	const char	**projects;
	size_t		  nprojects;
};
/* The map chosen by the labels (service, then job, then app), or NULL. */
const struct inc_service_map *incident_pick_service(const struct alert_pair *labels, size_t nlabels,
    const struct inc_service_map *maps, size_t nmaps);

struct inc_change {
	double		 time;
	double		 lead;		/* start - time: > 0 before the alert */
	enum act_source	 source;
	enum act_kind	 kind;
	char		*where;
	char		*actor;
	char		*title;
	char		*url;
};

enum inc_rel_kind {
	INC_REL_ALERT = 0,	/* another firing alert sharing instance/job/service */
	INC_REL_SILENCE,	/* a silence matching the alert */
	INC_REL_HEALTH,		/* a health row of a service the labels name */
	INC_REL_READINESS,	/* a failing readiness check */
	INC_REL_RUNBOOK,	/* runbook_url or a runbook page */
};
const char *inc_rel_kind_name(enum inc_rel_kind k);	/* JSON word */

struct inc_related {
	enum inc_rel_kind	 kind;
	char			*name;	/* alertname, silence id, service, check */
	char			*text;	/* one line: why it is related, its state */
	double			 time;	/* 0 when it has none */
};

enum inc_ev_kind {
	INC_EV_START = 0,
	INC_EV_END,
	INC_EV_ALERT,		/* a related alert started */
	INC_EV_ERRORS,		/* a burst of error lines */
	INC_EV_CHANGE,
	INC_EV_HEALTH,
	INC_EV_ACTION,		/* from the audit log */
};
const char *inc_ev_kind_name(enum inc_ev_kind k);	/* JSON word */

struct inc_event {
	double			 time;
	enum inc_ev_kind	 kind;
	char			*text;
	unsigned long		 seq;	/* insertion order: ties keep it */
};

struct inc_logline {
	int64_t		 ts;		/* ns */
	enum log_level	 level;
	const char	*labels;	/* "{a=b}", sanitized: one of inc->slabels */
	char		*text;		/* sanitized */
};

/* Per-minute error and warning counts over the window. */
struct inc_counts {
	double		 from;		/* start of minute 0 */
	size_t		 n;
	unsigned	*errors;
	unsigned	*warns;
	size_t		 start_minute;	/* the minute the alert started in */
};

struct incident {
	char			*fingerprint;
	char			*alertname;
	char			*severity;
	char			*summary;
	char			*runbook_url;	/* NULL when the alert has none */
	struct alert_pair	*labels;	/* owned copies, raw */
	size_t			 nlabels;
	size_t			 nalerts;	/* 1, or the size of the group */
	bool			 resolved;
	struct inc_window	 win;
	double			 changes_from;
	char			*service;	/* the mapped service, NULL none */
	struct inc_selector	 sel;
	char			*logs_error;	/* Loki unreachable, not configured */
	struct inc_logline	*lines;
	size_t			 nlines;
	size_t			 lines_cap;
	char			**slabels;	/* the streams' label texts, one copy each */
	size_t			 nslabels;
	struct inc_counts	 counts;
	struct inc_change	*changes;	/* newest first */
	size_t			 nchanges;
	struct inc_related	*related;
	size_t			 nrelated;
	struct inc_event	*timeline;	/* oldest first after incident_timeline_sort */
	size_t			 ntimeline;
	unsigned long		 next_seq;
	char			*runbook_path;	/* a runbook page found, NULL none */
	char			*runbook_text;	/* its text, sanitized (newlines kept) */
};

/* Start the model of alert a (its group g when not NULL: every alert of
 * it, the labels they share).  Copies what it keeps. */
struct incident *incident_new(const struct alert_set *set, const struct alert *a,
    const struct alert_group *g, double before, double changes, double now);
void incident_free(struct incident *inc);

/* Changes from the timeline inside [changes_from, win.to], filtered by the
 * service map when there is one; newest first.  Returns how many. */
size_t incident_add_changes(struct incident *inc, const struct act_event *const *ev, size_t n,
    const struct inc_service_map *maps, size_t nmaps);
/* Other alerts of set that share instance, job or service and are firing;
 * silences (active or pending) that match the alert; health rows whose
 * name is a value of service, job or app. */
void incident_add_related(struct incident *inc, const struct alert_set *set,
    const struct silence_set *ss, const struct model *health);
/* The failing readiness checks of the alert's area: those whose id (after
 * the category) shares a word of 3 or more letters and digits with the
 * value of its service, job or app label ("postgres-exporter" and
 * "availability.ha_postgres").  Arrays of n, in rd_checks order. */
void incident_add_readiness(struct incident *inc, const char *const *ids, const char *const *titles,
    const bool *failing, const char *const *evidence, size_t n);
void incident_add_related_item(struct incident *inc, enum inc_rel_kind kind, const char *name,
    const char *text, double time);
/* One log line of the window (text and labels sanitized here); lines
 * outside the window are ignored.  Also counted per minute. */
void incident_add_line(struct incident *inc, const struct loki_stream *st, const struct loki_value *v,
    struct log_levels *lv);
/* Every minute whose error count is at least min and at least twice the
 * median of the window becomes an INC_EV_ERRORS event. */
void incident_add_bursts(struct incident *inc, unsigned min);
/* Any event (health transitions, audit actions): text is sanitized. */
void incident_add_event(struct incident *inc, double time, enum inc_ev_kind kind, const char *text);
/* ---- events from outside the alert (incident_timeline.c) ---- */
/* The health transitions of m from changes_from to the window's end.
 * Returns how many. */
size_t incident_add_transitions(struct incident *inc, const struct model *m);
/* The operator actions of an audit log (JSON lines, buf need not end
 * with a newline; a line that does not parse is skipped) from
 * changes_from on, replacing those of an earlier call.  Returns how many;
 * sort the timeline after. */
size_t incident_add_audit(struct incident *inc, const char *buf, size_t len);
/* Alert start and end, related alerts, changes: the events the model
 * itself knows; then sort everything by time, stable. */
void incident_timeline_build(struct incident *inc);
void incident_timeline_sort(struct incident *inc);
/* Read the runbook page <dir>/<alertname>.md when it exists (alertname
 * must be a plain file name).  Returns 0 when found. */
int incident_find_runbook(struct incident *inc, const char *dir);
/* Lines sorted by time, oldest first; _from: only those from index from
 * on (the lines a follow round added, all newer than the others). */
void incident_sort_lines(struct incident *inc);
void incident_sort_lines_from(struct incident *inc, size_t from);

/* ---- following the window (incident_follow.c) ---- */
#define INCIDENT_LINES_MAX	20000		/* log lines kept of the window */
#define INCIDENT_MINUTES_MAX	(7 * 24 * 60)	/* sparkline buckets at most */
/* Move the end of a firing alert's window to to (later only), the
 * per-minute counts growing with it.  A resolved alert's window stays. */
void incident_extend(struct incident *inc, double to);
/* Drop (and free) k lines from index at (the per-minute counts keep
 * them): the oldest followed lines go when the lines are at the cap. */
void incident_drop_lines(struct incident *inc, size_t at, size_t k);

/* ---- output (incident_report.c) ---- */

/* Append s as Markdown inline text: control characters made visible,
 * newlines as spaces, and every character that could start structure
 * (emphasis, links, headings, tables, HTML, code) backslash-escaped. */
void md_escape(struct strbuf *sb, const char *s);
/* The report: title, alert and labels, runbook, timeline, changes, up to
 * max_lines log lines around the start, actions taken. */
void incident_markdown(const struct incident *inc, size_t max_lines, struct strbuf *sb);
/* The plain text of --once --incident. */
void incident_text(const struct incident *inc, struct strbuf *sb);
/* The JSON of --once --incident --format json (doc/snapshot.md); _write:
 * the same bytes written to out element by element (no tree of it all). */
char *incident_json(const struct incident *inc);
void incident_json_write(const struct incident *inc, FILE *out);
/* The file name of the report: "20261207T084500Z-AlertName.md", with the
 * alertname reduced to [A-Za-z0-9._-]. */
char *incident_report_name(const struct incident *inc);

/* A --incident selector: a fingerprint, or alertname=X[,label=value...].
 * Returns the index of the first firing alert that matches (earliest
 * start), or -1; -2 and *cause on a malformed selector. */
long incident_match(const struct alert_set *set, const char *selector, char **cause);

#endif
