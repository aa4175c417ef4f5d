/* struct app: creation from the options and config, the source list, and
 * the --once run (same sources and model as the console, a renderer
 * instead of curses). */
#include "ceres/core/app.h"
#include "ceres/features/incident_app.h"
#include "ceres/features/readiness.h"
#include "ceres/util/i18n.h"
#include "ceres/render/render.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
make_user_host(void)
{
	const char *user = getenv("USER");
	char host[256];

	if (user == NULL || *user == '\0')
		user = getenv("LOGNAME");
	if (user == NULL || *user == '\0') {
		/* tmux and cron may leave no USER: ask the password database. */
		struct passwd *pw = getpwuid(getuid());

		user = pw != NULL && pw->pw_name != NULL ? pw->pw_name : "unknown";
	}
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	return xasprintf("%s@%s", user, host);
}

/* Features needed in this run: the requested panes, plus health when the
 * readiness score is asked for (it reads the health rows). */
static bool
feature_needed(const struct app *app, int i)
{
	if (app_feature_enabled(app, i))
		return true;
	return i == FEATURE_HEALTH && app_feature_enabled(app, FEATURE_READINESS);
}

/* Settings that come from the config (again after a site switch). */
static void
app_settings(struct app *app, const char *site)
{
	const char *v;

	app->interval = config_get_double(app->config, "ceres", NULL, "interval", 5);
	app->timeout = config_get_double(app->config, "ceres", NULL, "timeout", 3);
	app->read_only = app->opt.read_only ||
	    config_get_bool(app->config, "ceres", NULL, "read_only", false);
	free(app->site);
	if (site != NULL)
		app->site = xstrdup(site);
	else if ((v = config_get(app->config, "ceres", NULL, "site")) != NULL)
		app->site = xstrdup(v);
	else
		app->site = xstrdup(app->config->defaults ? "local" : "ceres");
}

static int
app_features_init(struct app *app, char **cause)
{
	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (!feature_needed(app, i) || features[i]->init == NULL)
			continue;
		if (features[i]->init(app, &app->feature_data[i], cause) != 0)
			return -1;
	}
	return 0;
}

/* Sources first: they may reference feature data. */
static void
app_features_free(struct app *app)
{
	for (size_t i = 0; i < app->nsources; i++)
		source_free(app->sources[i]);
	free(app->sources);
	app->sources = NULL;
	app->nsources = 0;
	for (int i = FEATURE_COUNT - 1; i >= 0; i--) {
		if (app->feature_data[i] != NULL && features[i]->free != NULL)
			features[i]->free(app->feature_data[i]);
		app->feature_data[i] = NULL;
	}
}

static struct app *
app_create(const struct options *opt, const char *site, struct loop *loop,
    const struct config *base, char **cause)
{
	struct app *app = xcalloc(1, sizeof *app);

	app->opt = *opt;
	app->opt.site = site;
	model_init(&app->model);
	app->config = base != NULL ? config_site(base, site, cause) :
	    config_load(opt->config_path, site, cause);
	if (app->config == NULL) {
		free(app);
		return NULL;
	}
	app->shared_loop = loop != NULL;
	app->loop = loop != NULL ? loop : loop_new(cause);
	if (app->loop == NULL) {
		config_free(app->config);
		free(app);
		return NULL;
	}
	app_settings(app, site);
	app->user_host = make_user_host();
	app->started = now_wall();
	if ((!app->shared_loop && signals_init(app, cause) != 0) ||
	    app_features_init(app, cause) != 0) {
		app_free(app);
		return NULL;
	}
	return app;
}

struct app *
app_new(const struct options *opt, char **cause)
{
	return app_create(opt, opt->site, NULL, NULL, cause);
}

struct app *
app_new_site(const struct options *opt, const char *site, struct loop *loop,
    const struct config *base, char **cause)
{
	return app_create(opt, site, loop, base, cause);
}

#define SWAP(T, x, y) do { T tmp_ = (x); (x) = (y); (y) = tmp_; } while (0)

static void
app_rebind(struct app *app)
{
	struct readiness *r = app->feature_data[FEATURE_READINESS];

	for (size_t i = 0; i < app->nsources; i++)
		app->sources[i]->app = app;
	if (r != NULL)
		r->app = app;
}

/* What a site is made of moves; the options, the loop, the console and
 * the actions stay with their app. */
