/* Framing of a chunked JSON array: see json_frame.h.  The rules are those
 * of a whole-buffer walk (element by element, the error at the byte where
 * the first unframed part starts), so an answer fed in any number of
 * pieces gives the same elements and the same result as in one. */
#include "ceres/util/json_frame.h"
#include "ceres/util/json.h"

#include <stdint.h>
#include <string.h>

enum {
	PH_BEFORE,	/* spaces before the array */
	PH_FIRST,	/* after '[': an element or ']' */
	PH_EXPECT,	/* after ',': an element */
	PH_ELEM,	/* inside an object, array or string element */
	PH_SCALAR,	/* inside a number, literal or garbage */
	PH_AFTER,	/* after an element: ',' or ']' */
	PH_WHOLE,	/* not an array: keep it all */
	PH_DONE,
	PH_FAILED,
};

static bool
space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void
json_frame_init(struct json_frame *f, size_t max_bytes, json_frame_fn fn, void *arg)
{
	memset(f, 0, sizeof *f);
	f->max_bytes = max_bytes;
	f->fn = fn;
	f->arg = arg;
	f->phase = PH_BEFORE;
	strbuf_init(&f->whole);
	strbuf_init(&f->elem);
}

void
json_frame_take(struct json_frame *f, json_frame_take_fn take)
{
	f->take = take;
}

void
json_frame_free(struct json_frame *f)
{
	strbuf_free(&f->whole);
	strbuf_free(&f->elem);
}

static void
fail(struct json_frame *f, enum json_frame_result r, size_t at)
{
	f->result = r;
	f->err_at = at;
	f->phase = PH_FAILED;
	strbuf_free(&f->elem);
	strbuf_init(&f->elem);
}

/* Keep the element bytes p[0..n) unless the element is past a guard. */
static void
keep(struct json_frame *f, const char *p, size_t n)
{
	if (!f->deep && !f->complex && n > 0)
		strbuf_add(&f->elem, p, n);
}

/* Hand over the element el/len (the bytes kept, or a piece of the chunk
 * when the element is whole in it). */
static void
emit_span(struct json_frame *f, const char *el, size_t len)
{
	if (f->complex) {
		fail(f, JSON_FRAME_TOO_COMPLEX, f->elem_start);
		return;
	}
	f->fn(f->deep ? NULL : el, f->deep ? 0 : len, f->elem_start, f->arg);
	f->elements++;
	f->elem.len = 0;
	f->phase = PH_AFTER;
}

static void
emit(struct json_frame *f)
{
	emit_span(f, f->elem.buf != NULL ? f->elem.buf : "", f->elem.len);
}

/* Whether any of the eight bytes of x is a quote or a backslash. */
static inline bool
str_stop8(uint64_t x)
{
	return (json_bytes_eq8(x, '"') | json_bytes_eq8(x, '\\')) != 0;
}

static void
begin(struct json_frame *f, char c, size_t at)
{
	f->elem.len = 0;
	f->elem_start = at;
	f->depth = 0;
	/* Counted as json_too_complex() counts: the first value, and
	 * every ',' '[' '{' outside a string (this one included). */
	f->values = c == '{' || c == '[' ? 2 : 1;
	f->in_str = f->esc = f->deep = f->complex = false;
	if (c == '{' || c == '[') {
		f->depth = 1;
		f->phase = PH_ELEM;
	} else if (c == '"') {
		f->in_str = true;
		f->phase = PH_ELEM;
	} else if (c == ',' || c == ']' || c == '}')
		fail(f, JSON_FRAME_INVALID, at);	/* an empty element */
	else
		f->phase = PH_SCALAR;
}

/* Bytes that end a run inside a string. */
static const unsigned char str_stop[256] = { ['"'] = 1, ['\\'] = 1 };

/* One byte inside an object, array or string element: true when it was
 * the element's last. */
static bool
elem_byte(struct json_frame *f, char c)
{
	if (f->in_str) {
		if (f->esc)
			f->esc = false;
		else if (c == '\\')
			f->esc = true;
		else if (c == '"') {
			f->in_str = false;
			return f->depth == 0;
		}
		return false;
	}
	if (c == '"')
		f->in_str = true;
	else if (c == '{' || c == '[') {
		if (++f->depth > JSON_FRAME_MAX_DEPTH)
			f->deep = true;
		if (++f->values > JSON_MAX_VALUES)
			f->complex = true;
	} else if (c == ',') {
		if (++f->values > JSON_MAX_VALUES)
			f->complex = true;
	} else if (c == '}' || c == ']')
		return --f->depth == 0;
	return false;
}

