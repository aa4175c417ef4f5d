/* Readiness parsers of the high-availability and documentation evidence:
 * Patroni's /cluster and /history, Wiki.js's storage targets, Redis
 * Sentinel's answers (recorded from redis-server --sentinel 7.0), on
 * documented shapes and on hostile
 * input (truncated, wrong types, garbage): a result or an error, never a
 * crash, and every name terminal-safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/net/redis.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/util.h"

static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR") != NULL ? getenv("FIXTURES_DIR") : FIXTURES_DIR;
	char *path = xasprintf("%s/readiness/%s", dir, name);
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
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

/* A leader, a sync standby and an old-style "running" replica count;
 * "unknown" lag, a stopped replica and one beyond the limit do not. */
static void
test_patroni_cluster(void **state)
{
	struct rd_patroni p;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	memset(&p, 0, sizeof p);
	p.lag_limit = 1048576;
	buf = fixture("patroni_cluster.json", &len);
	assert_int_equal(rd_parse_patroni_cluster(buf, len, &p, &cause), 0);
	assert_string_equal(p.scope, "ceres");
	assert_true(p.paused);
	assert_int_equal(p.members, 6);
	assert_int_equal(p.leaders, 1);
	assert_string_equal(p.leader, "pg1");
	assert_int_equal(p.timeline, 7);
	assert_int_equal(p.replicas, 5);
	assert_int_equal(p.streaming, 2);
	assert_int_equal(p.max_lag, 2048);
	assert_null(strchr(p.behind, '\x1b'));
	assert_non_null(strstr(p.behind, "lag unknown"));
	assert_non_null(strstr(p.behind, "pg5 stopped"));
	assert_non_null(strstr(p.behind, "pg6 lag 73400320 B"));
	free(buf);

	/* A second poll starts over. */
	assert_int_equal(rd_parse_patroni_cluster("{\"members\":[]}", 14, &p, &cause), 0);
	assert_int_equal(p.members + p.leaders + p.replicas + p.streaming, 0);
	assert_false(p.paused);
	assert_string_equal(p.behind, "");
	assert_int_equal(rd_parse_patroni_cluster("{\"scope\":\"x\"}", 13, &p, &cause), -1);
	assert_string_equal(cause, "cluster answer has no members list");
	free(cause);
	assert_int_equal(rd_parse_patroni_cluster("<html>", 6, &p, &cause), -1);
	assert_string_equal(cause, "invalid JSON");
	free(cause);
}

static void
test_patroni_history(void **state)
{
	struct rd_patroni p;
	size_t len;
	char *buf, *cause = NULL;
	static const char old[] = "[[1, 25623960, \"no recovery target specified\"]]";

	(void)state;
	memset(&p, 0, sizeof p);
	buf = fixture("patroni_history.json", &len);
	assert_int_equal(rd_parse_patroni_history(buf, len, &p, &cause), 0);
	assert_int_equal(p.switches, 2);
	assert_string_equal(p.last_switch, "2026-11-30T10:00:00+00:00 to pg1 (timeline 7)");
	free(buf);
	/* Before Patroni 1.6: no time, no new leader. */
	assert_int_equal(rd_parse_patroni_history(old, sizeof old - 1, &p, &cause), 0);
	assert_string_equal(p.last_switch, "at an unknown time (timeline 2)");
	assert_int_equal(rd_parse_patroni_history("[]", 2, &p, &cause), 0);
	assert_int_equal(p.switches, 0);
	assert_string_equal(p.last_switch, "");
	assert_int_equal(rd_parse_patroni_history("{}", 2, &p, &cause), -1);
	assert_string_equal(cause, "history answer is not a list");
	free(cause);
}

/* The git target enabled, its repository without user info, its failing
 * status (message terminal-safe); errors in the errors array; a second
 * answer starts over. */
