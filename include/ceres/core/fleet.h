/* The fleet: every [site "NAME"] of the config watched at once, one app
 * per site, all on the console's one loop (each with its own config,
 * model, sources, backoff and data age).  Made and run by src/fleet.c;
 * the sites screen (src/ui/fleet_pane.c) reads it. */
#ifndef CERES_FLEET_H
#define CERES_FLEET_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct options;
struct fleet_kick;

struct fleet {
	struct app	**site;		/* one per site, in config file order */
	size_t		  n;
	struct app	 *root;		/* the console's app: it holds site[shown] */
	size_t		  shown;	/* the site whose data the console's app holds */
	/* Open site i in the console (its data moves into root, none is
	 * lost): 0, or -1 with *cause. */
	int		(*open)(struct fleet *f, size_t i, char **cause);
	struct fleet_kick *kicks;	/* first polls, spread over an interval */
};

/* The sites of the console's app (made from its config): every other
 * site gets an app on the same loop, polled from now on.  NULL and
 * *cause when a site's config cannot be used. */
struct fleet *fleet_new(struct app *root, char **cause);
void fleet_free(struct fleet *f);
/* The index of the site called name, or -1. */
int fleet_find(const struct fleet *f, const char *name);
/* --once --fleet: every site (or --site) polled at once, printed; the
 * exit code of the worst. */
int fleet_run_once(const struct options *opt);

#endif
