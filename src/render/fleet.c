/* The fleet: one row per site (the sites screen and the summary of
 * --once --fleet), and the --once --fleet output: every site's snapshot
 * as --once prints it, then the summary.  JSON keys are stable and never
 * translated; the nagios line is one status with perfdata per site. */
#include "ceres/core/app.h"
#include "ceres/features/activity.h"
#include "ceres/model/activity.h"
#include "ceres/render/render.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Display columns of the newest change in the text summary. */
#define FLEET_CHANGE_WIDTH	32

/* value (and max) of label in a perfdata string; false when absent or
 * unknown ("U"). */
static bool
perf_value(const char *perf, const char *label, long *value, long *max)
{
	size_t len = strlen(label);
	const char *p = perf;

	while ((p = strstr(p, label)) != NULL) {
		if ((p == perf || p[-1] == ' ') && p[len] == '=') {
			const char *v = p + len + 1, *semi;

			if (*v == 'U')
				return false;
			*value = strtol(v, NULL, 10);
			if (max != NULL && (semi = strstr(v, ";;;0;")) != NULL &&
			    (strchr(v, ' ') == NULL || semi < strchr(v, ' ')))
				*max = strtol(semi + 5, NULL, 10);
			return true;
		}
		p += len;
	}
	return false;
}

static void
row_sources(struct app *app, struct fleet_row *row)
{
	const struct source *stale = NULL;

	row->age = sources_vital_age(app->sources, app->nsources, &stale);
	for (size_t i = 0; i < app->nsources; i++) {
		const struct source *s = app->sources[i];

		if (s->advisory)
			continue;
		if (s->ok)
			row->answered = true;
		else if (row->problem[0] == '\0')
			snprintf(row->problem, sizeof row->problem, "%s: %s", s->name,
			    s->polled && s->error != NULL ? s->error : _("no answer yet"));
	}
}

static void
row_change(struct app *app, struct fleet_row *row)
{
	const struct activity *a = app->feature_data[FEATURE_ACTIVITY];

	if (a == NULL || a->tl == NULL || a->tl->n == 0)
		return;
	row->change_time = a->tl->ev[0]->time;
	snprintf(row->change, sizeof row->change, "%s%s%s",
	    a->tl->ev[0]->where != NULL ? a->tl->ev[0]->where : "",
	    a->tl->ev[0]->where != NULL && *a->tl->ev[0]->where != '\0' ? ": " : "",
	    a->tl->ev[0]->title != NULL ? a->tl->ev[0]->title : "");
}

void
render_fleet_row(struct app *app, struct fleet_row *row)
{
	struct status st;

	memset(row, 0, sizeof *row);
	row->name = app->site;
	row->up = row->total = row->crit = row->warn = row->readiness = -1;
	status_init(&st);
	render_status(app, &st);
	row->code = st.code;
	row_sources(app, row);
	if (!row->answered)
		row->code = STATUS_UNKNOWN;
	else {
		perf_value(st.perf.buf, "services_up", &row->up, &row->total);
		perf_value(st.perf.buf, "alerts_critical", &row->crit, NULL);
		perf_value(st.perf.buf, "alerts_warning", &row->warn, NULL);
		perf_value(st.perf.buf, "readiness_percent", &row->readiness, NULL);
	}
	snprintf(row->summary, sizeof row->summary, "%s", st.summary.buf);
	row_change(app, row);
	status_free(&st);
}

int
render_fleet_rank(enum status_code c)
{
	switch (c) {
	case STATUS_CRITICAL:
		return 0;
	case STATUS_WARNING:
		return 1;
	case STATUS_UNKNOWN:
		return 2;
	default:
		return 3;
	}
}

enum status_code
render_fleet_code(const struct status *st, size_t n)
{
	struct status all;
	enum status_code code;

	status_init(&all);
	for (size_t i = 0; i < n; i++)
		status_raise(&all, st[i].code);
	code = all.code;
	status_free(&all);
	return code;
}

static void
count_codes(const struct status *st, size_t n, size_t count[4])
{
	memset(count, 0, 4 * sizeof *count);
	for (size_t i = 0; i < n; i++)
		count[st[i].code & 3]++;
}

/* "3 sites: 1 critical, 1 unknown, 1 ok" (English: read by programs). */
static void
fleet_summary(const struct status *st, size_t n, struct strbuf *sb)
{
	static const enum status_code order[] = { STATUS_CRITICAL, STATUS_WARNING,
	    STATUS_UNKNOWN, STATUS_OK };
	size_t count[4];
	bool first = true;

	count_codes(st, n, count);
	strbuf_addf(sb, "%zu site%s", n, n == 1 ? "" : "s");
	for (size_t k = 0; k < 4; k++) {
		if (count[order[k]] == 0)
			continue;
		strbuf_addf(sb, "%s%zu %s", first ? ": " : ", ", count[order[k]],
		    status_name(order[k]));
		first = false;
	}
}

