/* The actions' entry points: the keys and the header fragment they add
 * to the console, the lifetime of the actions' state, and the small-file
 * helpers (state directory, atomic replace) the state files share. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/core/paths.h"
#include "ceres/actions/audit.h"
#include "ceres/actions/incident.h"
#include "ceres/actions/silences.h"
#include "ceres/ui/ui.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The silence keys work on the alerts pane's selection; `q` is guarded
 * while a backup runs (quitting would end it) and lets the key through
 * otherwise, so it is not listed in the help. */
static const struct ui_key action_keys[] = {
	{ 's', "s", N_("silence the selected alert or group"), FEATURE_ALERTS, silences_key_silence, NULL },
	{ 'A', "A", N_("acknowledge: silence for 15 minutes"), FEATURE_ALERTS, silences_key_ack, NULL },
	{ 'S', "S", N_("list silences (e extend, x expire)"), FEATURE_ALERTS, silences_key_list, NULL },
	{ 'i', "i", N_("incident view: logs, changes, related, runbook (E report, R Redmine)"),
	    FEATURE_ALERTS, incident_key, NULL },
	{ 'w', "w", N_("webhook test menu (every notification route)"), UI_ANY_PANE, webhooks_menu_key, NULL },
	{ 'b', "b", N_("run the backup, or show the one running"), UI_ANY_PANE, backup_key, NULL },
	{ 'a', "a", N_("audit trail (newest first)"), UI_ANY_PANE, audit_view_key, NULL },
	{ 'q', "q", NULL, UI_ANY_PANE, backup_quit_guard, NULL },
};

static void
header(struct app *app, void *arg, char *buf, size_t n)
{
	(void)arg;
	backup_header(app, buf, n);
}

void
actions_start(struct app *app)
{
	struct actions *a;

	if (app->actions != NULL)
		return;
	a = xcalloc(1, sizeof *a);
	app->actions = a;
	a->audit_db = audit_db_new(app);
	a->webhooks = webhooks_new(app);
	a->backup = backup_new(app);
	for (size_t i = 0; i < sizeof action_keys / sizeof action_keys[0]; i++)
		ui_key_add(app, a, &action_keys[i]);
	ui_header_add(app, a, header, NULL);
}

void
actions_stop(struct app *app)
{
	struct actions *a = app->actions;

	if (a == NULL)
		return;
	ui_hooks_remove(app, a);
	/* Silences in flight are audited as unknown; the backup's end is
	 * audited too, so both go before the audit flush. */
	silences_cancel_all(app);
	backup_free(a->backup);
	a->backup = NULL;
	webhooks_free(a->webhooks);
	a->webhooks = NULL;
	/* Give the central audit a moment to take what is spooled; what it
	 * does not take stays in the spool for the next run. */
	audit_db_free(a->audit_db, now_mono() + 2.0);
	a->audit_db = NULL;
	free(a);
	app->actions = NULL;
}

char *
actions_state_path(struct app *app, const char *name)
{
	return paths_state_file(app->config, name);
}

bool
app_action_allowed(struct app *app)
{
	if (!app->read_only)
		return true;
	if (app->ui != NULL)
		ui_message(app, UI_MSG_WARN, "%s", _("read-only: actions are disabled"));
	return false;
}
