/* Extending and expiring a silence from the silences list: the silence
 * is copied out of the set (a poll may replace it meanwhile), the new
 * end asked for or the expiry confirmed, then one request through
 * silence_request() (silences.c), audited like every silence action. */
#include "ceres/features/alerts.h"
#include "ceres/actions/silences.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/actions/actions.h"
#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"
#include "silences_internal.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- extend/expire -- */

/* A silence copied out of the set, which a poll may replace meanwhile. */
struct silence_op {
	struct alerts_area	*af;
	char			*id;
	char			*starts_at;
	double			 ends;
	char			*created_by;
	char			*comment;
	struct silence_matcher	*m;
	size_t			 n;
	double			 duration;
	char			*duration_text;
};

static void
op_free(struct silence_op *op)
{
	for (size_t i = 0; i < op->n; i++) {
		free((char *)op->m[i].name);
		free((char *)op->m[i].value);
	}
	free(op->m);
	free(op->id);
	free(op->starts_at);
	free(op->created_by);
	free(op->comment);
	free(op->duration_text);
	free(op);
}

static struct silence_op *
op_new(struct alerts_area *af, const struct silence *s)
{
	struct silence_op *op = xcalloc(1, sizeof *op);

	op->af = af;
	op->id = xstrdup(s->id);
	op->starts_at = xstrdup(s->starts_at);
	op->ends = s->ends;
	op->created_by = xstrdup(s->created_by);
	op->comment = xstrdup(s->comment);
	op->n = s->nmatchers;
	op->m = xcalloc(s->nmatchers > 0 ? s->nmatchers : 1, sizeof *op->m);
	for (size_t i = 0; i < s->nmatchers; i++) {
		op->m[i] = s->matchers[i];
		op->m[i].name = xstrdup(s->matchers[i].name);
		op->m[i].value = xstrdup(s->matchers[i].value);
	}
	return op;
}

/* Silence ids go into a URL path: accept what Alertmanager issues. */
static bool
id_ok(const char *id)
{
	if (*id == '\0' || strlen(id) > 64)
		return false;
	for (const char *p = id; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

static void
extend_confirmed(struct app *app, bool yes, void *arg)
{
	struct silence_op *op = arg;
	cJSON *params;
	char *body, ts[40];

	if (!yes || !silence_may_send(app, op->af)) {
		if (!yes)
			ui_message(app, UI_MSG_INFO, "%s", _("cancelled: silence unchanged"));
		op_free(op);
		return;
	}
	/* Alertmanager updates a silence in place when it is POSTed again
	 * with its id and an unchanged start; otherwise it answers a new id. */
	body = am_silence_body(op->m, op->n, op->id, op->starts_at, 0, op->ends + op->duration,
	    op->created_by, op->comment);
	params = cJSON_CreateObject();
	cJSON_AddItemToObject(params, "matchers", silence_matchers_json(op->m, op->n));
	cJSON_AddStringToObject(params, "duration", op->duration_text);
	cJSON_AddStringToObject(params, "comment", op->comment);
	cJSON_AddStringToObject(params, "ends_at", fmt_rfc3339(op->ends + op->duration, ts, sizeof ts));
	silence_request(app, op->af, "silence.extend", "POST", "/api/v2/silences", body, op->id, params,
	    _("silence extended"));
	op_free(op);
}

static void
extend_duration_done(struct app *app, const char *answer, void *arg)
{
	struct silence_op *op = arg;
	char *q, ts[40];

	if (answer == NULL) {
		op_free(op);
		return;
	}
	if (parse_duration(answer, &op->duration) != 0) {
		ui_message(app, UI_MSG_WARN, _("not a duration: \"%s\" (try 30m, 4h, 1d)"), answer);
		ui_prompt(app, _("extend by: "), answer, extend_duration_done, op);
		return;
	}
	str_set(&op->duration_text, answer);
	str_trim(op->duration_text);
	q = xasprintf(_("Extend silence %.8s by %s (new end %s)?"), op->id, op->duration_text,
	    fmt_rfc3339(op->ends + op->duration, ts, sizeof ts));
	ui_confirm(app, q, extend_confirmed, op);
	free(q);
}

static void
expire_confirmed(struct app *app, bool yes, void *arg)
{
	struct silence_op *op = arg;
	cJSON *params;
	char *path;

	if (!yes || !silence_may_send(app, op->af)) {
		if (!yes)
			ui_message(app, UI_MSG_INFO, "%s", _("cancelled: silence unchanged"));
		op_free(op);
		return;
	}
	params = cJSON_CreateObject();
	cJSON_AddItemToObject(params, "matchers", silence_matchers_json(op->m, op->n));
	cJSON_AddStringToObject(params, "comment", op->comment);
	path = xasprintf("/api/v2/silence/%s", op->id);
	silence_request(app, op->af, "silence.expire", "DELETE", path, NULL, op->id, params,
	    _("silence expired"));
	free(path);
	op_free(op);
}

void
silences_extend(struct app *app, struct alerts_area *af, const struct silence *s)
{
	if (!app_action_allowed(app))
		return;
	if (strcmp(s->state, "expired") == 0 || s->ends <= 0) {
		ui_message(app, UI_MSG_WARN, "%s", _("an expired silence cannot be extended; "
		    "press s on the alert to create a new one"));
		return;
	}
	if (!id_ok(s->id)) {
		ui_message(app, UI_MSG_ERROR, "%s", _("unexpected silence id"));
		return;
	}
	ui_prompt(app, _("extend by: "), "2h", extend_duration_done, op_new(af, s));
}

void
silences_expire(struct app *app, struct alerts_area *af, const struct silence *s)
{
	struct silence_op *op;
	char *q, *t, *safe;

	if (!app_action_allowed(app))
		return;
	if (strcmp(s->state, "expired") == 0) {
		ui_message(app, UI_MSG_WARN, "%s", _("this silence has already expired"));
		return;
	}
	if (!id_ok(s->id)) {
		ui_message(app, UI_MSG_ERROR, "%s", _("unexpected silence id"));
		return;
	}
	op = op_new(af, s);
	t = op->n > 0 ? silence_matcher_text(&op->m[0]) : xstrdup("");
	safe = sanitize_str(t);
	q = xasprintf(_("Expire silence %.8s (%s%s)?"), op->id, safe, op->n > 1 ? ", …" : "");
	ui_confirm(app, q, expire_confirmed, op);
	free(q);
	free(t);
	free(safe);
}