void
app_swap_sites(struct app *a, struct app *b)
{
	SWAP(struct config *, a->config, b->config);
	SWAP(struct model, a->model, b->model);
	SWAP(struct source **, a->sources, b->sources);
	SWAP(size_t, a->nsources, b->nsources);
	for (int i = 0; i < FEATURE_COUNT; i++)
		SWAP(void *, a->feature_data[i], b->feature_data[i]);
	SWAP(char *, a->site, b->site);
	SWAP(double, a->interval, b->interval);
	SWAP(double, a->timeout, b->timeout);
	SWAP(bool, a->read_only, b->read_only);
	SWAP(const char *, a->opt.site, b->opt.site);
	app_rebind(a);
	app_rebind(b);
	a->model.dirty = b->model.dirty = true;
}

/* Switch to another site of the config file at run time: the config is
 * read again with that site's overrides, then every source and feature is
 * freed and created again from it.  If the new config cannot be loaded
 * or its features fail to start, the old site is restored. */
int
app_switch_site(struct app *app, const char *site, char **cause)
{
	struct config *cfg = config_load(app->opt.config_path, site, cause), *old;
	char *oldsite, *why = NULL;

	if (cfg == NULL)
		return -1;
	app_features_free(app);
	model_free(&app->model);
	model_init(&app->model);
	old = app->config;
	oldsite = xstrdup(app->site);
	app->config = cfg;
	app_settings(app, site);
	if (app_features_init(app, cause) == 0) {
		config_free(old);
		free(oldsite);
		app->model.dirty = true;
		return 0;
	}
	app_features_free(app);
	model_free(&app->model);
	model_init(&app->model);
	app->config = old;
	app_settings(app, oldsite);
	free(oldsite);
	config_free(cfg);
	if (app_features_init(app, &why) != 0) {
		/* It started before: only a vanished file could do this. */
		free(*cause);
		*cause = why;
	}
	app->model.dirty = true;
	return -1;
}

void
app_free(struct app *app)
{
	if (app == NULL)
		return;
	app_features_free(app);
	if (!app->shared_loop) {
		signals_fini(app);
		loop_free(app->loop);
	}
	free(app->child_cbs);
	model_free(&app->model);
	config_free(app->config);
	free(app->site);
	free(app->user_host);
	free(app);
}

bool
app_once_done(const struct app *app)
{
	for (size_t i = 0; i < app->nsources; i++)
		if (!app->sources[i]->polled)
			return false;
	return true;
}

/* Requests time out a little before the overall deadline, so that a hung
 * backend is reported as such ("timed out", down) rather than missing
 * from the snapshot. */
void
app_once_begin(struct app *app)
{
	double cap = app->opt.timeout * 0.85;

	for (size_t i = 0; i < app->nsources; i++) {
		app->sources[i]->once_only = true;
		if (app->sources[i]->timeout > cap)
			app->sources[i]->timeout = cap;
		source_poll_now(app->sources[i]);
	}
}

/* Sources that did not finish in time count as unreachable. */
void
app_once_end(struct app *app)
{
	for (size_t i = 0; i < app->nsources; i++) {
		struct source *s = app->sources[i];

		if (!s->polled) {
			free(s->error);
			s->error = xstrdup(_("no answer before the --timeout deadline"));
			s->ok = false;
		}
	}
}

int
app_run_once(struct app *app)
{
	double deadline = now_mono() + app->opt.timeout;
	struct status st;
	int code;
	char *out;

	app_once_begin(app);
	while (!app_once_done(app) && !app->quit) {
		double left = deadline - now_mono();

		if (left <= 0)
			break;
		loop_run_once(app->loop, left < 0.5 ? left : 0.5);
	}
	app_once_end(app);
	status_init(&st);
	render_status(app, &st);
	if (app->opt.incident != NULL) {
		code = incident_once(app, app->opt.incident, (int)app->opt.format, (int)st.code);
		status_free(&st);
		return code;
	}
	switch (app->opt.format) {
	case FORMAT_JSON:
		render_json_to(app, &st, stdout);
		break;
	case FORMAT_NAGIOS:
		out = render_nagios(app, &st);
		fputs(out, stdout);
		free(out);
		break;
	case FORMAT_OPENMETRICS:
		out = render_openmetrics(app, &st);
		fputs(out, stdout);
		free(out);
		break;
	default:
		render_text_to(app, &st, stdout);
		break;
	}
	fflush(stdout);
	code = (int)st.code;
	status_free(&st);
	return code;
}
