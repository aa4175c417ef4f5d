/* The Alertmanager v2 protocol: pure parsers of its answers (bytes in, a
 * model or a message out), the body of a silence, and the source that
 * polls the peers of [alertmanager] url into struct alerts. */
#ifndef CERES_SOURCES_ALERTS_H
#define CERES_SOURCES_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/alerts.h"

struct app;
struct source;

/* Parsers: pure, (bytes, length) in, a result or a message out.  Malformed
 * elements inside an otherwise valid answer are skipped and counted. */
int alerts_parse(const char *buf, size_t len, struct alert_set **out, char **cause);
/* The same, fed as the answer arrives (a struct http_request sink): each
 * alert is parsed and kept as soon as its last byte is in.  max_bytes 0:
 * no cap.  finish gives what alerts_parse() gives for the whole answer;
 * free after it (or instead of it, to drop a half-read answer). */
struct alerts_stream;
struct alerts_stream *alerts_stream_new(size_t max_bytes);
void alerts_stream_feed(const char *p, size_t n, void *stream);
int alerts_stream_finish(struct alerts_stream *st, struct alert_set **out, char **cause);
void alerts_stream_free(struct alerts_stream *st);
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

/* How every request to the peers is made: the credentials of
 * [alertmanager], shared by the source and the silence actions. */
struct am_conn {
	char	*userpwd;	/* basic auth, secret */
	bool	 insecure;
	double	 timeout;	/* seconds, for actions */
};
void am_conn_clear(struct am_conn *c);

/* The source (sources/alertmanager.c): polls the peers into al. */
#define ALERTS_MAX_BYTES	(32u << 20)
struct source *alertmanager_source_new(struct app *app, struct alerts *al,
    const struct am_conn *conn);

#endif
