/* --once output of the logs pane: the lines are written one at a time
 * from the ring, and the bytes are the ones a cJSON tree of every line
 * printed (and the text the whole section built in one buffer) gave.
 * The references below are that former output, kept here verbatim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/core/app.h"
#include "ceres/features/logs.h"
#include "ceres/render/render.h"
#include "ceres/sources/logs.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

static const struct source_ops fake_ops = { .kind = "loki" };

static struct loki_label hostile[] = {
	{ "app", "gi\"tea\\" }, { "host", "h1\tx" }, { "z\"key", "caf\xc3\xa9 \xe2\x86\xb5" },
};
static struct loki_label plain[] = { { "app", "caddy" }, { "host", "h1" } };

struct fixture {
	struct app		 app;
	struct logs_area	 area;
	struct source		 src;
};

static void
add(struct log_ring *r, struct loki_label *l, size_t n, uint64_t hash, int64_t ts, const char *line)
{
	struct loki_stream st;
	struct loki_value v = { ts, line, strlen(line) };

	memset(&st, 0, sizeof st);
	st.labels = l;
	st.nlabels = n;
	st.hash = hash;
	log_ring_add(r, &st, &v);
}

/* nlines lines through a ring of cap (so it wrapped when nlines > cap). */
static struct fixture *
make(size_t cap, int nlines)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	f->app.site = "prod";
	f->app.opt.panes = 1u << FEATURE_LOGS;
	model_init(&f->app.model);
	f->app.feature_data[FEATURE_LOGS] = &f->area;
	f->src.ops = &fake_ops;
	f->src.name = "loki";
	f->src.ok = true;
	f->src.latency_ms = 1;
	f->area.src = &f->src;
	assert_int_equal(log_levels_init(&f->area.lg.levels, NULL, &cause), 0);
	f->area.lg.ring = log_ring_new(cap, &f->area.lg.levels);
	f->area.lg.query = xstrdup("{app=~\".+\"}");
	f->area.lg.malformed = 3;
	for (int i = 0; i < nlines; i++) {
		char line[200];

		snprintf(line, sizeof line, i % 4 == 0 ?
		    "ERROR \"quoted\" back\\slash\ttab caf\xc3\xa9 %d\nsecond line\r\x01 end" :
		    "INFO request %d served in 12ms with a longer tail to pass the chunk size", i);
		if (i % 3 == 0)
			add(f->area.lg.ring, hostile, 3, 7, 1700000000123456789LL + i, line);
		else
			add(f->area.lg.ring, plain, 2, 9, 1700000000000000000LL + i * 1000LL, line);
	}
	return f;
}

static void
unmake(struct fixture *f)
{
	logs_clear(&f->area.lg);
	model_free(&f->app.model);
	free(f);
}

/* The former logs_json(): every line in one tree. */
static char *
tree_printed(const struct logs *lg)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "logs");
	char ts[48], ns[24], *s;

	cJSON_AddNumberToObject(root, "logs_malformed", (double)lg->malformed);
	for (uint64_t q = log_ring_first(lg->ring); q < lg->ring->next_seq; q++) {
		struct log_line *ln = log_ring_get(lg->ring, q);
		cJSON *o = cJSON_CreateObject(), *labels;

		cJSON_AddStringToObject(o, "ts", fmt_rfc3339_ns(ln->ts, ts, sizeof ts));
		snprintf(ns, sizeof ns, "%lld", (long long)ln->ts);
		cJSON_AddStringToObject(o, "ts_ns", ns);
		labels = cJSON_AddObjectToObject(o, "labels");
		for (size_t i = 0; i < ln->stream->nlabels; i++)
			cJSON_AddStringToObject(labels, ln->stream->labels[i].name,
			    ln->stream->labels[i].value);
		cJSON_AddStringToObject(o, "line", ln->text);
		cJSON_AddStringToObject(o, "level", log_level_name((enum log_level)ln->level));
		cJSON_AddItemToArray(arr, o);
	}
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

/* The former logs_text(), lines included, in one buffer. */
static char *
text_built(struct logs *lg)
{
	struct strbuf sb, *out = &sb;
	char ts[48];

	strbuf_init(&sb);
	strbuf_addf(out, "%s", _("LOGS"));
	log_ring_update_labels(lg->ring);
	strbuf_addf(out, "  %s  %s\n", lg->query, lg->ring->common != NULL &&
	    strcmp(lg->ring->common, "{}") != 0 ? lg->ring->common : "");
	if (lg->malformed > 0)
		strbuf_addf(out, P_("  %zu malformed stream or line skipped\n",
		    "  %zu malformed streams or lines skipped\n", lg->malformed), lg->malformed);
	for (uint64_t q = log_ring_first(lg->ring); q < lg->ring->next_seq; q++) {
		struct log_line *ln = log_ring_get(lg->ring, q);

		strbuf_addf(out, "  %s ", fmt_rfc3339_ns(ln->ts, ts, sizeof ts));
		if (ln->stream->compact[0] != '\0')
			strbuf_addf(out, "%s ", ln->stream->compact);
		for (const char *p = ln->text; *p != '\0'; p++) {
			if (*p == '\n')
				strbuf_adds(out, " ↵ ");
			else
				strbuf_addc(out, *p);
		}
		strbuf_addc(out, '\n');
	}
	if (lg->ring->count == 0 && lg->error == NULL)
		strbuf_addf(out, "  %s\n", _("(no lines in the window)"));
	return strbuf_detach(&sb);
}

static void
check(size_t cap, int nlines)
{
	struct fixture *f = make(cap, nlines);
	struct status st;
	char *json, *text, *ref, *want;
	cJSON *j;

	status_init(&st);
	render_status(&f->app, &st);
	json = render_json(&f->app, &st);
	text = render_text(&f->app, &st);
	/* The tree held {"logs":[...],"logs_malformed":3}: the same bytes
	 * sit in the streamed snapshot, in that order. */
	ref = tree_printed(&f->area.lg);
	want = xasprintf(",%.*s", (int)(strlen(ref) - 2), ref + 1);
	assert_non_null(strstr(json, want));
	j = cJSON_Parse(json);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "logs")),
	    (int)f->area.lg.ring->count);
	cJSON_Delete(j);
	free(want);
	cJSON_free(ref);
	ref = text_built(&f->area.lg);
	want = xasprintf("\n%s\n%s", ref, _("SOURCES"));
	assert_non_null(strstr(text, want));
	free(want);
	free(ref);
	free(json);
	free(text);
	status_free(&st);
	unmake(f);
}

static void
test_streamed_equals_tree(void **state)
{
	(void)state;
	check(5000, 3000);	/* past the flush size, several times */
	check(100, 1000);	/* the ring wrapped */
	check(100, 1);
	check(100, 0);		/* "[]" and "(no lines in the window)" */
}

/* Loki not configured: an empty array and the text saying so. */
static void
test_not_configured(void **state)
{
	struct fixture *f = make(10, 0);
	struct status st;
	char *json, *text;

	(void)state;
	logs_clear(&f->area.lg);
	f->area.src = NULL;
	status_init(&st);
	json = render_json(&f->app, &st);
	text = render_text(&f->app, &st);
	assert_non_null(strstr(json, "\"logs\":[],\"sources\""));
	assert_null(strstr(json, "logs_malformed"));
	assert_non_null(strstr(text, _("(Loki not configured)")));
	free(json);
	free(text);
	status_free(&st);
	unmake(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streamed_equals_tree),
		cmocka_unit_test(test_not_configured),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
