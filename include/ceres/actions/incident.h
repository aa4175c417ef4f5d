/* Incident mode in the console: `i` on an alert or group of the alerts
 * pane opens the incident view (an overlay; `z` zooms it, Esc leaves it
 * and every pane keeps its selection); `E` writes the Markdown report,
 * `R` creates a Redmine issue with it (both confirmed, audited, refused
 * in read-only mode). */
#ifndef CERES_ACTIONS_INCIDENT_H
#define CERES_ACTIONS_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ceres/features/incident.h"
#include "ceres/ui/ui.h"

struct app;

/* The `i` key (alerts pane). */
bool incident_key(struct app *app, void *arg);

/* ---- the view's lines (incident_view.c) ---- */
struct inc_line {
	enum color_role	 role;
	bool		 borrowed;	/* text belongs to an inc_logcache */
	char		*text;
};
struct inc_lines {
	struct inc_line	*v;
	size_t		 n;
	size_t		 cap;
};
struct inc_vstate {
	bool		 loading;	/* the Loki answers are not in yet */
	const char	*note;		/* report path, issue number */
	struct log_regex *show;		/* f: only log lines matching (NULL: all) */
	struct log_regex *hide;		/* F: not those */
	bool		 wrap;		/* W: long log lines wrapped */
	bool		 following;	/* new lines of the window come in */
	bool		 paused;	/* p: the lines from nshow on are held */
	size_t		 nshow;		/* when paused: lines shown */
	struct inc_logcache *cache;	/* NULL: every row formatted anew */
	unsigned	 gen;		/* bumped when the incident's lines change */
};
/* The rows of the log lines, formatted once and lent to every paint
 * until the lines, the filters, the wrap or the width change. */
struct inc_logcache {
	struct inc_lines rows;
	size_t		 nshown;
	bool		 valid;
	const struct incident *inc;
	const void	*lines;
	size_t		 nlines, n;
	unsigned	 gen;
	int		 width;
	bool		 wrap;
	char		*show, *hide;	/* the patterns in force ("": none) */
};
void inc_logcache_free(struct inc_logcache *c);
void inc_view_lines(const struct incident *inc, const struct inc_vstate *st, int width,
    struct inc_lines *l);
void inc_lines_free(struct inc_lines *l);

#endif
