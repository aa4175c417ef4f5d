/* The incident view in the console: `i` on the selected alert or group
 * builds the incident model from the areas, asks Loki for the window's
 * lines, and shows it all in an overlay (scrolled with the list keys,
 * `z` zooms, Esc leaves: the panes' selections are never touched).  `E`
 * writes the Markdown report to [incident] report_dir, `R` creates a
 * Redmine issue whose description is the report; both ask first, are
 * refused in read-only mode, and are written to the audit log. */
#include "ceres/actions/incident.h"
#include "ceres/actions/audit.h"
#include "ceres/actions/actions.h"
#include "ceres/actions/silences.h"
#include "ceres/core/app.h"
#include "ceres/features/alerts.h"
#include "ceres/features/incident_app.h"
#include "ceres/ui/panes.h"
#include "ceres/util/file.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPORT_LINES	200

struct inc_ui {
	struct app		*app;
	struct inc_config	 ic;
	struct incident		*inc;
	struct inc_fetch	*fetch;
	struct inc_follow	*follow;	/* NULL: nothing to follow */
	bool			 paused;	/* p */
	size_t			 nshow;		/* lines shown while paused */
	bool			 loading;
	bool			 zoomed;
	size_t			 top;
	size_t			 nlines;	/* of the last paint */
	int			 height;
	char			*note;
	char			*target;	/* for the audit log */
	struct log_regex	 search, show, hide;	/* / f F */
	bool			 wrap;		/* W */
	int			 width;		/* of the last paint */
	struct http_handle	*rm;		/* the Redmine request in flight */
	char			*rm_url;	/* base URL, no trailing slash */
	struct inc_logcache	 rows;		/* the log lines' rows, kept across paints */
	unsigned		 gen;		/* bumped when the lines change */
};

static const char *const view_help[] = {
	"j k ↑ ↓ PgUp PgDn g G", N_("scroll"),
	"z", N_("zoom the view, and back"),
	"/ n N", N_("search the view (PCRE2), next, previous match"),
	"f F", N_("log lines: show only, hide those matching (PCRE2, empty: off)"),
	"W", N_("wrap long log lines, and back"),
	"p", N_("pause / resume following the log lines (new lines are counted)"),
	"E", N_("write the incident report (Markdown) to [incident] report_dir"),
	"R", N_("create a Redmine issue with the report as description"),
	"s A", N_("silence or acknowledge the view's alert (a group: its shared labels)"),
	"w b", N_("webhook test menu, backup, as everywhere"),
	"Esc q", N_("leave the view; every pane keeps its selection"),
	NULL,
};

static struct inc_vstate
vstate(const struct inc_ui *u)
{
	struct inc_vstate st = { u->loading, u->note, (struct log_regex *)&u->show,
	    (struct log_regex *)&u->hide, u->wrap, u->follow != NULL, u->paused, u->nshow,
	    (struct inc_logcache *)&u->rows, u->gen };

	return st;
}

/* New lines of the window: held while paused (the dropped oldest ones
 * leave the shown part). */
static void
followed(struct incident *inc, size_t added, size_t at, size_t dropped, void *arg)
{
	struct inc_ui *u = arg;

	(void)inc;
	(void)added;
	u->gen++;
	if (u->paused && u->nshow > at)
		u->nshow -= u->nshow - at < dropped ? u->nshow - at : dropped;
	app_dirty(u->app);
}

static void
fetched(struct incident *inc, void *arg)
{
	struct inc_ui *u = arg;

	u->loading = false;
	u->gen++;
	if (u->follow == NULL)
		u->follow = incident_follow(u->app, &u->ic, inc, followed, u);
	app_dirty(u->app);
}

