/* The registry of areas: for each one (FEATURE_* in focus order) its
 * feature, its pane, and where the pane goes on the screen.  Adding an
 * area is one row in each table here, with the enum value in
 * include/ceres/core/feature.h. */
#include "ceres/core/feature.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <string.h>

extern const struct feature health_feature, alerts_feature, logs_feature,
    activity_feature, readiness_feature;
extern const struct pane_ops health_pane, alerts_pane, logs_pane, activity_pane,
    readiness_pane;

const struct feature *const features[FEATURE_COUNT] = {
	[FEATURE_HEALTH] = &health_feature,
	[FEATURE_ALERTS] = &alerts_feature,
	[FEATURE_LOGS] = &logs_feature,
	[FEATURE_ACTIVITY] = &activity_feature,
	[FEATURE_READINESS] = &readiness_feature,
};

const struct pane_ops *const ui_panes[FEATURE_COUNT] = {
	[FEATURE_HEALTH] = &health_pane,
	[FEATURE_ALERTS] = &alerts_pane,
	[FEATURE_LOGS] = &logs_pane,
	[FEATURE_ACTIVITY] = &activity_pane,
	[FEATURE_READINESS] = &readiness_pane,
};

/* Health and alerts side by side on top (2/5 of the height), the log
 * tail across the middle (3/10), activity and readiness below. */
const struct ui_layout_row ui_layout[] = {
	{ 4, { FEATURE_HEALTH, FEATURE_ALERTS, -1 } },
	{ 3, { FEATURE_LOGS, -1 } },
	{ 3, { FEATURE_ACTIVITY, FEATURE_READINESS, -1 } },
	{ 0, { -1 } },
};

int
feature_index(const char *name)
{
	for (int i = 0; i < FEATURE_COUNT; i++)
		if (strcmp(features[i]->name, name) == 0)
			return i;
	return -1;
}

char *
feature_names(const char *sep)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (i > 0)
			strbuf_adds(&sb, sep);
		strbuf_adds(&sb, features[i]->name);
	}
	return strbuf_detach(&sb);
}
