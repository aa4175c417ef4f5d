/* Parsers of Alertmanager v2 answers: alerts, silences, status, silence
 * ids, error bodies, and the silence body builder.  Fixtures are in
 * tests/fixtures/alertmanager, modelled on the v0.25 and current shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cJSON.h>

#include "ceres/sources/alerts.h"
#include "ceres/features/alerts.h"
#include "ceres/util/util.h"
#include "alerts_fixture.h"

static struct alert_set *
load_alerts(const char *name)
{
	size_t len;
	char *buf = fixture(name, &len), *cause = NULL;
	struct alert_set *set = NULL;

	if (alerts_parse(buf, len, &set, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(buf);
	return set;
}

static char *
parse_error(const char *name)
{
	size_t len;
	char *buf = fixture(name, &len), *cause = NULL;
	struct alert_set *set = NULL;

	assert_int_equal(alerts_parse(buf, len, &set, &cause), -1);
	assert_null(set);
	assert_non_null(cause);
	free(buf);
	return cause;
}

static const struct alert *
find_name(const struct alert_set *set, const char *alertname)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->alerts[i].alertname, alertname) == 0)
			return &set->alerts[i];
	fail_msg("no alert %s", alertname);
	return NULL;
}

static const char *
annotation(const struct alert *a, const char *name)
{
	for (size_t i = 0; i < a->nannotations; i++)
		if (strcmp(a->annotations[i].name, name) == 0)
			return a->annotations[i].value;
	return NULL;
}

static void
test_empty(void **state)
{
	struct alert_set *set = load_alerts("alerts-empty.json");

	(void)state;
	assert_int_equal(set->n, 0);
	assert_int_equal(set->ngroups, 0);
	assert_int_equal(set->ncritical + set->nwarning + set->nsuppressed, 0);
	assert_null(alert_set_find(set, "1692ef149808eab4"));
	alert_set_free(set);
}

static void
test_two_active(void **state)
{
	struct alert_set *set = load_alerts("alerts-two.json");
	const struct alert *a, *b;

	(void)state;
	assert_int_equal(set->n, 2);
	assert_int_equal(set->ngroups, 2);
	a = &set->alerts[0];
	/* critical first, whatever the order of the answer */
	assert_string_equal(a->alertname, "DiskFull");
	assert_int_equal(a->sev, ALERT_SEV_CRITICAL);
	assert_int_equal(a->state, ALERT_ACTIVE);
	assert_string_equal(a->am_state, "active");
	assert_string_equal(a->fingerprint, "1692ef149808eab4");
	assert_string_equal(a->summary, "Диск почти заполнен — 97% 🚨");
	assert_string_equal(a->d_summary, a->summary);	/* nothing to neutralise */
	assert_string_equal(alert_label(a, "mountpoint"), "/var/lib/データ");
	assert_string_equal(alert_label(a, "instance"), "db-01.zürich.example:9100");
	assert_null(alert_label(a, "nope"));
	/* labels sorted by name */
	for (size_t i = 1; i < a->nlabels; i++)
		assert_true(strcmp(a->labels[i - 1].name, a->labels[i].name) < 0);
	assert_non_null(a->generator_url);
	assert_true(strncmp(a->generator_url, "http://127.0.0.1:9090/graph?", 28) == 0);
	assert_int_equal(a->nreceivers, 1);
	assert_string_equal(a->receivers[0], "team-ops");
	assert_true(strlen(annotation(a, "description")) > 2000);
	assert_string_equal(annotation(a, "runbook_url"), "https://wiki.ceres.example/runbooks/DiskSpaceLow");
	assert_true(a->starts > 1795000000.0);
	assert_string_equal(a->starts_at, "2026-11-26T11:14:12.061Z");
	b = &set->alerts[1];
	assert_string_equal(b->alertname, "HighLatency");
	assert_null(b->generator_url);		/* omitted, not null */
	assert_string_equal(b->summary, "p99 latency > 2s");
	assert_int_equal(set->ncritical, 1);
	assert_int_equal(set->nwarning, 1);
	assert_int_equal(set->nsuppressed, 0);
	assert_ptr_equal(alert_set_find(set, "1c5bb575f34396da"), b);
	alert_set_free(set);
}

