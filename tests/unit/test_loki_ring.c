/* The ring of log lines: bounded whatever arrives, lines sanitized and
 * classified once, label sets shared and released, "skipped" counted only
 * for lines that left before they could be seen, and the level rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/logs.h"
#include "ceres/features/logs.h"
#include "ceres/util/util.h"

static struct loki_label app_gitea[] = { { "app", "gitea" }, { "host", "h1" } };
static struct loki_label app_caddy[] = { { "app", "caddy" }, { "host", "h1" } };
static struct loki_label lvl_warn[] = { { "app", "x" }, { "detected_level", "warn" }, { "host", "h1" } };

static struct loki_stream
stream(struct loki_label *l, size_t n, uint64_t hash)
{
	struct loki_stream st;

	memset(&st, 0, sizeof st);
	st.labels = l;
	st.nlabels = n;
	st.hash = hash;
	return st;
}

static struct log_line *
add(struct log_ring *r, struct loki_stream *st, int64_t ts, const char *line)
{
	struct loki_value v = { ts, line, strlen(line) };

	return log_ring_add(r, st, &v);
}

static void
test_bounded(void **state)
{
	struct log_levels lv;
	struct log_ring *r;
	struct loki_stream a = stream(app_gitea, 2, 1), b = stream(app_caddy, 2, 2);
	char *cause = NULL;

	(void)state;
	assert_int_equal(log_levels_init(&lv, NULL, &cause), 0);
	r = log_ring_new(100, &lv);
	for (int i = 0; i < 1000; i++) {
		char line[64];

		snprintf(line, sizeof line, "%s line %d", i % 3 == 0 ? "ERROR" : "INFO", i);
		add(r, i % 2 ? &a : &b, 1000 + i, line);
		assert_true(r->count <= 100);
	}
	assert_int_equal(r->count, 100);
	assert_true(r->total == 1000);
	assert_true(log_ring_first(r) == 900);
	assert_null(log_ring_get(r, 899));
	assert_null(log_ring_get(r, 1000));
	assert_string_equal(log_ring_get(r, 900)->text, "ERROR line 900");
	assert_string_equal(log_ring_get(r, 999)->text, "ERROR line 999");
	assert_int_equal(r->level_count[LOG_LEVEL_ERROR] + r->level_count[LOG_LEVEL_INFO], 100);
	assert_int_equal(r->level_count[LOG_LEVEL_ERROR], 34);
	assert_int_equal(r->nstreams, 2);
	/* Nothing was ever drawn: 900 lines left unseen. */
	assert_true(r->skipped == 900);
	log_ring_clear(r);
	assert_int_equal(r->count, 0);
	assert_int_equal(r->nstreams, 0);
	assert_true(r->skipped == 900);
	log_ring_free(r);
	log_levels_free(&lv);
}

static void
test_skipped(void **state)
{
	struct log_ring *r = log_ring_new(10, NULL);
	struct loki_stream a = stream(app_gitea, 2, 1);

	(void)state;
	for (int i = 0; i < 10; i++)
		add(r, &a, i, "x");
	/* The pane drew everything up to the newest line. */
	r->seen_seq = r->next_seq;
	for (int i = 0; i < 10; i++)
		add(r, &a, 10 + i, "y");
	assert_true(r->skipped == 0);
	/* Paused (seen up to seq 19): 15 more arrive, 5 of them are pushed
	 * out before anyone could see them. */
	r->seen_seq = 20;
	for (int i = 0; i < 15; i++)
		add(r, &a, 20 + i, "z");
	assert_true(r->skipped == 5);
	log_ring_free(r);
}

static void
test_text(void **state)
{
	struct log_levels lv;
	struct log_ring *r;
	struct loki_stream a = stream(app_gitea, 2, 1);
	struct log_line *ln;
	char *cause = NULL, *big;

	(void)state;
	assert_int_equal(log_levels_init(&lv, NULL, &cause), 0);
	r = log_ring_new(10, &lv);
	ln = add(r, &a, 1, "\x1b[31mERROR\x1b[0m \x1b]0;t\x07 trace\r\n");
	assert_string_equal(ln->text, "ERROR ␛]0;t␇ trace");
	assert_int_equal(ln->nspans, 1);
	assert_int_equal(ln->spans[0].start, 0);
	assert_int_equal(ln->spans[0].end, 5);
	assert_int_equal(ln->level, LOG_LEVEL_ERROR);
	ln = add(r, &a, 2, "panic: x\n\tat main.go:12\n\tat run.go:3");
	assert_string_equal(ln->text, "panic: x\n at main.go:12\n at run.go:3");
	big = xmalloc(LOG_LINE_MAX + 5001);
	memset(big, 'a', LOG_LINE_MAX + 5000);
	big[LOG_LINE_MAX + 5000] = '\0';
	ln = add(r, &a, 3, big);
	assert_true(ln->len < LOG_LINE_MAX + 100);
	assert_non_null(strstr(ln->text, "[5000 bytes cut]"));
	free(big);
	log_ring_free(r);
	log_levels_free(&lv);
}