static void
view_draw(struct app *app, void *data, WINDOW *win)
{
	struct inc_ui *u = data;
	struct inc_lines l;
	struct inc_vstate st = vstate(u);
	int h = getmaxy(win), w = getmaxx(win);

	(void)app;
	memset(&l, 0, sizeof l);
	inc_view_lines(u->inc, &st, w, &l);
	u->height = h;
	u->width = w;
	u->nlines = l.n;
	if (u->top >= l.n)
		u->top = l.n > 0 ? l.n - 1 : 0;
	for (int i = 0; i < h && u->top + (size_t)i < l.n; i++) {
		const struct inc_line *ln = &l.v[u->top + (size_t)i];
		size_t ms, me;
		bool hit = log_regex_active(&u->search) &&
		    log_regex_find(&u->search, ln->text, strlen(ln->text), 0, &ms, &me);

		ui_put(win, i, 0, ln->text, w, ui_attr(ln->role) | (hit ? A_REVERSE : 0));
	}
	inc_lines_free(&l);
}

static void
view_free(void *data)
{
	struct inc_ui *u = data;

	incident_fetch_cancel(u->app, u->fetch);
	incident_follow_cancel(u->app, u->follow);
	if (u->rm != NULL)
		loop_http_cancel(u->app->loop, u->rm);
	inc_logcache_free(&u->rows);
	incident_free(u->inc);
	inc_config_free(&u->ic);
	log_regex_clear(&u->search);
	log_regex_clear(&u->show);
	log_regex_clear(&u->hide);
	free(u->note);
	free(u->target);
	free(u->rm_url);
	free(u);
}

static void
set_note(struct inc_ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_note(struct inc_ui *u, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(u->note);
	u->note = sanitize_str(raw);
	free(raw);
	u->top = 0;
	app_dirty(u->app);
}

/* ---- E: the report file ---- */

static char *
report_path(struct inc_ui *u)
{
	char *name, *path;

	if (u->ic.report_dir == NULL)
		return NULL;
	name = incident_report_name(u->inc);
	path = xasprintf("%s/%s", u->ic.report_dir, name);
	free(name);
	return path;
}

static void
export_done(struct app *app, bool yes, void *arg)
{
	struct inc_ui *u = arg;
	char *path = report_path(u), *cause = NULL;
	struct strbuf sb;
	cJSON *params;
	int rc;

	if (!yes || path == NULL) {
		free(path);
		return;
	}
	incident_reload_actions(app, u->inc);
	strbuf_init(&sb);
	incident_markdown(u->inc, REPORT_LINES, &sb);
	rc = file_make_parent(path);
	if (rc == 0)
		rc = file_write_atomic(path, sb.buf, sb.len, &cause);
	else
		cause = xasprintf("%s: %s", u->ic.report_dir, strerror(errno));
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "path", path);
	cJSON_AddNumberToObject(params, "bytes", (double)sb.len);
	strbuf_free(&sb);
	if (rc != 0) {
		char *acause = NULL;

		if (audit_record(app, "incident.report", u->target, params, cause, &acause) != 0)
			free(acause);
		ui_message(app, UI_MSG_ERROR, _("incident report not written: %s"), cause);
	} else {
		char *acause = NULL;

		if (audit_record(app, "incident.report", u->target, params, "written", &acause) != 0) {
			ui_message(app, UI_MSG_ERROR, "%s", acause);
			free(acause);
		}
		set_note(u, _("report written: %s"), path);
	}
	cJSON_Delete(params);
	free(cause);
	free(path);
}

