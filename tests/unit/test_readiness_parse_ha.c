/* Readiness parsers of the high-availability and documentation evidence:
 * Patroni's /cluster and /history, Wiki.js's storage targets, on documented shapes and on hostile
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
#undef TRY
}

/* Random edits of each fixture: a result or an error, never a crash. */
static void
test_mutations(void **state)
{
	static const char *const files[] = {
		"patroni_cluster.json", "patroni_history.json", "wikijs_storage.json",
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
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
