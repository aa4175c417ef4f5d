/* What the silence create/ack flow (silences.c) and extend/expire
 * (silence_ops.c) share.  Not a public header. */
#ifndef CERES_SILENCES_INTERNAL_H
#define CERES_SILENCES_INTERNAL_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct app;
struct alerts_area;
struct silence_matcher;

/* Both checks every action makes before anything leaves the machine:
 * not read-only, Alertmanager configured, the audit log writable. */
bool silence_may_send(struct app *app, struct alerts_area *af);
/* Send one request to the first peer that answers; audited as audit_name
 * with target and params (taken), done_msg shown on success.  body is
 * taken. */
void silence_request(struct app *app, struct alerts_area *af, const char *audit_name, const char *method,
    const char *path, char *body, const char *target, cJSON *params, const char *done_msg);
cJSON *silence_matchers_json(const struct silence_matcher *m, size_t n);

#endif
