/* What the panes offer the layers above them: the actions act on what
 * the operator selected. */
#ifndef CERES_UI_PANES_H
#define CERES_UI_PANES_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/alerts.h"

struct app;

/* The alert or group selected in the alerts pane: its labels (borrowed
 * from the model: copy them before the next poll) and a name for
 * messages and the audit log (owned).  false when nothing is selected. */
bool alerts_pane_selection(struct app *app, const struct alert_pair **labels, size_t *n,
    char **target);
/* The alert selected in the alerts pane (*g NULL), or the group (*a its
 * first alert); borrowed from the model until the next poll. */
bool alerts_pane_selected(struct app *app, const struct alert **a, const struct alert_group **g);

#endif
