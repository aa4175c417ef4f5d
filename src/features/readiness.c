/* The readiness feature.  Placeholder until the readiness pane lands: it takes no
 * sources and its pane says it is not built yet. */
#include "ceres/app.h"
#include "ceres/i18n.h"
#include "ceres/ui.h"

#include <cJSON.h>

static int
readiness_init(struct app *app, void **data, char **cause)
{
	(void)app;
	(void)cause;
	*data = NULL;
	return 0;
}

static void
readiness_draw(struct app *app, void *data, WINDOW *win, bool focused)
{
	(void)app;
	(void)data;
	(void)focused;
	ui_put(win, 1, 1, _("not built yet"), getmaxx(win) - 2, ui_attr(COLOR_ROLE_DIM));
}

static const struct pane_ops readiness_pane = {
	.name = "readiness",
	.title = N_("Readiness"),
	.draw = readiness_draw,
};

const struct feature readiness_feature = {
	.name = "readiness",
	.init = readiness_init,
	.pane = &readiness_pane,
};
