/* Incident mode, the pure parts: LogQL escaping and the selector (labels,
 * templates, Loki's label list), the window, the changes filter and the
 * service map, related items, per-minute counts, the timeline, the
 * Markdown report (escaping), JSON, and the --incident selector. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceres/features/incident.h"
#include "ceres/model/services.h"
#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"

#define T0 1796637600.0		/* 2026-12-07T10:00:00Z */

static const char ALERTS_JSON[] =
    "[{\"fingerprint\":\"aaa1\",\"startsAt\":\"2026-12-07T10:00:00Z\","
    "\"endsAt\":\"2026-12-07T12:00:00Z\",\"updatedAt\":\"2026-12-07T10:00:00Z\","
    "\"status\":{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]},"
    "\"receivers\":[{\"name\":\"r\"}],"
    "\"annotations\":{\"summary\":\"disk *full* on [db]\",\"runbook_url\":\"https://rb/x\"},"
    "\"labels\":{\"alertname\":\"DiskFull\",\"severity\":\"critical\",\"instance\":\"db1:9100\","
    "\"job\":\"node\",\"service\":\"gitea\",\"zone\":\"a\"}},"
    "{\"fingerprint\":\"bbb2\",\"startsAt\":\"2026-12-07T09:58:00Z\","
    "\"endsAt\":\"2026-12-07T12:00:00Z\",\"updatedAt\":\"2026-12-07T10:00:00Z\","
    "\"status\":{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]},"
    "\"receivers\":[{\"name\":\"r\"}],\"annotations\":{\"summary\":\"load\"},"
    "\"labels\":{\"alertname\":\"HighLoad\",\"severity\":\"warning\",\"instance\":\"db1:9100\"}},"
    "{\"fingerprint\":\"ccc3\",\"startsAt\":\"2026-12-07T09:00:00Z\","
    "\"endsAt\":\"2026-12-07T12:00:00Z\",\"updatedAt\":\"2026-12-07T10:00:00Z\","
    "\"status\":{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]},"
    "\"receivers\":[{\"name\":\"r\"}],\"annotations\":{},"
    "\"labels\":{\"alertname\":\"Other\",\"severity\":\"info\",\"instance\":\"web9:80\"}}]";

static struct alert_set *
load_set(void)
{
	struct alert_set *set = NULL;
	char *cause = NULL;

	assert_int_equal(alerts_parse(ALERTS_JSON, strlen(ALERTS_JSON), &set, &cause), 0);
	return set;
}

static const struct alert *
find(const struct alert_set *set, const char *fp)
{
	const struct alert *a = alert_set_find(set, fp);

	assert_non_null(a);
	return a;
}

static char *
esc(const char *v, size_t len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	logql_escape(&sb, v, len);
	return strbuf_detach(&sb);
}

static void
test_logql_escape(void **state)
{
	char *s;

	(void)state;
	s = esc("a\"b\\c}d", 7);
	assert_string_equal(s, "a\\\"b\\\\c}d");
	free(s);
	s = esc("x\n\ry\t\x1b[31m\x7f", 11);
	assert_string_equal(s, "x\\n\\ry\\t\\x1b[31m\\x7f");
	free(s);
	s = esc("\xff\xc3\xa9\xc2\x9b", 5);	/* invalid byte, é, C1 CSI */
	assert_string_equal(s, "\\xff\xc3\xa9\\u009b");
	free(s);
	s = esc("\xe2\x82", 2);			/* truncated sequence */
	assert_string_equal(s, "\\xe2\\x82");
	free(s);
	assert_true(logql_label_name_ok("job"));
	assert_true(logql_label_name_ok("_a9"));
	assert_false(logql_label_name_ok("9a"));
	assert_false(logql_label_name_ok("a-b"));
	assert_false(logql_label_name_ok(""));
}

