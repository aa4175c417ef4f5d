/* Unit tests of the pure half of the webhook tests: payloads per chat,
 * accepted-or-not, answer summaries with secrets masked, the Gitea hooks
 * parser and the webhooks.json state file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/actions/actions.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR");
	char *path = xasprintf("%s/webhook/%s", dir != NULL ? dir : FIXTURES_DIR, name), *cause = NULL;
	char *buf = file_read_small(path, 1 << 20, len, &cause);

	if (buf == NULL)
		fail_msg("%s", cause);
	free(path);
	return buf;
}

static const struct webhook_msg msg = {
	.route = "mm-ops", .site = "prod", .sent_by = "alice@ceres1",
	.time = "2026-11-26T10:00:00Z", .version = "0.1.0",
};

static cJSON *
payload(enum webhook_kind k, const struct webhook_msg *m)
{
	char *s = webhook_payload(k, m);
	cJSON *j = cJSON_Parse(s);

	assert_non_null(j);
	free(s);
	return j;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static void
test_kind_names(void **state)
{
	(void)state;
	assert_int_equal(webhook_kind_parse("mattermost"), WEBHOOK_MATTERMOST);
	assert_int_equal(webhook_kind_parse("Zulip"), WEBHOOK_ZULIP);
	assert_int_equal(webhook_kind_parse("slack"), WEBHOOK_SLACK);
	assert_int_equal(webhook_kind_parse("generic"), WEBHOOK_GENERIC);
	assert_int_equal(webhook_kind_parse("gitea"), -1);	/* only from [gitea] repos */
	assert_int_equal(webhook_kind_parse("teams"), -1);
	assert_int_equal(webhook_kind_parse(NULL), -1);
	assert_string_equal(webhook_kind_name(WEBHOOK_GITEA), "gitea");
}

static void
test_payload_mattermost(void **state)
{
	cJSON *j = payload(WEBHOOK_MATTERMOST, &msg), *att, *fields, *f;
	const char *titles[] = { "Site", "Route", "Sent by", "Sent at" };
	const char *values[] = { "prod", "mm-ops", "alice@ceres1", "2026-11-26T10:00:00Z" };
	int i = 0;

	(void)state;
	assert_non_null(strstr(str(j, "text"), "[TEST]"));
	assert_non_null(strstr(str(j, "text"), "**test message**"));	/* Markdown */
	assert_non_null(strstr(str(j, "text"), "`mm-ops`"));
	assert_string_equal(str(j, "username"), "ceres-top");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "channel"));
	att = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "attachments"), 0);
	assert_non_null(att);
	assert_non_null(strstr(str(att, "fallback"), "[TEST]"));
	assert_string_equal(str(att, "color"), "#2e7d32");
	assert_string_equal(str(att, "footer"), "ceres-top 0.1.0");
	fields = cJSON_GetObjectItemCaseSensitive(att, "fields");
	assert_int_equal(cJSON_GetArraySize(fields), 4);
	cJSON_ArrayForEach(f, fields) {
		assert_string_equal(str(f, "title"), titles[i]);
		assert_string_equal(str(f, "value"), values[i]);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "short")));
		i++;
	}
	cJSON_Delete(j);
}

static void
test_payload_channel_username(void **state)
{
	struct webhook_msg m = msg;
	cJSON *j;

	(void)state;
	m.channel = "ops-alerts";
	m.username = "Ceres Bot";
	j = payload(WEBHOOK_SLACK, &m);
	assert_string_equal(str(j, "channel"), "ops-alerts");
	assert_string_equal(str(j, "username"), "Ceres Bot");
	/* Slack mrkdwn, not Markdown. */
	assert_true(str_has_prefix(str(j, "text"), "*[TEST] ceres-top notification test*"));
	assert_null(strstr(str(j, "text"), "**"));
	cJSON_Delete(j);
	j = payload(WEBHOOK_ZULIP, &m);
	assert_true(str_has_prefix(str(j, "text"), "*[TEST]"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "attachments")), 1);
	cJSON_Delete(j);
}

static void
test_payload_generic(void **state)
{
	cJSON *j = payload(WEBHOOK_GENERIC, &msg);

	(void)state;
	assert_string_equal(str(j, "source"), "ceres-top");
	assert_string_equal(str(j, "type"), "test");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "test")));
	assert_true(str_has_prefix(str(j, "text"), "[TEST]"));
	assert_string_equal(str(j, "route"), "mm-ops");
	assert_string_equal(str(j, "site"), "prod");
	assert_string_equal(str(j, "sent_by"), "alice@ceres1");
	assert_string_equal(str(j, "time"), "2026-11-26T10:00:00Z");
	cJSON_Delete(j);
}

