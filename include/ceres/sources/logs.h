/* The Loki protocol: pure parsers of its answers, the cursor that keeps a
 * forward tail free of losses and duplicates across query windows, and
 * the source that tails [loki] query into struct logs. */
#ifndef CERES_SOURCES_LOGS_H
#define CERES_SOURCES_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ceres/core/loop.h"
#include "ceres/model/logs.h"

struct app;
struct source;

struct loki_result {
	struct loki_stream	*streams;
	size_t			 nstreams;
	size_t			 nentries;	/* values over all streams */
	size_t			 nbad;		/* malformed values and streams skipped */
	size_t			 nbad_streams;	/* of them, streams */
	char			**warnings;	/* raw */
	size_t			 nwarnings;
};

/* A query_range (or query) answer with resultType "streams", values in
 * the order they came. */
int loki_parse_streams(const char *buf, size_t len, struct loki_result *out, char **cause);
/* The same, fed as the answer arrives (a struct http_request sink): each
 * value ([ts, line]) of each stream of data.result is parsed as soon as
 * its last byte is in, so a single huge stream is held value by value; a
 * malformed stream (nbad_streams) or value (nbad counts both) is counted
 * and skipped; the rest of the answer is checked as a whole, with the
 * errors of loki_parse_streams(). */
struct loki_reader;
struct loki_reader *loki_reader_new(void);
void loki_reader_feed(const char *p, size_t n, void *reader);
int loki_reader_finish(struct loki_reader *rd, struct loki_result *out, char **cause);
void loki_reader_free(struct loki_reader *rd);
/* Bytes the reader holds besides the lines read: the skeletons and the
 * value being framed (a single stream of any size is read value by value). */
size_t loki_reader_held(const struct loki_reader *rd);
/* Put every stream's values oldest first (backward: the answer to a
 * direction=backward query, whose streams come newest first). */
void loki_result_order(struct loki_result *r, bool backward);
void loki_result_free(struct loki_result *r);
/* /loki/api/v1/labels and /loki/api/v1/label/<name>/values: a missing
 * "data" key is an empty list (Loki omits it). */
int loki_parse_labels(const char *buf, size_t len, char ***names, size_t *n, char **cause);
void loki_strv_free(char **v, size_t n);
/* A nanosecond timestamp string ("1767436620123456789"); -1 on error. */
int loki_ts_parse(const char *s, size_t len, int64_t *out);
/* Loki errors are text/plain: a one-line, sanitized, bounded message. */
char *loki_error_text(const char *body, size_t len);

/* Every entry of a result, merged across streams in timestamp order. */
struct loki_ref {
	int64_t		ts;
	uint32_t	stream;
	uint32_t	value;
};
struct loki_ref *loki_result_merge(const struct loki_result *r, size_t *n);

/* ---- The tail cursor (loki_cursor.c) ----
 * Polls ask for [cursor.ts, now) forward.  Start is inclusive, so lines
 * sharing the boundary timestamp come again; the set of (labels, line)
 * hashes already delivered at that timestamp drops them.  A full answer
 * means more may be waiting: ask again at once.  When more lines share
 * one timestamp than a query may return, the limit grows, and past the
 * server's maximum the timestamp is skipped (and counted). */
struct loki_cursor {
	bool		 started;	/* the initial (backward) answer arrived */
	int64_t		 ts;		/* newest timestamp delivered */
	uint64_t	*seen;		/* open-addressing set of hashes at ts */
	size_t		 nseen;
	size_t		 capseen;
	unsigned	 limit;		/* for the next query */
	bool		 boosted;	/* limit raised for the ties at boost_ts */
	int64_t		 boost_ts;
	uint64_t	 skipped_ts;	/* timestamps given up on */
};
void loki_cursor_init(struct loki_cursor *c, unsigned limit);
void loki_cursor_reset(struct loki_cursor *c, unsigned limit);
void loki_cursor_free(struct loki_cursor *c);
/* Where the next forward query starts (inclusive), given the time now
 * and the longest history wanted, both in ns. */
int64_t loki_cursor_start(const struct loki_cursor *c, int64_t now, int64_t since);
/* Keep (in place, in order) only the refs not delivered before and
 * advance the cursor over them; returns how many are kept. */
size_t loki_cursor_take(struct loki_cursor *c, const struct loki_result *r,
    struct loki_ref *refs, size_t n);
/* After a forward answer of total entries (fresh of them new) asked with
 * limit_used: true when the next query should go out at once; sets
 * c->limit for it. */
bool loki_cursor_next(struct loki_cursor *c, size_t total, size_t fresh,
    unsigned limit_used, unsigned base_limit, unsigned max_limit);

struct loki_opts {
	const char	*url;
	const char	*org_id;
	const char	*token;
	const char	*user;
	const char	*password;
	bool		 insecure;
	const char	*ca_file;	/* TLS: CA bundle, client certificate and key */
	const char	*cert_file;
	const char	*key_file;
};
struct source *loki_source_new(struct app *app, struct logs *lg, const struct loki_opts *o, char **cause);
/* Switch the tail to another LogQL query: the buffer starts over. */
void loki_set_query(struct source *s, const char *query);
/* A one-off GET of path (with its query string) on the source's Loki,
 * with its credentials, outside the tail's rounds (incident mode); a 200
 * answer is fed to rd as it arrives when rd is not NULL. */
struct http_handle *loki_request(struct source *s, const char *path, double timeout,
    size_t max_bytes, struct loki_reader *rd, http_cb cb, void *arg);
/* The streams of a 200 answer to loki_request(): read by rd, or (not
 * streamed) parsed from the body. */
int loki_answer_streams(const struct http_response *r, struct loki_reader *rd,
    struct loki_result *out, char **cause);
/* "/loki/api/v1/query_range?query=...&start=&end=&limit=&direction=". */
char *loki_range_path(const char *query, int64_t start, int64_t end, unsigned limit, bool forward);

#endif

