/* Incident mode output: the Markdown report (every backend string escaped
 * so it cannot change the document's structure), the --once text and
 * JSON, the report's file name, and the --incident selector. */
#include "ceres/features/incident.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
md_escape(struct strbuf *sb, const char *s)
{
	char *safe = sanitize_str(s);
	const char *p;

	for (p = safe; *p != '\0'; p++) {
		if (strchr("\\`*_{}[]()<>#+-.!|~&", *p) != NULL)
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *p);
	}
	free(safe);
}

static char *
when(double t, char *buf, size_t n)
{
	if (!(t > 0)) {
		snprintf(buf, n, "-");
		return buf;
	}
	return fmt_rfc3339(t, buf, n);
}

/* "12m before", "3m after", "at the start" */
static char *
lead_text(double lead, char *buf, size_t n)
{
	char age[32];

	if (fabs(lead) < 1) {
		snprintf(buf, n, "%s", _("at the start"));
		return buf;
	}
	fmt_age(fabs(lead), age, sizeof age);
	snprintf(buf, n, lead > 0 ? _("%s before") : _("%s after"), age);
	return buf;
}

/* A fence longer than any run of backticks in the lines. */
static size_t
fence_len(const struct incident *inc, size_t from, size_t to)
{
	size_t i, best = 3;

	for (i = from; i < to; i++) {
		const char *p = inc->lines[i].text;
		size_t run = 0;

		for (; *p != '\0'; p++) {
			run = *p == '`' ? run + 1 : 0;
			if (run + 1 > best)
				best = run + 1;
		}
	}
	return best;
}

static void
md_header(const struct incident *inc, struct strbuf *sb)
{
	char t[40];
	size_t i;

	strbuf_adds(sb, "# ");
	strbuf_adds(sb, _("Incident"));
	strbuf_adds(sb, ": ");
	md_escape(sb, inc->alertname);
	strbuf_adds(sb, "\n\n");
	strbuf_addf(sb, "- %s: ", _("Started"));
	strbuf_adds(sb, when(inc->win.start, t, sizeof t));
	strbuf_addf(sb, "\n- %s: %s\n", _("Ended"), inc->win.end > 0 ? when(inc->win.end, t, sizeof t) :
	    _("still firing"));
	strbuf_addf(sb, "- %s: ", _("Severity"));
	md_escape(sb, inc->severity);
	strbuf_addf(sb, "\n- %s: ", _("Summary"));
	md_escape(sb, inc->summary);
	strbuf_addf(sb, "\n- %s: %zu\n- %s: `%s`\n\n## %s\n\n", _("Alerts"), inc->nalerts,
	    _("Fingerprint"), inc->fingerprint, _("Labels"));
	for (i = 0; i < inc->nlabels; i++) {
		strbuf_adds(sb, "- ");
		md_escape(sb, inc->labels[i].name);
		strbuf_adds(sb, " = ");
		md_escape(sb, inc->labels[i].value);
		strbuf_addc(sb, '\n');
	}
}

static void
md_runbook(const struct incident *inc, struct strbuf *sb)
{
	strbuf_addf(sb, "\n## %s\n\n", _("Runbook"));
	if (inc->runbook_url == NULL && inc->runbook_path == NULL) {
		strbuf_addf(sb, "%s\n", _("No runbook."));
		return;
	}
	if (inc->runbook_url != NULL) {
		strbuf_adds(sb, "- runbook_url: ");
		md_escape(sb, inc->runbook_url);
		strbuf_addc(sb, '\n');
	}
	if (inc->runbook_path != NULL) {
		strbuf_addf(sb, "- %s: ", _("page"));
		md_escape(sb, inc->runbook_path);
		strbuf_addc(sb, '\n');
	}
}

static void
md_timeline(const struct incident *inc, struct strbuf *sb)
{
	char t[40];
	size_t i;

	strbuf_addf(sb, "\n## %s\n\n", _("Timeline"));
	for (i = 0; i < inc->ntimeline; i++) {
		const struct inc_event *e = &inc->timeline[i];

		strbuf_addf(sb, "- %s %s: ", when(e->time, t, sizeof t), inc_ev_kind_name(e->kind));
		md_escape(sb, e->text);
		strbuf_addc(sb, '\n');
	}
}