static void
test_payload_escapes(void **state)
{
	struct webhook_msg m = msg;
	cJSON *j;

	(void)state;
	m.route = "quote\"back\\slash\nnewline";
	j = payload(WEBHOOK_GENERIC, &m);
	assert_string_equal(str(j, "route"), "quote\"back\\slash\nnewline");
	cJSON_Delete(j);
}

static void
test_accepted(void **state)
{
	size_t len;
	char *ok = fixture("zulip-success.json", &len), *err;

	(void)state;
	assert_true(webhook_accepted(WEBHOOK_MATTERMOST, 200, "ok", 2));
	assert_false(webhook_accepted(WEBHOOK_MATTERMOST, 400, "{}", 2));
	assert_false(webhook_accepted(WEBHOOK_SLACK, 404, "no_service", 10));
	assert_true(webhook_accepted(WEBHOOK_ZULIP, 200, ok, len));
	free(ok);
	err = fixture("zulip-401.json", &len);
	assert_false(webhook_accepted(WEBHOOK_ZULIP, 200, err, len));	/* result error */
	assert_false(webhook_accepted(WEBHOOK_ZULIP, 401, err, len));
	free(err);
	assert_false(webhook_accepted(WEBHOOK_ZULIP, 200, "<html>login</html>", 18));
	assert_true(webhook_accepted(WEBHOOK_GENERIC, 204, "", 0));
	assert_true(webhook_accepted(WEBHOOK_GITEA, 204, "", 0));
	assert_false(webhook_accepted(WEBHOOK_GENERIC, 500, "", 0));
	assert_false(webhook_accepted(WEBHOOK_GENERIC, 302, "", 0));
	assert_false(webhook_accepted(WEBHOOK_GENERIC, 0, NULL, 0));
}

static void
expect_answer(const char *file, const char *want)
{
	size_t len;
	char *body = fixture(file, &len), *a = webhook_answer(body, len, NULL, 160);

	assert_string_equal(a, want);
	free(a);
	free(body);
}

static void
test_answer(void **state)
{
	char *a;

	(void)state;
	a = webhook_answer("ok", 2, NULL, 160);
	assert_string_equal(a, "ok");
	free(a);
	expect_answer("mattermost-400-text.json", "No text specified (web.incoming_webhook.text.app_error)");
	expect_answer("zulip-success.json", "success");
	expect_answer("zulip-429.json", "API usage exceeded rate limit (RATE_LIMIT_HIT)");
	expect_answer("proxy-502.html", "502 Bad Gateway");
	a = webhook_answer("", 0, NULL, 160);
	assert_string_equal(a, "");
	free(a);
	a = webhook_answer("\n\n  second line wins  \nthird", 26, NULL, 160);
	assert_string_equal(a, "second line wins");
	free(a);
	a = webhook_answer("{\"ok\":true}", 11, NULL, 160);
	assert_string_equal(a, "ok");
	free(a);
	a = webhook_answer("\"silence not found\"", 19, NULL, 160);
	assert_string_equal(a, "silence not found");
	free(a);
	a = webhook_answer("{broken json", 12, NULL, 160);
	assert_string_equal(a, "{broken json");
	free(a);
}