static void
test_silenced(void **state)
{
	struct alert_set *set = load_alerts("alerts-silenced.json");
	const struct alert *b = find_name(set, "HighLatency");

	(void)state;
	assert_int_equal(b->state, ALERT_SILENCED);
	assert_string_equal(b->am_state, "suppressed");
	assert_int_equal(b->nsilenced_by, 1);
	assert_string_equal(b->silenced_by[0], "2ad6d7fd-a723-44fe-93aa-1c14429c13cc");
	/* a silenced warning does not count as firing */
	assert_int_equal(set->nwarning, 0);
	assert_int_equal(set->ncritical, 1);
	assert_int_equal(set->nsuppressed, 1);
	assert_int_equal(set->groups[1].nsilenced, 1);
	assert_int_equal(set->groups[1].nactive, 0);
	alert_set_free(set);
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void
test_edge(void **state)
{
	struct alert_set *set = load_alerts("alerts-edge.json");
	const struct alert *nd, *wd, *esc;

	(void)state;
	assert_int_equal(set->n, 3);
	nd = find_name(set, "NodeDown");
	assert_int_equal(nd->state, ALERT_INHIBITED);
	assert_int_equal(nd->ninhibited_by, 1);
	assert_string_equal(nd->inhibited_by[0], "1692ef149808eab4");
	assert_int_equal(nd->nmuted_by, 1);
	assert_string_equal(nd->muted_by[0], "business-hours");
	assert_int_equal(strlen(alert_label(nd, "long_label")), 3000);
	assert_string_equal(alert_label(nd, "instance"), "[2001:db8::7]:9100");
	assert_int_equal(nd->nreceivers, 2);
	assert_string_equal(nd->receivers[1], "pager – 夜間");
	assert_int_equal(nd->nannotations, 0);
	assert_string_equal(nd->summary, "");

	wd = find_name(set, "Watchdog");
	assert_int_equal(wd->state, ALERT_UNPROCESSED);
	assert_int_equal(wd->sev, ALERT_SEV_OTHER);
	assert_null(wd->generator_url);		/* "" is the same as absent */
	assert_true(wd->ends == 0);		/* 0001-01-01 is "unknown" */
	assert_string_equal(annotation(wd, "runbook_url"), "https://wiki.example/Runbooks/%E2%9C%93");

	esc = find_name(set, "Escape\x1b[2JTest");
	/* raw values stay intact (JSON output, matchers) ... */
	assert_non_null(strstr(esc->summary, "\x1b[31mALERT\x1b[0m"));
	assert_non_null(strstr(esc->summary, "\x1b]52;c;ZWNobyBoYWNrZWQ=\a"));
	assert_string_equal(alert_label(esc, "tab"), "a\tb\nc");
	assert_string_equal(alert_label(esc, "rtl"), "\xe2\x80\xae" "evil" "\xe2\x80\xac");
	/* ... and the display copies are terminal-safe */
	assert_false(has_control(esc->d_alertname));
	assert_false(has_control(esc->d_summary));
	assert_non_null(strstr(esc->d_alertname, "␛[2J"));
	assert_null(strchr(esc->d_summary, 0x1b));
	/* null fields are absent fields */
	assert_string_equal(esc->starts_at, "");
	assert_true(esc->starts == 0);
	assert_int_equal(esc->nreceivers, 0);
	assert_null(esc->generator_url);
	assert_int_equal(esc->ninhibited_by, 0);
	assert_int_equal(esc->state, ALERT_SILENCED);
	alert_set_free(set);
}

static void
test_wrong_types(void **state)
{
	struct alert_set *set = load_alerts("alerts-wrong-types.json");
	const struct alert *t, *d;

	(void)state;
	/* 42, null, "not an alert", [], and an object with labels as array */
	assert_int_equal(set->malformed, 5);
	assert_int_equal(set->n, 2);
	t = find_name(set, "TypedWrong");
	assert_int_equal(t->nlabels, 2);		/* severity 3 and team null dropped */
	assert_string_equal(t->severity, "");
	assert_string_equal(alert_label(t, "ok"), "yes");
	assert_string_equal(t->summary, "fallback message");
	assert_string_equal(t->fingerprint, "feedfacecafebeef");
	assert_string_equal(t->am_state, "active");
	assert_int_equal(t->nsilenced_by, 1);
	assert_string_equal(t->silenced_by[0], "real-id");
	assert_int_equal(t->ninhibited_by, 0);
	assert_int_equal(t->nreceivers, 2);
	assert_string_equal(t->receivers[0], "plain-string");
	assert_string_equal(t->receivers[1], "obj");
	assert_string_equal(t->starts_at, "");
	assert_null(t->generator_url);
	d = find_name(set, "Dup");
	/* a repeated key keeps its last value, like Go's decoder */
	assert_string_equal(d->severity, "critical");
	assert_int_equal(d->nlabels, 2);
	assert_int_equal(d->sev, ALERT_SEV_CRITICAL);
	alert_set_free(set);
}

static void
test_errors(void **state)
{
	char *c;

	(void)state;
	c = parse_error("alerts-malformed.json");
	assert_non_null(strstr(c, "invalid JSON"));
	free(c);
	c = parse_error("alerts-not-array.json");
	assert_non_null(strstr(c, "expected a JSON array, got an object"));
	free(c);
	c = parse_error("alerts-error-string.json");
	assert_non_null(strstr(c, "bad matcher format"));
	free(c);
	{
		struct alert_set *set = NULL;

		c = NULL;
		assert_int_equal(alerts_parse("", 0, &set, &c), -1);
		assert_non_null(strstr(c, "empty"));
		free(c);
		c = NULL;
		assert_int_equal(alerts_parse(NULL, 0, &set, &c), -1);
		free(c);
	}
}

static void
test_duplicates(void **state)
{
	struct alert_set *set = load_alerts("alerts-duplicates.json");

	(void)state;
	assert_int_equal(set->n, 2);
	assert_int_equal(set->duplicates, 1);
	assert_int_equal(set->ncritical, 1);
	alert_set_free(set);
}

static void
test_invalid_utf8(void **state)
{
	const char buf[] = "[{\"labels\":{\"alertname\":\"Bad\xff\xfe" "X\",\"v\":\"\xc0\xaf\"},"
	    "\"fingerprint\":\"0000000000000abc\"}]";
	struct alert_set *set = NULL;
	char *cause = NULL;

	(void)state;
	assert_int_equal(alerts_parse(buf, sizeof buf - 1, &set, &cause), 0);
	assert_int_equal(set->n, 1);
	assert_string_equal(set->alerts[0].alertname, "Bad\xef\xbf\xbd\xef\xbf\xbdX");
	assert_string_equal(alert_label(&set->alerts[0], "v"), "\xef\xbf\xbd\xef\xbf\xbd");
	alert_set_free(set);
}

/* Every prefix and many byte flips of a real answer: no crash, no leak
 * (run under ASan), either a set or a message. */
static void
test_mutations(void **state)
{
	size_t len;
	char *buf = fixture("alerts-edge.json", &len), *copy = xmalloc(len + 1);
	uint32_t seed = 12345;

	(void)state;
	for (size_t cut = 0; cut <= len; cut += 7) {
		struct alert_set *set = NULL;
		char *cause = NULL;

		memcpy(copy, buf, cut);
		if (alerts_parse(copy, cut, &set, &cause) == 0)
			alert_set_free(set);
		else {
			assert_non_null(cause);
			free(cause);
		}
	}
	for (int round = 0; round < 2000; round++) {
		struct alert_set *set = NULL;
		char *cause = NULL;

		memcpy(copy, buf, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] = (char)(seed >> 24);
		}
		if (alerts_parse(copy, len, &set, &cause) == 0)
			alert_set_free(set);
		else
			free(cause);
	}
	free(copy);
	free(buf);
}