static void
md_changes(const struct incident *inc, struct strbuf *sb)
{
	char t[40], lead[64];
	size_t i;

	strbuf_addf(sb, "\n## %s\n\n", _("Changes"));
	if (inc->nchanges == 0)
		strbuf_addf(sb, "%s\n", _("No change in the window."));
	for (i = 0; i < inc->nchanges; i++) {
		const struct inc_change *c = &inc->changes[i];

		strbuf_addf(sb, "- %s (%s) %s %s ", when(c->time, t, sizeof t),
		    lead_text(c->lead, lead, sizeof lead), act_source_name(c->source),
		    act_kind_name(c->kind));
		md_escape(sb, c->where);
		strbuf_adds(sb, ": ");
		md_escape(sb, c->title);
		if (c->actor[0] != '\0') {
			strbuf_adds(sb, " (");
			md_escape(sb, c->actor);
			strbuf_addc(sb, ')');
		}
		if (c->url[0] != '\0') {
			strbuf_adds(sb, " ");
			md_escape(sb, c->url);
		}
		strbuf_addc(sb, '\n');
	}
}

/* The lines around the start: at most max, centred on the first line at
 * or after the start. */
static void
line_range(const struct incident *inc, size_t max, size_t *from, size_t *to)
{
	int64_t start = (int64_t)(inc->win.start * 1e9);
	size_t at = 0;

	while (at < inc->nlines && inc->lines[at].ts < start)
		at++;
	*from = at > max / 2 ? at - max / 2 : 0;
	*to = *from + max < inc->nlines ? *from + max : inc->nlines;
	if (*to - *from < max && *to == inc->nlines)
		*from = inc->nlines > max ? inc->nlines - max : 0;
}

static void
md_logs(const struct incident *inc, size_t max, struct strbuf *sb)
{
	size_t from, to, i, f, k;
	char t[48];

	strbuf_addf(sb, "\n## %s\n\n", _("Logs"));
	if (inc->sel.selector != NULL) {
		strbuf_addf(sb, "%s: ", _("Query"));
		md_escape(sb, inc->sel.selector);
		strbuf_adds(sb, "\n\n");
	} else if (inc->sel.error != NULL) {
		md_escape(sb, inc->sel.error);
		strbuf_adds(sb, "\n\n");
	}
	if (inc->logs_error != NULL) {
		md_escape(sb, inc->logs_error);
		strbuf_adds(sb, "\n\n");
	}
	line_range(inc, max, &from, &to);
	if (from == to) {
		strbuf_addf(sb, "%s\n", _("No log line in the window."));
		return;
	}
	f = fence_len(inc, from, to);
	for (k = 0; k < f; k++)
		strbuf_addc(sb, '`');
	strbuf_addc(sb, '\n');
	for (i = from; i < to; i++) {
		const struct inc_logline *l = &inc->lines[i];
		const char *p;

		fmt_rfc3339_ns(l->ts, t, sizeof t);
		strbuf_addf(sb, "%s %s ", t, l->labels);
		for (p = l->text; *p != '\0'; p++)
			strbuf_addc(sb, *p == '\n' ? ' ' : *p);
		strbuf_addc(sb, '\n');
	}
	for (k = 0; k < f; k++)
		strbuf_addc(sb, '`');
	strbuf_addc(sb, '\n');
}

static void
md_actions(const struct incident *inc, struct strbuf *sb)
{
	char t[40];
	size_t i, n = 0;

	strbuf_addf(sb, "\n## %s\n\n", _("Actions taken"));
	for (i = 0; i < inc->ntimeline; i++) {
		const struct inc_event *e = &inc->timeline[i];

		if (e->kind != INC_EV_ACTION)
			continue;
		strbuf_addf(sb, "- %s ", when(e->time, t, sizeof t));
		md_escape(sb, e->text);
		strbuf_addc(sb, '\n');
		n++;
	}
	if (n == 0)
		strbuf_addf(sb, "%s\n", _("None recorded."));
}

void
incident_markdown(const struct incident *inc, size_t max_lines, struct strbuf *sb)
{
	md_header(inc, sb);
	md_runbook(inc, sb);
	md_timeline(inc, sb);
	md_changes(inc, sb);
	md_logs(inc, max_lines, sb);
	md_actions(inc, sb);
}

