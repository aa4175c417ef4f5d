/* Silence actions: create (label checklist, duration, comment, preview of
 * the alerts it would silence, confirmation), acknowledge (15 minutes,
 * "ack"), and the silences list with extend and expire.  Every request
 * goes through loop_http and never blocks; every action is refused in
 * read-only mode, checks the audit log before sending and is recorded in
 * it with its result. */
#include "ceres/features/alerts.h"
#include "ceres/actions/silences.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/actions/actions.h"
#include "ceres/sources/alerts.h"
#include "ceres/ui/panes.h"
#include "ceres/util/util.h"
#include "silences_internal.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACK_DURATION	(15 * 60.0)
#define ASK_YES_ABOVE	10	/* more alerts than this: type "yes" */
#define PREVIEW_LINES	200

struct alerts_action {
	struct app		*app;
	struct alerts_area	*af;
	const char		*audit_name;	/* "silence.create", ... */
	char			*method;
	char			*path;
	char			*body;
	char			*target;
	cJSON			*params;
	char			*done_msg;	/* "silence created", ... */
	int			 peer;
	bool			*tried;
	struct http_handle	*h;
	struct alerts_action	*next;
};

struct silence_flow {
	struct alerts_area	*af;
	bool			 ack;
	char			*target;
	struct silence_matcher	*m;		/* owned strings */
	bool			*on;
	size_t			 n;
	size_t			 sel;
	size_t			 top;
	size_t			 matches;	/* current alerts selected by the ticked labels */
	double			 duration;
	char			*duration_text;
	char			*comment;
	bool			 handed;	/* the checklist overlay let go of it */
	int			 preview_depth;	/* overlay count with the preview open */
};

/* ------------------------------------------------------------ requests -- */

static void
action_free(struct alerts_action *act)
{
	free(act->method);
	free(act->path);
	free(act->body);
	free(act->target);
	free(act->done_msg);
	free(act->tried);
	cJSON_Delete(act->params);
	free(act);
}

static void
action_unlink(struct alerts_action *act)
{
	struct alerts_action **pp;

	if (act->app->actions == NULL)
		return;
	for (pp = &act->app->actions->silences; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == act) {
			*pp = act->next;
			return;
		}
	}
}

static int
next_peer(struct alerts_action *act)
{
	struct alerts *al = &act->af->al;
	int *order = xcalloc(al->npeers, sizeof *order);
	size_t n = alerts_peer_order(al, now_wall(), order);
	int pick = -1;

	if (al->peer >= 0 && !act->tried[al->peer])
		pick = al->peer;	/* the peer the operator is looking at */
	for (size_t i = 0; i < n && pick < 0; i++)
		if (!act->tried[order[i]])
			pick = order[i];
	free(order);
	return pick;
}

static void action_done(const struct http_response *r, void *arg);

static void
action_send(struct alerts_action *act)
{
	struct alerts *al = &act->af->al;
	const struct am_conn *conn = &act->af->conn;
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	char *url;

	act->tried[act->peer] = true;
	url = xasprintf("%s%s", al->peers[act->peer].url, act->path);
	/* The tenant and credentials of [alertmanager], then the type. */
	backend_start(&conn->be, &req, hdrs, url, true);
	req.follow = false;
	backend_add_header(&req, "Content-Type: application/json");
	req.method = act->method;
	req.body = act->body;
	req.body_len = act->body != NULL ? strlen(act->body) : 0;
	req.timeout = conn->timeout > 0 ? conn->timeout : act->app->timeout;
	req.max_bytes = 1u << 20;
	req.scope = act->app;	/* the site's connections to its Alertmanager */
	act->h = loop_http(act->app->loop, &req, action_done, act);
	free(url);
}

/* Start an action: the caller has checked read-only and the audit log. */
void
silence_request(struct app *app, struct alerts_area *af, const char *audit_name, const char *method, const char *path,
    char *body, const char *target, cJSON *params, const char *done_msg)
{
	struct alerts_action *act = xcalloc(1, sizeof *act);
	struct alerts *al = &af->al;

	act->app = app;
	act->af = af;
	act->audit_name = audit_name;
	act->method = xstrdup(method);
	act->path = xstrdup(path);
	act->body = body;
	act->target = xstrdup(target);
	act->params = params;
	act->done_msg = xstrdup(done_msg);
	act->tried = xcalloc(al->npeers, sizeof *act->tried);
	act->peer = next_peer(act);
	cJSON_AddStringToObject(act->params, "peer", al->peers[act->peer].shown);
	act->next = app->actions->silences;
	app->actions->silences = act;
	ui_message(app, UI_MSG_INFO, _("sending to %s…"), al->peers[act->peer].shown);
	action_send(act);
}

