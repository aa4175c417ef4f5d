/* Incident mode over a running app: [incident] and [service] config, the
 * model from the alerts, activity and health areas, the two Loki
 * requests of the window, and the --once --incident output. */
#include "ceres/features/incident_app.h"
#include "ceres/core/app.h"
#include "ceres/core/paths.h"
#include "ceres/features/activity.h"
#include "ceres/features/alerts.h"
#include "ceres/features/logs.h"
#include "ceres/features/readiness.h"
#include "ceres/sources/logs.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INC_LIMIT	5000		/* Loki's default max_entries_limit_per_query */
#define INC_MAX_BYTES	(64u << 20)
#define INC_REPORT_LINES 200

struct inc_mem {
	char	**v;
	size_t	  n;
};

static char *
keep(struct inc_config *ic, char *s)
{
	struct inc_mem *m = ic->mem;

	m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
	m->v[m->n++] = s;
	return s;
}

/* Split a space-separated list into kept strings. */
static size_t
split_list(struct inc_config *ic, const char *v, const char ***out)
{
	const char **arr = NULL;
	size_t n = 0;

	while (v != NULL && *v != '\0') {
		size_t len;

		v += strspn(v, " \t,");
		len = strcspn(v, " \t,");
		if (len == 0)
			break;
		arr = xreallocarray(arr, n + 1, sizeof *arr);
		arr[n++] = keep(ic, xstrndup(v, len));
		v += len;
	}
	*out = arr;
	return n;
}

static int
duration(const struct config *c, const char *key, double def, double *out, char **cause)
{
	const char *v = config_get(c, "incident", NULL, key);

	*out = def;
	if (v != NULL && parse_duration(v, out) != 0) {
		*cause = xasprintf(_("[incident] %s: \"%s\" is not a duration (15m, 2h, 1d)"), key, v);
		return -1;
	}
	return 0;
}

static void
add_rule(struct inc_config *ic, const char *alertname, const char *label, const char *tmpl)
{
	struct inc_selector_rule *r;

	ic->rules = xreallocarray(ic->rules, ic->nrules + 1, sizeof *ic->rules);
	r = &ic->rules[ic->nrules++];
	r->alertname = alertname;
	r->label = label;
	r->tmpl = tmpl;
}

static void
load_rules(const struct config *c, struct inc_config *ic)
{
	const char **names;
	const char *v;
	size_t i, n;

	n = config_names(c, "incident_alert", &names);
	for (i = 0; i < n; i++)
		if ((v = config_get(c, "incident_alert", names[i], "log_selector")) != NULL)
			add_rule(ic, keep(ic, xstrdup(names[i])), NULL, keep(ic, xstrdup(v)));
	free(names);
	n = config_names(c, "incident_label", &names);
	for (i = 0; i < n; i++)
		if ((v = config_get(c, "incident_label", names[i], "log_selector")) != NULL)
			add_rule(ic, NULL, keep(ic, xstrdup(names[i])), keep(ic, xstrdup(v)));
	free(names);
	if ((v = config_get(c, "incident", NULL, "log_selector")) != NULL)
		add_rule(ic, NULL, NULL, keep(ic, xstrdup(v)));
}

static void
load_maps(const struct config *c, struct inc_config *ic)
{
	const char **names;
	size_t i, n = config_names(c, "service", &names);

	for (i = 0; i < n; i++) {
		const char *repos = config_get(c, "service", names[i], "repos");
		const char *projects = config_get(c, "service", names[i], "projects");
		struct inc_service_map *m;

		if (repos == NULL && projects == NULL)
			continue;
		ic->maps = xreallocarray(ic->maps, ic->nmaps + 1, sizeof *ic->maps);
		m = &ic->maps[ic->nmaps++];
		memset(m, 0, sizeof *m);
		m->name = keep(ic, xstrdup(names[i]));
		m->nrepos = split_list(ic, repos, &m->repos);
		m->nprojects = split_list(ic, projects, &m->projects);
	}
	free(names);
}

