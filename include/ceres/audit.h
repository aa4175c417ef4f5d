/* The audit trail: one JSON line per action, appended with O_APPEND and
 * fsync before the action is reported done.  An action that cannot be
 * recorded must not happen: callers check audit_record()'s result first. */
#ifndef CERES_AUDIT_H
#define CERES_AUDIT_H

#include <stdbool.h>

struct app;
struct cJSON;

/* Append {"time","user","host","site","action","target","parameters",
 * "result"}.  params is borrowed (may be NULL).  Returns 0, or -1 with a
 * message in *cause. */
int audit_record(struct app *app, const char *action, const char *target,
    const struct cJSON *params, const char *result, char **cause);
/* Check that the audit log can be written, before taking an action. */
int audit_check(struct app *app, char **cause);
/* Path of the local audit log (expanded); the caller frees it. */
char *audit_path(struct app *app);

#endif