static void
test_answer_hostile(void **state)
{
	static const char esc[] = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m\r\x9b tail";
	static const char nul[] = "before\0after";
	char *long_body = xmalloc(5000), *a;

	(void)state;
	a = webhook_answer(esc, sizeof esc - 1, NULL, 160);
	for (const char *p = a; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_non_null(strstr(a, "red"));
	free(a);
	a = webhook_answer(nul, sizeof nul - 1, NULL, 160);
	assert_string_equal(a, "before");
	free(a);
	/* Long answers are cut on a character boundary, marked with "…". */
	for (int i = 0; i < 2500; i++)
		memcpy(long_body + i * 2, "é", 2);
	a = webhook_answer(long_body, 5000, NULL, 41);
	assert_true(strlen(a) <= 41);
	assert_true(str_has_prefix(a, "éé"));
	assert_string_equal(a + strlen(a) - 3, "…");
	free(a);
	free(long_body);
}

static void
test_scrub(void **state)
{
	const char *url = "https://chat.example.org/hooks/k3y5ecr3tk3y5ecr3tk3y5ecr3t";
	const char *zulip = "https://zulip.example.org/api/v1/external/slack_incoming?api_key=Zk3yZk3yZk3y%2BZ&stream=ops";
	char *s;

	(void)state;
	s = webhook_scrub("Invalid webhook k3y5ecr3tk3y5ecr3tk3y5ecr3t for you", url);
	assert_null(strstr(s, "k3y5ecr3t"));
	assert_string_equal(s, "Invalid webhook … for you");
	free(s);
	s = webhook_scrub("POST https://chat.example.org/hooks/k3y5ecr3tk3y5ecr3tk3y5ecr3t failed", url);
	assert_string_equal(s, "POST … failed");
	free(s);
	s = webhook_scrub("bad key Zk3yZk3yZk3y+Z here; raw Zk3yZk3yZk3y%2BZ", zulip);
	assert_null(strstr(s, "Zk3yZk3yZk3y"));
	free(s);
	s = webhook_scrub("nothing secret", NULL);
	assert_string_equal(s, "nothing secret");
	free(s);
	s = webhook_answer("echo: /hooks/k3y5ecr3tk3y5ecr3tk3y5ecr3t", 40, url, 160);
	assert_null(strstr(s, "k3y5ecr3t"));
	free(s);
	/* A Gitea token passed as the "URL" is masked as a whole. */
	s = webhook_scrub("token 0123456789abcdef0123456789abcdef01234567 rejected",
	    "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(s, "token … rejected");
	free(s);
}

static void
test_gitea_hooks(void **state)
{
	struct webhook_gitea_hook *h;
	size_t n, len;
	char *buf = fixture("gitea-hooks.json", &len), *cause = NULL;

	(void)state;
	assert_int_equal(webhook_gitea_hooks_parse(buf, len, &h, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].id, 4);
	assert_string_equal(h[0].type, "gitea");
	assert_string_equal(h[0].target, "https://ceres.example.org/…");
	assert_true(h[0].active);
	assert_int_equal(h[1].id, 9);
	assert_null(strstr(h[1].target, "k3y5"));	/* its target is a secret URL */
	webhook_gitea_hooks_free(h, n);
	free(buf);

	buf = fixture("gitea-hooks-edge.json", &len);
	assert_int_equal(webhook_gitea_hooks_parse(buf, len, &h, &n, &cause), 0);
	assert_int_equal(n, 2);			/* bad ids and non-objects skipped */
	assert_int_equal(h[0].id, 5);
	assert_false(h[0].active);
	assert_null(strchr(h[0].type, '\x1b'));	/* sanitized */
	assert_string_equal(h[0].target, "https://matrix.example.org/…");
	assert_int_equal(h[1].id, 6);
	assert_string_equal(h[1].type, "?");
	webhook_gitea_hooks_free(h, n);
	free(buf);

	buf = fixture("gitea-hooks-empty.json", &len);
	assert_int_equal(webhook_gitea_hooks_parse(buf, len, &h, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(buf);

	assert_int_equal(webhook_gitea_hooks_parse("{\"message\":\"token is required\"}", 32, &h, &n, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(webhook_gitea_hooks_parse("[{\"id\":1", 8, &h, &n, &cause), -1);
	free(cause);
}

static void
test_state_file(void **state)
{
	struct webhook_result r = { .ok = true, .status = 200, .latency_ms = 12.345,
	    .time = 1795000000, .answer = (char *)"ok" }, got;
	char *s1, *s2, *s3;
	cJSON *j, *e;

	(void)state;
	s1 = webhook_state_update(NULL, 0, "mm-ops", &r);
	j = cJSON_Parse(s1);
	e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "routes"), "mm-ops");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "ok")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(e, "status")->valueint, 200);
	assert_true(cJSON_GetObjectItemCaseSensitive(e, "latency_ms")->valuedouble == 12.3);
	assert_string_equal(str(e, "time"), "2026-11-18T11:06:40Z");
	assert_string_equal(str(e, "answer"), "ok");
	assert_int_equal(cJSON_GetArraySize(e), 5);	/* exactly the documented keys */
	cJSON_Delete(j);

	r.ok = false;
	r.status = 0;
	r.answer = (char *)"no answer: Connection refused";
	s2 = webhook_state_update(s1, strlen(s1), "gitea:ceres/infra#1", &r);
	assert_int_equal(webhook_state_lookup(s2, strlen(s2), "mm-ops", &got), 0);
	assert_true(got.ok);
	assert_int_equal(got.status, 200);
	assert_true(got.time == 1795000000);
	free(got.answer);
	assert_int_equal(webhook_state_lookup(s2, strlen(s2), "gitea:ceres/infra#1", &got), 0);
	assert_false(got.ok);
	assert_string_equal(got.answer, "no answer: Connection refused");
	free(got.answer);
	assert_int_equal(webhook_state_lookup(s2, strlen(s2), "nope", &got), -1);

	/* A damaged file is replaced, not trusted. */
	s3 = webhook_state_update("{\"routes\": [1,2", 15, "x", &r);
	assert_int_equal(webhook_state_lookup(s3, strlen(s3), "x", &got), 0);
	free(got.answer);
	free(s1);
	free(s2);
	free(s3);
}

/* The JSON-bomb guard covers the answers and files the actions read: a
 * webhooks.json or hooks answer of a million tiny values is refused, not
 * built into a tree hundreds of MB large. */
static void
test_json_bomb(void **state)
{
	size_t n = 1000000, len = 2 * n + 1;
	char *bomb = malloc(len + 1), *cause = NULL;
	struct webhook_result got;
	struct webhook_gitea_hook *h;
	size_t nh;

	(void)state;
	assert_non_null(bomb);
	bomb[0] = '[';
	for (size_t i = 0; i < n; i++) {
		bomb[1 + 2 * i] = '0';
		bomb[2 + 2 * i] = i + 1 < n ? ',' : ']';
	}
	bomb[len] = '\0';
	memset(&got, 0, sizeof got);
	assert_int_equal(webhook_state_lookup(bomb, len, "mm-ops", &got), -1);
	assert_int_equal(webhook_gitea_hooks_parse(bomb, len, &h, &nh, &cause), -1);
	assert_non_null(strstr(cause, "too complex"));
	free(cause);
	free(bomb);
}

/* One reader and one writer per state file: what the actions write, the
 * readiness checks read back the same. */
static void
test_state_round_trip(void **state)
{
	struct webhook_result r = { false, 500, 12.5, 1765000000, (char *)"Internal\nServer" };
	struct webhook_route_state *routes;
	struct backup_state b;
	char *text, *t2, *cause = NULL;
	size_t n;

	(void)state;
	text = webhook_state_update(NULL, 0, "mm-ops", &r);
	r.ok = true;
	r.status = 200;
	t2 = webhook_state_update(text, strlen(text), "zulip", &r);
	free(text);
	assert_int_equal(webhook_state_parse(t2, strlen(t2), 10, &routes, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(routes[0].name, "mm-ops");
	assert_int_equal(routes[0].ok, 0);
	assert_int_equal(routes[0].r.status, 500);
	assert_true(routes[0].r.time == 1765000000);
	assert_string_equal(routes[0].line, "Internal");
	assert_int_equal(routes[1].ok, 1);
	webhook_state_free(routes, n);
	assert_int_equal(webhook_state_parse(t2, strlen(t2), 1, &routes, &n, &cause), 0);
	assert_int_equal(n, 1);			/* bounded */
	webhook_state_free(routes, n);
	free(t2);
	assert_int_equal(webhook_state_parse("[1]", 3, 10, &routes, &n, &cause), -1);
	free(cause);

	text = backup_state_json(1765000100, "success", 0, 61.25, 0, "/etc/ceres.conf#berlin");
	assert_int_equal(backup_state_parse(text, strlen(text), &b, &cause), 0);
	assert_string_equal(b.owner, "/etc/ceres.conf#berlin");
	assert_true(b.last_run == 1765000100);
	assert_true(b.last_success == 1765000100);
	assert_string_equal(b.last_status, "success");
	assert_true(b.duration == 61.25);
	backup_state_free(&b);
	free(text);
	/* The backup tooling may write epoch seconds. */
	text = xstrdup("{\"last_success\": 1765000000, \"last_status\": \"ok\\u001b[2J\"}");
	assert_int_equal(backup_state_parse(text, strlen(text), &b, &cause), 0);
	free(text);
	assert_true(b.last_success == 1765000000);
	assert_null(strchr(b.last_status, '\x1b'));
	assert_null(b.owner);
	backup_state_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_payload_mattermost),
		cmocka_unit_test(test_payload_channel_username),
		cmocka_unit_test(test_payload_generic),
		cmocka_unit_test(test_payload_escapes),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_answer_hostile),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_gitea_hooks),
		cmocka_unit_test(test_json_bomb),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
