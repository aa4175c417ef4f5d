/* JSON from backends and files: parsing with a bound on the tree it can
 * build (the JSON-bomb guard, in one place), and typed getters. */
#ifndef CERES_JSON_H
#define CERES_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

/* Eight bytes of a string at a time (x read with memcpy): non-zero when
 * one of them is c, or with json_bytes_below8() one below c (exact as a
 * yes or no; which bits are set is not). */
#define JSON_ONES8	0x0101010101010101ULL
#define JSON_HIGHS8	0x8080808080808080ULL
static inline uint64_t
json_bytes_eq8(uint64_t x, unsigned char c)
{
	uint64_t v = x ^ (JSON_ONES8 * c);

	return (v - JSON_ONES8) & ~v & JSON_HIGHS8;
}
static inline uint64_t
json_bytes_below8(uint64_t x, unsigned char c)
{
	return (x - JSON_ONES8 * c) & ~x & JSON_HIGHS8;
}

/* A parsed JSON tree costs ~80 bytes per value however few bytes the
 * value took: 8 MiB of "[0,0,0,..." is 4 million values, 350 MB of
 * cJSON.  Parsers of backend answers refuse more than JSON_MAX_VALUES
 * (~32 MB of tree; a real 8 MiB answer has a few hundred thousand).
 * json_too_complex() counts without parsing, in one pass. */
#define JSON_MAX_VALUES	400000
bool json_too_complex(const char *buf, size_t len);

enum json_error {
	JSON_OK = 0,
	JSON_INVALID,		/* not JSON (or empty) */
	JSON_TOO_COMPLEX,	/* more than JSON_MAX_VALUES values */
};
/* Parse buf (len bytes, need not be NUL-terminated): the tree, or NULL
 * with *err (may be NULL) saying why.  Every parse of a backend answer
 * or a file goes through here. */
cJSON *json_parse_bounded(const char *buf, size_t len, enum json_error *err);

/* Members of an object, NULL (or false) when o is not an object, the key
 * is missing or the value has another type. */
const cJSON *json_get(const cJSON *o, const char *key);
const char *json_get_str(const cJSON *o, const char *key);
bool json_get_num(const cJSON *o, const char *key, double *out);
/* 1 true, 0 false, def when missing or not a boolean. */
int json_get_bool(const cJSON *o, const char *key, int def);
const cJSON *json_get_obj(const cJSON *o, const char *key);
const cJSON *json_get_arr(const cJSON *o, const char *key);

/* Append s to sb as a JSON string, quoted, escaped byte for byte as
 * cJSON_Print*() would: streamed output matches a printed tree. */
struct strbuf;
void json_write_str(struct strbuf *sb, const char *s);

#endif