static void
fig(char *buf, size_t n, long v)
{
	if (v < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%ld", v);
}

/* The newest change as the sites screen shows it ("2h repo: title"),
 * cut and padded to FLEET_CHANGE_WIDTH columns; "-" without one. */
static void
change_cell(const struct fleet_row *r, char *buf, size_t n)
{
	char when[16];
	int pad;

	if (r->change[0] == '\0' || r->change_time <= 0)
		snprintf(buf, n, "-");
	else {
		fmt_age(now_wall() - r->change_time, when, sizeof when);
		snprintf(buf, n, "%s %s", when, r->change);
		while (text_width(buf) > FLEET_CHANGE_WIDTH)
			utf8_clip(buf, strlen(buf) - 1);
	}
	pad = FLEET_CHANGE_WIDTH - text_width(buf);
	for (size_t len = strlen(buf); pad > 0 && len + 1 < n; pad--, len++) {
		buf[len] = ' ';
		buf[len + 1] = '\0';
	}
}

void
render_fleet_text(struct app *const *apps, const struct status *st, size_t n, FILE *out)
{
	struct strbuf sb;
	char ts[40];

	for (size_t i = 0; i < n; i++) {
		render_text_to(apps[i], &st[i], out);
		fputc('\n', out);
	}
	strbuf_init(&sb);
	fleet_summary(st, n, &sb);
	fprintf(out, "ceres-top %s  %s  %s: %s - %s\n", _("fleet"),
	    fmt_rfc3339(now_wall(), ts, sizeof ts), _("status"),
	    status_name(render_fleet_code(st, n)), sb.buf);
	fprintf(out, "  %-16s %-9s %9s %5s %5s %6s  %-*s  %s\n", _("SITE"), _("STATUS"),
	    _("SERVICES"), _("CRIT"), _("WARN"), _("READY"), FLEET_CHANGE_WIDTH, _("NEWEST CHANGE"),
	    _("SUMMARY"));
	for (size_t i = 0; i < n; i++) {
		struct fleet_row r;
		char svc[64], up[24], total[24], crit[24], warn[24], rd[24], change[256];

		render_fleet_row(apps[i], &r);
		fig(up, sizeof up, r.up);
		fig(total, sizeof total, r.total);
		snprintf(svc, sizeof svc, "%s/%s", up, total);
		fig(crit, sizeof crit, r.crit);
		fig(warn, sizeof warn, r.warn);
		fig(rd, sizeof rd, r.readiness);
		change_cell(&r, change, sizeof change);
		fprintf(out, "  %-16s %-9s %9s %5s %5s %5s%s  %s  %s\n", apps[i]->site,
		    status_name(st[i].code), svc, crit, warn, rd, r.readiness >= 0 ? "%" : " ",
		    change, st[i].summary.len > 0 ? st[i].summary.buf : r.problem);
	}
	strbuf_free(&sb);
}

void
render_fleet_json(struct app *const *apps, const struct status *st, size_t n, FILE *out)
{
	cJSON *head = cJSON_CreateObject(), *sum;
	size_t count[4];
	struct strbuf sb;
	char ts[40], *s;
	enum status_code code = render_fleet_code(st, n);

	count_codes(st, n, count);
	strbuf_init(&sb);
	fleet_summary(st, n, &sb);
	cJSON_AddStringToObject(head, "generated_at", fmt_rfc3339(now_wall(), ts, sizeof ts));
	cJSON_AddStringToObject(head, "status", status_name(code));
	cJSON_AddNumberToObject(head, "exit_code", (double)code);
	sum = cJSON_AddObjectToObject(head, "summary");
	cJSON_AddNumberToObject(sum, "sites", (double)n);
	for (int c = STATUS_OK; c <= STATUS_UNKNOWN; c++)
		cJSON_AddNumberToObject(sum, status_name((enum status_code)c), (double)count[c]);
	cJSON_AddStringToObject(sum, "text", sb.buf);
	strbuf_free(&sb);
	s = cJSON_PrintUnformatted(head);
	cJSON_Delete(head);
	if (s == NULL)
		abort();
	/* {"generated_at":...,"summary":{...}} less its "}", then the sites. */
	fwrite(s, 1, strlen(s) - 1, out);
	cJSON_free(s);
	fputs(",\"sites\":[", out);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		render_json_object_to(apps[i], &st[i], out);
	}
	fputs("]}\n", out);
}

/* Perfdata labels: the site name (anything but letters, digits, '.',
 * '-' and '_' made '_') before each of the site's own labels. */
static void
site_perf(struct strbuf *sb, const char *site, const struct status *st)
{
	char name[64];
	size_t k = 0;
	const char *p = st->perf.buf;

	for (const char *c = site; *c != '\0' && k < sizeof name - 1; c++)
		name[k++] = (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_",
		    *c) != NULL) ? *c : '_';
	name[k] = '\0';
	strbuf_addf(sb, " %s_status=%d;1;2;0;3", name, (int)st->code);
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ' ');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len > 0)
			strbuf_addf(sb, " %s_%.*s", name, (int)len, p);
		p = end != NULL ? end + 1 : NULL;
	}
}

void
render_fleet_nagios(struct app *const *apps, const struct status *st, size_t n, FILE *out)
{
	static const char *const words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	struct strbuf sb, perf;
	enum status_code code = render_fleet_code(st, n);

	strbuf_init(&sb);
	strbuf_init(&perf);
	fleet_summary(st, n, &sb);
	/* The sites that make the verdict, by name. */
	for (size_t i = 0, named = 0; i < n; i++) {
		if (st[i].code == STATUS_OK)
			continue;
		strbuf_addf(&sb, "%s%s %s", named++ == 0 ? " - " : "; ", apps[i]->site,
		    words[st[i].code & 3]);
		if (st[i].summary.len > 0)
			strbuf_addf(&sb, " (%s)", st[i].summary.buf);
	}
	for (size_t i = 0; i < n; i++)
		site_perf(&perf, apps[i]->site, &st[i]);
	fprintf(out, "CERES FLEET %s - %s |%s\n", words[code & 3], sb.buf, perf.buf);
	strbuf_free(&sb);
	strbuf_free(&perf);
}
