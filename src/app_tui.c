/* The interactive console: the curses console (src/ui/) and the actions
 * (src/actions/) started together on one app, the switch between sites
 * that both take part in, and the order they stop in. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/ui/ui.h"

/* ":site NAME": the actions (webhook routes, backup, central audit) are
 * made again from the new site's config, like the sources and features. */
static int
switch_site(struct app *app, const char *site, char **cause)
{
	int rc;

	actions_stop(app);
	rc = app_switch_site(app, site, cause);
	actions_start(app);
	return rc;
}

int
app_run_tui(struct app *app)
{
	if (ui_start(app) != 0)
		return 1;
	ui_on_site_switch(app, switch_site);
	actions_start(app);
	for (size_t i = 0; i < app->nsources; i++)
		source_poll_now(app->sources[i]);
	ui_run(app);
	ui_stop(app);
	/* After the overlays are gone: they point into the actions' state. */
	actions_stop(app);
	return 0;
}
