/* The tail cursor against a simulated Loki: thousands of lines over
 * several streams, many sharing a timestamp, delivered through random
 * query windows and limits, with ties answered in a random order each
 * time.  Every line must arrive exactly once and in timestamp order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/logs.h"
#include "ceres/features/logs.h"
#include "ceres/util/util.h"

#define NSTREAMS	5
#define MAXN		20000

struct ent {
	int64_t	ts;
	int	stream;
	int	id;
	char	line[24];
};

struct sim {
	struct ent	*e;		/* sorted by ts */
	int		 n;
	unsigned	 rng;
	int		*got;		/* times each id was delivered */
	int		 ndelivered;
	int64_t		 last_ts;
	unsigned	 queries;
	bool		 in_order;	/* ties in one fixed order, as one Loki would */
};

static unsigned
rnd(struct sim *s)
{
	s->rng = s->rng * 1103515245u + 12345u;
	return (s->rng >> 8) & 0xffffff;
}

/* A Loki answer for [start, end) with limit, as loki_parse_streams would
 * give it: streams in a random order, each stream's values in the
 * direction's order, and lines of one timestamp in a random order. */
static void
fake_query(struct sim *s, int64_t start, int64_t end, unsigned limit, bool forward,
    struct loki_result *r)
{
	int lo = 0, hi = s->n, *idx, nidx = 0, perm[NSTREAMS];

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (s->e[mid].ts < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	idx = xcalloc((size_t)s->n + 1, sizeof *idx);
	if (forward) {
		for (int i = lo; i < s->n && s->e[i].ts < end; i++) {
			if ((unsigned)nidx >= limit && s->e[i].ts != s->e[idx[nidx - 1]].ts)
				break;
			idx[nidx++] = i;
		}
	} else {
		int top = lo;

		while (top < s->n && s->e[top].ts < end)
			top++;
		for (int i = top - 1; i >= lo; i--) {
			if ((unsigned)nidx >= limit && s->e[i].ts != s->e[idx[nidx - 1]].ts)
				break;
			idx[nidx++] = i;
		}
	}
	/* Shuffle within runs of one timestamp, then cut at the limit. */
	for (int a = 0; a < nidx && !s->in_order;) {
		int b = a;

		while (b < nidx && s->e[idx[b]].ts == s->e[idx[a]].ts)
			b++;
		for (int k = b - 1; k > a; k--) {
			int j = a + (int)(rnd(s) % (unsigned)(k - a + 1)), t = idx[k];

			idx[k] = idx[j];
			idx[j] = t;
		}
		a = b;
	}
	if ((unsigned)nidx > limit)
		nidx = (int)limit;
	memset(r, 0, sizeof *r);
	r->streams = xcalloc(NSTREAMS, sizeof *r->streams);
	for (int k = 0; k < NSTREAMS; k++)
		perm[k] = k;
	for (int k = NSTREAMS - 1; k > 0; k--) {
		int j = (int)(rnd(s) % (unsigned)(k + 1)), t = perm[k];

		perm[k] = perm[j];
		perm[j] = t;
	}
	for (int k = 0; k < NSTREAMS; k++) {
		struct loki_stream *st = &r->streams[r->nstreams];

		st->values = xcalloc((size_t)nidx + 1, sizeof *st->values);
		st->hash = 0x5eed0000u + (uint64_t)perm[k];
		for (int i = 0; i < nidx; i++) {
			struct ent *e = &s->e[idx[i]];

			if (e->stream != perm[k])
				continue;
			st->values[st->nvalues].ts = e->ts;
			st->values[st->nvalues].line = e->line;
			st->values[st->nvalues].len = strlen(e->line);
			st->nvalues++;
		}
		if (st->nvalues == 0) {
			free(st->values);
			st->values = NULL;
			continue;
		}
		r->nentries += st->nvalues;
		r->nstreams++;
	}
	free(idx);
	s->queries++;
}

static void
result_free(struct loki_result *r)
{
	for (size_t i = 0; i < r->nstreams; i++)
		free(r->streams[i].values);
	free(r->streams);
}

static int
id_of(const char *line)
{
	return (int)strtol(line + 5, NULL, 10);	/* "line N" */
}

/* One poll round, as the Loki source runs it (query_done + chain). */
static void
poll_round(struct sim *s, struct loki_cursor *c, int64_t now, int64_t since, unsigned base,
    unsigned max)
{
	for (int chain = 0; chain < 100000; chain++) {
		bool initial = !c->started;
		int64_t start = loki_cursor_start(c, now, since);
		unsigned limit = c->started && c->limit > 0 ? c->limit : base;
		struct loki_result r;
		struct loki_ref *refs;
		size_t n, fresh;

		fake_query(s, start, now, limit, !initial, &r);
		loki_result_order(&r, initial);
		refs = loki_result_merge(&r, &n);
		fresh = loki_cursor_take(c, &r, refs, n);
		for (size_t i = 0; i < fresh; i++) {
			const struct loki_value *v = &r.streams[refs[i].stream].values[refs[i].value];
			int id = id_of(v->line);

			assert_true(v->ts >= s->last_ts);
			s->last_ts = v->ts;
			s->got[id]++;
			s->ndelivered++;
		}
		free(refs);
		result_free(&r);
		if (initial || !loki_cursor_next(c, n, fresh, limit, base, max))
			break;
	}
}

static void
make_entries(struct sim *s, int n, int64_t base, unsigned tie_pct)
{
	int64_t t = base;

	s->e = xcalloc((size_t)n, sizeof *s->e);
	s->got = xcalloc((size_t)n, sizeof *s->got);
	s->n = n;
	for (int i = 0; i < n; i++) {
		if (i > 0 && rnd(s) % 100 >= tie_pct)
			t += 1 + (int64_t)(rnd(s) % 1000);
		s->e[i].ts = t;
		s->e[i].stream = (int)(rnd(s) % NSTREAMS);
		s->e[i].id = i;
		snprintf(s->e[i].line, sizeof s->e[i].line, "line %d", i);
	}
}

static void
simulate(unsigned seed, int n, unsigned base, unsigned tie_pct, unsigned max_step)
{
	struct sim s;
	struct loki_cursor c;
	int64_t t0 = INT64_C(1767436620000000000), now = t0, since = INT64_C(1) << 50;

	memset(&s, 0, sizeof s);
	s.rng = seed;
	make_entries(&s, n, t0, tie_pct);
	loki_cursor_init(&c, base);
	/* The first (backward) query finds nothing yet; then windows of
	 * random length, some empty, until every line is in the past. */
	while (now <= s.e[n - 1].ts + 1) {
		poll_round(&s, &c, now, since, base, 5000);
		now += (int64_t)(rnd(&s) % max_step);
	}
	poll_round(&s, &c, now, since, base, 5000);
	poll_round(&s, &c, now + 5, since, base, 5000);
	for (int i = 0; i < n; i++)
		if (s.got[i] != 1)
			fail_msg("seed %u limit %u: line %d delivered %d times", seed, base, i, s.got[i]);
	assert_int_equal(s.ndelivered, n);
	assert_true(c.skipped_ts == 0);
	print_message("seed %u limit %u ties %u%%: %d lines in %u queries\n", seed, base, tie_pct,
	    n, s.queries);
	loki_cursor_free(&c);
	free(s.e);
	free(s.got);
}

static void
test_random_windows(void **state)
{
	static const unsigned limits[] = { 1, 2, 3, 7, 50, 500 };

	(void)state;
	for (unsigned i = 0; i < sizeof limits / sizeof limits[0]; i++)
		simulate(1000 + i, 10000, limits[i], 60, 4000);
	/* Very many ties: runs of dozens of lines on one timestamp. */
	simulate(77, 10000, 5, 95, 3000);
	/* Windows that end inside runs of ties all the time. */
	simulate(78, 10000, 500, 80, 50);
}

/* A line that arrives late with the boundary timestamp is new, the ones
 * delivered before at that timestamp are not. */
static void
test_late_tie(void **state)
{
	struct loki_cursor c;
	struct loki_stream st[2];
	struct loki_value va[2], vb[1];
	struct loki_result r;
	struct loki_ref *refs;
	size_t n;

	(void)state;
	loki_cursor_init(&c, 10);
	memset(st, 0, sizeof st);
	memset(&r, 0, sizeof r);
	va[0] = (struct loki_value){ 100, "a0", 2 };
	va[1] = (struct loki_value){ 200, "a1", 2 };
	st[0].hash = 1;
	st[0].values = va;
	st[0].nvalues = 2;
	r.streams = st;
	r.nstreams = 1;
	r.nentries = 2;
	refs = loki_result_merge(&r, &n);
	assert_int_equal(loki_cursor_take(&c, &r, refs, n), 2);
	free(refs);
	assert_true(c.ts == 200);
	assert_false(loki_cursor_next(&c, 2, 2, 10, 10, 5000));
	/* Next window from 200 inclusive: a1 again, and b0 also at 200. */
	vb[0] = (struct loki_value){ 200, "b0", 2 };
	st[1].hash = 2;
	st[1].values = vb;
	st[1].nvalues = 1;
	r.nstreams = 2;
	r.nentries = 3;
	refs = loki_result_merge(&r, &n);
	va[0] = va[1];	/* the stream now starts at the window */
	st[0].nvalues = 1;
	r.nentries = 2;
	free(refs);
	refs = loki_result_merge(&r, &n);
	assert_int_equal(n, 2);
	assert_int_equal(loki_cursor_take(&c, &r, refs, n), 1);
	assert_int_equal(refs[0].stream, 1);
	free(refs);
	/* The same line text in another stream is another line. */
	vb[0] = (struct loki_value){ 200, "a1", 2 };
	refs = loki_result_merge(&r, &n);
	assert_int_equal(loki_cursor_take(&c, &r, refs, n), 1);
	free(refs);
	loki_cursor_free(&c);
}

static void
test_next_rules(void **state)
{
	struct loki_cursor c;

	(void)state;
	loki_cursor_init(&c, 100);
	c.started = true;
	c.ts = 1000;
	assert_false(loki_cursor_next(&c, 99, 99, 100, 100, 5000));
	assert_int_equal(c.limit, 100);
	assert_true(loki_cursor_next(&c, 100, 3, 100, 100, 5000));
	assert_int_equal(c.limit, 100);
	/* A full answer of repeats: ask for more at once. */
	assert_true(loki_cursor_next(&c, 100, 0, 100, 100, 5000));
	assert_int_equal(c.limit, 200);
	assert_true(loki_cursor_next(&c, 3000, 0, 3000, 100, 5000));
	assert_int_equal(c.limit, 5000);
	/* At the server's maximum: the timestamp is given up. */
	assert_true(loki_cursor_next(&c, 5000, 0, 5000, 100, 5000));
	assert_true(c.ts == 1001);
	assert_int_equal(c.skipped_ts, 1);
	assert_int_equal(c.limit, 100);
	/* Lines come with the raised limit while still on that timestamp:
	 * it stays raised; once past it, back to the base limit. */
	assert_true(loki_cursor_next(&c, 100, 0, 100, 100, 5000));
	assert_int_equal(c.limit, 200);
	assert_true(loki_cursor_next(&c, 200, 50, 200, 100, 5000));
	assert_int_equal(c.limit, 200);
	c.ts = 1002;
	assert_true(loki_cursor_next(&c, 200, 50, 200, 100, 5000));
	assert_int_equal(c.limit, 100);
	c.ts = 1001;
	/* The window never reaches back further than since. */
	assert_true(loki_cursor_start(&c, 5000, 100) == 4900);
	assert_true(loki_cursor_start(&c, 1050, 100) == 1001);
	c.started = false;
	assert_true(loki_cursor_start(&c, 1050, 100) == 950);
	loki_cursor_free(&c);
}

/* More lines on one timestamp than the server will ever return: they are
 * given up (and counted), nothing is delivered twice, the rest goes on. */
static void
test_tie_over_max(void **state)
{
	struct sim s;
	struct loki_cursor c;
	int64_t t0 = 1000;

	(void)state;
	memset(&s, 0, sizeof s);
	s.rng = 9;
	s.in_order = true;
	s.n = 40;
	s.e = xcalloc(40, sizeof *s.e);
	s.got = xcalloc(40, sizeof *s.got);
	for (int i = 0; i < 40; i++) {
		s.e[i].ts = i < 5 ? t0 + i : i < 30 ? t0 + 10 : t0 + 20 + i;
		s.e[i].stream = i % NSTREAMS;
		snprintf(s.e[i].line, sizeof s.e[i].line, "line %d", i);
	}
	loki_cursor_init(&c, 2);
	poll_round(&s, &c, t0 - 1, 1000000, 2, 8);
	poll_round(&s, &c, t0 + 100, 1000000, 2, 8);
	assert_int_equal(c.skipped_ts, 1);
	for (int i = 0; i < 40; i++) {
		assert_true(s.got[i] <= 1);
		if (i < 5 || i >= 30)
			assert_int_equal(s.got[i], 1);
	}
	assert_int_equal(s.ndelivered, 5 + 8 + 10);
	loki_cursor_free(&c);
	free(s.e);
	free(s.got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_rules),
		cmocka_unit_test(test_late_tie),
		cmocka_unit_test(test_tie_over_max),
		cmocka_unit_test(test_random_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