static void
test_wiki_storage(void **state)
{
	struct rd_wiki w;
	size_t len;
	char *buf, *cause = NULL;
	static const char forbidden[] = "{\"errors\":[{\"message\":\"Forbidden\"}],"
	    "\"data\":{\"storage\":{\"targets\":null,\"status\":null}}}";
	static const char nogit[] = "{\"data\":{\"storage\":{\"targets\":[{\"key\":\"disk\","
	    "\"isEnabled\":false}],\"status\":[]}}}";

	(void)state;
	memset(&w, 0, sizeof w);
	buf = fixture("wikijs_storage.json", &len);
	assert_int_equal(rd_parse_wiki_storage(buf, len, &w, &cause), 0);
	assert_int_equal(w.targets, 3);
	assert_int_equal(w.enabled, 2);
	assert_int_equal(w.git, 1);
	assert_string_equal(w.mode, "sync");
	assert_string_equal(w.interval, "PT5M");
	assert_string_equal(w.repo, "https://gitea.ceres.example/ceres/wiki.git");
	assert_string_equal(w.status, "error");
	assert_null(strchr(w.message, '\x1b'));
	assert_non_null(strstr(w.message, "Authentication failed"));
	assert_string_equal(w.last, "2026-12-07T08:05:00.000Z");
	free(buf);
	assert_int_equal(rd_parse_wiki_storage(nogit, sizeof nogit - 1, &w, &cause), 0);
	assert_int_equal(w.git, -1);
	assert_int_equal(w.targets, 1);
	assert_string_equal(w.repo, "");
	assert_string_equal(w.status, "");
	assert_int_equal(rd_parse_wiki_storage(forbidden, sizeof forbidden - 1, &w, &cause), -1);
	assert_string_equal(cause, "GraphQL error: Forbidden");
	free(cause);
	assert_int_equal(rd_parse_wiki_storage("{\"data\":{}}", 11, &w, &cause), -1);
	assert_string_equal(cause, "no storage targets in the answer");
	free(cause);
	assert_int_equal(rd_parse_wiki_storage("<html>", 6, &w, &cause), -1);
	assert_string_equal(cause, "invalid JSON");
	free(cause);
}

/* Recorded answers: the master with its quorum, sentinels and replica;
 * the replica online, then down; errors and other shapes. */
static void
test_sentinel(void **state)
{
	struct rd_sentinel x;
	size_t len;
	char *buf, *cause = NULL;
	static const char err[] = "-ERR unknown command 'SENTINEL'\r\n";
	static const char none[] = "*0\r\n";

	(void)state;
	memset(&x, 0, sizeof x);
	buf = fixture("sentinel_masters.resp", &len);
	assert_int_equal(rd_parse_sentinel_masters(buf, len, &x, &cause), 0);
	assert_int_equal(x.total, 1);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.m[0].name, "ceres");
	assert_string_equal(x.m[0].addr, "127.0.0.1:24560");
	assert_string_equal(x.m[0].flags, "master");
	assert_int_equal(x.m[0].quorum, 2);
	assert_int_equal(x.m[0].sentinels, 1);
	assert_int_equal(x.m[0].known, 1);
	assert_int_equal(x.m[0].ckquorum, -1);
	/* Truncated: incomplete is not an answer. */
	assert_int_equal(rd_parse_sentinel_masters(buf, len - 5, &x, &cause), -1);
	assert_string_equal(cause, "not a Sentinel answer");
	free(cause);
	free(buf);

	buf = fixture("sentinel_replicas.resp", &len);
	assert_int_equal(rd_parse_sentinel_replicas(buf, len, &x.m[0], &cause), 0);
	assert_int_equal(x.m[0].replicas, 1);
	assert_int_equal(x.m[0].online, 1);
	assert_string_equal(x.m[0].down, "");
	free(buf);
	buf = fixture("sentinel_replicas_down.resp", &len);
	assert_int_equal(rd_parse_sentinel_replicas(buf, len, &x.m[0], &cause), 0);
	assert_int_equal(x.m[0].replicas, 1);
	assert_int_equal(x.m[0].online, 0);
	assert_string_equal(x.m[0].down, "127.0.0.1:24561 s_down,slave,disconnected");
	free(buf);

	assert_int_equal(rd_parse_sentinel_masters(none, sizeof none - 1, &x, &cause), 0);
	assert_int_equal(x.total + x.n, 0);
	assert_int_equal(rd_parse_sentinel_masters(err, sizeof err - 1, &x, &cause), -1);
	assert_string_equal(cause, "ERR unknown command 'SENTINEL'");
	free(cause);
	assert_int_equal(rd_parse_sentinel_replicas("*1\r\n:1\r\n", 8, &x.m[0], &cause), -1);
	assert_string_equal(cause, "malformed SENTINEL REPLICAS answer");
	free(cause);
	assert_int_equal(x.m[0].online, -1);
}

