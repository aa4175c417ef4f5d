/* Fuzz the logs area's Loki parsers on the same bytes: query_range
 * streams (ordered both ways, merged, through the tail cursor and into a
 * small ring that must evict; fed in three pieces, the same as in one),
 * label lists, error text, timestamps. */
#include "ceres/sources/logs.h"
#include "ceres/features/logs.h"
#include "ceres/util/util.h"
#include "fuzz.h"

/* The answer fed in three pieces (cut where its first byte says) gives
 * what it gives in one. */
static void
check_pieces(const char *buf, size_t size)
{
	struct loki_result a, b;
	char *ca = NULL, *cb = NULL;
	struct loki_reader *rd = loki_reader_new();
	size_t c1 = size > 0 ? (unsigned char)buf[0] % (size + 1) : 0, c2 = c1 + (size - c1) / 2;
	int ra = loki_parse_streams(buf, size, &a, &ca), rb;

	loki_reader_feed(buf, c1, rd);
	loki_reader_feed(buf + c1, c2 - c1, rd);
	loki_reader_feed(buf + c2, size - c2, rd);
	rb = loki_reader_finish(rd, &b, &cb);
	loki_reader_free(rd);
	FUZZ_ASSERT(ra == rb);
	if (ra == 0) {
		FUZZ_ASSERT(a.nstreams == b.nstreams && a.nentries == b.nentries);
		FUZZ_ASSERT(a.nbad == b.nbad && a.nbad_streams == b.nbad_streams);
		for (size_t i = 0; i < a.nstreams; i++) {
			FUZZ_ASSERT(a.streams[i].hash == b.streams[i].hash);
			for (size_t k = 0; k < a.streams[i].nvalues; k++)
				FUZZ_ASSERT(a.streams[i].values[k].len == b.streams[i].values[k].len &&
				    memcmp(a.streams[i].values[k].line, b.streams[i].values[k].line,
				    a.streams[i].values[k].len) == 0);
		}
		loki_result_free(&a);
		loki_result_free(&b);
	} else {
		FUZZ_ASSERT(ca != NULL && cb != NULL && strcmp(ca, cb) == 0);
		free(ca);
		free(cb);
	}
}

static void
check_line(const struct log_line *ln)
{
	FUZZ_ASSERT(ln->text != NULL && strlen(ln->text) == ln->len);
	FUZZ_ASSERT(fuzz_clean(ln->text, 0, 1));
	FUZZ_ASSERT(ln->len <= LOG_LINE_MAX + 64);
	FUZZ_ASSERT(ln->level < LOG_LEVEL_COUNT);
	for (uint16_t i = 0; i < ln->nspans; i++)
		FUZZ_ASSERT(ln->spans[i].start <= ln->spans[i].end && ln->spans[i].end <= ln->len);
	for (size_t i = 0; i < ln->stream->nlabels; i++)
		FUZZ_ASSERT(fuzz_clean(ln->stream->labels[i].name, 0, 0) &&
		    fuzz_clean(ln->stream->labels[i].value, 0, 0));
}

FUZZ_TARGET(loki)
{
	static struct log_levels levels;
	static int have_levels;
	char *buf = fuzz_copy(data, size), *cause = NULL, *err, **names = NULL;
	struct loki_result r;
	size_t n = 0;
	int64_t ts;

	fuzz_locale();
	if (!have_levels) {
		const char *none[LOG_LEVEL_COUNT] = { NULL };

		FUZZ_ASSERT(log_levels_init(&levels, none, &cause) == 0);
		have_levels = 1;
	}
	for (int backward = 0; backward < 2; backward++) {
		cause = NULL;
		if (loki_parse_streams(buf, size, &r, &cause) != 0) {
			FUZZ_ASSERT(cause != NULL);
			free(cause);
			break;
		}
		loki_result_order(&r, backward);
		for (size_t i = 0; i < r.nstreams; i++)
			for (size_t k = 1; k < r.streams[i].nvalues; k++)
				FUZZ_ASSERT(r.streams[i].values[k - 1].ts <= r.streams[i].values[k].ts);
		{
			struct loki_ref *refs = loki_result_merge(&r, &n);
			struct loki_cursor cur;
			struct log_ring *ring = log_ring_new(16, &levels);
			size_t kept;

			FUZZ_ASSERT(n == r.nentries);
			for (size_t k = 1; k < n; k++)
				FUZZ_ASSERT(refs[k - 1].ts <= refs[k].ts);
			loki_cursor_init(&cur, 100);
			kept = loki_cursor_take(&cur, &r, refs, n);
			FUZZ_ASSERT(kept <= n);
			/* What was delivered is not delivered again (the tail is
			 * free of duplicates across overlapping windows). */
			if (kept > 0) {
				struct loki_ref *again = malloc(kept * sizeof *again);

				FUZZ_ASSERT(again != NULL);
				memcpy(again, refs, kept * sizeof *again);
				FUZZ_ASSERT(loki_cursor_take(&cur, &r, again, kept) == 0);
				free(again);
			}
			(void)loki_cursor_next(&cur, n, kept, 100, 100, 5000);
			for (size_t k = 0; k < kept; k++) {
				const struct loki_stream *st = &r.streams[refs[k].stream];
				struct log_line *ln = log_ring_add(ring, st, &st->values[refs[k].value]);

				if (ln != NULL)
					check_line(ln);
			}
			FUZZ_ASSERT(ring->count <= ring->cap);
			log_ring_update_labels(ring);
			log_ring_free(ring);
			loki_cursor_free(&cur);
			free(refs);
		}
		loki_result_free(&r);
	}
	check_pieces(buf, size);
	cause = NULL;
	if (loki_parse_labels(buf, size, &names, &n, &cause) == 0) {
		struct loki_labelset ls = { (char *)"job", names, n };
		char **cand;
		size_t nc = 0;

		cand = logql_complete("{job=\"", &ls, 1, &nc);
		for (size_t i = 0; i < nc; i++)
			free(cand[i]);
		free(cand);
		loki_strv_free(names, n);
	} else {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}
	err = loki_error_text(buf, size);
	FUZZ_ASSERT(fuzz_clean(err, 1, 0));
	free(err);
	if (loki_ts_parse(buf, size, &ts) == 0) {
		char tb[64];

		FUZZ_ASSERT(fmt_rfc3339_ns(ts, tb, sizeof tb) != NULL);
	}
	free(buf);
	return 0;
}
