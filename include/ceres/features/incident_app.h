/* Incident mode over a running app: its config, the model built from the
 * alerts, activity and health areas, the Loki requests of the window
 * (/labels, then query_range), and the --once --incident output. */
#ifndef CERES_FEATURES_INCIDENT_APP_H
#define CERES_FEATURES_INCIDENT_APP_H

#include "ceres/features/incident.h"

struct app;
struct config;

struct inc_config {
	double			  before;	/* [incident] before, default 15m */
	double			  changes;	/* [incident] changes, default 2h */
	char			**want;		/* [incident] labels, NULL: the default */
	size_t			  nwant;
	struct inc_selector_rule *rules;
	size_t			  nrules;
	struct inc_service_map	 *maps;
	size_t			  nmaps;
	char			 *report_dir;	/* NULL: no state directory */
	char			 *runbook_dir;	/* PKGDATADIR/runbooks */
	unsigned		  limit;	/* lines asked of Loki */
	void			 *mem;		/* strings the above point into */
};
int inc_config_load(const struct config *c, struct inc_config *ic, char **cause);
void inc_config_free(struct inc_config *ic);

/* The model of alert a (group g, may be NULL) from the app's areas:
 * window, changes, related items, runbook, timeline without the logs. */
struct incident *incident_build(struct app *app, const struct inc_config *ic,
    const struct alert *a, const struct alert_group *g);
/* Read the operator actions of the audit log again (its last 4 MiB) into
 * the timeline: the report holds what was done since the view opened. */
void incident_reload_actions(struct app *app, struct incident *inc);

/* The logs of the window, asked of the logs area's Loki: /labels of the
 * window first (a label the alert carries that Loki did not list is
 * asked again, never taken from an old cache), then query_range with the
 * selector.  done runs once, from the loop, unless cancelled. */
struct inc_fetch;
typedef void (*inc_fetch_done)(struct incident *inc, void *arg);
struct inc_fetch *incident_fetch(struct app *app, const struct inc_config *ic, struct incident *inc,
    inc_fetch_done done, void *arg);
void incident_fetch_cancel(struct app *app, struct inc_fetch *f);
/* The error of the logs part (Loki unreachable, no Loki), or NULL. */
const char *incident_fetch_error(const struct inc_fetch *f);

/* Following a firing alert's window while the view is open: every
 * interval of the logs source, the lines after the newest one held are
 * asked of Loki (forward, the window's end moved to now) and appended;
 * over INCIDENT_LINES_MAX the oldest followed lines (from index base, the
 * first answer's lines stay) are dropped.  cb runs after each answer
 * that changed the lines.  NULL when there is nothing to follow (a
 * resolved alert, no Loki, no selector). */
struct inc_follow;
typedef void (*inc_follow_cb)(struct incident *inc, size_t added, size_t dropped_at,
    size_t dropped, void *arg);
struct inc_follow *incident_follow(struct app *app, const struct inc_config *ic,
    struct incident *inc, inc_follow_cb cb, void *arg);
void incident_follow_cancel(struct app *app, struct inc_follow *fl);

/* --once --incident: the areas have been polled; print the pivot of the
 * alert the selector names (text, JSON or Markdown).  Returns the exit
 * code: the verdict, or 3 with a message when nothing matches. */
int incident_once(struct app *app, const char *selector, int format, int verdict);

#endif
