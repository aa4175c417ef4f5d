/* The Alertmanager v2 protocol: pure parsers of its answers (bytes in, a
 * model or a message out), the body of a silence, and the source that
 * polls the peers of [alertmanager] url into struct alerts. */
#ifndef CERES_SOURCES_ALERTS_H
#define CERES_SOURCES_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/alerts.h"
#include "ceres/model/matchers.h"
#include "ceres/net/backend.h"

struct app;
struct config;
struct http_request;
struct source;

/* Parsers: pure, (bytes, length) in, a result or a message out.  Malformed
 * elements inside an otherwise valid answer are skipped and counted. */
int alerts_parse(const char *buf, size_t len, struct alert_set **out, char **cause);
/* The same, fed as the answer arrives (a struct http_request sink): each
 * alert is parsed and kept as soon as its last byte is in.  max_bytes 0:
 * no cap.  finish gives what alerts_parse() gives for the whole answer;
 * free after it (or instead of it, to drop a half-read answer). */
/* prev (may be NULL) is the set the last answer gave: an alert whose
 * bytes are the same as one of prev's is copied, not parsed again, and
 * when every alert is (the same answer as last round) finish returns 1
 * and no set: prev stands, its groups and order untouched.  prev must
 * live until finish. */
struct alerts_stream;
struct alerts_stream *alerts_stream_new(size_t max_bytes, const struct alert_set *prev);
/* The set will be nobody's prev (--once): no hashes of the alerts' bytes
 * (raw_hash stays 0).  Only for a stream without a prev. */
void alerts_stream_single(struct alerts_stream *st);
void alerts_stream_feed(const char *p, size_t n, void *stream);
int alerts_stream_finish(struct alerts_stream *st, struct alert_set **out, char **cause);
void alerts_stream_free(struct alerts_stream *st);

/* Internal to the parsers (alerts_parse.c, alerts_stream.c): one alert
 * from its JSON (-1: not an alert), and the outcome of a framed array as
 * the element count or -1 with the message of a whole-body parse. */
struct cJSON;
struct json_frame;
int am_alert_from_json(struct alerts_arena *a, const struct cJSON *o, struct alert *al);
/* One alert as its JSON says it, before anything is kept: strings as
 * decoded (not NUL-terminated; s NULL when absent or not a string), the
 * first member of each name (as cJSON_GetObjectItemCaseSensitive finds
 * it), the string members of labels and annotations in their order. */
struct am_str {
	const char	*s;
	size_t		 n;
};
struct am_raw_pair {
	struct am_str	 name, value;
};
struct am_span {
	size_t		 off, n;
};
struct am_raw {
	/* What one alert says (cleared by am_raw_reset()). */
	struct am_str		 fingerprint, starts_at, ends_at, updated_at, generator_url;
	bool			 status;	/* "status" is an object */
	struct am_str		 state;		/* status.state */
	struct am_span		 labels, annotations;		/* in pairs */
	struct am_span		 receivers, silenced_by, inhibited_by, muted_by;	/* in strs */
	size_t			 npairs, nstrs;
	/* Where it is kept, from alert to alert. */
	struct am_raw_pair	*pairs;
	size_t			 pairs_cap;
	struct am_str		*strs;
	size_t			 strs_cap;
	char			*dec;		/* decoded strings (alerts_scan.c) */
	size_t			 dec_cap;
};
void am_raw_reset(struct am_raw *r);	/* empty, the arrays kept for reuse */
void am_raw_free(struct am_raw *r);
void am_raw_pair_add(struct am_raw *r, struct am_str name, struct am_str value);
void am_raw_str_add(struct am_raw *r, struct am_str v);
/* The alert of a raw form: 0, or -1 when it is not an alert (no labels). */
int am_alert_build(struct alerts_arena *a, const struct am_raw *r, struct alert *al);
/* The raw form read straight from one element's bytes (alerts_scan.c):
 * 0, or 1 when the element holds what only cJSON reads (numbers, \u
 * escapes, NUL bytes, deep nesting, anything not plain JSON): then r is
 * incomplete and the element must go to cJSON.  Whatever it reads, it
 * reads as cJSON would (tests/unit/test_alerts_scan.c, fuzz_alerts). */
int am_alert_scan(const char *el, size_t len, struct am_raw *r);
/* The same for the object at the start of p[0..n), bytes after it
 * allowed: *used is its length.  1 also when it does not end in n. */
int am_alert_scan_prefix(const char *p, size_t n, struct am_raw *r, size_t *used);
/* One element of an alerts answer: am_alert_scan(), else cJSON
 * (alerts_stream.c). */
int am_alert_read(struct alerts_arena *a, const char *el, size_t len, struct am_raw *scratch,
    struct alert *al);
long am_frame_finish(const char *what, struct json_frame *f, char **cause);
int silences_parse(const char *buf, size_t len, struct silence_set **out, char **cause);
int am_status_parse(const char *buf, size_t len, struct am_status *out, char **cause);
/* {"silenceID": "..."} of a POST /api/v2/silences. */
int am_silence_id_parse(const char *buf, size_t len, char **id, char **cause);
/* A one-line message for a failed answer: Alertmanager sends a JSON
 * string, or {"code","message"}, or nothing.  Sanitized. */
char *am_error_text(long status, const char *buf, size_t len);
/* The JSON body of POST /api/v2/silences.  id and starts_at_raw may be
 * NULL (a new silence starting at start). */
char *am_silence_body(const struct silence_matcher *m, size_t n, const char *id,
    const char *starts_at_raw, double start, double end, const char *created_by,
    const char *comment);

/* How every request to the peers is made: the tenant, TLS and
 * credentials of [alertmanager] and its filter, shared by the source, the
 * silence actions and readiness. */
struct am_conn {
	struct backend		 be;	/* no base: the peers have their URLs */
	struct matcher_list	 filter;	/* this site's alerts, may be empty */
	char			*filter_query;	/* "&filter=..." of filter, or "" */
	double			 timeout;	/* seconds, for actions */
};
/* From [alertmanager] (after the site's overrides). */
void am_conn_init(struct am_conn *c, const struct config *cfg);
void am_conn_clear(struct am_conn *c);

/* The source (sources/alertmanager.c): polls the peers into al. */
#define ALERTS_MAX_BYTES	(32u << 20)
struct source *alertmanager_source_new(struct app *app, struct alerts *al,
    const struct am_conn *conn);

#endif
