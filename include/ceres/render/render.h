/* --once renderers: the same model as the console, as text, JSON or one
 * nagios status line. */
#ifndef CERES_RENDER_H
#define CERES_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "ceres/core/feature.h"

struct app;
struct status;

/* Fill st from every enabled feature and from the sources. */
void render_status(struct app *app, struct status *st);
char *render_json(struct app *app, const struct status *st);
char *render_text(struct app *app, const struct status *st);
/* The same, written to out as it is made: a feature's large part (every
 * alert) is never held as a second copy. */
void render_json_to(struct app *app, const struct status *st, FILE *out);
/* The same object without the newline (the fleet puts several in one). */
void render_json_object_to(struct app *app, const struct status *st, FILE *out);
void render_text_to(struct app *app, const struct status *st, FILE *out);
char *render_nagios(struct app *app, const struct status *st);
/* OpenMetrics text (gauges only, also valid Prometheus text 0.0.4). */
char *render_openmetrics(struct app *app, const struct status *st);

/* ---- the fleet (src/render/fleet.c) ---- */
/* One site as the sites screen and the fleet summary show it; -1 (or a
 * negative age) where a figure is not known. */
struct fleet_row {
	const char		*name;		/* the app's site name */
	enum status_code	 code;
	bool			 answered;	/* some watched source has answered */
	long			 up, total;	/* services */
	long			 crit, warn;	/* firing alerts */
	long			 readiness;	/* percent */
	double			 age;		/* data age, seconds */
	char			 problem[160];	/* first failing source: its error */
	char			 change[160];	/* the newest change: its title */
	double			 change_time;	/* epoch seconds, 0 none */
	char			 summary[200];	/* the verdict's summary */
};
void render_fleet_row(struct app *app, struct fleet_row *row);
/* Rank for "worst first": critical, warning, unknown, ok. */
int render_fleet_rank(enum status_code c);
/* --once --fleet over n sites whose status is st[i]; the verdict of the
 * fleet is returned (the worst site's). */
enum status_code render_fleet_code(const struct status *st, size_t n);
void render_fleet_text(struct app *const *apps, const struct status *st, size_t n, FILE *out);
void render_fleet_json(struct app *const *apps, const struct status *st, size_t n, FILE *out);
void render_fleet_nagios(struct app *const *apps, const struct status *st, size_t n, FILE *out);

#endif
