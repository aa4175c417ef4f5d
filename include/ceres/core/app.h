/* struct app: the one root that owns the loop, config, model, sources,
 * features and the UI.  No other globals but signal flags. */
#ifndef CERES_APP_H
#define CERES_APP_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/core/config.h"
#include "ceres/model/services.h"
#include "ceres/core/loop.h"
#include "ceres/core/source.h"
#include "ceres/core/feature.h"

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_NAGIOS,
	FORMAT_MARKDOWN,	/* --incident only */
	FORMAT_OPENMETRICS,
};

struct options {
	const char		*config_path;
	const char		*site;
	bool			 once;
	enum output_format	 format;
	unsigned		 panes;		/* bit per feature index */
	double			 timeout;	/* --once deadline */
	bool			 read_only;
	const char		*theme;
	bool			 no_color;
	bool			 check_config;
	double			 rotate;	/* NOC: cycle focus every N s, 0 off */
	const char		*incident;	/* --incident SELECTOR */
	bool			 fleet;		/* --fleet: every [site] at once */
};

struct ui;
struct actions;
struct fleet;

struct app {
	struct options		 opt;
	struct config		*config;
	struct loop		*loop;
	struct model		 model;
	struct source		**sources;
	size_t			 nsources;
	void			*feature_data[FEATURE_COUNT];
	struct ui		*ui;		/* NULL in --once */
	/* Signals other than the quit signals and SIGCHLD (SIGWINCH), for
	 * the console while it runs. */
	void			(*on_signal)(struct app *app, int signo);
	struct actions		*actions;	/* webhook, backup, audit state (console only) */
	bool			 quit;
	bool			 read_only;
	char			*site;		/* shown in the title */
	double			 interval;	/* default poll interval */
	double			 timeout;	/* default request timeout */
	char			*user_host;	/* "$USER@host" */
	int			 sigpipe[2];	/* signal self-pipe */
	struct app_child_cb	*child_cbs;	/* SIGCHLD listeners */
	size_t			 nchild_cbs;
	double			 started;	/* wall clock */
	/* A site of the fleet: the loop belongs to another app, and so do
	 * the signals. */
	bool			 shared_loop;
	/* The console's fleet, when it watches several sites. */
	struct fleet		*fleet;
};

/* SIGCHLD listeners (backups and other children) run from the loop. */
typedef void (*app_child_fn)(struct app *app, void *arg);
struct app_child_cb {
	app_child_fn	 fn;
	void		*arg;
};
void app_on_sigchld(struct app *app, app_child_fn fn, void *arg);
void app_off_sigchld(struct app *app, app_child_fn fn, void *arg);

/* Signals: flags set by handlers, bytes on the self-pipe wake the loop. */
int signals_init(struct app *app, char **cause);
void signals_fini(struct app *app);
/* Restore the terminal from a crash handler (async-signal-safe). */
void signals_set_tty_restore(bool on);

struct app *app_new(const struct options *opt, char **cause);
void app_free(struct app *app);
/* One more site on the loop of another app (the fleet): its own config
 * with that site's overrides, model, sources and features; no signals.
 * loop NULL: a loop (and signals) of its own.  base: the config file as
 * config_load_base() read it, or NULL to read the file again. */
struct app *app_new_site(const struct options *opt, const char *site, struct loop *loop,
    const struct config *base, char **cause);
/* Exchange what two apps of one loop watch (config, model, sources,
 * features, site settings): the console opens a site of the fleet with
 * its data already there.  Every pointer back to the owner follows. */
void app_swap_sites(struct app *a, struct app *b);
/* Switch to another [site "NAME"] of the config at run time: every source
 * and feature is freed and created again (feature free functions must
 * cancel whatever they registered with the loop).  On error the old site
 * stays and *cause says why. */
int app_switch_site(struct app *app, const char *site, char **cause);
/* Interactive console; returns the process exit code. */
int app_run_tui(struct app *app);
/* One poll of every source, print, exit code per the plugins convention. */
int app_run_once(struct app *app);
/* The parts of --once, for several apps on one loop (the fleet): start
 * every source once, whether all ended, and mark those that did not
 * answer before the deadline. */
void app_once_begin(struct app *app);
bool app_once_done(const struct app *app);
void app_once_end(struct app *app);

void app_add_source(struct app *app, struct source *s);
bool app_feature_enabled(const struct app *app, int index);
/* Mark that something changed: redraw at the end of this loop pass. */
void app_dirty(struct app *app);


#endif
