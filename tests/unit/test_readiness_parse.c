/* Readiness parsers on captured and hand-written answers, and on hostile
 * input (truncated, wrong types, garbage): a result or an error, never a
 * crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/readiness.h"
#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR") != NULL ? getenv("FIXTURES_DIR") : FIXTURES_DIR;
	char *path = xasprintf("%s/readiness/%s", dir, name);
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return buf;
}

typedef int (*prom_fn)(const char *, size_t, struct rd_prom *, char **);

static struct rd_prom *
prom_from(const char *file, prom_fn fn)
{
	struct rd_prom *p = calloc(1, sizeof *p);
	size_t len;
	char *buf = fixture(file, &len), *cause = NULL;

	p->reload_ok = -1;
	if (fn(buf, len, p, &cause) != 0)
		fail_msg("%s: %s", file, cause);
	free(buf);
	return p;
}

static void
prom_free(struct rd_prom *p)
{
	rd_prom_rules_free(p);
	free(p->last_config);
	free(p);
}

static void
test_rules_full(void **state)
{
	struct rd_prom *p = prom_from("prom_rules_full.json", rd_parse_rules);
	unsigned cover = 0;
	size_t alerting = 0;

	(void)state;
	assert_int_equal(p->nrule, 7);
	for (size_t i = 0; i < p->nrule; i++) {
		if (!p->rule[i].alerting)
			continue;
		alerting++;
		cover |= p->rule[i].classes;
		assert_true(p->rule[i].runbook);
		assert_true(p->rule[i].healthy);
	}
	assert_int_equal(alerting, 6);
	assert_int_equal(cover, RD_RULE_ALL);
	/* The recording rule is kept but not alerting. */
	assert_string_equal(p->rule[6].name, "job:up:sum");
	assert_false(p->rule[6].alerting);
	prom_free(p);
}

static void
test_rules_sandbox(void **state)
{
	struct rd_prom *p = prom_from("prom_rules_sandbox.json", rd_parse_rules);

	(void)state;
	assert_int_equal(p->nrule, 1);
	assert_true(p->rule[0].alerting);
	assert_true(p->rule[0].runbook);
	assert_int_equal(p->rule[0].classes, 0);	/* vector(1) watches nothing */
	prom_free(p);
}

static void
test_rule_classify(void **state)
{
	(void)state;
	assert_int_equal(rd_rule_classify("InstanceDown", "up{job=\"node\"} == 0"), RD_RULE_DOWN);
	assert_int_equal(rd_rule_classify("X", "up < 1"), RD_RULE_DOWN);
	/* "up" inside another name is not the up metric. */
	assert_int_equal(rd_rule_classify("X", "backup_age_seconds > 3600"), 0);
	assert_int_equal(rd_rule_classify("Y", "absent(up{job=\"gitea\"})"), RD_RULE_DOWN);
	assert_int_equal(rd_rule_classify("HostOutOfMemory", "node_memory_MemAvailable_bytes < 1e8"),
	    RD_RULE_MEMORY);
	assert_int_equal(rd_rule_classify("Z", "rate(node_cpu_seconds_total[5m]) > 0.9"), RD_RULE_CPU);
	assert_int_equal(rd_rule_classify("Disk", "x"), RD_RULE_DISK);
	assert_int_equal(rd_rule_classify("PgTooManyConnections", "x > 1"), RD_RULE_CONNECTIONS);
	assert_int_equal(rd_rule_classify("Slow", "histogram_quantile(0.9, x)"), RD_RULE_LATENCY);
	assert_int_equal(rd_rule_classify(NULL, NULL), 0);
	assert_int_equal(rd_rule_classify("KumaDown", "monitor_status == 0"), RD_RULE_DOWN);
}

