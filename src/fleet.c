/* The fleet: one app per [site "NAME"] of the config, all on one loop.
 * In the console the root app holds the site on screen and the others
 * poll beside it (opening a site swaps what the two apps watch, so its
 * data is there at once); --once --fleet polls every site in one run and
 * prints them together. */
#include "ceres/core/app.h"
#include "ceres/core/fleet.h"
#include "ceres/render/render.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The site names to watch: --site alone, else every [site] of the
 * config; *names is the caller's (the strings too).  0 when the config
 * defines none. */
static size_t
site_names(const struct options *opt, const struct config *cfg, char ***names)
{
	const char **v = NULL;
	size_t n;

	if (opt->site != NULL) {
		*names = xcalloc(1, sizeof **names);
		(*names)[0] = xstrdup(opt->site);
		return 1;
	}
	n = config_names(cfg, "site", &v);
	*names = xcalloc(n > 0 ? n : 1, sizeof **names);
	for (size_t i = 0; i < n; i++)
		(*names)[i] = xstrdup(v[i]);
	free(v);
	return n;
}

static void
names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The hosts of every URL of a site's config, said to the loop ahead: a
 * host that several sites name (a central engine) keeps one set of
 * connections for all of them from the first round. */
static void
scope_url(const char *url, const struct config_entry *e, void *arg)
{
	struct app *a = arg;

	(void)e;
	loop_scope_host(a->loop, a, url);
}

/* Every site's sources keep their connections from one round to the
 * next: a source talks to one host, readiness adds a few. */
static void
keep_alive(struct app *const *apps, size_t n)
{
	long want = 64;

	for (size_t i = 0; i < n; i++) {
		want += 2 * (long)apps[i]->nsources;
		config_each_url(apps[i]->config, scope_url, apps[i]);
	}
	loop_set_max_connections(apps[0]->loop, want);
}

/* The first round of every site but the console's own is spread over
 * one interval, so the sites do not all poll (and parse) in the same
 * pass of the loop ever after. */
struct fleet_kick {
	struct app		*app;
	struct loop_timer	*timer;
};

static void
kick_fire(void *arg)
{
	struct fleet_kick *k = arg;

	k->timer = NULL;
	for (size_t j = 0; j < k->app->nsources; j++)
		source_poll_now(k->app->sources[j]);
}

static void
kicks_start(struct fleet *f)
{
	f->kicks = xcalloc(f->n, sizeof *f->kicks);
	for (size_t i = 0; i < f->n; i++) {
		struct app *a = f->site[i];

		if (a == f->root)
			continue;
		f->kicks[i].app = a;
		f->kicks[i].timer = loop_timer_add(a->loop, a->interval * (double)i / (double)f->n,
		    kick_fire, &f->kicks[i]);
	}
}

int
fleet_find(const struct fleet *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->site[i]->site, name) == 0)
			return (int)i;
	return -1;
}

/* Open site i: the root's app takes its config, model, sources and
 * features; the site that was on screen goes on polling in i's app. */
static int
fleet_open(struct fleet *f, size_t i, char **cause)
{
	struct app *other;

	if (i >= f->n) {
		*cause = xstrdup(_("no such site"));
		return -1;
	}
	if (i == f->shown)
		return 0;
	other = f->site[i];
	app_swap_sites(f->root, other);
	f->site[f->shown] = other;
	f->site[i] = f->root;
	f->shown = i;
	return 0;
}

