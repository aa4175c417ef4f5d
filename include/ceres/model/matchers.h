/* A list of Alertmanager label matchers written as text, the way the
 * Alertmanager API's filter parameter and amtool take them:
 * site="berlin", env=~"prod|stage" (optionally in braces).  The
 * [alertmanager] filter of a site that shares a central Alertmanager. */
#ifndef CERES_MODEL_MATCHERS_H
#define CERES_MODEL_MATCHERS_H

#include <stddef.h>
#include "ceres/model/alerts.h"

struct matcher_list {
	struct silence_matcher	*m;	/* name and value owned */
	size_t			 n;
};

/* Parse text into l.  Returns 0, or -1 and a message in *cause (l empty).
 * Names are label names ([A-Za-z_][A-Za-z0-9_]*); values are
 * double-quoted (\" and \\ escapes) or a bare word; at least one. */
int matcher_list_parse(const char *text, struct matcher_list *l, char **cause);
void matcher_list_free(struct matcher_list *l);
/* The query string of GET /api/v2/alerts for l: "&filter=..." once per
 * matcher, escaped; "" for an empty list.  The caller frees it. */
char *matcher_list_query(const struct matcher_list *l);

#endif