static void
action_done(const struct http_response *r, void *arg)
{
	struct alerts_action *act = arg;
	struct alerts *al = &act->af->al;
	struct app *app = act->app;
	struct source *src = act->af->src;
	char *result = NULL, *id = NULL, *cause = NULL, *acause = NULL;
	bool ok = false;

	act->h = NULL;
	/* Nothing reached a peer that refused the connection: try the next. */
	if (r->status == 0 && r->error != NULL && strstr(r->error, "onnect") != NULL &&
	    strstr(r->error, "timed out") == NULL) {
		int next = next_peer(act);

		if (next >= 0) {
			act->peer = next;
			cJSON_ReplaceItemInObject(act->params, "peer",
			    cJSON_CreateString(al->peers[next].shown));
			action_send(act);
			return;
		}
	}
	if (r->status == 200 && r->error == NULL) {
		if (strcmp(act->method, "POST") == 0) {
			if (am_silence_id_parse(r->body, r->len, &id, &cause) == 0) {
				ok = true;
				/* An update that Alertmanager could not make in place
				 * answers with a new id: keep both in the trail. */
				if (strcmp(act->audit_name, "silence.extend") == 0 &&
				    strcmp(id, act->target) != 0)
					cJSON_AddStringToObject(act->params, "previous_id", act->target);
				str_set(&act->target, id);
			}
		} else
			ok = true;
	} else if (r->status == 0)
		cause = xstrdup(r->error != NULL ? r->error : _("no answer"));
	else
		cause = am_error_text(r->status, r->body, r->len);
	result = ok ? xstrdup("ok") : xasprintf("error: %s", cause);
	if (audit_record(app, act->audit_name, act->target, act->params, result, &acause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("%s (%s), but the audit log failed: %s"),
		    ok ? act->done_msg : _("failed"), ok ? act->target : cause, acause);
		free(acause);
	} else if (ok)
		ui_message(app, UI_MSG_INFO, "%s: %s", act->done_msg, act->target);
	else
		ui_message(app, UI_MSG_ERROR, _("%s failed: %s"), act->audit_name, cause);
	free(result);
	free(cause);
	free(id);
	action_unlink(act);
	action_free(act);
	if (src != NULL)
		source_poll_now(src);
	app_dirty(app);
}

void
silences_cancel_all(struct app *app)
{
	while (app->actions != NULL && app->actions->silences != NULL) {
		struct alerts_action *act = app->actions->silences;
		char *cause = NULL;

		app->actions->silences = act->next;
		if (act->h != NULL)
			loop_http_cancel(app->loop, act->h);
		/* Sent, but the answer never came: say so in the trail. */
		if (audit_record(app, act->audit_name, act->target, act->params,
		    "unknown: ceres-top exited before the answer", &cause) != 0)
			free(cause);
		action_free(act);
	}
}

/* Both checks every action makes before anything leaves the machine. */
bool
silence_may_send(struct app *app, struct alerts_area *af)
{
	char *cause = NULL;

	if (!app_action_allowed(app))
		return false;
	if (af == NULL || af->al.npeers == 0) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Alertmanager not configured"));
		return false;
	}
	if (audit_check(app, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("not sent: cannot write the audit log (%s)"), cause);
		free(cause);
		return false;
	}
	return true;
}

cJSON *
silence_matchers_json(const struct silence_matcher *m, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		char *t = silence_matcher_text(&m[i]);

		cJSON_AddItemToArray(a, cJSON_CreateString(t));
		free(t);
	}
	return a;
}

/* ---------------------------------------------------------- create/ack -- */

static void
flow_free(struct silence_flow *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free((char *)f->m[i].name);
		free((char *)f->m[i].value);
	}
	free(f->m);
	free(f->on);
	free(f->target);
	free(f->duration_text);
	free(f->comment);
	free(f);
}

/* The ticked labels as matchers (borrowed from the flow). */
static size_t
flow_matchers(const struct silence_flow *f, struct silence_matcher *out)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n; i++)
		if (f->on[i])
			out[k++] = f->m[i];
	return k;
}

static void
flow_count(struct silence_flow *f)
{
	struct silence_matcher *m = xcalloc(f->n > 0 ? f->n : 1, sizeof *m);
	size_t k = flow_matchers(f, m), *idx = NULL;

	f->matches = k > 0 ? alerts_preview(f->af->al.set, m, k, &idx) : 0;
	free(idx);
	free(m);
}