void
incident_text(const struct incident *inc, struct strbuf *sb)
{
	char t[48], lead[64];
	size_t i;
	char *s;

	s = sanitize_str(inc->alertname);
	strbuf_addf(sb, "%s %s (%zu)\n", _("INCIDENT"), s, inc->nalerts);
	free(s);
	strbuf_addf(sb, "  %s %s .. %s\n", _("window"), when(inc->win.from, t, sizeof t),
	    when(inc->win.to, lead, sizeof lead));
	for (i = 0; i < inc->nlabels; i++) {
		char *n = sanitize_str(inc->labels[i].name), *v = sanitize_str(inc->labels[i].value);

		strbuf_addf(sb, "  %s=%s\n", n, v);
		free(n);
		free(v);
	}
	strbuf_addf(sb, "%s: %s\n", _("LOGS"), inc->sel.selector != NULL ? inc->sel.selector :
	    inc->sel.error != NULL ? inc->sel.error : "-");
	for (i = 0; i < inc->nlines; i++) {
		fmt_rfc3339_ns(inc->lines[i].ts, t, sizeof t);
		strbuf_addf(sb, "  %s %s %s\n", t, inc->lines[i].labels, inc->lines[i].text);
	}
	if (inc->logs_error != NULL) {
		char *err = sanitize_str(inc->logs_error);	/* Loki's own text */

		strbuf_addf(sb, "  %s\n", err);
		free(err);
	}
	strbuf_addf(sb, "%s\n", _("CHANGES"));
	for (i = 0; i < inc->nchanges; i++) {
		const struct inc_change *c = &inc->changes[i];

		strbuf_addf(sb, "  %s %-16s %s %s %s: %s\n", when(c->time, t, sizeof t),
		    lead_text(c->lead, lead, sizeof lead), act_source_name(c->source),
		    act_kind_name(c->kind), c->where, c->title);
	}
	strbuf_addf(sb, "%s\n", _("RELATED"));
	for (i = 0; i < inc->nrelated; i++)
		strbuf_addf(sb, "  %s %s %s\n", inc_rel_kind_name(inc->related[i].kind),
		    inc->related[i].name, inc->related[i].text);
	strbuf_addf(sb, "%s\n", _("TIMELINE"));
	for (i = 0; i < inc->ntimeline; i++)
		strbuf_addf(sb, "  %s %-7s %s\n", when(inc->timeline[i].time, t, sizeof t),
		    inc_ev_kind_name(inc->timeline[i].kind), inc->timeline[i].text);
}

static void
add_time(cJSON *o, const char *key, double t)
{
	char buf[40];

	if (t > 0)
		cJSON_AddStringToObject(o, key, fmt_rfc3339(t, buf, sizeof buf));
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
json_head(const struct incident *inc)
{
	cJSON *root = cJSON_CreateObject(), *labels;
	size_t i;

	cJSON_AddStringToObject(root, "fingerprint", inc->fingerprint);
	cJSON_AddStringToObject(root, "alertname", inc->alertname);
	cJSON_AddStringToObject(root, "severity", inc->severity);
	cJSON_AddStringToObject(root, "summary", inc->summary);
	cJSON_AddNumberToObject(root, "alerts", (double)inc->nalerts);
	add_time(root, "starts_at", inc->win.start);
	add_time(root, "ends_at", inc->win.end);
	add_time(root, "window_from", inc->win.from);
	add_time(root, "window_to", inc->win.to);
	add_time(root, "changes_from", inc->changes_from);
	labels = cJSON_AddObjectToObject(root, "labels");
	for (i = 0; i < inc->nlabels; i++)
		cJSON_AddStringToObject(labels, inc->labels[i].name, inc->labels[i].value);
	if (inc->runbook_url != NULL)
		cJSON_AddStringToObject(root, "runbook_url", inc->runbook_url);
	else
		cJSON_AddNullToObject(root, "runbook_url");
	if (inc->runbook_path != NULL)
		cJSON_AddStringToObject(root, "runbook_page", inc->runbook_path);
	else
		cJSON_AddNullToObject(root, "runbook_page");
	if (inc->service != NULL)
		cJSON_AddStringToObject(root, "service", inc->service);
	else
		cJSON_AddNullToObject(root, "service");
	return root;
}

/* The JSON is written piece by piece, each element printed by cJSON and
 * freed before the next: the bytes are those of one tree printed
 * unformatted, but memory holds one element, not a tree of every line,
 * related alert and event plus its printed copy. */
static void
put_printed(FILE *out, cJSON *item, bool inner)
{
	char *s = cJSON_PrintUnformatted(item);
	size_t n = strlen(s);

	if (inner && n >= 2)
		fwrite(s + 1, 1, n - 2, out);	/* an object's members, without { } */
	else
		fwrite(s, 1, n, out);
	free(s);
	cJSON_Delete(item);
}

static cJSON *
json_line(const struct inc_logline *ln)
{
	cJSON *e = cJSON_CreateObject();
	char t[48];

	cJSON_AddStringToObject(e, "time", fmt_rfc3339_ns(ln->ts, t, sizeof t));
	cJSON_AddStringToObject(e, "level", log_level_name(ln->level));
	cJSON_AddStringToObject(e, "labels", ln->labels);
	cJSON_AddStringToObject(e, "line", ln->text);
	return e;
}

static void
json_logs(const struct incident *inc, FILE *out)
{
	cJSON *logs = cJSON_CreateObject(), *err, *warn;
	size_t i;

	if (inc->sel.selector != NULL)
		cJSON_AddStringToObject(logs, "query", inc->sel.selector);
	else
		cJSON_AddNullToObject(logs, "query");
	if (inc->sel.error != NULL || inc->logs_error != NULL)
		cJSON_AddStringToObject(logs, "error",
		    inc->sel.error != NULL ? inc->sel.error : inc->logs_error);
	else
		cJSON_AddNullToObject(logs, "error");
	cJSON_AddStringToObject(logs, "rule", inc->sel.rule != NULL ? inc->sel.rule : "");
	fputs(",\"logs\":{", out);
	put_printed(out, logs, true);
	fputs(",\"lines\":[", out);
	for (i = 0; i < inc->nlines; i++) {
		if (i > 0)
			fputc(',', out);
		put_printed(out, json_line(&inc->lines[i]), false);
	}
	fputs("],", out);
	logs = cJSON_CreateObject();
	add_time(logs, "minutes_from", inc->counts.n > 0 ? inc->counts.from : 0);
	err = cJSON_AddArrayToObject(logs, "errors_per_minute");
	warn = cJSON_AddArrayToObject(logs, "warnings_per_minute");
	for (i = 0; i < inc->counts.n; i++) {
		cJSON_AddItemToArray(err, cJSON_CreateNumber(inc->counts.errors[i]));
		cJSON_AddItemToArray(warn, cJSON_CreateNumber(inc->counts.warns[i]));
	}
	put_printed(out, logs, true);
	fputc('}', out);
}

static cJSON *
json_change(const struct inc_change *c)
{
	cJSON *e = cJSON_CreateObject();

	add_time(e, "time", c->time);
	cJSON_AddNumberToObject(e, "lead_seconds", round_to(c->lead, 1));
	cJSON_AddStringToObject(e, "source", act_source_name(c->source));
	cJSON_AddStringToObject(e, "kind", act_kind_name(c->kind));
	cJSON_AddStringToObject(e, "where", c->where);
	cJSON_AddStringToObject(e, "actor", c->actor);
	cJSON_AddStringToObject(e, "title", c->title);
	cJSON_AddStringToObject(e, "url", c->url);
	return e;
}

static cJSON *
json_related(const struct inc_related *r)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "kind", inc_rel_kind_name(r->kind));
	cJSON_AddStringToObject(e, "name", r->name);
	cJSON_AddStringToObject(e, "text", r->text);
	add_time(e, "time", r->time);
	return e;
}