static void
test_selector_labels(void **state)
{
	struct alert_set *set = load_set();
	const struct alert *a = find(set, "aaa1");
	const char *loki[] = { "instance", "job", "filename" };
	struct inc_selector s;

	(void)state;
	/* Loki's labels not known yet: every default label the alert has */
	incident_selector(a->alertname, a->labels, a->nlabels, NULL, 0, NULL, 0, NULL, 0, &s);
	assert_string_equal(s.selector, "{job=\"node\", instance=\"db1:9100\", service=\"gitea\"}");
	assert_null(s.error);
	assert_false(s.refresh_labels);
	inc_selector_free(&s);
	/* intersected with Loki's: service is missing there, so ask again */
	incident_selector(a->alertname, a->labels, a->nlabels, NULL, 0, NULL, 0, loki, 3, &s);
	assert_string_equal(s.selector, "{job=\"node\", instance=\"db1:9100\"}");
	assert_true(s.refresh_labels);
	inc_selector_free(&s);
	/* nothing in common: an error, not an empty {} */
	incident_selector(a->alertname, a->labels, a->nlabels, NULL, 0, NULL, 0, loki + 2, 1, &s);
	assert_null(s.selector);
	assert_non_null(s.error);
	inc_selector_free(&s);
	alert_set_free(set);
}

static void
test_selector_hostile(void **state)
{
	struct alert_pair l[] = {
		{ "alertname", "X" },
		{ "instance", "a\"} |= \"x\" or {job=~\".+" },
		{ "job", "back\\slash\x1b]0;t\x07" },
	};
	struct inc_selector s;

	(void)state;
	incident_selector("X", l, 3, NULL, 0, NULL, 0, NULL, 0, &s);
	assert_string_equal(s.selector,
	    "{job=\"back\\\\slash\\x1b]0;t\\x07\", instance=\"a\\\"} |= \\\"x\\\" or {job=~\\\".+\"}");
	inc_selector_free(&s);
}

