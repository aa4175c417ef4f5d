/* A feature is one area of the console (health, alerts, logs, activity,
 * readiness): it creates its sources from the config, owns its part of
 * the model and renders itself for --once; its pane (src/ui/) draws it.
 * Adding an area is a feature file, a pane file, one value in the enum
 * below and one row in src/registry.c. */
#ifndef CERES_FEATURE_H
#define CERES_FEATURE_H

#include <stdbool.h>
#include <stdio.h>
#include "ceres/util/util.h"

struct app;
struct cJSON;

/* The monitoring-plugins verdict, accumulated over every feature. */
enum status_code {
	STATUS_OK = 0,
	STATUS_WARNING = 1,
	STATUS_CRITICAL = 2,
	STATUS_UNKNOWN = 3,
};
struct status {
	enum status_code	 code;
	struct strbuf		 summary;	/* "1 down, 2 critical alerts" */
	struct strbuf		 perf;		/* "services_up=11;;;0;12 ..." */
};
void status_init(struct status *st);
void status_free(struct status *st);
/* Raise to code, never lower: OK < UNKNOWN < WARNING < CRITICAL. */
void status_raise(struct status *st, enum status_code code);
/* Add a ", "-separated phrase to the summary. */
void status_note(struct status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* value NAN: not known, written "U". */
void status_perf(struct status *st, const char *label, double value, double max);
const char *status_name(enum status_code c);	/* "ok", "warning", ... */
/* A counted phrase for the status summary (status_note): the English
 * forms in --once output, whose nagios line and JSON are read by
 * programs, and the translation with the language's plural forms in the
 * console header.  Use as
 *   status_note(st, status_plural(app, "%zu down", "%zu down", n), n);
 * (xgettext knows it as a keyword: po/Makevars). */
const char *status_plural(const struct app *app, const char *singular, const char *plural,
    unsigned long n) __attribute__((format_arg(2), format_arg(3)));

struct feature {
	const char		*name;		/* --panes name, JSON key */
	/* Create sources from app->config; *data is the feature's state. */
	int			(*init)(struct app *app, void **data, char **cause);
	void			(*free)(void *data);
	/* --once renderers: add this feature's key to the JSON root, or its
	 * section to the text output. */
	void			(*json)(struct app *app, void *data, struct cJSON *root);
	void			(*text)(struct app *app, void *data, struct strbuf *out);
	/* Optional, for a part too large to hold twice: written straight to
	 * out.  json_stream writes the value of the member json() added with
	 * feature_json_slot(); text_stream continues the section text() began. */
	void			(*json_stream)(struct app *app, void *data, FILE *out);
	void			(*text_stream)(struct app *app, void *data, FILE *out);
	/* Contribute to the exit code and nagios line (called only for
	 * enabled features, so data is the feature's own). */
	void			(*status)(struct app *app, void *data, struct status *st);
};

/* A member of the JSON root whose value json_stream() of the feature
 * named name writes when the output is written (FEATURE_SLOT_MARK, never
 * in cJSON's own output, marks the place). */
#define FEATURE_SLOT_MARK	'\x01'
void feature_json_slot(struct cJSON *root, const char *key, const char *name);

/* The areas, in focus order (the keys 1-5 and --panes). */
enum feature_id {
	FEATURE_HEALTH = 0,
	FEATURE_ALERTS,
	FEATURE_LOGS,
	FEATURE_ACTIVITY,
	FEATURE_READINESS,
	FEATURE_COUNT
};
/* The registry (src/registry.c). */
extern const struct feature *const features[FEATURE_COUNT];
int feature_index(const char *name);
/* The names joined by sep: "health,alerts,logs,activity,readiness".
 * The caller frees the result. */
char *feature_names(const char *sep);

/* The data of a feature (NULL when it is not enabled). */
void *app_feature(struct app *app, int index);

#endif