int
inc_config_load(const struct config *c, struct inc_config *ic, char **cause)
{
	const char *v;

	memset(ic, 0, sizeof *ic);
	ic->mem = xcalloc(1, sizeof(struct inc_mem));
	ic->limit = INC_LIMIT;
	if (duration(c, "before", 15 * 60, &ic->before, cause) != 0 ||
	    duration(c, "changes", 2 * 3600, &ic->changes, cause) != 0)
		return -1;
	if ((v = config_get(c, "incident", NULL, "labels")) != NULL)
		ic->nwant = split_list(ic, v, (const char ***)&ic->want);
	load_rules(c, ic);
	load_maps(c, ic);
	if ((v = config_get(c, "incident", NULL, "report_dir")) != NULL && *v != '\0')
		ic->report_dir = config_expand_path(v);
	else
		ic->report_dir = paths_state_file(c, "incidents");
	ic->runbook_dir = paths_data_dir(PATHS_RUNBOOKS);
	return 0;
}

void
inc_config_free(struct inc_config *ic)
{
	struct inc_mem *m = ic->mem;
	size_t i;

	if (m != NULL) {
		for (i = 0; i < m->n; i++)
			free(m->v[i]);
		free(m->v);
		free(m);
	}
	for (i = 0; i < ic->nmaps; i++) {
		free(ic->maps[i].repos);
		free(ic->maps[i].projects);
	}
	free(ic->maps);
	free(ic->rules);
	free(ic->want);
	free(ic->report_dir);
	free(ic->runbook_dir);
	memset(ic, 0, sizeof *ic);
}

/* The failing readiness checks of the alert's area, when readiness has
 * evaluated. */
static void
add_readiness(struct app *app, struct incident *inc)
{
	struct readiness *rd = app_feature(app, FEATURE_READINESS);
	const char **ids, **titles, **ev;
	bool *failing;

	if (rd == NULL || rd->res == NULL || rd->d == NULL)
		return;
	readiness_update(app, rd);
	ids = xcalloc(rd_ncheck + 1, sizeof *ids);
	titles = xcalloc(rd_ncheck + 1, sizeof *titles);
	ev = xcalloc(rd_ncheck + 1, sizeof *ev);
	failing = xcalloc(rd_ncheck + 1, sizeof *failing);
	for (size_t i = 0; i < rd_ncheck; i++) {
		ids[i] = rd_checks[i].id;
		titles[i] = _(rd_checks[i].title);
		ev[i] = rd->res[i].evidence;
		failing[i] = rd->res[i].status == RD_FAIL;
	}
	incident_add_readiness(inc, ids, titles, failing, ev, rd_ncheck);
	free(ids);
	free(titles);
	free(ev);
	free(failing);
}

#define AUDIT_TAIL	(4u << 20)

void
incident_reload_actions(struct app *app, struct incident *inc)
{
	char *path = paths_audit_log(app->config), *buf = NULL;
	/* Non-blocking: a FIFO planted at the audit path must not stall the loop
	 * (lseek then fails on it and nothing is read). */
	int fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) : -1;
	off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	off_t from = size > (off_t)AUDIT_TAIL ? size - (off_t)AUDIT_TAIL : 0;
	ssize_t got = 0;

	free(path);
	if (size > 0) {
		buf = xmalloc((size_t)(size - from));
		got = pread(fd, buf, (size_t)(size - from), from);
	}
	if (fd >= 0)
		close(fd);
	if (got > 0) {
		/* A tail starts with the rest of a line: skip it. */
		char *p = from > 0 ? memchr(buf, '\n', (size_t)got) : buf;

		if (p != NULL) {
			p += from > 0;
			incident_add_audit(inc, p, (size_t)got - (size_t)(p - buf));
		}
	}
	free(buf);
	incident_timeline_sort(inc);
}

