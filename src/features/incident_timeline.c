/* The incident timeline's events from outside the alert: the health
 * transitions the console saw since it started (kept by the model) and
 * the operator actions of the audit log (silences, acks, webhook tests,
 * backups, exports, incident reports).  Pure: the caller reads the file. */
#include "ceres/features/incident.h"
#include "ceres/model/services.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

size_t
incident_add_transitions(struct incident *inc, const struct model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->ntrans; i++) {
		const struct svc_transition *t = &m->trans[i];
		char *text;

		if (t->time < inc->changes_from || t->time > inc->win.to + 1)
			continue;
		text = xasprintf(_("%s: %s -> %s %s"), t->name, svc_state_name(t->from),
		    svc_state_name(t->to), t->detail);
		incident_add_event(inc, t->time, INC_EV_HEALTH, text);
		free(text);
		n++;
	}
	return n;
}

static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* One audit line: an event when it parses and is not older than the
 * window of the changes. */
static bool
audit_line(struct incident *inc, const char *p, size_t len)
{
	cJSON *o = json_parse_bounded(p, len, NULL);
	double t;
	bool added = false;

	if (o != NULL && parse_rfc3339(str_of(o, "time"), &t) == 0 && t >= inc->changes_from) {
		const char *user = str_of(o, "user"), *result = str_of(o, "result");
		char *text = xasprintf("%s%s%s %s%s%s", user, *user ? " " : "", str_of(o, "action"),
		    str_of(o, "target"), *result ? ": " : "", result);

		incident_add_event(inc, t, INC_EV_ACTION, text);
		free(text);
		added = true;
	}
	cJSON_Delete(o);
	return added;
}

size_t
incident_add_audit(struct incident *inc, const char *buf, size_t len)
{
	size_t n = 0, i, j = 0;

	/* The actions of an earlier read go: the log is read again whole. */
	for (i = 0; i < inc->ntimeline; i++) {
		if (inc->timeline[i].kind == INC_EV_ACTION)
			free(inc->timeline[i].text);
		else
			inc->timeline[j++] = inc->timeline[i];
	}
	inc->ntimeline = j;
	for (i = 0; buf != NULL && i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - buf) : len;

		if (end > i && audit_line(inc, buf + i, end - i))
			n++;
		i = end + 1;
	}
	return n;
}