static struct silence_set *
load_silences(const char *name)
{
	size_t len;
	char *buf = fixture(name, &len), *cause = NULL;
	struct silence_set *set = NULL;

	if (silences_parse(buf, len, &set, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(buf);
	return set;
}

static void
test_silences(void **state)
{
	struct silence_set *ss = load_silences("silences.json");
	const struct silence *s;

	(void)state;
	assert_int_equal(ss->n, 4);
	/* active by soonest end, then pending, then expired */
	assert_string_equal(ss->v[0].id, "4c000000-0000-4000-8000-000000000004");
	assert_string_equal(ss->v[1].id, "2ad6d7fd-a723-44fe-93aa-1c14429c13cc");
	assert_string_equal(ss->v[2].state, "pending");
	assert_string_equal(ss->v[3].state, "expired");
	s = &ss->v[1];
	assert_string_equal(s->comment, "Wartung – maintenance window 🔧");
	assert_string_equal(s->created_by, "ceres-top");
	assert_int_equal(s->nmatchers, 2);
	assert_true(s->matchers[1].is_regex);
	assert_true(s->matchers[1].is_equal);
	assert_string_equal(s->matchers[1].value, "api|web");
	assert_string_equal(s->starts_at, "2026-11-26T11:14:15.120Z");
	/* isEqual missing means true */
	assert_true(ss->v[0].matchers[0].is_equal);
	assert_false(ss->v[2].matchers[1].is_equal);
	assert_ptr_equal(silence_set_find(ss, "2ad6d7fd-a723-44fe-93aa-1c14429c13cc"), s);
	assert_null(silence_set_find(ss, "nope"));
	silence_set_free(ss);

	ss = load_silences("silences-empty.json");
	assert_int_equal(ss->n, 0);
	silence_set_free(ss);
}

static void
test_silences_edge(void **state)
{
	struct silence_set *ss = load_silences("silences-edge.json");
	const struct silence *s;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	assert_int_equal(ss->n, 1);		/* no id: not a silence */
	s = &ss->v[0];
	assert_string_equal(s->state, "");
	assert_string_equal(s->created_by, "");
	assert_string_equal(s->comment, "");
	assert_true(s->starts == 0);
	assert_int_equal(s->nmatchers, 2);
	assert_string_equal(s->matchers[0].name, "a");
	assert_true(s->matchers[0].is_equal);
	assert_false(s->matchers[0].is_regex);
	assert_string_equal(s->matchers[1].name, "c");
	assert_false(s->matchers[1].is_regex);	/* "yes" is not true */
	assert_false(s->matchers[1].is_equal);
	silence_set_free(ss);

	buf = fixture("silences-malformed.json", &len);
	ss = NULL;
	assert_int_equal(silences_parse(buf, len, &ss, &cause), -1);
	assert_null(ss);
	assert_non_null(strstr(cause, "invalid JSON"));
	free(cause);
	free(buf);
	cause = NULL;
	assert_int_equal(silences_parse("{}", 2, &ss, &cause), -1);
	assert_non_null(strstr(cause, "expected a JSON array"));
	free(cause);
}

static void
test_status(void **state)
{
	struct am_status st;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	buf = fixture("status-disabled.json", &len);
	assert_int_equal(am_status_parse(buf, len, &st, &cause), 0);
	assert_string_equal(st.cluster, "disabled");
	assert_string_equal(st.version, "0.25.0");
	assert_int_equal(st.npeers, 0);
	free(buf);
	buf = fixture("status-ready.json", &len);
	assert_int_equal(am_status_parse(buf, len, &st, &cause), 0);
	assert_string_equal(st.cluster, "ready");
	assert_int_equal(st.npeers, 2);
	free(buf);
	assert_int_equal(am_status_parse("[]", 2, &st, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(am_status_parse("{\"cluster\":5}", 13, &st, &cause), 0);
	assert_string_equal(st.cluster, "");
}

static void
test_silence_id_and_errors(void **state)
{
	size_t len;
	char *buf, *id = NULL, *cause = NULL, *t;

	(void)state;
	buf = fixture("silence-post-ok.json", &len);
	assert_int_equal(am_silence_id_parse(buf, len, &id, &cause), 0);
	assert_string_equal(id, "7f3d2a10-1111-4222-8333-944455556666");
	free(id);
	free(buf);
	assert_int_equal(am_silence_id_parse("{\"silenceID\":\"\"}", 16, &id, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(am_silence_id_parse("{\"silenceID\":3}", 15, &id, &cause), -1);
	free(cause);

	buf = fixture("error-object.json", &len);
	t = am_error_text(422, buf, len);
	assert_string_equal(t, "HTTP 422: matchers.0.isRegex in body is required");
	free(t);
	free(buf);
	buf = fixture("error-string.json", &len);
	t = am_error_text(400, buf, len);
	assert_string_equal(t, "HTTP 400: Failed to create silence: end time can't be in the past");
	free(t);
	free(buf);
	t = am_error_text(404, "", 0);
	assert_string_equal(t, "HTTP 404");
	free(t);
	t = am_error_text(404, "404 page not found\nmore", 23);
	assert_string_equal(t, "HTTP 404: 404 page not found");
	free(t);
	t = am_error_text(500, "\"evil \\u001b[2J\"", 16);
	assert_null(strchr(t, 0x1b));
	assert_non_null(strstr(t, "␛[2J"));
	free(t);
}

static void
test_silence_body(void **state)
{
	struct silence_matcher m[2] = {
		{ "alertname", "Disk \"Full\" \x1b[31m", false, true },
		{ "instance", "db-01.zürich", false, true },
	};
	char *body;
	cJSON *j, *ms;

	(void)state;
	body = am_silence_body(m, 2, NULL, NULL, 1795691335.6, 1795691335.6 + 7200, "ops@host",
	    "maintenance – 🔧");
	j = cJSON_Parse(body);
	assert_non_null(j);
	assert_null(cJSON_GetObjectItem(j, "id"));
	ms = cJSON_GetObjectItem(j, "matchers");
	assert_int_equal(cJSON_GetArraySize(ms), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 0), "value")->valuestring,
	    "Disk \"Full\" \x1b[31m");
	/* isRegex is required by Alertmanager: always sent */
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 1), "isRegex")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 1), "isEqual")));
	assert_string_equal(cJSON_GetObjectItem(j, "startsAt")->valuestring, "2026-11-26T11:08:55Z");
	assert_string_equal(cJSON_GetObjectItem(j, "endsAt")->valuestring, "2026-11-26T13:08:55Z");
	assert_string_equal(cJSON_GetObjectItem(j, "createdBy")->valuestring, "ops@host");
	assert_string_equal(cJSON_GetObjectItem(j, "comment")->valuestring, "maintenance – 🔧");
	cJSON_Delete(j);
	free(body);

	/* An update: the id and the start exactly as the server sent them. */
	body = am_silence_body(m, 1, "2ad6d7fd-a723-44fe-93aa-1c14429c13cc", "2026-11-26T11:14:15.120Z",
	    0, 1795700000, "ops@host", "c");
	j = cJSON_Parse(body);
	assert_string_equal(cJSON_GetObjectItem(j, "id")->valuestring, "2ad6d7fd-a723-44fe-93aa-1c14429c13cc");
	assert_string_equal(cJSON_GetObjectItem(j, "startsAt")->valuestring, "2026-11-26T11:14:15.120Z");
	cJSON_Delete(j);
	free(body);
}

