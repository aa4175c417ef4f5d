/* Readiness: the platform's enterprise checklist as live checks.  Each
 * check is one row of the table in src/features/readiness/checks.c (id,
 * category, title, weight, probe); a probe is a pure function that reads
 * the evidence gathered by the readiness sources (struct rd_data), the
 * health rows (struct model) and the config, and answers pass / fail /
 * unknown with one line saying what it saw.  Adding a check is one table
 * row and one probe function. */
#ifndef CERES_FEATURES_READINESS_H
#define CERES_FEATURES_READINESS_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/readiness.h"

struct app;
struct config;
struct model;

/* What a probe reads.  model and config may not be NULL. */
struct rd_ctx {
	const struct rd_data	*d;
	const struct model	*model;
	const struct config	*config;
	double			 now;		/* wall clock */
};
typedef void (*rd_probe_fn)(const struct rd_ctx *ctx, struct rd_result *out);

struct rd_check {
	const char		*id;		/* stable: "availability.ha_postgres" */
	enum rd_category	 category;
	const char		*title;		/* N_() */
	int			 weight;	/* 1 nice, 2 important, 3 critical */
	rd_probe_fn		 probe;
	const char		*remedy;	/* N_() one-line fix, when no runbook page */
};
extern const struct rd_check rd_checks[];
extern const size_t rd_ncheck;
const struct rd_check *rd_check_find(const char *id);

/* Probe result helpers: format (printf), make one safe line, truncate at
 * a UTF-8 boundary with an ellipsis. */
