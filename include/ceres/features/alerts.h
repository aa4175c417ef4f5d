/* The alerts feature: the Alertmanager peers of the config, the model the
 * source fills, and the --once output and verdict. */
#ifndef CERES_FEATURES_ALERTS_H
#define CERES_FEATURES_ALERTS_H

#include "ceres/model/alerts.h"
#include "ceres/sources/alerts.h"

struct source;

/* The feature's data: the model the source writes and the pane, the
 * --once output and the silence actions read; the credentials every
 * request to the peers carries; the source (NULL: not configured). */
struct alerts_area {
	struct alerts		 al;
	struct am_conn		 conn;
	struct source		*src;
};

#endif
