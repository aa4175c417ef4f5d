/* Silence actions: create (label checklist, duration, comment, preview,
 * confirmation), acknowledge, and the silences list with extend and
 * expire.  Keys s, A (alerts pane) and S register themselves with the
 * console from silences_start_keys(). */
#ifndef CERES_ACTIONS_SILENCES_H
#define CERES_ACTIONS_SILENCES_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/alerts.h"

struct app;
struct alerts_area;
struct silence_requests;

/* Start the silence flow for labels (checklist, duration, comment,
 * preview, confirm); target names the alert or group in messages and the
 * audit log.  ack: a 15-minute "ack" silence in one confirmation. */
void silences_start(struct app *app, struct alerts_area *af, const struct alert_pair *labels,
    size_t nlabels, const char *target, bool ack);
void silences_list_open(struct app *app, struct alerts_area *af);
/* Extend (prompt for a duration, new end = old end + duration) or expire
 * a silence, each after a confirmation. */
void silences_extend(struct app *app, struct alerts_area *af, const struct silence *s);
void silences_expire(struct app *app, struct alerts_area *af, const struct silence *s);
/* Cancel requests in flight (on exit or a site switch); each is audited
 * as unknown. */
void silences_cancel_all(struct app *app);

#endif
