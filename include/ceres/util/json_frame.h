/* Framing of a JSON array that arrives in chunks (a libcurl write
 * callback): each complete element of the top-level array is handed to a
 * callback as soon as its last byte arrives, so an answer is parsed while
 * it is still on the wire and only one element is held at a time.  Only
 * boundaries are found here (strings, escapes and nesting respected, a
 * multi-byte character may be split anywhere: the scanner only looks at
 * ASCII bytes); the caller parses each element.  The guards of
 * json_parse_bounded() hold per element: over JSON_MAX_VALUES values is
 * "too complex", deeper than JSON_FRAME_MAX_DEPTH is handed over as a
 * malformed element (NULL) without being kept. */
#ifndef CERES_JSON_FRAME_H
#define CERES_JSON_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/util/util.h"

#define JSON_FRAME_MAX_DEPTH	1000

/* One element: el/len, or el == NULL for one too deep to keep.  offset is
 * where it starts in the answer.  el is not NUL-terminated (it may be a
 * piece of the chunk fed) and lives until the callback returns. */
typedef void (*json_frame_fn)(const char *el, size_t len, size_t offset, void *arg);

/* Optional, for the elements that start with '{' in the piece fed: their
 * bytes from the '{' to the end of the piece are p[0..n).  It may take
 * one whole element from them at once and return its length (the bytes
 * of exactly one valid JSON object, so the framing would have found the
 * same end); 0: it did not (the element is cut by the piece's end, or
 * not what it reads), and the element is framed and handed to the
 * element callback as usual.  Elements taken count in elements. */
typedef size_t (*json_frame_take_fn)(const char *p, size_t n, size_t offset, void *arg);

enum json_frame_result {
	JSON_FRAME_OK = 0,	/* the array ended; bytes after it are ignored */
	JSON_FRAME_EMPTY,	/* no byte at all */
	JSON_FRAME_INVALID,	/* not well framed: at byte err_at */
	JSON_FRAME_TOO_COMPLEX,	/* one element over JSON_MAX_VALUES values */
	JSON_FRAME_TOO_LARGE,	/* more than max_bytes fed */
	JSON_FRAME_NOT_ARRAY,	/* does not start with '[': the whole answer is in whole */
};

struct json_frame {
	size_t		 max_bytes;	/* 0: no cap */
	json_frame_fn	 fn;
	json_frame_take_fn take;	/* NULL: none (json_frame_take()) */
	void		*arg;
	/* Progress. */
	size_t		 total;		/* bytes fed */
	size_t		 elements;	/* elements handed over */
	enum json_frame_result result;	/* set once an error is known */
	size_t		 err_at;
	size_t		 end;		/* once OK: the offset just past the ']' */
	struct strbuf	 whole;		/* the answer while it may not be an array */
	/* Scanner state (json_frame.c). */
	int		 phase;
	struct strbuf	 elem;
	size_t		 elem_start;
	size_t		 depth;
	size_t		 values;
	bool		 in_str, esc, deep, complex, failed;
};

void json_frame_init(struct json_frame *f, size_t max_bytes, json_frame_fn fn, void *arg);
void json_frame_free(struct json_frame *f);
/* Elements that take() reads whole, as it is given them (same arg). */
void json_frame_take(struct json_frame *f, json_frame_take_fn take);
/* Feed the next n bytes; false once the answer is known to be bad (more
 * bytes are then ignored). */
bool json_frame_feed(struct json_frame *f, const char *p, size_t n);
/* The answer ended: JSON_FRAME_OK, or why not (a truncated answer is
 * JSON_FRAME_INVALID at the byte where the unfinished part starts). */
enum json_frame_result json_frame_finish(struct json_frame *f);

#endif
