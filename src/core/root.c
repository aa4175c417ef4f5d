/* The root's small accessors that every layer uses: register a source,
 * ask whether an area is enabled, mark the screen dirty, listen for
 * SIGCHLD.  Creating, switching and running the app is src/app.c. */
#include "ceres/core/app.h"
#include "ceres/util/util.h"

#include <string.h>

void
app_add_source(struct app *app, struct source *s)
{
	app->sources = xreallocarray(app->sources, app->nsources + 1, sizeof *app->sources);
	app->sources[app->nsources++] = s;
}

bool
app_feature_enabled(const struct app *app, int index)
{
	return (app->opt.panes & (1u << index)) != 0;
}

void *
app_feature(struct app *app, int index)
{
	return app->feature_data[index];
}

void
app_dirty(struct app *app)
{
	app->model.dirty = true;
}

void
app_on_sigchld(struct app *app, app_child_fn fn, void *arg)
{
	app->child_cbs = xreallocarray(app->child_cbs, app->nchild_cbs + 1, sizeof *app->child_cbs);
	app->child_cbs[app->nchild_cbs].fn = fn;
	app->child_cbs[app->nchild_cbs].arg = arg;
	app->nchild_cbs++;
}

void
app_off_sigchld(struct app *app, app_child_fn fn, void *arg)
{
	for (size_t i = 0; i < app->nchild_cbs; i++) {
		if (app->child_cbs[i].fn == fn && app->child_cbs[i].arg == arg) {
			memmove(&app->child_cbs[i], &app->child_cbs[i + 1],
			    (app->nchild_cbs - i - 1) * sizeof *app->child_cbs);
			app->nchild_cbs--;
			return;
		}
	}
}