/* The ticked labels, and the site's filter matchers for those labels the
 * operator did not tick: a silence made on a shared Alertmanager stays
 * within the site. */
static size_t
send_matchers(const struct silence_flow *f, struct silence_matcher **out)
{
	const struct matcher_list *fl = &f->af->conn.filter;
	size_t k;

	*out = xcalloc(f->n + fl->n + 1, sizeof **out);
	k = flow_matchers(f, *out);
	for (size_t i = 0; k > 0 && i < fl->n; i++) {
		size_t j = 0;

		while (j < k && strcmp((*out)[j].name, fl->m[i].name) != 0)
			j++;
		if (j == k)
			(*out)[k++] = fl->m[i];
	}
	return k;
}

static void
flow_send(struct app *app, struct silence_flow *f)
{
	struct silence_matcher *m;
	size_t k = send_matchers(f, &m);
	double now = now_wall();
	cJSON *params;
	char *body;

	if (!silence_may_send(app, f->af)) {
		free(m);
		return;
	}
	params = cJSON_CreateObject();
	body = am_silence_body(m, k, NULL, NULL, now, now + f->duration, app->user_host, f->comment);
	cJSON_AddItemToObject(params, "matchers", silence_matchers_json(m, k));
	cJSON_AddStringToObject(params, "duration", f->duration_text);
	cJSON_AddStringToObject(params, "comment", f->comment);
	cJSON_AddNumberToObject(params, "alerts", (double)f->matches);
	cJSON_AddStringToObject(params, "alert_target", f->target);
	silence_request(app, f->af, f->ack ? "silence.ack" : "silence.create", "POST", "/api/v2/silences",
	    body, f->target, params, f->ack ? _("acknowledged") : _("silence created"));
	free(m);
}

static void
close_preview(struct app *app, struct silence_flow *f)
{
	if (f->preview_depth > 0 && ui_overlay_depth(app) == f->preview_depth)
		ui_overlay_close(app);
}

static void
confirm_done(struct app *app, bool yes, void *arg)
{
	struct silence_flow *f = arg;

	close_preview(app, f);
	if (yes)
		flow_send(app, f);
	else
		ui_message(app, UI_MSG_INFO, "%s", _("cancelled: no silence created"));
	flow_free(f);
}

static void
typed_yes_done(struct app *app, const char *answer, void *arg)
{
	confirm_done(app, answer != NULL && strcmp(answer, "yes") == 0, arg);
}

/* Show every alert the silence would match, then ask. */
/* Several peers configured but no cluster between them: the silence is
 * made on one peer only, and the preview says so (it is not copied to
 * the others; see the man page). */
static void
flow_preview_cluster(struct strbuf *sb, const struct alerts *al)
{
	const char *state;

	if (al->npeers < 2)
		return;
	if (!al->have_status) {
		strbuf_addf(sb, "%s\n", _("Cluster state unknown: the silence is made on one peer "
		    "only and may not reach the others."));
		return;
	}
	if (strcmp(al->status.cluster, "ready") == 0 && al->status.npeers >= 2)
		return;
	state = al->status.cluster[0] != '\0' ? al->status.cluster : "?";
	strbuf_addf(sb, P_("NOT CLUSTERED (cluster %s): the silence exists only on the peer "
	    "above, not on the other %zu configured peer.",
	    "NOT CLUSTERED (cluster %s): the silence exists only on the peer above, not on "
	    "the other %zu configured peers.", al->npeers - 1), state, al->npeers - 1);
	strbuf_addc(sb, '\n');
}