static void
test_levels(void **state)
{
	struct log_levels lv;
	const char *custom[LOG_LEVEL_COUNT] = { NULL };
	char *cause = NULL;
	struct log_ring *r;
	struct loki_stream w = stream(lvl_warn, 3, 3);

	(void)state;
	assert_int_equal(log_levels_init(&lv, NULL, &cause), 0);
#define LV(s) log_levels_classify(&lv, s, strlen(s))
	assert_int_equal(LV("2026-01-03 ERROR db down"), LOG_LEVEL_ERROR);
	assert_int_equal(LV("INFO retrying after error"), LOG_LEVEL_INFO);
	assert_int_equal(LV("{\"level\":\"warn\",\"msg\":\"failed\"}"), LOG_LEVEL_WARN);
	assert_int_equal(LV("level=debug msg=x"), LOG_LEVEL_DEBUG);
	assert_int_equal(LV("t=1 lvl=eror msg=boom"), LOG_LEVEL_ERROR);
	assert_int_equal(LV("GET /alertmanager 200"), LOG_LEVEL_NONE);
	assert_int_equal(LV("errors=0 informational"), LOG_LEVEL_NONE);
	assert_int_equal(LV(""), LOG_LEVEL_NONE);
	/* A level label wins over the words of the line. */
	r = log_ring_new(4, &lv);
	assert_int_equal(add(r, &w, 1, "ERROR but labelled warn")->level, LOG_LEVEL_WARN);
	log_ring_free(r);
	log_levels_free(&lv);

	custom[LOG_LEVEL_ERROR] = "BOOM";
	custom[LOG_LEVEL_DEBUG] = "";
	assert_int_equal(log_levels_init(&lv, custom, &cause), 0);
	assert_int_equal(LV("BOOM here"), LOG_LEVEL_ERROR);
	assert_int_equal(LV("error here"), LOG_LEVEL_NONE);
	assert_int_equal(LV("debug here"), LOG_LEVEL_NONE);
	log_levels_free(&lv);

	custom[LOG_LEVEL_WARN] = "(unclosed";
	assert_int_equal(log_levels_init(&lv, custom, &cause), -1);
	assert_non_null(strstr(cause, "levels_warn"));
	assert_non_null(strstr(cause, "offset 9"));
	free(cause);
#undef LV
}

static void
test_regex(void **state)
{
	struct log_regex re;
	char *cause = NULL;
	size_t ms, me;

	(void)state;
	memset(&re, 0, sizeof re);
	assert_false(log_regex_active(&re));
	/* Smart case: lower case matches any case. */
	assert_int_equal(log_regex_set(&re, "error", true, &cause), 0);
	assert_true(log_regex_find(&re, "an ERROR here", 13, 0, &ms, &me));
	assert_int_equal(ms, 3);
	assert_int_equal(me, 8);
	assert_int_equal(log_regex_set(&re, "Error", true, &cause), 0);
	assert_false(log_regex_find(&re, "an ERROR here", 13, 0, &ms, &me));
	assert_int_equal(log_regex_set(&re, "\\Sx", true, &cause), 0);
	assert_true(log_regex_find(&re, "aX", 2, 0, &ms, &me));
	/* A bad pattern leaves the old one in place and says where. */
	assert_int_equal(log_regex_set(&re, "a[b", true, &cause), -1);
	assert_non_null(strstr(cause, "offset 3"));
	free(cause);
	assert_string_equal(re.pattern, "\\Sx");
	assert_true(log_regex_find(&re, "Заказ ax", strlen("Заказ ax"), 0, &ms, &me));
	log_regex_clear(&re);
	assert_false(log_regex_active(&re));
}

static void
test_compact_labels(void **state)
{
	struct log_ring *r = log_ring_new(10, NULL);
	struct loki_stream a = stream(app_gitea, 2, 1), b = stream(app_caddy, 2, 2);
	struct log_line *la, *lb;

	(void)state;
	la = add(r, &a, 1, "a");
	log_ring_update_labels(r);
	/* One stream: everything is common, nothing per line. */
	assert_string_equal(r->common, "{app=gitea,host=h1}");
	assert_string_equal(la->stream->compact, "");
	lb = add(r, &b, 2, "b");
	log_ring_update_labels(r);
	assert_string_equal(r->common, "{host=h1}");
	assert_string_equal(la->stream->compact, "{app=gitea}");
	assert_string_equal(lb->stream->compact, "{app=caddy}");
	assert_int_equal(la->stream->compact_width, 11);
	log_ring_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_compact_labels),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