struct fleet *
fleet_new(struct app *root, char **cause)
{
	struct fleet *f;
	char **names;
	size_t n = site_names(&(struct options){ .site = NULL }, root->config, &names);
	/* The file is read once for every site. */
	struct config *base = config_load_base(root->opt.config_path, cause);

	if (base == NULL) {
		names_free(names, n);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);

	f->root = root;
	f->open = fleet_open;
	f->site = xcalloc(n > 0 ? n : 1, sizeof *f->site);
	f->shown = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (f->shown == SIZE_MAX && strcmp(names[i], root->site) == 0) {
			f->site[f->n++] = root;
			f->shown = i;
			continue;
		}
		f->site[f->n] = app_new_site(&root->opt, names[i], root->loop, base, cause);
		if (f->site[f->n] == NULL) {
			char *why = xasprintf(_("site %s: %s"), names[i], *cause);

			free(*cause);
			*cause = why;
			names_free(names, n);
			config_free(base);
			fleet_free(f);
			return NULL;
		}
		f->n++;
	}
	names_free(names, n);
	config_free(base);
	if (f->shown == SIZE_MAX) {
		/* The console's own site is not one of the [site] sections
		 * (no --site): it is shown first, as one more row. */
		f->site = xreallocarray(f->site, f->n + 1, sizeof *f->site);
		memmove(f->site + 1, f->site, f->n * sizeof *f->site);
		f->site[0] = root;
		f->shown = 0;
		f->n++;
	}
	kicks_start(f);
	keep_alive(f->site, f->n);
	return f;
}

void
fleet_free(struct fleet *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; f->kicks != NULL && i < f->n; i++)
		if (f->kicks[i].timer != NULL)
			loop_timer_cancel(f->root->loop, f->kicks[i].timer);
	free(f->kicks);
	for (size_t i = 0; i < f->n; i++)
		if (f->site[i] != f->root)
			app_free(f->site[i]);
	free(f->site);
	free(f);
}

/* Every site's first round, together, until all ended or the deadline. */
static void
once_poll(struct app **apps, size_t n, double timeout)
{
	double deadline = now_mono() + timeout;

	for (size_t i = 0; i < n; i++)
		app_once_begin(apps[i]);
	for (;;) {
		double left = deadline - now_mono();
		bool done = true;

		for (size_t i = 0; i < n && done; i++)
			done = app_once_done(apps[i]);
		if (done || left <= 0 || apps[0]->quit)
			break;
		loop_run_once(apps[0]->loop, left < 0.5 ? left : 0.5);
	}
	for (size_t i = 0; i < n; i++)
		app_once_end(apps[i]);
}

static int
once_print(struct app **apps, size_t n, const struct options *opt)
{
	struct status *st = xcalloc(n, sizeof *st);
	int code;

	for (size_t i = 0; i < n; i++) {
		status_init(&st[i]);
		render_status(apps[i], &st[i]);
	}
	if (opt->format == FORMAT_JSON)
		render_fleet_json(apps, st, n, stdout);
	else if (opt->format == FORMAT_NAGIOS)
		render_fleet_nagios(apps, st, n, stdout);
	else
		render_fleet_text(apps, st, n, stdout);
	fflush(stdout);
	code = (int)render_fleet_code(st, n);
	for (size_t i = 0; i < n; i++)
		status_free(&st[i]);
	free(st);
	return code;
}

int
fleet_run_once(const struct options *opt)
{
	char *cause = NULL, **names;
	/* The file is read and parsed once; each site's config is made
	 * from it. */
	struct config *base = config_load_base(opt->config_path, &cause);
	struct app **apps;
	size_t n;
	int code = 3;

	if (base == NULL) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		return 3;
	}
	n = site_names(opt, base, &names);
	if (n == 0) {
		/* No [site] sections: the config itself is the one site. */
		names[0] = NULL;
		n = 1;
	}
	apps = xcalloc(n, sizeof *apps);
	for (size_t i = 0; i < n; i++) {
		/* The first site owns the loop (and the signals). */
		apps[i] = app_new_site(opt, names[i], i > 0 ? apps[0]->loop : NULL, base, &cause);
		if (apps[i] == NULL) {
			/* --site names the one site: its error says which. */
			bool named = names[i] != NULL && opt->site == NULL;

			fprintf(stderr, "ceres-top: %s%s%s\n", named ? names[i] : "",
			    named ? ": " : "", cause);
			free(cause);
			goto out;
		}
	}
	config_free(base);
	base = NULL;
	keep_alive(apps, n);
	once_poll(apps, n, opt->timeout);
	code = once_print(apps, n, opt);
out:
	config_free(base);
	for (size_t i = n; i-- > 0;)
		app_free(apps[i]);
	free(apps);
	names_free(names, n);
	return code;
}
