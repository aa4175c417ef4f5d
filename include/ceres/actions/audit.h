/* The audit trail: one JSON line per action, appended with O_APPEND and
 * fsync before the action is reported done.  An action that cannot be
 * recorded must not happen: callers check audit_record()'s result first. */
#ifndef CERES_AUDIT_H
#define CERES_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct app;
struct cJSON;
struct audit_db;

/* Append {"time","user","host","site","action","target","parameters",
 * "result"}.  params is borrowed (may be NULL).  Returns 0, or -1 with a
 * message in *cause. */
int audit_record(struct app *app, const char *action, const char *target,
    const struct cJSON *params, const char *result, char **cause);
/* Check that the audit log can be written, before taking an action. */
int audit_check(struct app *app, char **cause);
/* Path of the local audit log (expanded); the caller frees it.  Each line
 * also carries "event_id" (a random UUID). */
char *audit_path(struct app *app);

/* The central audit ([audit] conninfo): every line also goes to a spool
 * that audit_db.c drains into the PostgreSQL table ceres_audit, without
 * blocking, idempotently (ON CONFLICT (event_id) DO NOTHING). */
struct audit_db *audit_db_new(struct app *app);
/* Flush what is left with a deadline, then free. */
void audit_db_free(struct audit_db *d, double deadline);
/* New lines were spooled: send them when possible. */
void audit_db_kick(struct app *app);
/* One line on the state of the central audit (for the audit view). */
char *audit_db_status(struct app *app);

/* The spool of events for the central audit database: JSON lines,
 * appended under an exclusive lock; consumed by rewriting the rest. */
char *audit_spool_path(struct app *app);
int audit_spool_append(const char *path, const char *line, size_t len, char **cause);
/* Drop the first `bytes` bytes of the spool, provided it is still the
 * file (dev, ino) they were read from; returns 0, 1 when the file
 * changed under us (nothing dropped), -1 with *cause. */
int audit_spool_consume(const char *path, dev_t dev, ino_t ino, off_t bytes, char **cause);
/* A random (version 4) UUID into buf (>= 37 bytes). */
char *audit_uuid(char *buf, size_t n);


#endif