/* The answer fed as it arrives, cut at every byte into two pieces (and
 * one byte at a time): the same alerts, groups and counts as one piece. */
static void
same_set(const struct alert_set *a, const struct alert_set *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->malformed, b->malformed);
	assert_int_equal(a->ngroups, b->ngroups);
	assert_int_equal(a->ncritical, b->ncritical);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->alerts[i].fingerprint, b->alerts[i].fingerprint);
		assert_string_equal(a->alerts[i].d_summary, b->alerts[i].d_summary);
		assert_int_equal(a->alerts[i].nlabels, b->alerts[i].nlabels);
	}
}

static struct alert_set *
stream_pieces(const char *buf, size_t len, size_t cut, bool bytewise)
{
	struct alerts_stream *st = alerts_stream_new(0, NULL);
	struct alert_set *set = NULL;
	char *cause = NULL;

	if (bytewise)
		for (size_t i = 0; i < len; i++)
			alerts_stream_feed(buf + i, 1, st);
	else {
		alerts_stream_feed(buf, cut, st);
		alerts_stream_feed(buf + cut, len - cut, st);
	}
	if (alerts_stream_finish(st, &set, &cause) != 0)
		fail_msg("cut at %zu: %s", cut, cause);
	alerts_stream_free(st);
	return set;
}