static cJSON *
json_event(const struct inc_event *ev)
{
	cJSON *e = cJSON_CreateObject();

	add_time(e, "time", ev->time);
	cJSON_AddStringToObject(e, "kind", inc_ev_kind_name(ev->kind));
	cJSON_AddStringToObject(e, "text", ev->text);
	return e;
}

static void
json_rest(const struct incident *inc, FILE *out)
{
	size_t i;

	fputs(",\"changes\":[", out);
	for (i = 0; i < inc->nchanges; i++) {
		if (i > 0)
			fputc(',', out);
		put_printed(out, json_change(&inc->changes[i]), false);
	}
	fputs("],\"related\":[", out);
	for (i = 0; i < inc->nrelated; i++) {
		if (i > 0)
			fputc(',', out);
		put_printed(out, json_related(&inc->related[i]), false);
	}
	fputs("],\"timeline\":[", out);
	for (i = 0; i < inc->ntimeline; i++) {
		if (i > 0)
			fputc(',', out);
		put_printed(out, json_event(&inc->timeline[i]), false);
	}
	fputs("]", out);
}

void
incident_json_write(const struct incident *inc, FILE *out)
{
	fputc('{', out);
	put_printed(out, json_head(inc), true);
	json_logs(inc, out);
	json_rest(inc, out);
	fputc('}', out);
}

char *
incident_json(const struct incident *inc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	incident_json_write(inc, f);
	if (fclose(f) != 0)
		abort();
	return buf;
}

char *
incident_report_name(const struct incident *inc)
{
	char t[40], stamp[24];
	struct strbuf sb;
	size_t i, j = 0;
	const char *p;

	fmt_rfc3339(inc->win.start > 0 ? inc->win.start : 0, t, sizeof t);
	for (i = 0; t[i] != '\0' && j + 1 < sizeof stamp; i++)
		if (t[i] != '-' && t[i] != ':')
			stamp[j++] = t[i];
	stamp[j] = '\0';
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s-", stamp);
	for (p = inc->alertname, i = 0; *p != '\0' && i < 80; p++, i++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || (c == '.' && i > 0);

		strbuf_addc(&sb, ok ? c : '_');
	}
	if (inc->alertname[0] == '\0')
		strbuf_adds(&sb, "alert");
	strbuf_adds(&sb, ".md");
	return strbuf_detach(&sb);
}
