/* --once renderers: the same model as the console, as text, JSON or one
 * nagios status line. */
#ifndef CERES_RENDER_H
#define CERES_RENDER_H

#include <stdio.h>

struct app;
struct status;

/* Fill st from every enabled feature and from the sources. */
void render_status(struct app *app, struct status *st);
char *render_json(struct app *app, const struct status *st);
char *render_text(struct app *app, const struct status *st);
/* The same, written to out as it is made: a feature's large part (every
 * alert) is never held as a second copy. */
void render_json_to(struct app *app, const struct status *st, FILE *out);
void render_text_to(struct app *app, const struct status *st, FILE *out);
char *render_nagios(struct app *app, const struct status *st);
/* OpenMetrics text (gauges only, also valid Prometheus text 0.0.4). */
char *render_openmetrics(struct app *app, const struct status *st);

#endif