struct incident *
incident_build(struct app *app, const struct inc_config *ic, const struct alert *a,
    const struct alert_group *g)
{
	struct alerts_area *al = app_feature(app, FEATURE_ALERTS);
	struct activity *act = app_feature(app, FEATURE_ACTIVITY);
	const struct alert_set *set = al != NULL ? al->al.set : NULL;
	struct incident *inc = incident_new(set, a, g, ic->before, ic->changes, now_wall());

	if (act != NULL && act->tl != NULL)
		incident_add_changes(inc, (const struct act_event *const *)act->tl->ev, act->tl->n,
		    ic->maps, ic->nmaps);
	incident_add_related(inc, set, al != NULL ? al->al.silences : NULL, &app->model);
	add_readiness(app, inc);
	incident_add_transitions(inc, &app->model);
	incident_reload_actions(app, inc);
	incident_find_runbook(inc, ic->runbook_dir);
	incident_timeline_build(inc);
	return inc;
}

/* ---- the Loki requests ---- */

struct inc_fetch {
	struct app		*app;
	const struct inc_config	*ic;
	struct incident		*inc;
	struct logs_area	*logs;
	struct http_handle	*h;
	struct loki_reader	*rd;		/* the query_range answer */
	inc_fetch_done		 done;
	void			*arg;
	struct loop_timer	*later;
};

static void
fetch_finish(struct inc_fetch *f)
{
	f->h = NULL;
	incident_sort_lines(f->inc);
	incident_add_bursts(f->inc, 5);
	incident_timeline_sort(f->inc);
	f->done(f->inc, f->arg);
}

static void
fetch_fail(struct inc_fetch *f, const char *what, const struct http_response *r)
{
	char *msg = r->error != NULL ? xstrdup(r->error) : loki_error_text(r->body, r->len);

	free(f->inc->logs_error);
	f->inc->logs_error = xasprintf("%s: %s", what, msg);
	free(msg);
}

static void
range_done(const struct http_response *r, void *arg)
{
	struct inc_fetch *f = arg;
	struct loki_result res;
	char *cause = NULL;
	size_t i, j;

	if (r->status != 200 || r->error != NULL) {
		fetch_fail(f, _("Loki query"), r);
	} else if (loki_answer_streams(r, f->rd, &res, &cause) != 0) {
		free(f->inc->logs_error);
		f->inc->logs_error = xasprintf("%s: %s", _("Loki query"), cause);
		free(cause);
	} else {
		loki_result_order(&res, false);
		for (i = 0; i < res.nstreams; i++)
			for (j = 0; j < res.streams[i].nvalues; j++)
				incident_add_line(f->inc, &res.streams[i], &res.streams[i].values[j],
				    &f->logs->lg.levels);
		loki_result_free(&res);
	}
	loki_reader_free(f->rd);
	f->rd = NULL;
	fetch_finish(f);
}

static void
ask_range(struct inc_fetch *f)
{
	struct incident *inc = f->inc;
	char *path;

	if (inc->sel.selector == NULL) {
		fetch_finish(f);
		return;
	}
	path = loki_range_path(inc->sel.selector, (int64_t)(inc->win.from * 1e9),
	    (int64_t)(inc->win.to * 1e9) + 1000000000, f->ic->limit, true);
	/* Read as it arrives: the answer is never held whole. */
	loki_reader_free(f->rd);
	f->rd = loki_reader_new();
	f->h = loki_request(f->logs->src, path, f->logs->src->timeout, INC_MAX_BYTES, f->rd,
	    range_done, f);
	free(path);
}

static void
labels_done(const struct http_response *r, void *arg)
{
	struct inc_fetch *f = arg;
	struct incident *inc = f->inc;
	char **names = NULL, *cause = NULL;
	size_t n = 0;
	bool known = false;

	if (r->status == 200 && r->error == NULL &&
	    loki_parse_labels(r->body, r->len, &names, &n, &cause) == 0)
		known = true;
	free(cause);
	inc_selector_free(&inc->sel);
	incident_selector(inc->alertname, inc->labels, inc->nlabels, f->ic->rules, f->ic->nrules,
	    (const char *const *)f->ic->want, f->ic->nwant,
	    known ? (const char *const *)names : NULL, n, &inc->sel);
	if (known)
		loki_strv_free(names, n);
	ask_range(f);
}

static void
start_later(void *arg)
{
	struct inc_fetch *f = arg;

	f->later = NULL;
	fetch_finish(f);
}

