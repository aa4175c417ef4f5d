/* The logs feature: the Loki tail of the config, its ring and level
 * rules, LogQL completion, and the --once output. */
#ifndef CERES_FEATURES_LOGS_H
#define CERES_FEATURES_LOGS_H

#include <stddef.h>
#include "ceres/model/logs.h"

struct source;

/* The feature's data: the tail (model) and its source (NULL: Loki is not
 * configured). */
struct logs_area {
	struct logs		 lg;
	struct source		*src;
};

/* Switch the tail to another LogQL query: the buffer starts over.
 * Nothing happens when Loki is not configured. */
void logs_set_query(struct logs_area *f, const char *query);

/* LogQL completion for ':query': candidates replacing text as a whole. */
char **logql_complete(const char *text, const struct loki_labelset *ls, size_t nls, size_t *n);

#endif