static void
test_selector_templates(void **state)
{
	struct alert_set *set = load_set();
	const struct alert *a = find(set, "aaa1");
	struct inc_selector_rule rules[] = {
		{ NULL, NULL, "{host=\"$instance\"}" },
		{ NULL, "service", "{app=\"${service}\", zone=\"$zone\"} |= \"$$\"" },
		{ "DiskFull", NULL, "{job=\"$job\", mount=\"$mountpoint\"}" },
	};
	struct inc_selector s;
	char *out = NULL, *cause = NULL;

	(void)state;
	/* the alertname rule wins, and its missing label is an error */
	incident_selector(a->alertname, a->labels, a->nlabels, rules, 3, NULL, 0, NULL, 0, &s);
	assert_null(s.selector);
	assert_non_null(strstr(s.error, "mountpoint"));
	assert_string_equal(s.rule, "alertname DiskFull");
	inc_selector_free(&s);
	/* the label rule next */
	incident_selector(a->alertname, a->labels, a->nlabels, rules, 2, NULL, 0, NULL, 0, &s);
	assert_string_equal(s.selector, "{app=\"gitea\", zone=\"a\"} |= \"$\"");
	assert_string_equal(s.rule, "label service");
	inc_selector_free(&s);
	/* then the default template */
	incident_selector(a->alertname, a->labels, a->nlabels, rules, 1, NULL, 0, NULL, 0, &s);
	assert_string_equal(s.selector, "{host=\"db1:9100\"}");
	inc_selector_free(&s);
	assert_int_equal(incident_expand("{a=\"$\"}", a->labels, a->nlabels, &out, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(incident_expand("{a=\"${}\"}", a->labels, a->nlabels, &out, &cause), -1);
	free(cause);
	alert_set_free(set);
}

static void
test_window(void **state)
{
	struct inc_window w;

	(void)state;
	assert_int_equal(incident_window(T0, 0, false, 900, T0 + 600, &w), 0);
	assert_true(w.from == T0 - 900 && w.to == T0 + 600 && w.end == 0);
	assert_int_equal(incident_window(T0, T0 + 300, true, 900, T0 + 600, &w), 0);
	assert_true(w.to == T0 + 300 && w.end == T0 + 300);
	assert_int_equal(incident_window(0, 0, false, 900, T0, &w), -1);
}

static struct act_event
ev(enum act_source src, enum act_kind k, double t, const char *scope, const char *title)
{
	struct act_event e;

	memset(&e, 0, sizeof e);
	e.source = src;
	e.kind = k;
	e.time = t;
	e.key = (char *)title;
	e.actor = (char *)"alice";
	e.where = (char *)scope;
	e.scope = (char *)scope;
	e.title = (char *)title;
	e.url = (char *)"";
	return e;
}

static void
test_changes(void **state)
{
	struct alert_set *set = load_set();
	struct incident *inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	struct act_event e[] = {
		ev(ACT_SRC_GITEA, ACT_PUSH, T0 - 600, "ceres/infra", "push before"),
		ev(ACT_SRC_GITEA, ACT_PUSH, T0 - 86400, "ceres/infra", "long before"),
		ev(ACT_SRC_GITEA, ACT_PUSH, T0 - 300, "other/repo", "other repo"),
		ev(ACT_SRC_REDMINE, ACT_ISSUE_OPENED, T0 + 60, "ops", "issue after"),
		ev(ACT_SRC_REDMINE, ACT_ISSUE_OPENED, T0 - 60, "dev", "other project"),
	};
	const struct act_event *pe[] = { &e[0], &e[1], &e[2], &e[3], &e[4] };
	const char *repos[] = { "ceres/infra" }, *projects[] = { "ops" };
	struct inc_service_map maps[] = {
		{ "node-exporter", NULL, 0, NULL, 0 },
		{ "gitea", repos, 1, projects, 1 },
	};

	(void)state;
	/* no mapping: every change in the window, newest first */
	assert_int_equal(incident_add_changes(inc, pe, 5, NULL, 0), 4);
	assert_string_equal(inc->changes[0].title, "issue after");
	assert_true(inc->changes[0].lead == -60);
	assert_string_equal(inc->changes[3].title, "push before");
	assert_true(inc->changes[3].lead == 600);
	incident_free(inc);
	/* service=gitea picks the map: its repos and projects only */
	inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	assert_int_equal(incident_add_changes(inc, pe, 5, maps, 2), 2);
	assert_string_equal(inc->service, "gitea");
	assert_string_equal(inc->changes[0].title, "issue after");
	assert_string_equal(inc->changes[1].title, "push before");
	incident_free(inc);
	alert_set_free(set);
}

static void
test_related(void **state)
{
	static const char sil[] =
	    "[{\"id\":\"s1\",\"status\":{\"state\":\"active\"},\"createdBy\":\"bob\","
	    "\"comment\":\"maint\",\"startsAt\":\"2026-12-07T09:00:00Z\","
	    "\"endsAt\":\"2026-12-07T13:00:00Z\",\"updatedAt\":\"2026-12-07T09:00:00Z\","
	    "\"matchers\":[{\"name\":\"instance\",\"value\":\"db1.*\",\"isRegex\":true,\"isEqual\":true}]},"
	    "{\"id\":\"s2\",\"status\":{\"state\":\"active\"},\"createdBy\":\"bob\","
	    "\"comment\":\"x\",\"startsAt\":\"2026-12-07T09:00:00Z\","
	    "\"endsAt\":\"2026-12-07T13:00:00Z\",\"updatedAt\":\"2026-12-07T09:00:00Z\","
	    "\"matchers\":[{\"name\":\"instance\",\"value\":\"web9:80\",\"isRegex\":false,\"isEqual\":true}]}]";
	struct alert_set *set = load_set();
	struct silence_set *ss = NULL;
	struct model m;
	struct incident *inc;
	char *cause = NULL;
	size_t i, nalert = 0, nsil = 0, nhealth = 0, nrb = 0;

	(void)state;
	assert_int_equal(silences_parse(sil, strlen(sil), &ss, &cause), 0);
	model_init(&m);
	model_service_update(&m, model_service(&m, "gitea", "gitea"), SVC_DOWN, -1, "refused");
	model_service_update(&m, model_service(&m, "grafana", "grafana"), SVC_UP, 3, "ok");
	inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	incident_add_related(inc, set, ss, &m);
	for (i = 0; i < inc->nrelated; i++) {
		const struct inc_related *r = &inc->related[i];

		if (r->kind == INC_REL_ALERT) {
			assert_string_equal(r->name, "HighLoad");
			nalert++;
		} else if (r->kind == INC_REL_SILENCE) {
			assert_string_equal(r->name, "s1");
			nsil++;
		} else if (r->kind == INC_REL_HEALTH) {
			assert_string_equal(r->name, "gitea");
			assert_non_null(strstr(r->text, "down"));
			nhealth++;
		} else if (r->kind == INC_REL_RUNBOOK) {
			assert_string_equal(r->text, "https://rb/x");
			nrb++;
		}
	}
	assert_true(nalert == 1 && nsil == 1 && nhealth == 1 && nrb == 1);
	incident_free(inc);
	model_free(&m);
	silence_set_free(ss);
	alert_set_free(set);
}

static void
test_related_readiness(void **state)
{
	static const char *const ids[] = { "availability.node_exporter", "integration.gitea_webhooks",
	    "security.gitea_token", "observability.nodes", "availability.ha_postgres", "x" };
	static const char *const titles[] = { "t0", "t1", "t2", "t3", "t4", "t5" };
	static const char *const ev[] = { "e0", "e1", "e2", "e3", "e4", "e5" };
	static const bool failing[] = { true, true, false, true, true, true };
	struct alert_set *set = load_set();
	struct incident *inc;
	size_t i, n = 0;

	(void)state;
	inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	incident_add_readiness(inc, ids, titles, failing, ev, 6);
	for (i = 0; i < inc->nrelated; i++) {
		const struct inc_related *r = &inc->related[i];

		if (r->kind != INC_REL_READINESS)
			continue;
		/* job=node, service=gitea: word matches only, failing only. */
		assert_true(strcmp(r->name, ids[0]) == 0 || strcmp(r->name, ids[1]) == 0);
		assert_true(strcmp(r->text, "t0: e0") == 0 || strcmp(r->text, "t1: e1") == 0);
		n++;
	}
	assert_int_equal(n, 2);
	incident_free(inc);
	alert_set_free(set);
}

static void
test_timeline_sources(void **state)
{
	static const char audit[] =
	    "{\"time\":\"2026-12-07T07:00:00Z\",\"user\":\"bob\",\"action\":\"backup.run\",\"target\":\"old\",\"result\":\"ok\"}\n"
	    "not json at all\n"
	    "{\"time\":\"2026-12-07T10:05:00Z\",\"user\":\"alice\",\"action\":\"silence.ack\","
	    "\"target\":\"alert aaa1 \\u001b[2J\",\"result\":\"acknowledged\"}";
	struct alert_set *set = load_set();
	struct model m;
	struct incident *inc;
	size_t i, nh = 0, na = 0;

	(void)state;
	model_init(&m);
	model_service_update(&m, model_service(&m, "gitea", "http"), SVC_UP, 3, "ok");
	assert_int_equal(m.ntrans, 0);	/* the first state is no transition */
	model_service_update(&m, model_service(&m, "gitea", "http"), SVC_UP, 4, "ok");
	model_service_update(&m, model_service(&m, "gitea", "http"), SVC_DOWN, -1, "refused");
	assert_int_equal(m.ntrans, 1);
	assert_int_equal(m.trans[0].from, SVC_UP);
	assert_int_equal(m.trans[0].to, SVC_DOWN);
	assert_string_equal(m.trans[0].detail, "refused");
	for (i = 0; i < MODEL_TRANSITIONS + 10; i++)
		model_service_update(&m, model_service(&m, "gitea", "http"), i % 2 ? SVC_UP : SVC_DOWN,
		    -1, "flap");
	assert_int_equal(m.ntrans, MODEL_TRANSITIONS);	/* bounded */
	/* The window is around the real clock's transitions. */
	inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, now_wall());
	inc->changes_from = now_wall() - 60;
	inc->win.to = now_wall();
	assert_int_equal(incident_add_transitions(inc, &m), MODEL_TRANSITIONS);
	inc->changes_from = T0 - 7200;
	assert_int_equal(incident_add_audit(inc, audit, strlen(audit)), 1);
	/* A second read replaces the first. */
	assert_int_equal(incident_add_audit(inc, audit, strlen(audit)), 1);
	for (i = 0; i < inc->ntimeline; i++) {
		const struct inc_event *e = &inc->timeline[i];

		if (e->kind == INC_EV_HEALTH) {
			assert_non_null(strstr(e->text, "gitea: "));
			nh++;
		} else if (e->kind == INC_EV_ACTION) {
			assert_non_null(strstr(e->text, "alice silence.ack alert aaa1"));
			assert_non_null(strstr(e->text, ": acknowledged"));
			assert_null(strchr(e->text, '\x1b'));
			na++;
		}
	}
	assert_int_equal(nh, MODEL_TRANSITIONS);
	assert_int_equal(na, 1);
	incident_free(inc);
	model_free(&m);
	alert_set_free(set);
}

static void
add_line(struct incident *inc, struct loki_stream *st, double t, const char *text)
{
	struct loki_value v = { (int64_t)(t * 1e9), text, strlen(text) };

	incident_add_line(inc, st, &v, NULL);
}

static void
test_lines_counts_timeline(void **state)
{
	struct alert_set *set = load_set();
	struct loki_label lab[] = { { (char *)"level", (char *)"error" } };
	struct loki_label lab2[] = { { (char *)"level", (char *)"warn" } };
	struct loki_stream st = { lab, 1, 0, NULL, 0, NULL }, st2 = { lab2, 1, 0, NULL, 0, NULL };
	struct incident *inc;
	size_t i, start_ev = 0, burst = 0, change = 0, action = 0;
	struct act_event e = ev(ACT_SRC_GITEA, ACT_PUSH, T0 - 600, "ceres/infra", "deploy");
	const struct act_event *pe = &e;

	(void)state;
	inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	add_line(inc, &st, T0 - 3600, "outside, before");
	add_line(inc, &st, T0 + 3600, "outside, after");
	for (i = 0; i < 6; i++)
		add_line(inc, &st, T0 + 5 + (double)i, "boom \x1b[2J");
	add_line(inc, &st, T0 - 700, "one early error");
	add_line(inc, &st2, T0 - 120, "slow");
	assert_int_equal(inc->nlines, 8);
	assert_null(strchr(inc->lines[0].text, '\x1b'));
	assert_int_equal(inc->counts.n, 25);	/* 09:45 .. 10:10 */
	assert_int_equal(inc->counts.start_minute, 15);
	assert_int_equal(inc->counts.errors[15], 6);
	assert_int_equal(inc->counts.errors[3], 1);
	assert_int_equal(inc->counts.warns[13], 1);
	incident_sort_lines(inc);
	assert_string_equal(inc->lines[0].text, "one early error");
	incident_add_changes(inc, &pe, 1, NULL, 0);
	incident_add_bursts(inc, 5);
	incident_add_event(inc, T0 + 30, INC_EV_ACTION, "silence s9 by carol");
	incident_timeline_build(inc);
	for (i = 0; i < inc->ntimeline; i++) {
		if (i > 0)
			assert_true(inc->timeline[i - 1].time <= inc->timeline[i].time);
		start_ev += inc->timeline[i].kind == INC_EV_START;
		burst += inc->timeline[i].kind == INC_EV_ERRORS;
		change += inc->timeline[i].kind == INC_EV_CHANGE;
		action += inc->timeline[i].kind == INC_EV_ACTION;
	}
	assert_true(start_ev == 1 && burst == 1 && change == 1 && action == 1);
	assert_int_equal(inc->timeline[0].kind, INC_EV_CHANGE);
	incident_free(inc);
	alert_set_free(set);
}

/* Following: the window's end moves on with the counts, a resolved
 * window stays; dropped lines leave the others in order. */
static void
test_follow_extend_drop(void **state)
{
	struct alert_set *set = load_set();
	struct loki_label lab[] = { { (char *)"level", (char *)"error" } };
	struct loki_stream st = { lab, 1, 0, NULL, 0, NULL };
	struct incident *inc;
	size_t n0;

	(void)state;
	inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	add_line(inc, &st, T0, "at the start");
	n0 = inc->counts.n;
	add_line(inc, &st, T0 + 1800, "later, outside");
	assert_int_equal(inc->nlines, 1);
	incident_extend(inc, T0 + 1800);
	assert_true(inc->win.to == T0 + 1800);
	assert_true(inc->counts.n > n0 && inc->counts.n >= 45);
	add_line(inc, &st, T0 + 1800, "later, followed");
	add_line(inc, &st, T0 + 1700, "followed 2");
	add_line(inc, &st, T0 + 1750, "followed 3");
	assert_int_equal(inc->nlines, 4);
	assert_int_equal(inc->counts.errors[(size_t)((T0 + 1800 - inc->counts.from) / 60)], 1);
	incident_sort_lines_from(inc, 1);
	assert_string_equal(inc->lines[1].text, "followed 2");
	assert_string_equal(inc->lines[3].text, "later, followed");
	incident_extend(inc, T0 + 100);	/* never back */
	assert_true(inc->win.to == T0 + 1800);
	incident_drop_lines(inc, 1, 2);
	assert_int_equal(inc->nlines, 2);
	assert_string_equal(inc->lines[0].text, "at the start");
	assert_string_equal(inc->lines[1].text, "later, followed");
	incident_drop_lines(inc, 1, 99);
	assert_int_equal(inc->nlines, 1);
	inc->win.end = T0 + 60;
	incident_extend(inc, T0 + 3600);
	assert_true(inc->win.to == T0 + 1800);
	incident_free(inc);
	alert_set_free(set);
}

static void
test_markdown(void **state)
{
	struct alert_set *set = load_set();
	struct loki_label lab[] = { { (char *)"job", (char *)"node" } };
	struct loki_stream st = { lab, 1, 0, NULL, 0, NULL };
	struct incident *inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	struct act_event e = ev(ACT_SRC_GITEA, ACT_PUSH, T0 - 600, "ceres/infra",
	    "# not a heading <script>");
	const struct act_event *pe = &e;
	struct strbuf sb;
	char *name;

	(void)state;
	add_line(inc, &st, T0 + 1, "contains ``` a fence\n# and a heading");
	incident_add_changes(inc, &pe, 1, NULL, 0);
	incident_timeline_build(inc);
	strbuf_init(&sb);
	incident_markdown(inc, 200, &sb);
	assert_non_null(strstr(sb.buf, "# Incident: DiskFull\n"));
	assert_non_null(strstr(sb.buf, "disk \\*full\\* on \\[db\\]"));
	assert_non_null(strstr(sb.buf, "\\# not a heading \\<script\\>"));
	assert_null(strstr(sb.buf, "\n# not"));
	assert_non_null(strstr(sb.buf, "## Runbook"));
	assert_non_null(strstr(sb.buf, "## Timeline"));
	assert_non_null(strstr(sb.buf, "## Changes"));
	assert_non_null(strstr(sb.buf, "10m before"));
	assert_non_null(strstr(sb.buf, "\n````\n"));	/* fence longer than the line's */
	assert_null(strstr(sb.buf, "\n# and"));
	strbuf_free(&sb);
	name = incident_report_name(inc);
	assert_string_equal(name, "20261207T100000Z-DiskFull.md");
	free(name);
	incident_free(inc);
	alert_set_free(set);
}

static void
test_markdown_line_cap(void **state)
{
	struct alert_set *set = load_set();
	struct loki_stream st = { NULL, 0, 0, NULL, 0, NULL };
	struct incident *inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	struct strbuf sb;
	char text[32];
	int i;

	(void)state;
	for (i = 0; i < 500; i++) {
		snprintf(text, sizeof text, "line-%03d", i);
		add_line(inc, &st, T0 - 250 + i, text);
	}
	incident_sort_lines(inc);
	strbuf_init(&sb);
	incident_markdown(inc, 200, &sb);
	/* 200 lines centred on the start (line-250) */
	assert_non_null(strstr(sb.buf, "line-150"));
	assert_non_null(strstr(sb.buf, "line-349"));
	assert_null(strstr(sb.buf, "line-149"));
	assert_null(strstr(sb.buf, "line-350"));
	strbuf_free(&sb);
	incident_free(inc);
	alert_set_free(set);
}

static void
test_json_and_match(void **state)
{
	struct alert_set *set = load_set();
	struct incident *inc;
	struct loki_label lab[] = { { (char *)"job", (char *)"node" } };
	struct loki_stream st = { lab, 1, 0, NULL, 0, NULL };
	cJSON *root;
	char *js, *whole, *cause = NULL;
	long i;

	(void)state;
	i = incident_match(set, "alertname=DiskFull", &cause);
	assert_true(i >= 0);
	assert_string_equal(set->alerts[i].fingerprint, "aaa1");
	assert_true(incident_match(set, "alertname=DiskFull,instance=db1:9100", &cause) >= 0);
	assert_int_equal(incident_match(set, "alertname=DiskFull,instance=nope", &cause), -1);
	assert_true(incident_match(set, "ccc3", &cause) >= 0);
	assert_int_equal(incident_match(set, "nope", &cause), -1);
	assert_int_equal(incident_match(set, "=x", &cause), -2);
	free(cause);
	inc = incident_new(set, &set->alerts[incident_match(set, "alertname=DiskFull", &cause)],
	    NULL, 900, 7200, T0 + 600);
	incident_selector(inc->alertname, inc->labels, inc->nlabels, NULL, 0, NULL, 0, NULL, 0, &inc->sel);
	add_line(inc, &st, T0 - 60, "first \"quoted\" line");
	add_line(inc, &st, T0, "second line \\ with a backslash");
	incident_timeline_build(inc);
	js = incident_json(inc);
	root = cJSON_Parse(js);
	assert_non_null(root);
	/* Written element by element, the bytes are those of the whole tree
	 * printed unformatted. */
	whole = cJSON_PrintUnformatted(root);
	assert_string_equal(js, whole);
	free(whole);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "logs"),
	    "lines")), 2);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(root, "timeline")) >= 1);
	assert_string_equal(cJSON_GetObjectItem(root, "alertname")->valuestring, "DiskFull");
	assert_string_equal(cJSON_GetObjectItem(root, "starts_at")->valuestring, "2026-12-07T10:00:00Z");
	assert_string_equal(cJSON_GetObjectItem(root, "window_from")->valuestring, "2026-12-07T09:45:00Z");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "logs"), "query")->valuestring,
	    "{job=\"node\", instance=\"db1:9100\", service=\"gitea\"}");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(root, "changes")));
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(root, "timeline")));
	cJSON_Delete(root);
	free(js);
	incident_free(inc);
	alert_set_free(set);
}