struct inc_fetch *
incident_fetch(struct app *app, const struct inc_config *ic, struct incident *inc,
    inc_fetch_done done, void *arg)
{
	struct inc_fetch *f = xcalloc(1, sizeof *f);
	char path[128];

	f->app = app;
	f->ic = ic;
	f->inc = inc;
	f->done = done;
	f->arg = arg;
	f->logs = app_feature(app, FEATURE_LOGS);
	if (f->logs == NULL || f->logs->src == NULL) {
		free(inc->logs_error);
		inc->logs_error = xstrdup(_("Loki is not configured"));
		incident_selector(inc->alertname, inc->labels, inc->nlabels, ic->rules, ic->nrules,
		    (const char *const *)ic->want, ic->nwant, NULL, 0, &inc->sel);
		f->later = loop_timer_add(app->loop, 0, start_later, f);
		return f;
	}
	/* The label names of the window, asked each time: a label newer than
	 * the logs pane's cached list is still found. */
	snprintf(path, sizeof path, "/loki/api/v1/labels?start=%lld&end=%lld",
	    (long long)(inc->win.from * 1e9), (long long)(inc->win.to * 1e9) + 1000000000LL);
	f->h = loki_request(f->logs->src, path, f->logs->src->timeout, 1u << 20, NULL, labels_done, f);
	return f;
}

void
incident_fetch_cancel(struct app *app, struct inc_fetch *f)
{
	if (f == NULL)
		return;
	if (f->h != NULL)
		loop_http_cancel(app->loop, f->h);
	if (f->later != NULL)
		loop_timer_cancel(app->loop, f->later);
	loki_reader_free(f->rd);
	free(f);
}

const char *
incident_fetch_error(const struct inc_fetch *f)
{
	return f->inc->logs_error;
}

/* ---- --once --incident ---- */

struct once_wait {
	bool	done;
};

static void
once_done(struct incident *inc, void *arg)
{
	struct once_wait *w = arg;

	(void)inc;
	w->done = true;
}

static void
once_print(struct incident *inc, int format)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (format == FORMAT_JSON) {
		incident_json_write(inc, stdout);
		fputc('\n', stdout);
	} else if (format == FORMAT_MARKDOWN) {
		incident_markdown(inc, INC_REPORT_LINES, &sb);
		fwrite(sb.buf, 1, sb.len, stdout);
	} else {
		incident_text(inc, &sb);
		fwrite(sb.buf, 1, sb.len, stdout);
	}
	fflush(stdout);
	strbuf_free(&sb);
}

int
incident_once(struct app *app, const char *selector, int format, int verdict)
{
	struct alerts_area *al = app_feature(app, FEATURE_ALERTS);
	const struct alert_set *set = al != NULL ? al->al.set : NULL;
	struct inc_config ic;
	struct incident *inc;
	struct inc_fetch *f;
	struct once_wait w = { false };
	double deadline = now_mono() + app->opt.timeout;
	char *cause = NULL;
	long i;

	if (inc_config_load(app->config, &ic, &cause) != 0) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		return 3;
	}
	i = incident_match(set, selector, &cause);
	if (i < 0) {
		if (i == -2)
			fprintf(stderr, "ceres-top: %s\n", cause);
		else if (set == NULL)
			fprintf(stderr, _("ceres-top: no alert matches \"%s\": Alertmanager gave no alerts\n"),
			    selector);
		else
			fprintf(stderr, _("ceres-top: no alert matches \"%s\" (%zu alerts)\n"), selector,
			    set->n);
		free(cause);
		inc_config_free(&ic);
		return 3;
	}
	inc = incident_build(app, &ic, &set->alerts[i], NULL);
	f = incident_fetch(app, &ic, inc, once_done, &w);
	while (!w.done && !app->quit && now_mono() < deadline)
		loop_run_once(app->loop, 0.2);
	if (!w.done) {
		free(f->inc->logs_error);
		f->inc->logs_error = xstrdup(_("no answer before the --timeout deadline"));
	}
	once_print(inc, format);
	if (incident_fetch_error(f) != NULL && verdict < 1)
		verdict = 1;
	incident_fetch_cancel(app, f);
	incident_free(inc);
	inc_config_free(&ic);
	return verdict;
}
