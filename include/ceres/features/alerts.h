/* The alerts feature: the Alertmanager peers of the config, the model the
 * source fills, and the --once output and verdict. */
#ifndef CERES_FEATURES_ALERTS_H
#define CERES_FEATURES_ALERTS_H

#include "ceres/model/alerts.h"
#include "ceres/sources/alerts.h"

struct source;

/* The feature's data: the model the source writes and the pane, the
 * --once output and the silence actions read; the credentials every
 * request to the peers carries; the source (NULL: not configured). */
/* Alerts that arrived after the first answer and were not yet selected
 * in the pane (alerts_news.c). */
struct alerts_news {
	bool			 primed;	/* the first answer was seen */
	unsigned		 gen;		/* generation last looked at */
	char			**known;	/* fingerprints of the last set, sorted */
	size_t			 nknown;
	char			**fresh;	/* new, not yet seen */
	size_t			 nfresh;
	unsigned		 bell;		/* new criticals not yet rung for */
};

struct alerts_area {
	struct alerts		 al;
	struct am_conn		 conn;
	struct source		*src;
	struct alerts_news	 news;
};

/* Look at the current set: active alerts not in the previous one are new
 * (none on the first answer). */
void alerts_news_update(struct alerts_area *af);
bool alerts_news_is_new(const struct alerts_area *af, const char *fp);
void alerts_news_seen(struct alerts_area *af, const char *fp);
/* How many new critical alerts there are, and the newest of them. */
size_t alerts_news_critical(const struct alerts_area *af, const struct alert **newest);
void alerts_news_free(struct alerts_news *n);

#endif