void rd_set(struct rd_result *out, enum rd_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Unknown because the fetch did not answer: "<what> not configured",
 * "<what>: waiting for the first answer", "<what>: <error>".  Returns true
 * when it decided (the fetch is not RD_OK). */
bool rd_unknown_unless_ok(struct rd_result *out, const struct rd_fetch *f, const char *what);

/* Score = passed weight / weight of the decided checks; unknown checks
 * are counted apart and never as pass. */
void rd_score_compute(const struct rd_check *checks, const struct rd_result *res, size_t n,
    struct rd_score *out);
/* Run every probe (res has rd_ncheck entries), then score. */
void rd_evaluate(const struct rd_ctx *ctx, struct rd_result *res, struct rd_score *score);

/* ---- score history (src/features/readiness/history.c) -------------- */
#define RD_HISTORY_DAYS		400
#define RD_HISTORY_POINTS	(RD_HISTORY_DAYS * 24)
struct rd_hist_point {
	double	 t;				/* epoch seconds */
	short	 pct[RD_NCATEGORIES + 1];	/* per category, then the total; -1 none */
};
struct rd_history {
	struct rd_hist_point	*p;		/* oldest first, one per hour */
	size_t			 n, cap;
};
void rd_history_free(struct rd_history *h);
/* Parse the file's text (bad lines dropped), sorted and bounded. */
void rd_history_parse(const char *buf, size_t len, struct rd_history *h);
char *rd_history_format(const struct rd_history *h);
/* Add the score at time t: the point of the same hour is replaced, points
 * older than RD_HISTORY_DAYS days dropped.  False when t is before the
 * last point's hour (a clock that went back) or not a time. */
bool rd_history_add(struct rd_history *h, double t, const struct rd_score *sc);
/* Change of category cat (RD_NCATEGORIES: the total) between the last
 * point and the last point at least days before it; false when there is
 * no such point or either is undecided. */
bool rd_history_change(const struct rd_history *h, int cat, double days, int *delta);
/* A missing file is an empty history. */
int rd_history_load(const char *path, struct rd_history *h, char **cause);
int rd_history_save(const char *path, const struct rd_history *h, char **cause);

/* ---- the master plan (src/features/readiness/plan.c) --------------- */
#define RD_PLAN_PHASES	4
#define RD_PLAN_ITEMS	12
#define RD_PLAN_CHECKS	4
struct rd_plan_item {
	const char	*title;				/* N_() */
	const char	*check[RD_PLAN_CHECKS + 1];	/* ids, NULL-ended; none: not checkable */
	const char	*na_reason;			/* N_(), when no check */
};
struct rd_phase {
	const char		*title;			/* N_() */
	int			 seed_target;		/* the assessment's expected percent */
	struct rd_plan_item	 item[RD_PLAN_ITEMS];	/* title NULL ends */
};
extern const struct rd_phase rd_plan[RD_PLAN_PHASES];
struct rd_plan_phase {
	int	 items_done, items_left, items_na;
	int	 checks_done, checks_left;
	bool	 done;			/* every check of the phase passes */
	int	 percent_when_done;	/* this phase and the earlier ones passing */
	int	 next;			/* index into rd_checks, -1 none */
};
struct rd_plan_state {
	struct rd_plan_phase	 phase[RD_PLAN_PHASES];
	int			 next_phase;	/* -1: nothing left */
	int			 next;		/* index into rd_checks, -1 none */
};
/* res has rd_ncheck entries. */
void rd_plan_compute(const struct rd_result *res, struct rd_plan_state *out);
/* --once: the "plan" object added to parent, and the text section. */
struct cJSON;
struct strbuf;
void rd_plan_json(const struct rd_plan_state *st, const struct rd_result *res, struct cJSON *parent);
void rd_plan_text(const struct rd_plan_state *st, const struct rd_result *res, struct strbuf *out);

/* ---- every item of the assessment (src/features/readiness/items.c) -- */
#define RD_ITEM_CHECKS	3
enum rd_item_source { RD_ITEM_CHECKLIST = 0, RD_ITEM_MATRIX };
struct rd_item {
	enum rd_item_source	 source;		/* the checklist, or a "missing" matrix line */
	enum rd_category	 category;
	const char		*title;			/* N_() */
	const char		*check[RD_ITEM_CHECKS + 1];	/* ids, NULL-ended; none: n/a */
	const char		*na_reason;		/* N_(), when no check */
};
extern const struct rd_item rd_items[];
extern const size_t rd_nitem;
/* "pass", "fail", "unknown" (the worst of its checks) or "n/a". */
const char *rd_item_state(const struct rd_item *it, const struct rd_result *res);
/* --once: the "items" array, and the text lines of one category: its n/a
 * items (source RD_ITEM_CHECKLIST), or every matrix line (RD_ITEM_MATRIX). */
void rd_items_json(const struct rd_result *res, struct cJSON *parent);
void rd_items_text(enum rd_category cat, int source, const struct rd_result *res, struct strbuf *out);

/* ---- the feature's state (src/features/readiness.c) ---------------- */
struct loop_timer;
struct readiness {
	struct app		*app;
	struct rd_data		*d;
	struct loop_timer	*files_timer;	/* local files are read on a timer, not a source */
	double			 files_interval;
	struct rd_result	*res;		/* rd_ncheck entries */
	struct rd_score		 score;
	bool			 evaluated;
	unsigned		 gen_data, gen_model;
	double			 evaluated_at;	/* monotonic */
	struct rd_plan_state	 plan;
	struct rd_history	 hist;
	char			*hist_path;	/* NULL: no state directory */
	char			*hist_error;	/* last load or save error */
	unsigned		 hist_round;	/* fewest rounds of a readiness source at the last point */
	bool			 hist_once_done;
};
/* Append the current score to the history after a full round (--once:
 * always, once; console: when every readiness source finished a round
 * since the last point).  Time is CERES_TOP_TEST_NOW when set (tests). */
void readiness_history_tick(struct app *app, struct readiness *r);
/* Re-run the probes when evidence, health rows or the clock moved. */
void readiness_update(struct app *app, struct readiness *r);
/* Index into rd_checks of the n-th check of a category, or -1. */
int readiness_check_at(enum rd_category cat, size_t n);
size_t readiness_count(enum rd_category cat);



#endif
