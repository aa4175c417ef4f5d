/* What the alerts pane (alerts_pane.c) and the alert details
 * (alert_details.c) share.  Not a public header. */
#ifndef CERES_UI_ALERTS_INTERNAL_H
#define CERES_UI_ALERTS_INTERNAL_H

#include "ceres/model/alerts.h"

struct app;

/* "active", "silenced", ... (translated). */
const char *alerts_state_label(enum alert_state s);
/* Open the details overlay of one alert. */
void alerts_details(struct app *app, struct alerts *al, const struct alert *a);

#endif