static void
test_stream_splits(void **state)
{
	static const char *names[] = { "alerts-two.json", "alerts-edge.json", "alerts-grouping.json",
	    "alerts-wrong-types.json", "alerts-duplicates.json" };

	(void)state;
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		size_t len;
		char *buf = fixture(names[k], &len);
		struct alert_set *one = load_alerts(names[k]), *set;

		for (size_t cut = 0; cut <= len; cut++) {
			set = stream_pieces(buf, len, cut, false);
			same_set(one, set);
			alert_set_free(set);
		}
		set = stream_pieces(buf, len, 0, true);
		same_set(one, set);
		alert_set_free(set);
		alert_set_free(one);
		free(buf);
	}
}

/* One alert that is not JSON among valid ones: skipped and counted, the
 * others kept, however the answer is cut; truncated and over-cap answers
 * fail as a whole. */
static void
test_stream_malformed(void **state)
{
	const char *ans = "[{\"labels\":{\"alertname\":\"A\",\"severity\":\"critical\"},"
	    "\"annotations\":{\"summary\":\"]}[{\\\"\"}},"
	    "{\"labels\":{\"alertname\":\"Broken\",\"severity\": }},"
	    "{\"labels\":{\"alertname\":\"B\"}}]";
	size_t len = strlen(ans);
	struct alert_set *set = NULL;
	struct alerts_stream *st;
	char *cause = NULL;

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		set = stream_pieces(ans, len, cut, false);
		assert_int_equal(set->n, 2);
		assert_int_equal(set->malformed, 1);
		assert_string_equal(find_name(set, "A")->summary, "]}[{\"");
		(void)find_name(set, "B");
		alert_set_free(set);
	}
	assert_int_equal(alerts_parse(ans, 60, &set, &cause), -1);
	assert_string_equal(cause, "alerts: invalid JSON at byte 1");
	free(cause);
	st = alerts_stream_new(50, NULL);
	alerts_stream_feed(ans, 40, st);
	alerts_stream_feed(ans + 40, len - 40, st);
	assert_int_equal(alerts_stream_finish(st, &set, &cause), -1);
	assert_null(set);
	assert_string_equal(cause, "response larger than 50 bytes");
	free(cause);
	alerts_stream_free(st);
}

