/* The activity feature: a Gitea and a Redmine source feeding one merged
 * timeline, and its --once output. */
#ifndef CERES_FEATURES_ACTIVITY_H
#define CERES_FEATURES_ACTIVITY_H

#include <stdbool.h>
#include "ceres/model/activity.h"
#include "ceres/sources/activity.h"

struct app;
struct source;

/* ---- the feature ---- */
/* The feature's data, shared by the feature (sources, --once) and the pane. */
struct activity {
	struct act_timeline	*tl;
	struct source		*gitea;		/* NULL when not configured */
	struct source		*redmine;
	bool			 gitea_configured;	/* [gitea] present (maybe without repos) */
	bool			 redmine_configured;
};

/* For readiness and others: the hooks of a configured repository through
 * the activity feature; -1 when activity is off or the count is unknown.
 * The same numbers are facts on the "gitea" health row:
 * gitea.hooks.<owner>/<name> (active hooks) and gitea.hooks_push.<...>. */
int activity_gitea_hooks(struct app *app, const char *repo, struct gitea_hooks *out);


#endif