static void
test_runbook(void **state)
{
	struct alert_set *set = load_set();
	struct incident *inc = incident_new(set, find(set, "aaa1"), NULL, 900, 7200, T0 + 600);
	char dir[] = "/tmp/ceres-inc-XXXXXX", *path;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(incident_find_runbook(inc, dir), -1);
	path = xasprintf("%s/DiskFull.md", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# DiskFull\n\nFree space \x1b[31mnow\n", f);
	fclose(f);
	assert_int_equal(incident_find_runbook(inc, dir), 0);
	assert_non_null(strstr(inc->runbook_text, "Free space"));
	assert_null(strchr(inc->runbook_text, '\x1b'));
	free(inc->alertname);
	inc->alertname = xstrdup("../DiskFull");
	assert_int_equal(incident_find_runbook(inc, dir), -1);
	unlink(path);
	rmdir(dir);
	free(path);
	incident_free(inc);
	alert_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logql_escape),
		cmocka_unit_test(test_selector_labels),
		cmocka_unit_test(test_selector_hostile),
		cmocka_unit_test(test_selector_templates),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_related_readiness),
		cmocka_unit_test(test_timeline_sources),
		cmocka_unit_test(test_lines_counts_timeline),
		cmocka_unit_test(test_follow_extend_drop),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_line_cap),
		cmocka_unit_test(test_json_and_match),
		cmocka_unit_test(test_runbook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