/* Fed with the last set: the same answer (in any pieces) changes nothing;
 * a changed alert, one gone or one twice gives what a fresh parse gives. */
static int
stream_with_prev(const char *buf, size_t len, size_t cut, const struct alert_set *prev,
    struct alert_set **out)
{
	struct alerts_stream *st = alerts_stream_new(0, prev);
	char *cause = NULL;
	int rc;

	alerts_stream_feed(buf, cut, st);
	alerts_stream_feed(buf + cut, len - cut, st);
	rc = alerts_stream_finish(st, out, &cause);
	if (rc < 0)
		fail_msg("%s", cause);
	alerts_stream_free(st);
	return rc;
}

static void
test_stream_merge(void **state)
{
	const char *a = "{\"labels\":{\"alertname\":\"A\",\"severity\":\"critical\"},\"fingerprint\":\"fa\"}";
	const char *b = "{\"labels\":{\"alertname\":\"B\"},\"fingerprint\":\"fb\",\"annotations\":{\"summary\":\"b\"}}";
	const char *b2 = "{\"labels\":{\"alertname\":\"B\"},\"fingerprint\":\"fb\",\"annotations\":{\"summary\":\"b2\"}}";
	char *ab = xasprintf("[%s,%s]", a, b), *ba = xasprintf("[%s, %s]", b, a);
	char *ab2 = xasprintf("[%s,%s]", a, b2), *aa = xasprintf("[%s,%s]", a, a);
	char *cause = NULL;
	struct alert_set *prev = NULL, *set = NULL, *fresh = NULL;

	(void)state;
	assert_int_equal(alerts_parse(ab, strlen(ab), &prev, &cause), 0);
	for (size_t cut = 0; cut <= strlen(ab); cut++) {
		assert_int_equal(stream_with_prev(ab, strlen(ab), cut, prev, &set), 1);
		assert_null(set);
	}
	/* Same alerts in another order: nothing to rebuild either. */
	assert_int_equal(stream_with_prev(ba, strlen(ba), 7, prev, &set), 1);
	/* One changed: B parsed again, A copied; the same as a fresh parse. */
	assert_int_equal(stream_with_prev(ab2, strlen(ab2), 5, prev, &set), 0);
	assert_int_equal(alerts_parse(ab2, strlen(ab2), &fresh, &cause), 0);
	same_set(set, fresh);
	assert_string_equal(find_name(set, "B")->summary, "b2");
	assert_string_equal(find_name(set, "A")->severity, "critical");
	alert_set_free(fresh);
	/* The old set may go before the new one: the copies are the new one's. */
	alert_set_free(prev);
	prev = set;
	assert_string_equal(find_name(prev, "A")->fingerprint, "fa");
	/* A twice where there were A and B: not "the same". */
	assert_int_equal(stream_with_prev(aa, strlen(aa), 3, prev, &set), 0);
	assert_int_equal(set->n, 1);
	assert_int_equal(set->duplicates, 1);
	alert_set_free(set);
	alert_set_free(prev);
	free(ab);
	free(ba);
	free(ab2);
	free(aa);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_two_active),
		cmocka_unit_test(test_silenced),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_silences),
		cmocka_unit_test(test_silences_edge),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_silence_id_and_errors),
		cmocka_unit_test(test_silence_body),
		cmocka_unit_test(test_stream_splits),
		cmocka_unit_test(test_stream_malformed),
		cmocka_unit_test(test_stream_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