static void
flow_preview(struct app *app, struct silence_flow *f)
{
	struct silence_matcher *m;
	size_t k = send_matchers(f, &m), *idx = NULL, n;
	struct strbuf sb;
	char until[40], *q;

	n = alerts_preview(f->af->al.set, m, k, &idx);
	f->matches = n;
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s %s (%s %s)\n", f->ack ? _("Acknowledge for") : _("Silence for"),
	    f->duration_text, _("until"), fmt_rfc3339(now_wall() + f->duration, until, sizeof until));
	strbuf_addf(&sb, "%s:\n", _("Matchers"));
	for (size_t i = 0; i < k; i++) {
		char *t = silence_matcher_text(&m[i]);

		strbuf_addf(&sb, "  %s\n", t);
		free(t);
	}
	strbuf_addf(&sb, "%s: %s\n%s: %s\n", _("Comment"), f->comment, _("Created by"),
	    app->user_host);
	if (f->af->al.peer >= 0)
		strbuf_addf(&sb, "%s: %s\n", _("Alertmanager"), f->af->al.peers[f->af->al.peer].shown);
	flow_preview_cluster(&sb, &f->af->al);
	if (n == 0)
		strbuf_addf(&sb, "\n%s\n", _("It matches no current alert."));
	else {
		char *head = xasprintf(P_("It silences %zu current alert:",
		    "It silences these %zu current alerts:", n), n);

		strbuf_addf(&sb, "\n%s\n", head);
		free(head);
	}
	for (size_t i = 0; i < n && i < PREVIEW_LINES; i++) {
		const struct alert *a = &f->af->al.set->alerts[idx[i]];

		strbuf_addf(&sb, "  %-9s %-10s %s", a->severity, alert_state_name(a->state), a->alertname);
		for (size_t j = 0; j < a->nlabels; j++)
			if (strcmp(a->labels[j].name, "alertname") != 0 &&
			    strcmp(a->labels[j].name, "severity") != 0)
				strbuf_addf(&sb, " %s=%s", a->labels[j].name, a->labels[j].value);
		strbuf_addc(&sb, '\n');
	}
	if (n > PREVIEW_LINES)
		strbuf_addf(&sb, "  … %s %zu %s\n", _("and"), n - PREVIEW_LINES, _("more"));
	free(idx);
	free(m);
	ui_text_overlay(app, f->ack ? _("Acknowledge: preview") : _("Silence: preview"),
	    strbuf_detach(&sb));
	f->preview_depth = ui_overlay_depth(app);
	if (n > ASK_YES_ABOVE) {
		q = xasprintf(_("This silences %zu alerts. Type yes to confirm: "), n);
		ui_prompt(app, q, "", typed_yes_done, f);
	} else {
		q = f->ack ? xasprintf(P_("Acknowledge %zu alert for 15 minutes?",
		    "Acknowledge %zu alerts for 15 minutes?", n), n) :
		    xasprintf(P_("Create the silence (%zu alert)?", "Create the silence (%zu alerts)?", n), n);
		ui_confirm(app, q, confirm_done, f);
	}
	free(q);
}

static void
comment_done(struct app *app, const char *answer, void *arg)
{
	struct silence_flow *f = arg;
	char *c;

	if (answer == NULL) {
		ui_message(app, UI_MSG_INFO, "%s", _("cancelled: no silence created"));
		flow_free(f);
		return;
	}
	c = str_trim(xstrdup(answer));
	if (*c == '\0') {
		free(c);
		ui_prompt(app, _("a comment is required (Esc cancels): "), "", comment_done, f);
		return;
	}
	f->comment = xstrdup(c);
	free(c);
	flow_preview(app, f);
}

static void
duration_done(struct app *app, const char *answer, void *arg)
{
	struct silence_flow *f = arg;
	double d;

	if (answer == NULL) {
		ui_message(app, UI_MSG_INFO, "%s", _("cancelled: no silence created"));
		flow_free(f);
		return;
	}
	if (parse_duration(answer, &d) != 0) {
		ui_message(app, UI_MSG_WARN, _("not a duration: \"%s\" (try 30m, 4h, 1d)"), answer);
		ui_prompt(app, _("duration: "), answer, duration_done, f);
		return;
	}
	f->duration = d;
	str_set(&f->duration_text, answer);
	str_trim(f->duration_text);
	ui_prompt(app, _("comment (required): "), "", comment_done, f);
}

static void
check_draw(struct app *app, void *data, WINDOW *win)
{
	struct silence_flow *f = data;
	int h = getmaxy(win), w = getmaxx(win), rows = h - 4;
	char line[96];

	(void)app;
	ui_put(win, 0, 0, f->target, w, A_BOLD);
	ui_put(win, 1, 0, _("Labels to match — Space toggles, Enter continues, Esc cancels"), w,
	    ui_attr(COLOR_ROLE_DIM));
	if (rows < 1)
		return;
	if (f->sel < f->top)
		f->top = f->sel;
	if (f->sel >= f->top + (size_t)rows)
		f->top = f->sel - (size_t)rows + 1;
	for (int i = 0; i < rows && f->top + (size_t)i < f->n; i++) {
		size_t k = f->top + (size_t)i;
		char *t = silence_matcher_text(&f->m[k]), *safe = sanitize_str(t);
		attr_t a = k == f->sel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;
		int x;

		if (k == f->sel) {
			wattr_on(win, a, NULL);
			mvwhline(win, 2 + i, 0, ' ', w);
			wattr_off(win, a, NULL);
		}
		x = ui_put(win, 2 + i, 0, f->on[k] ? "[x] " : "[ ] ", 4, a);
		ui_put(win, 2 + i, x, safe, w - x, a);
		free(t);
		free(safe);
	}
	snprintf(line, sizeof line, P_("matches %zu current alert", "matches %zu current alerts",
	    f->matches), f->matches);
	ui_put(win, h - 1, 0, line, w, ui_attr(f->matches > ASK_YES_ABOVE ? COLOR_ROLE_WARN :
	    COLOR_ROLE_HIGHLIGHT));
}