static void
test_alertmanagers_and_series(void **state)
{
	struct rd_prom *p = prom_from("prom_alertmanagers.json", rd_parse_alertmanagers);
	struct rd_prom *q = prom_from("prom_alertmanagers_none.json", rd_parse_alertmanagers);
	struct rd_prom *s = prom_from("prom_series.json", rd_parse_series_counts);
	struct rd_prom *t = prom_from("prom_runtimeinfo.json", rd_parse_runtimeinfo);

	(void)state;
	assert_int_equal(p->am_active, 2);
	assert_int_equal(q->am_active, 0);
	assert_int_equal(s->node_series, 1);
	assert_int_equal(s->self_series, 1);
	assert_int_equal(s->am_series, 0);
	assert_int_equal(s->kuma_series, 0);
	assert_int_equal(t->reload_ok, 1);
	assert_non_null(t->last_config);
	prom_free(p);
	prom_free(q);
	prom_free(s);
	prom_free(t);
}

static void
test_prom_errors(void **state)
{
	static const char *const bad[] = {
		"", "{", "null", "[]", "{\"status\":\"error\",\"error\":\"boom\x1b[2J\"}",
		"{\"status\":\"success\"}", "{\"status\":\"success\",\"data\":{\"groups\":{}}}",
		"{\"status\":\"success\",\"data\":{\"groups\":[{\"rules\":[1,\"x\",{\"name\":5}]}]}}",
	};
	struct rd_prom p;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;

		memset(&p, 0, sizeof p);
		if (rd_parse_rules(bad[i], strlen(bad[i]), &p, &cause) != 0) {
			assert_non_null(cause);
			assert_null(strchr(cause, '\x1b'));	/* sanitized */
			free(cause);
		} else
			assert_int_equal(p.nrule, 0);
		rd_prom_rules_free(&p);
		cause = NULL;
		if (rd_parse_series_counts(bad[i], strlen(bad[i]), &p, &cause) != 0)
			free(cause);
	}
}

static void
test_am_status(void **state)
{
	struct rd_am a;
	size_t len;
	char *buf = fixture("am_status_chat.json", &len), *cause = NULL;

	(void)state;
	memset(&a, 0, sizeof a);
	assert_int_equal(rd_parse_am_status(buf, len, &a, &cause), 0);
	assert_int_equal(a.nrcv, 2);
	assert_string_equal(a.rcv[0].name, "ops-chat");
	assert_int_equal(a.rcv[0].kinds, RD_RCV_WEBHOOK);
	assert_true(a.rcv[0].routed);
	assert_string_equal(a.rcv[1].name, "ops-mail");
	assert_int_equal(a.rcv[1].kinds, RD_RCV_EMAIL);
	assert_true(a.rcv[1].routed);
	assert_string_equal(a.cluster, "disabled");
	rd_am_receivers_free(&a);
	free(a.cluster);
	free(buf);

	memset(&a, 0, sizeof a);
	buf = fixture("am_status_null.json", &len);
	assert_int_equal(rd_parse_am_status(buf, len, &a, &cause), 0);
	assert_int_equal(a.nrcv, 1);
	assert_string_equal(a.rcv[0].name, "null-rcv");
	assert_int_equal(a.rcv[0].kinds, 0);
	assert_true(a.rcv[0].routed);
	rd_am_receivers_free(&a);
	free(a.cluster);
	free(buf);
}

static void
test_am_yaml_handwritten(void **state)
{
	struct rd_am a;
	size_t len;
	char *buf = fixture("am_unrouted.yml", &len), *cause = NULL;

	(void)state;
	memset(&a, 0, sizeof a);
	assert_int_equal(rd_parse_am_yaml(buf, len, &a, &cause), 0);
	assert_int_equal(a.nrcv, 2);
	assert_true(a.rcv[0].routed);
	assert_string_equal(a.rcv[1].name, "ops-chat");
	assert_int_equal(a.rcv[1].kinds, RD_RCV_SLACK);
	assert_false(a.rcv[1].routed);
	rd_am_receivers_free(&a);
	free(buf);
}