static void
key_export(struct inc_ui *u)
{
	struct app *app = u->app;
	char *path, *q, *cause = NULL;

	if (!app_action_allowed(app))
		return;
	if (audit_check(app, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", cause);
		free(cause);
		return;
	}
	path = report_path(u);
	if (path == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s", _("no report directory: set [incident] report_dir"));
		return;
	}
	q = xasprintf(_("Write the incident report to %s?"), path);
	ui_confirm(app, q, export_done, u);
	free(q);
	free(path);
}

/* ---- R: the Redmine issue ---- */

static long
issue_id(const struct http_response *r)
{
	cJSON *root = r->body != NULL ? json_parse_bounded(r->body, r->len, NULL) : NULL;
	const cJSON *id = json_get(json_get(root, "issue"), "id");
	long n = cJSON_IsNumber(id) && id->valuedouble > 0 && id->valuedouble < 1e12 ?
	    (long)id->valuedouble : -1;

	cJSON_Delete(root);
	return n;
}

static void
redmine_done(const struct http_response *r, void *arg)
{
	struct inc_ui *u = arg;
	struct app *app = u->app;
	long id = r->status == 201 ? issue_id(r) : -1;
	cJSON *params = cJSON_CreateObject();
	char *result, *acause = NULL, *shown = url_without_userinfo(u->rm_url);

	u->rm = NULL;
	/* A URL may carry user:password: never in the audit log or on screen. */
	cJSON_AddStringToObject(params, "url", shown);
	cJSON_AddNumberToObject(params, "status", (double)r->status);
	if (id > 0)
		result = xasprintf("issue #%ld", id);
	else if (r->error != NULL)
		result = xasprintf("failed: %s", r->error);
	else
		result = xasprintf("failed: HTTP %ld", r->status);
	if (audit_record(app, "incident.redmine", u->target, params, result, &acause) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", acause);
		free(acause);
	}
	if (id > 0)
		set_note(u, _("Redmine issue #%ld: %s/issues/%ld"), id, shown, id);
	else
		ui_message(app, UI_MSG_ERROR, _("Redmine issue not created: %s"), result);
	cJSON_Delete(params);
	free(result);
	free(shown);
}

static char *
redmine_body(struct inc_ui *u, const char *project)
{
	const struct config *c = u->app->config;
	cJSON *root = cJSON_CreateObject(), *issue = cJSON_AddObjectToObject(root, "issue");
	struct strbuf sb;
	long v;
	char *subject, *out;

	incident_reload_actions(u->app, u->inc);
	strbuf_init(&sb);
	incident_markdown(u->inc, REPORT_LINES, &sb);
	subject = xasprintf("%s: %s", u->inc->alertname, u->inc->summary);
	utf8_clip(subject, 255);
	cJSON_AddStringToObject(issue, "project_id", project);
	cJSON_AddStringToObject(issue, "subject", subject);
	cJSON_AddStringToObject(issue, "description", sb.buf != NULL ? sb.buf : "");
	if ((v = config_get_int(c, "incident", NULL, "redmine_tracker", 0)) > 0)
		cJSON_AddNumberToObject(issue, "tracker_id", (double)v);
	if ((v = config_get_int(c, "incident", NULL, "redmine_priority", 0)) > 0)
		cJSON_AddNumberToObject(issue, "priority_id", (double)v);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	strbuf_free(&sb);
	free(subject);
	return out;
}

static void
redmine_send(struct app *app, bool yes, void *arg)
{
	struct inc_ui *u = arg;
	const struct config *c = app->config;
	const char *project = config_get(c, "incident", NULL, "redmine_project");
	const char *key = config_get(c, "redmine", NULL, "api_key");
	struct http_request req;
	const char *headers[4];
	char *auth, *url, *body;

	if (!yes || u->rm != NULL)
		return;
	auth = xasprintf("X-Redmine-API-Key: %s", key);
	headers[0] = "Content-Type: application/json";
	headers[1] = "Accept: application/json";
	headers[2] = auth;
	headers[3] = NULL;
	url = xasprintf("%s/issues.json", u->rm_url);
	body = redmine_body(u, project);
	memset(&req, 0, sizeof req);
	req.url = url;
	req.method = "POST";
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	req.timeout = config_get_double(c, "redmine", NULL, "timeout", app->timeout * 3);
	req.authenticated = true;
	req.insecure = config_get_bool(c, "redmine", NULL, "insecure", false);
	req.ca_file = config_get(c, "redmine", NULL, "ca_file");
	req.cert_file = config_get(c, "redmine", NULL, "cert_file");
	req.key_file = config_get(c, "redmine", NULL, "key_file");
	req.scope = app;
	u->rm = loop_http(app->loop, &req, redmine_done, u);
	ui_message(app, UI_MSG_INFO, "%s", _("creating the Redmine issue..."));
	secret_free(auth);
	free(url);
	free(body);
}

static void
key_redmine(struct inc_ui *u)
{
	struct app *app = u->app;
	const struct config *c = app->config;
	const char *project = config_get(c, "incident", NULL, "redmine_project");
	const char *url = config_get(c, "redmine", NULL, "url");
	const char *key = config_get(c, "redmine", NULL, "api_key");
	char *q, *cause = NULL;
	size_t n;

	if (!app_action_allowed(app))
		return;
	if (project == NULL || url == NULL || key == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s",
		    _("set [incident] redmine_project, [redmine] url and api_key first"));
		return;
	}
	if (u->rm != NULL) {
		ui_message(app, UI_MSG_WARN, "%s", _("the Redmine issue is being created"));
		return;
	}
	if (audit_check(app, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", cause);
		free(cause);
		return;
	}
	n = strcspn(url, " \t");
	while (n > 0 && url[n - 1] == '/')
		n--;
	free(u->rm_url);
	u->rm_url = xstrndup(url, n);
	q = xasprintf(_("Create a Redmine issue in project %s with the incident report?"), project);
	ui_confirm(app, q, redmine_send, u);
	free(q);
}

/* s and A: the silence flow for the view's alert (the labels a group's
 * alerts share), whatever the alerts pane has selected since. */
static void
key_silence(struct inc_ui *u, bool ack)
{
	struct app *app = u->app;
	struct alerts_area *af = app_feature(app, FEATURE_ALERTS);

	if (af == NULL || af->al.npeers == 0) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Alertmanager not configured"));
		return;
	}
	if (!app_action_allowed(app))
		return;
	silences_start(app, af, u->inc->labels, u->inc->nlabels, u->target, ack);
}