/* Scan p[0..n), the bytes at offset f->total of the answer.  The bytes
 * of an element are kept as one block per piece, not byte by byte. */
static void
scan(struct json_frame *f, const char *p, size_t n)
{
	size_t i = 0, run = 0;	/* element bytes p[run..i) not yet kept */

	while (i < n && f->phase != PH_FAILED && f->phase != PH_DONE) {
		char c = p[i];
		size_t at = f->total + i;

		switch (f->phase) {
		case PH_BEFORE:
			strbuf_addc(&f->whole, c);
			if (c == '[') {
				strbuf_free(&f->whole);
				strbuf_init(&f->whole);
				f->phase = PH_FIRST;
			} else if (!space(c))
				f->phase = PH_WHOLE;
			i++;
			break;
		case PH_WHOLE:
			strbuf_add(&f->whole, p + i, n - i);
			i = n;
			break;
		case PH_FIRST:
		case PH_EXPECT:
			if (space(c)) {
				i++;
				break;
			}
			if (c == ']' && f->phase == PH_FIRST) {
				f->phase = PH_DONE;
				f->end = at + 1;
				break;
			}
			if (c == '{' && f->take != NULL) {
				size_t used = f->take(p + i, n - i, at, f->arg);

				if (used > 0) {
					f->elem_start = at;
					f->elements++;
					f->phase = PH_AFTER;
					i += used;
					break;
				}
			}
			begin(f, c, at);
			run = i++;
			break;
		case PH_ELEM:
			/* The hot loop: plain bytes of a string run through here,
			 * those between quotes without a look at each. */
			while (i < n) {
				if (f->in_str && !f->esc) {
					uint64_t x;

					for (; i + 8 <= n; i += 8) {
						memcpy(&x, p + i, 8);
						if (str_stop8(x))
							break;
					}
					while (i < n && !str_stop[(unsigned char)p[i]])
						i++;
				}
				if (i >= n || elem_byte(f, p[i]))
					break;
				i++;
			}
			if (i < n) {
				i++;	/* its last byte */
				/* Whole in this piece: handed over where it is. */
				if (f->elem.len == 0 && !f->deep && !f->complex)
					emit_span(f, p + run, i - run);
				else {
					keep(f, p + run, i - run);
					emit(f);
				}
			}
			break;
		case PH_SCALAR:
			if (c == ',' || c == ']' || c == '}' || space(c)) {
				keep(f, p + run, i - run);
				emit(f);	/* c is looked at again after it */
			} else
				i++;
			break;
		case PH_AFTER:
			if (space(c))
				;
			else if (c == ']') {
				f->phase = PH_DONE;
				f->end = at + 1;
			} else if (c == ',')
				f->phase = PH_EXPECT;
			else
				fail(f, JSON_FRAME_INVALID, at);
			i++;
			break;
		}
	}
	if (f->phase == PH_ELEM || f->phase == PH_SCALAR)
		keep(f, p + run, n - run);
}

bool
json_frame_feed(struct json_frame *f, const char *p, size_t n)
{
	if (f->phase == PH_FAILED)
		return false;
	if (f->max_bytes > 0 && n > f->max_bytes - f->total) {
		fail(f, JSON_FRAME_TOO_LARGE, f->max_bytes);
		f->total += n;
		return false;
	}
	if (f->phase != PH_DONE)
		scan(f, p, n);
	f->total += n;
	return f->phase != PH_FAILED;
}

enum json_frame_result
json_frame_finish(struct json_frame *f)
{
	switch (f->phase) {
	case PH_FAILED:
		return f->result;
	case PH_DONE:
		return f->result = JSON_FRAME_OK;
	case PH_BEFORE:
	case PH_WHOLE:
		return f->result = f->total == 0 ? JSON_FRAME_EMPTY : JSON_FRAME_NOT_ARRAY;
	case PH_SCALAR:
		emit(f);	/* a scalar ends with the answer; the array does not */
		if (f->phase == PH_FAILED)
			return f->result;
		break;
	case PH_ELEM:
		fail(f, JSON_FRAME_INVALID, f->elem_start);
		return f->result;
	default:
		break;
	}
	fail(f, JSON_FRAME_INVALID, f->total);
	return f->result;
}
