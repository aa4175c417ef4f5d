/* The interactive console: the curses console (src/ui/) and the actions
 * (src/actions/) started together on one app, the switch between sites
 * that both take part in, the fleet of sites beside it, and the order
 * they stop in. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/core/fleet.h"
#include "ceres/util/i18n.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ":site NAME": the actions (webhook routes, backup, central audit) are
 * made again from the new site's config, like the sources and features.
 * A site of the fleet is opened with the data it already has. */
static int
switch_site(struct app *app, const char *site, char **cause)
{
	int rc, i;

	actions_stop(app);
	if (app->fleet != NULL) {
		i = fleet_find(app->fleet, site);
		if (i >= 0)
			rc = app->fleet->open(app->fleet, (size_t)i, cause);
		else {
			*cause = xasprintf(_("unknown site %s"), site);
			rc = -1;
		}
	} else
		rc = app_switch_site(app, site, cause);
	actions_start(app);
	return rc;
}

/* The fleet: with --fleet, or when the config has two or more [site]
 * sections.  The console's app holds one of the sites (the first, unless
 * --site named one).  0, or 1 when it cannot start. */
static int
fleet_prepare(struct app *app)
{
	const char **names = NULL;
	size_t n = config_names(app->config, "site", &names);
	bool member = false;
	char *cause = NULL;

	for (size_t i = 0; i < n; i++)
		member = member || strcmp(names[i], app->site) == 0;
	if ((!app->opt.fleet && n < 2) || n == 0) {
		free(names);
		return 0;
	}
	if (!member && app_switch_site(app, names[0], &cause) != 0) {
		free(names);
		goto fail;
	}
	free(names);
	if ((app->fleet = fleet_new(app, &cause)) != NULL)
		return 0;
fail:
	fprintf(stderr, "ceres-top: %s\n", cause);
	free(cause);
	return 1;
}

int
app_run_tui(struct app *app)
{
	if (fleet_prepare(app) != 0)
		return 1;
	if (ui_start(app) != 0) {
		fleet_free(app->fleet);
		app->fleet = NULL;
		return 1;
	}
	ui_on_site_switch(app, switch_site);
	actions_start(app);
	for (size_t i = 0; i < app->nsources; i++)
		source_poll_now(app->sources[i]);
	if (app->fleet != NULL)
		ui_fleet_set(app, app->fleet, app->opt.fleet || app->opt.site == NULL);
	ui_run(app);
	ui_fleet_set(app, NULL, false);
	ui_stop(app);
	/* After the overlays are gone: they point into the actions' state. */
	actions_stop(app);
	fleet_free(app->fleet);
	app->fleet = NULL;
	return 0;
}