/* RESP arrays: nested payloads, null and empty arrays, incomplete input,
 * and nesting too deep to be an answer. */
static void
test_resp_arrays(void **state)
{
	static const char nested[] = "*2\r\n*1\r\n$1\r\na\r\n:5\r\n+OK\r\n";
	char deep[64] = "";
	const char *d;
	size_t off = 0, dl;
	char t;

	(void)state;
	assert_int_equal(redis_resp_next(nested, sizeof nested - 1, &off, &t, &d, &dl), 1);
	assert_int_equal(t, '*');
	assert_int_equal(dl, 15);
	assert_memory_equal(d, "*1\r\n$1\r\na\r\n:5\r\n", 15);
	assert_int_equal(redis_resp_next(nested, sizeof nested - 1, &off, &t, &d, &dl), 1);
	assert_int_equal(t, '+');
	off = 0;
	assert_int_equal(redis_resp_next("*-1\r\n", 5, &off, &t, &d, &dl), 1);
	assert_int_equal(dl, 0);
	off = 0;
	assert_int_equal(redis_resp_next("*0\r\n", 4, &off, &t, &d, &dl), 1);
	assert_int_equal(dl, 0);
	off = 0;
	assert_int_equal(redis_resp_next(nested, 12, &off, &t, &d, &dl), 0);
	assert_int_equal(off, 0);
	for (int i = 0; i < 12; i++)
		strcat(deep, "*1\r\n");
	strcat(deep, ":1\r\n");
	off = 0;
	assert_int_equal(redis_resp_next(deep, strlen(deep), &off, &t, &d, &dl), -1);
}

static unsigned long
next_rand(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

static void
parse_all(const char *buf, size_t len)
{
	struct rd_patroni p;
	struct rd_wiki w;
	struct rd_sentinel x;
	char *cause = NULL;

#define TRY(call) do { cause = NULL; if ((call) != 0) { assert_non_null(cause); free(cause); } } while (0)
	memset(&p, 0, sizeof p);
	p.lag_limit = 1048576;
	TRY(rd_parse_patroni_cluster(buf, len, &p, &cause));
	assert_true(p.streaming <= p.replicas && p.leaders <= p.members);
	TRY(rd_parse_patroni_history(buf, len, &p, &cause));
	memset(&w, 0, sizeof w);
	TRY(rd_parse_wiki_storage(buf, len, &w, &cause));
	assert_true(w.enabled <= w.targets && w.git >= -1 && w.git <= 1);
	memset(&x, 0, sizeof x);
	TRY(rd_parse_sentinel_masters(buf, len, &x, &cause));
	assert_true(x.n <= RD_SENTINEL_MASTERS && x.n <= x.total);
	TRY(rd_parse_sentinel_replicas(buf, len, &x.m[0], &cause));
	assert_true(x.m[0].online <= x.m[0].replicas);
#undef TRY
}

/* Random edits of each fixture: a result or an error, never a crash. */
static void
test_mutations(void **state)
{
	static const char *const files[] = {
		"patroni_cluster.json", "patroni_history.json", "wikijs_storage.json",
		"sentinel_masters.resp", "sentinel_replicas.resp", "sentinel_replicas_down.resp",
	};
	unsigned long seed = 19;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t len;
		char *orig = fixture(files[f], &len);

		parse_all(orig, len);
		for (int round = 0; round < 300; round++) {
			char *m = xmalloc(len + 1);
			size_t n = len;

			memcpy(m, orig, len);
			for (int e = 0; e < 1 + (int)(next_rand(&seed) % 8) && n > 0; e++) {
				size_t at = next_rand(&seed) % n;

				if (next_rand(&seed) % 3 == 0)
					n = at;
				else
					m[at] = "{}[]:,\"\n -0x"[next_rand(&seed) % 13];
			}
			parse_all(m, n);
			free(m);
		}
		free(orig);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patroni_cluster),
		cmocka_unit_test(test_patroni_history),
		cmocka_unit_test(test_wiki_storage),
		cmocka_unit_test(test_sentinel),
		cmocka_unit_test(test_resp_arrays),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
