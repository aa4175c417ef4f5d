/* What loki_parse.c shares with the reader of a query_range answer as it
 * arrives (loki_reader.c): the pieces of a stream and the answer's
 * skeleton, all from cJSON values. */
#ifndef CERES_SOURCES_LOKI_PARSE_INT_H
#define CERES_SOURCES_LOKI_PARSE_INT_H

#include <cJSON.h>

#include "ceres/sources/logs.h"

/* The labels of a stream ("stream" object, NULL: none), sorted, hashed. */
void loki_stream_labels(cJSON *obj, struct loki_stream *st);
/* [ "<ns>", "<line>" (, {meta}) ]: 0, or -1 when malformed; out->line
 * points into v. */
int loki_stream_value(cJSON *v, struct loki_value *out);
/* One element of data.result, its lines copied; not an object: counted
 * as a malformed stream. */
void loki_stream_element(cJSON *it, struct loki_result *out, size_t *cap);
/* The answer but for the elements of data.result, checked as a whole
 * answer; *res: data.result when it was left in (not framed). */
cJSON *loki_skeleton_parse(const char *buf, size_t len, cJSON **res, char **cause);
/* The answer's "warnings" (at most 16) into r. */
void loki_result_warnings(cJSON *root, struct loki_result *r);

#endif