static bool
check_key(struct app *app, void *data, int key)
{
	struct silence_flow *f = data;
	size_t on = 0;

	switch (key) {
	case 27: case 'q':
		ui_message(app, UI_MSG_INFO, "%s", _("cancelled: no silence created"));
		return true;
	case 'j': case 'k': case KEY_DOWN: case KEY_UP:
		ui_list_move(key, &f->sel, f->n, 1);
		return false;
	case ' ':
		if (f->sel < f->n) {
			f->on[f->sel] = !f->on[f->sel];
			flow_count(f);
		}
		return false;
	case '\r': case '\n': case KEY_ENTER:
		for (size_t i = 0; i < f->n; i++)
			on += f->on[i];
		if (on == 0) {
			ui_message(app, UI_MSG_WARN, "%s", _("tick at least one label"));
			return false;
		}
		f->handed = true;
		ui_prompt(app, _("duration: "), "2h", duration_done, f);
		return true;
	default:
		return false;
	}
}

static void
check_free(void *data)
{
	struct silence_flow *f = data;

	if (!f->handed)
		flow_free(f);
}

static const struct overlay_ops check_ops = {
	.draw = check_draw,
	.key = check_key,
	.free = check_free,
};

void
silences_start(struct app *app, struct alerts_area *af, const struct alert_pair *labels,
    size_t nlabels, const char *target, bool ack)
{
	struct silence_flow *f;

	if (!app_action_allowed(app))
		return;
	if (nlabels == 0) {
		ui_message(app, UI_MSG_WARN, "%s", _("nothing to match: the selection has no common labels"));
		return;
	}
	f = xcalloc(1, sizeof *f);
	f->af = af;
	f->ack = ack;
	f->target = xstrdup(target);
	f->n = nlabels;
	f->m = xcalloc(nlabels, sizeof *f->m);
	f->on = xcalloc(nlabels, sizeof *f->on);
	for (size_t i = 0; i < nlabels; i++) {
		f->m[i].name = xstrdup(labels[i].name);
		f->m[i].value = xstrdup(labels[i].value);
		f->m[i].is_equal = true;
		f->on[i] = true;
	}
	if (ack) {
		f->duration = ACK_DURATION;
		f->duration_text = xstrdup("15m");
		f->comment = xstrdup("ack");
		flow_preview(app, f);
		return;
	}
	flow_count(f);
	ui_overlay_open(app, _("Silence"), &check_ops, f);
}

/* ---------------------------------------------------------------- keys -- */

/* s and A on the alerts pane: silence its selection.  Without
 * Alertmanager the key is not taken. */
static bool
key_silence(struct app *app, bool ack)
{
	struct alerts_area *af = app_feature(app, FEATURE_ALERTS);
	const struct alert_pair *labels;
	size_t n;
	char *target;

	if (af == NULL || af->al.npeers == 0)
		return false;
	if (!app_action_allowed(app))
		return true;
	if (!alerts_pane_selection(app, &labels, &n, &target)) {
		ui_message(app, UI_MSG_WARN, "%s", _("no alert selected"));
		return true;
	}
	silences_start(app, af, labels, n, target, ack);
	free(target);
	return true;
}

bool
silences_key_silence(struct app *app, void *arg)
{
	(void)arg;
	return key_silence(app, false);
}

bool
silences_key_ack(struct app *app, void *arg)
{
	(void)arg;
	return key_silence(app, true);
}

bool
silences_key_list(struct app *app, void *arg)
{
	struct alerts_area *af = app_feature(app, FEATURE_ALERTS);

	(void)arg;
	if (af == NULL || af->al.npeers == 0)
		return false;
	silences_list_open(app, af);
	return true;
}
