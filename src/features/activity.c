/* The activity feature.  Placeholder until the activity pane lands: it takes no
 * sources and its pane says it is not built yet. */
#include "ceres/app.h"
#include "ceres/i18n.h"
#include "ceres/ui.h"

#include <cJSON.h>

static int
activity_init(struct app *app, void **data, char **cause)
{
	(void)app;
	(void)cause;
	*data = NULL;
	return 0;
}

static void
activity_draw(struct app *app, void *data, WINDOW *win, bool focused)
{
	(void)app;
	(void)data;
	(void)focused;
	ui_put(win, 1, 1, _("not built yet"), getmaxx(win) - 2, ui_attr(COLOR_ROLE_DIM));
}

static const struct pane_ops activity_pane = {
	.name = "activity",
	.title = N_("Activity"),
	.draw = activity_draw,
};

const struct feature activity_feature = {
	.name = "activity",
	.init = activity_init,
	.pane = &activity_pane,
};