static void
test_am_yaml_variants(void **state)
{
	/* Flow style, comments, quotes, an empty list, deeper indentation. */
	static const char flow[] =
	    "route: {receiver: \"chat\"}\n"
	    "receivers: [{name: chat, webhook_configs: [{url: 'http://x/hooks/y'}]}, {name: mail, email_configs: []}]\n";
	static const char block[] =
	    "# comment\n"
	    "receivers:\n"
	    "    - name: 'a' # the first\n"
	    "      email_configs:\n"
	    "          - to: a@b\n"
	    "      webhook_configs: []\n"
	    "    - name: b\n"
	    "      telegram_configs:\n"
	    "      - bot_token: x\n"
	    "route:\n"
	    "  receiver: a\n"
	    "  routes:\n"
	    "    - receiver: \"b\"\n"
	    "      matchers: ['receiver=\"x\"']\n"
	    "templates: []\n";
	struct rd_am a;
	char *cause = NULL;

	(void)state;
	memset(&a, 0, sizeof a);
	assert_int_equal(rd_parse_am_yaml(flow, strlen(flow), &a, &cause), 0);
	assert_int_equal(a.nrcv, 2);
	assert_string_equal(a.rcv[0].name, "chat");
	assert_int_equal(a.rcv[0].kinds, RD_RCV_WEBHOOK);
	assert_true(a.rcv[0].routed);
	assert_int_equal(a.rcv[1].kinds, 0);
	assert_false(a.rcv[1].routed);
	rd_am_receivers_free(&a);

	assert_int_equal(rd_parse_am_yaml(block, strlen(block), &a, &cause), 0);
	assert_int_equal(a.nrcv, 2);
	assert_string_equal(a.rcv[0].name, "a");
	assert_int_equal(a.rcv[0].kinds, RD_RCV_EMAIL);
	assert_true(a.rcv[0].routed);
	assert_string_equal(a.rcv[1].name, "b");
	assert_int_equal(a.rcv[1].kinds, RD_RCV_TELEGRAM);
	assert_true(a.rcv[1].routed);
	rd_am_receivers_free(&a);

	assert_int_equal(rd_parse_am_yaml("route: {}\n", 10, &a, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_am_hostile(void **state)
{
	static const char *const bad[] = {
		"", "{}", "{\"config\":{\"original\":5}}", "{\"config\":{\"original\":\"receivers:\\n- - - -\\n\"}}",
		"{\"config\":{\"original\":\"receivers: [{{{{[[[\"}}", "{\"config\":{\"original\":\"receivers:\\n-\\n-\\n  name:\"}}",
		"{\"cluster\":{\"status\":7,\"peers\":{}},\"config\":{\"original\":\"receivers: [{name: \\\"\\u001b[31mx\\\"}]\"}}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rd_am a;
		char *cause = NULL;

		memset(&a, 0, sizeof a);
		if (rd_parse_am_status(bad[i], strlen(bad[i]), &a, &cause) != 0)
			free(cause);
		for (size_t k = 0; k < a.nrcv; k++)
			assert_null(strchr(a.rcv[k].name, '\x1b'));
		rd_am_receivers_free(&a);
		free(a.cluster);
	}
}

static void
test_caddy(void **state)
{
	static const char https443[] = "{\"apps\":{\"http\":{\"servers\":{\"s\":{\"listen\":[\":443\"]}}}}}";
	struct rd_caddy c;
	size_t len;
	char *buf = fixture("caddy_full.json", &len), *cause = NULL;

	(void)state;
	memset(&c, 0, sizeof c);
	assert_int_equal(rd_parse_caddy_config(buf, len, &c, &cause), 0);
	assert_int_equal(c.servers, 1);
	assert_int_equal(c.https_servers, 1);
	assert_int_equal(c.forward_auth, 1);
	assert_int_equal(c.rate_limit, 1);
	assert_int_equal(c.encode_servers, 1);
	assert_int_equal(c.proxies, 1);		/* the forward auth one is not counted */
	assert_int_equal(c.balanced, 1);
	assert_non_null(strstr(c.https_example, "8443"));
	free(buf);

	buf = fixture("caddy_sandbox.json", &len);
	assert_int_equal(rd_parse_caddy_config(buf, len, &c, &cause), 0);
	assert_int_equal(c.servers, 1);
	assert_int_equal(c.https_servers, 0);	/* auto_https off, http:// site */
	assert_int_equal(c.forward_auth, 0);
	assert_int_equal(c.encode_servers, 1);
	assert_int_equal(c.balanced, 0);
	free(buf);

	assert_int_equal(rd_parse_caddy_config("null\n", 5, &c, &cause), 0);
	assert_true(c.empty);
	assert_int_equal(c.servers, 0);
	/* A :443 listener is HTTPS even without host matchers. */
	assert_int_equal(rd_parse_caddy_config(https443, strlen(https443), &c, &cause), 0);
	assert_int_equal(c.https_servers, 1);
	assert_int_equal(rd_parse_caddy_config("[1,2]", 5, &c, &cause), -1);
	free(cause);
}

static void
test_caddy_deep(void **state)
{
	struct strbuf sb;
	struct rd_caddy c;
	char *cause = NULL;

	(void)state;
	/* Subroutes nested far deeper than the walk goes: bounded, no crash. */
	strbuf_init(&sb);
	strbuf_adds(&sb, "{\"apps\":{\"http\":{\"servers\":{\"s\":{\"routes\":");
	for (int i = 0; i < 300; i++)
		strbuf_adds(&sb, "[{\"handle\":[{\"handler\":\"subroute\",\"routes\":");
	strbuf_adds(&sb, "[{\"handle\":[{\"handler\":\"encode\"}]}]");
	for (int i = 0; i < 300; i++)
		strbuf_adds(&sb, "}]}]");
	strbuf_adds(&sb, "}}}}}");
	memset(&c, 0, sizeof c);
	if (rd_parse_caddy_config(sb.buf, sb.len, &c, &cause) == 0)
		assert_int_equal(c.encode, 0);
	else
		free(cause);
	strbuf_free(&sb);
}

static void
test_keycloak(void **state)
{
	struct rd_keycloak k;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	memset(&k, 0, sizeof k);
	buf = fixture("kc_discovery.json", &len);
	assert_int_equal(rd_parse_kc_discovery(buf, len, "ceres", &k, &cause), 0);
	assert_string_equal(k.issuer, "https://sso.ceres.example/realms/ceres");
	assert_true(k.code_flow);
	assert_true(k.pkce_s256);
	free(buf);
	buf = fixture("kc_discovery_other_realm.json", &len);
	assert_int_equal(rd_parse_kc_discovery(buf, len, "ceres", &k, &cause), -1);
	assert_non_null(strstr(cause, "master"));
	free(cause);
	free(buf);

	buf = fixture("kc_realm.json", &len);
	assert_int_equal(rd_parse_kc_realm(buf, len, &k, &cause), 0);
	assert_int_equal(k.brute_force, 1);
	assert_string_equal(k.otp_type, "totp");
	assert_string_equal(k.browser_flow, "browser");
	free(buf);
	buf = fixture("kc_realm_weak.json", &len);
	assert_int_equal(rd_parse_kc_realm(buf, len, &k, &cause), 0);
	assert_int_equal(k.brute_force, 0);
	free(buf);

	buf = fixture("kc_actions.json", &len);
	assert_int_equal(rd_parse_kc_actions(buf, len, &k, &cause), 0);
	assert_int_equal(k.totp_enabled, 1);
	assert_int_equal(k.totp_default, 0);
	free(buf);
	buf = fixture("kc_actions_default.json", &len);
	assert_int_equal(rd_parse_kc_actions(buf, len, &k, &cause), 0);
	assert_int_equal(k.totp_default, 1);
	free(buf);
	assert_int_equal(rd_parse_kc_actions("[]", 2, &k, &cause), 0);
	assert_int_equal(k.totp_enabled, -1);

	buf = fixture("kc_flow_conditional.json", &len);
	assert_int_equal(rd_parse_kc_flow(buf, len, &k, &cause), 0);
	assert_int_equal(k.otp_in_flow, 1);
	free(buf);
	buf = fixture("kc_flow_required.json", &len);
	assert_int_equal(rd_parse_kc_flow(buf, len, &k, &cause), 0);
	assert_int_equal(k.otp_in_flow, 2);
	free(buf);

	buf = fixture("kc_clients.json", &len);
	assert_int_equal(rd_parse_kc_clients(buf, len, &k, &cause), 0);
	assert_int_equal(k.nclient, 5);		/* the disabled redmine client is left out */
	free(buf);
	assert_int_equal(rd_parse_kc_clients("{\"error\":\"HTTP 401 Unauthorized\"}", 33, &k, &cause), -1);
	free(cause);
	rd_keycloak_reset(&k);
}

static void
test_loki_gitea_redis(void **state)
{
	struct rd_loki l;
	struct rd_gitea_repo g;
	struct rd_redis r;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	memset(&l, 0, sizeof l);
	buf = fixture("loki_values.json", &len);
	assert_int_equal(rd_parse_loki_values(buf, len, &l, &cause), 0);
	assert_int_equal(rd_parse_loki_values(buf, len, &l, &cause), 0);	/* merged, no duplicates */
	assert_int_equal(l.nvalue, 4);
	free(buf);
	buf = fixture("loki_empty.json", &len);
	assert_int_equal(rd_parse_loki_values(buf, len, &l, &cause), 0);
	assert_int_equal(l.nvalue, 4);
	free(buf);
	assert_int_equal(rd_parse_loki_values("parse error", 11, &l, &cause), -1);
	free(cause);
	rd_loki_values_free(&l);

	memset(&g, 0, sizeof g);
	buf = fixture("gitea_hooks.json", &len);
	assert_int_equal(rd_parse_gitea_hooks(buf, len, &g, &cause), 0);
	assert_int_equal(g.nhooks, 2);
	assert_int_equal(g.chat_hooks, 1);
	/* The hook URL embeds its key: only the host is shown. */
	assert_null(strstr(g.example, "s3cr3t"));
	assert_non_null(strstr(g.example, "chat.ceres.example"));
	free(buf);
	buf = fixture("gitea_hooks_none.json", &len);
	assert_int_equal(rd_parse_gitea_hooks(buf, len, &g, &cause), 0);
	assert_int_equal(g.nhooks, 2);
	assert_int_equal(g.chat_hooks, 0);	/* the slack hook is inactive */
	free(buf);
	free(g.example);

	memset(&r, 0, sizeof r);
	r.maxmemory = -1;
	buf = fixture("redis_info_master.txt", &len);
	assert_int_equal(rd_parse_redis_info(buf, len, &r, &cause), 0);
	assert_string_equal(r.role, "master");
	assert_int_equal(r.replicas, 0);
	assert_int_equal(r.maxmemory, 0);
	assert_string_equal(r.policy, "noeviction");
	free(buf);
	buf = fixture("redis_info_primary_online.txt", &len);
	assert_int_equal(rd_parse_redis_info(buf, len, &r, &cause), 0);
	assert_int_equal(r.replicas, 2);
	assert_int_equal(r.replicas_online, 1);
	assert_int_equal(r.maxmemory, 67108864);
	/* A later reply with the memory section alone keeps the replica count. */
	assert_int_equal(rd_parse_redis_info("maxmemory:1\r\n", 13, &r, &cause), 0);
	assert_int_equal(r.replicas_online, 1);
	assert_int_equal(r.maxmemory, 1);
	assert_string_equal(r.policy, "allkeys-lru");
	free(buf);
	buf = fixture("redis_info_replica.txt", &len);
	assert_int_equal(rd_parse_redis_info(buf, len, &r, &cause), 0);
	assert_string_equal(r.role, "slave");
	assert_int_equal(r.link_up, 1);
	free(buf);
	assert_int_equal(rd_parse_redis_info("-NOAUTH x\r\n", 11, &r, &cause), -1);
	free(cause);
}

static void
test_state_files(void **state)
{
	struct rd_backup b;
	struct rd_webhooks w;
	size_t len;
	char *buf, *cause = NULL;
	double t;

	(void)state;
	memset(&b, 0, sizeof b);
	buf = fixture("backup_epoch.json", &len);
	assert_int_equal(rd_parse_backup_state(buf, len, &b, &cause), 0);
	assert_true(b.last_success == 1795680000.0);
	assert_string_equal(b.last_status, "ok");
	free(buf);
	buf = fixture("backup_rfc3339.json", &len);
	assert_int_equal(rd_parse_backup_state(buf, len, &b, &cause), 0);
	assert_int_equal(parse_rfc3339("2026-11-26T08:00:00Z", &t), 0);
	assert_true(b.last_success == t);
	assert_true(b.last_run == t);		/* 09:00+01:00 */
	assert_string_equal(b.last_status, "failed");
	free(buf);
	buf = fixture("backup_garbage.json", &len);
	assert_int_equal(rd_parse_backup_state(buf, len, &b, &cause), 0);
	assert_true(b.last_success == 0);
	assert_true(b.last_run == 0);
	assert_null(b.last_status);
	free(buf);
	assert_int_equal(rd_parse_backup_state("[]", 2, &b, &cause), -1);
	free(cause);
	assert_null(b.owner);
	{
		static const char own[] = "{\"owner\": \"/a/config#s1\", \"last_success\": 1795680000}";

		assert_int_equal(rd_parse_backup_state(own, sizeof own - 1, &b, &cause), 0);
		assert_string_equal(b.owner, "/a/config#s1");
		free(b.owner);
		b.owner = NULL;
	}

	memset(&w, 0, sizeof w);
	buf = fixture("webhooks.json", &len);
	assert_int_equal(rd_parse_webhook_state(buf, len, &w, &cause), 0);
	assert_int_equal(w.n, 3);	/* "bad" is not an object */
	assert_string_equal(w.r[0].name, "mattermost-ops");
	assert_int_equal(w.r[0].status, 200);
	assert_int_equal(w.r[0].ok, 1);
	assert_int_equal(w.r[1].status, 404);
	assert_int_equal(w.r[1].ok, 0);
	assert_true(w.r[1].time > 0);
	/* No "error": the first line of "answer" says why. */
	assert_string_equal(w.r[2].error, "Could not resolve host: chat");
	free(buf);
	rd_webhooks_free_routes(&w);
}

/* Every parser on thousands of mutations of every fixture (flipped,
 * deleted and inserted bytes, truncation): an answer or an error, never
 * a crash or a leak (run under ASan by make check in the sanitizer build). */
static unsigned long
next_rand(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

static void
parse_everything(const char *buf, size_t len)
{
	struct rd_prom p;
	struct rd_am a;
	struct rd_caddy c;
	struct rd_keycloak k;
	struct rd_loki l;
	struct rd_loki_rules lr;
	struct rd_grafana gr;
	struct rd_gitea_repo g;
	struct rd_redis r;
	struct rd_backup b;
	struct rd_webhooks w;
	char *cause = NULL;

#define TRY(call) do { cause = NULL; if ((call) != 0) { assert_non_null(cause); free(cause); } } while (0)
	memset(&p, 0, sizeof p);
	memset(&a, 0, sizeof a);
	memset(&c, 0, sizeof c);
	memset(&k, 0, sizeof k);
	memset(&l, 0, sizeof l);
	memset(&g, 0, sizeof g);
	memset(&r, 0, sizeof r);
	memset(&b, 0, sizeof b);
	memset(&w, 0, sizeof w);
	memset(&lr, 0, sizeof lr);
	memset(&gr, 0, sizeof gr);
	TRY(rd_parse_rules(buf, len, &p, &cause));
	TRY(rd_parse_alertmanagers(buf, len, &p, &cause));
	TRY(rd_parse_runtimeinfo(buf, len, &p, &cause));
	TRY(rd_parse_series_counts(buf, len, &p, &cause));
	TRY(rd_parse_am_status(buf, len, &a, &cause));
	TRY(rd_parse_am_yaml(buf, len, &a, &cause));
	TRY(rd_parse_caddy_config(buf, len, &c, &cause));
	TRY(rd_parse_kc_discovery(buf, len, "ceres", &k, &cause));
	TRY(rd_parse_kc_realm(buf, len, &k, &cause));
	TRY(rd_parse_kc_actions(buf, len, &k, &cause));
	TRY(rd_parse_kc_flow(buf, len, &k, &cause));
	TRY(rd_parse_kc_clients(buf, len, &k, &cause));
	TRY(rd_parse_loki_values(buf, len, &l, &cause));
	TRY(rd_parse_loki_rules(buf, len, &lr, &cause));
	TRY(rd_parse_grafana_datasources(buf, len, &gr, &cause));
	TRY(rd_parse_gitea_hooks(buf, len, &g, &cause));
	TRY(rd_parse_redis_info(buf, len, &r, &cause));
	TRY(rd_parse_backup_state(buf, len, &b, &cause));
	TRY(rd_parse_webhook_state(buf, len, &w, &cause));
#undef TRY
	rd_prom_rules_free(&p);
	free(p.last_config);
	rd_am_receivers_free(&a);
	free(a.cluster);
	rd_keycloak_reset(&k);
	rd_loki_values_free(&l);
	free(g.example);
	free(b.last_status);
	rd_webhooks_free_routes(&w);
}

/* Loki's ruler in the Prometheus rules shape: counts, the broken rule,
 * terminal-safe example, recording-only, no groups, errors. */
static void
test_loki_rules(void **state)
{
	struct rd_loki_rules lr;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	memset(&lr, 0, sizeof lr);
	buf = fixture("loki_rules.json", &len);
	assert_int_equal(rd_parse_loki_rules(buf, len, &lr, &cause), 0);
	assert_int_equal(lr.groups, 2);
	assert_int_equal(lr.alerting, 2);
	assert_int_equal(lr.recording, 1);
	assert_int_equal(lr.broken, 1);
	assert_string_equal(lr.example, "GiteaErrorBurst");
	free(buf);
	buf = fixture("loki_rules_recording.json", &len);
	assert_int_equal(rd_parse_loki_rules(buf, len, &lr, &cause), 0);
	assert_int_equal(lr.groups, 1);
	assert_int_equal(lr.alerting, 0);
	assert_int_equal(lr.recording, 1);
	assert_string_equal(lr.example, "");
	free(buf);
#define LR(text) rd_parse_loki_rules(text, strlen(text), &lr, &cause)
	assert_int_equal(LR("{\"status\":\"success\",\"data\":{}}"), 0);
	assert_int_equal(lr.groups + lr.alerting + lr.recording, 0);
	assert_int_equal(LR("{\"status\":\"error\"}"), -1);
	assert_string_equal(cause, "status is not success");
	free(cause);
	assert_int_equal(LR("{\"status\":\"success\",\"data\":{\"groups\":7}}"), -1);
	free(cause);
	assert_int_equal(LR("404 page not found"), -1);
	assert_string_equal(cause, "invalid JSON");
	free(cause);
#undef LR
}

/* Grafana's datasources: a linked Tempo (V2 link) beside an unlinked
 * one, a link to a non-Loki datasource (old tracesToLogs), no Tempo,
 * not a list. */
static void
test_grafana_datasources(void **state)
{
	struct rd_grafana g;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	memset(&g, 0, sizeof g);
	buf = fixture("grafana_datasources.json", &len);
	assert_int_equal(rd_parse_grafana_datasources(buf, len, &g, &cause), 0);
	assert_int_equal(g.nds, 4);
	assert_int_equal(g.ntempo, 2);
	assert_int_equal(g.linked, 1);
	assert_string_equal(g.tempo, "Tempo");
	assert_null(strchr(g.loki, '\x1b'));
	assert_non_null(strstr(g.loki, "Loki"));
	assert_string_equal(g.why, "Tempo datasource 'Tempo (old)' has no trace-to-logs link");
	free(buf);
	buf = fixture("grafana_datasources_nolink.json", &len);
	assert_int_equal(rd_parse_grafana_datasources(buf, len, &g, &cause), 0);
	assert_int_equal(g.ntempo, 1);
	assert_int_equal(g.linked, 0);
	assert_string_equal(g.why, "Tempo datasource 'Tempo' links logs to 'Prometheus', which is not Loki");
	free(buf);
	assert_int_equal(rd_parse_grafana_datasources("[]", 2, &g, &cause), 0);
	assert_int_equal(g.nds + g.ntempo + g.linked, 0);
	assert_int_equal(rd_parse_grafana_datasources("{\"message\":\"x\"}", 15, &g, &cause), -1);
	assert_string_equal(cause, "datasources answer is not a list");
	free(cause);
	assert_int_equal(rd_parse_grafana_datasources("<html>", 6, &g, &cause), -1);
	free(cause);
}

static void
test_mutations(void **state)
{
	static const char *const files[] = {
		"prom_rules_full.json", "prom_alertmanagers.json", "prom_runtimeinfo.json", "prom_series.json",
		"am_status_chat.json", "am_unrouted.yml", "caddy_full.json", "kc_discovery.json", "kc_realm.json",
		"kc_actions.json", "kc_flow_conditional.json", "kc_clients.json", "loki_values.json",
		"loki_rules.json", "grafana_datasources.json",
		"gitea_hooks.json", "redis_info_primary_online.txt", "backup_epoch.json", "webhooks.json",
	};
	unsigned long seed = 42;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t len;
		char *orig = fixture(files[f], &len);

		parse_everything(orig, len);
		for (int round = 0; round < 300; round++) {
			char *m = xmalloc(len + 16);
			size_t n = len;
			int edits = 1 + (int)(next_rand(&seed) % 8);

			memcpy(m, orig, len);
			for (int e = 0; e < edits && n > 0; e++) {
				size_t at = next_rand(&seed) % n;

				switch (next_rand(&seed) % 4) {
				case 0:
					m[at] = (char)next_rand(&seed);
					break;
				case 1:
					memmove(m + at, m + at + 1, n - at - 1);
					n--;
					break;
				case 2:
					if (n < len + 15) {
						memmove(m + at + 1, m + at, n - at);
						m[at] = "{}[]:,\"\n -"[next_rand(&seed) % 10];
						n++;
					}
					break;
				default:
					n = at;
					break;
				}
			}
			parse_everything(m, n);
			free(m);
		}
		free(orig);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_full),
		cmocka_unit_test(test_rules_sandbox),
		cmocka_unit_test(test_rule_classify),
		cmocka_unit_test(test_alertmanagers_and_series),
		cmocka_unit_test(test_prom_errors),
		cmocka_unit_test(test_am_status),
		cmocka_unit_test(test_am_yaml_handwritten),
		cmocka_unit_test(test_am_yaml_variants),
		cmocka_unit_test(test_am_hostile),
		cmocka_unit_test(test_caddy),
		cmocka_unit_test(test_caddy_deep),
		cmocka_unit_test(test_keycloak),
		cmocka_unit_test(test_loki_gitea_redis),
		cmocka_unit_test(test_loki_rules),
		cmocka_unit_test(test_grafana_datasources),
		cmocka_unit_test(test_state_files),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