/* ---- / n N f F W: the logs pane's keys over the view ---- */

/* Put the next (dir 1) or previous (-1) line matching the search at the
 * top, from the line after (before) the top; wraps around. */
static void
search_step(struct inc_ui *u, int dir)
{
	struct inc_vstate st = vstate(u);
	struct inc_lines l;
	size_t i, ms, me;

	if (!log_regex_active(&u->search))
		return;
	memset(&l, 0, sizeof l);
	inc_view_lines(u->inc, &st, u->width > 0 ? u->width : 80, &l);
	for (i = 1; i <= l.n; i++) {
		size_t k = dir > 0 ? (u->top + i) % l.n : (u->top + l.n - i % l.n) % l.n;

		if (log_regex_find(&u->search, l.v[k].text, strlen(l.v[k].text), 0, &ms, &me)) {
			u->top = k;
			break;
		}
	}
	if (i > l.n)
		ui_message(u->app, UI_MSG_WARN, _("no match for %s"), u->search.pattern);
	inc_lines_free(&l);
	app_dirty(u->app);
}

static bool
regex_answer(struct inc_ui *u, struct log_regex *re, const char *answer, const char *what)
{
	char *cause = NULL;

	if (answer == NULL)
		return false;
	if (*answer == '\0') {
		log_regex_clear(re);
	} else if (log_regex_set(re, answer, true, &cause) != 0) {
		ui_message(u->app, UI_MSG_ERROR, "%s: %s", what, cause);
		free(cause);
		return false;
	}
	app_dirty(u->app);
	return true;
}

static void
search_cb(struct app *app, const char *answer, void *arg)
{
	struct inc_ui *u = arg;

	(void)app;
	if (regex_answer(u, &u->search, answer, _("search")))
		search_step(u, 1);
}

static void
show_cb(struct app *app, const char *answer, void *arg)
{
	(void)app;
	regex_answer(arg, &((struct inc_ui *)arg)->show, answer, _("include filter"));
}

static void
hide_cb(struct app *app, const char *answer, void *arg)
{
	(void)app;
	regex_answer(arg, &((struct inc_ui *)arg)->hide, answer, _("exclude filter"));
}

static bool
logs_key(struct inc_ui *u, int key)
{
	struct app *app = u->app;

	switch (key) {
	case '/':
		ui_prompt(app, "/", u->search.pattern, search_cb, u);
		return true;
	case 'n':
	case 'N':
		search_step(u, key == 'n' ? 1 : -1);
		return true;
	case 'f':
		ui_prompt(app, _("show lines matching (PCRE2, empty: all): "), u->show.pattern, show_cb, u);
		return true;
	case 'F':
		ui_prompt(app, _("hide lines matching (PCRE2, empty: none): "), u->hide.pattern, hide_cb, u);
		return true;
	case 'W':
		u->wrap = !u->wrap;
		app_dirty(app);
		return true;
	case 'p':
		if (u->follow == NULL) {
			ui_message(app, UI_MSG_WARN, "%s", _("nothing to follow: the window has ended, or no Loki query"));
			return true;
		}
		u->paused = !u->paused;
		u->nshow = u->inc->nlines;
		app_dirty(app);
		return true;
	default:
		return false;
	}
}

static void
help_open(struct app *app)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; view_help[i] != NULL; i += 2)
		strbuf_addf(&sb, "%-24s %s\n", view_help[i], _(view_help[i + 1]));
	ui_text_overlay(app, _("Incident view keys"), strbuf_detach(&sb));
}

static bool
view_key(struct app *app, void *data, int key)
{
	struct inc_ui *u = data;
	size_t page = u->height > 1 ? (size_t)u->height - 1 : 1;

	if (logs_key(u, key))
		return false;
	switch (key) {
	case 27:
	case 'q':
		return true;
	case 'z':
		u->zoomed = !u->zoomed;
		ui_overlay_zoom(app, u->zoomed);
		return false;
	case 'E':
		key_export(u);
		return false;
	case 'R':
		key_redmine(u);
		return false;
	case 's':
	case 'A':
		key_silence(u, key == 'A');
		return false;
	case 'w':
		webhooks_menu_key(app, NULL);
		return false;
	case 'b':
		backup_key(app, NULL);
		return false;
	case '?':
		help_open(app);
		return false;
	default:
		break;
	}
	ui_list_move(key, &u->top, u->nlines > page ? u->nlines - page + 1 : 1, page);
	return false;
}

static const struct overlay_ops incident_overlay = {
	.draw = view_draw,
	.key = view_key,
	.free = view_free,
};

bool
incident_key(struct app *app, void *arg)
{
	const struct alert *a = NULL;
	const struct alert_group *g = NULL;
	struct inc_ui *u;
	char *cause = NULL, *title;
	int depth;

	(void)arg;
	if (!alerts_pane_selected(app, &a, &g))
		return false;
	u = xcalloc(1, sizeof *u);
	u->app = app;
	if (inc_config_load(app->config, &u->ic, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", cause);
		free(cause);
		free(u);
		return true;
	}
	u->inc = incident_build(app, &u->ic, a, g);
	u->target = g != NULL ? xasprintf("group alertname=\"%s\"", a->alertname) :
	    xasprintf("alert %s alertname=\"%s\"", a->fingerprint, a->alertname);
	u->loading = true;
	title = xasprintf(_("Incident: %s"), a->alertname);
	depth = ui_overlay_depth(app);
	ui_overlay_open(app, title, &incident_overlay, u);
	free(title);
	if (ui_overlay_depth(app) == depth)
		return true;	/* not opened: u is freed */
	/* After the overlay holds u: the fetch may finish at once. */
	u->fetch = incident_fetch(app, &u->ic, u->inc, fetched, u);
	return true;
}
