/* Fuzz the framing scanner of chunked JSON arrays: the input fed in one
 * piece and in pieces cut where its own bytes say (the first byte seeds
 * the cuts) must give the same result and the same elements; a framed
 * element that cJSON accepts is exactly one value; an answer cJSON
 * accepts whole as an array is framed OK with as many elements. */
#include "ceres/util/json.h"
#include "ceres/util/json_frame.h"
#include "ceres/util/util.h"
#include "fuzz.h"

#include <cJSON.h>
#include <stdbool.h>

struct seen {
	struct strbuf	out;
	size_t		n;
};

static void
collect(const char *el, size_t len, size_t offset, void *arg)
{
	struct seen *s = arg;

	if (el != NULL) {
		cJSON *j = cJSON_ParseWithLength(el, len);

		strbuf_add(&s->out, el, len);
		cJSON_Delete(j);
	}
	strbuf_addf(&s->out, "\x01%zu\x01", offset);
	s->n++;
}

/* A take(): the object at p as far as cJSON reads it, recorded as
 * collect() records an element. */
static size_t
take_object(const char *p, size_t n, size_t offset, void *arg)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(p, n, &end, 0);
	bool obj = cJSON_IsObject(j) && end != NULL;

	cJSON_Delete(j);
	if (!obj)
		return 0;
	collect(p, (size_t)(end - p), offset, arg);
	return (size_t)(end - p);
}

static enum json_frame_result
frame_take(const char *buf, size_t len, unsigned step, bool take, struct seen *s, size_t *err_at);

static enum json_frame_result
frame(const char *buf, size_t len, unsigned step, struct seen *s, size_t *err_at)
{
	return frame_take(buf, len, step, false, s, err_at);
}

static enum json_frame_result
frame_take(const char *buf, size_t len, unsigned step, bool take, struct seen *s, size_t *err_at)
{
	struct json_frame f;
	enum json_frame_result r;
	size_t at = 0;

	strbuf_init(&s->out);
	strbuf_add(&s->out, "", 0);
	s->n = 0;
	json_frame_init(&f, 0, collect, s);
	if (take)
		json_frame_take(&f, take_object);
	while (at < len) {
		size_t n = step == 0 ? len - at : (at * 7 + step) % 13 + 1;

		if (n > len - at)
			n = len - at;
		json_frame_feed(&f, buf + at, n);
		at += n;
	}
	r = json_frame_finish(&f);
	*err_at = f.err_at;
	FUZZ_ASSERT(f.elements == s->n);
	json_frame_free(&f);
	return r;
}

static bool
json_spaces_only(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != ' ' && buf[i] != '\t' &&
		    buf[i] != '\n' && buf[i] != '\r')
			return false;
	return true;
}

FUZZ_TARGET(json_frame)
{
	char *buf = fuzz_copy(data, size);
	struct seen one, cut;
	size_t e1, e2;
	enum json_frame_result r1, r2;
	cJSON *whole;

	r1 = frame(buf, size, 0, &one, &e1);
	r2 = frame(buf, size, size > 0 ? (unsigned char)buf[0] + 1u : 1u, &cut, &e2);
	FUZZ_ASSERT(r1 == r2);
	FUZZ_ASSERT(r1 != JSON_FRAME_INVALID || e1 == e2);
	FUZZ_ASSERT(one.out.len == cut.out.len && memcmp(one.out.buf, cut.out.buf, one.out.len) == 0);
	strbuf_free(&cut.out);
	/* Objects taken whole where a piece holds them: the same again
	 * (cJSON's take reads past the value bound, so not over it). */
	if (!json_too_complex(buf, size)) {
		r2 = frame_take(buf, size, size > 0 ? (unsigned char)buf[0] + 1u : 1u, true, &cut, &e2);
		FUZZ_ASSERT(r1 == r2);
		FUZZ_ASSERT(r1 != JSON_FRAME_INVALID || e1 == e2);
		FUZZ_ASSERT(one.out.len == cut.out.len && memcmp(one.out.buf, cut.out.buf, one.out.len) == 0);
		strbuf_free(&cut.out);
		r2 = frame_take(buf, size, 0, true, &cut, &e2);
		FUZZ_ASSERT(r1 == r2);
		FUZZ_ASSERT(one.out.len == cut.out.len && memcmp(one.out.buf, cut.out.buf, one.out.len) == 0);
	}
	whole = json_too_complex(buf, size) ? NULL : cJSON_ParseWithLength(buf, size);
	/* cJSON takes any control byte for a space; JSON (and the scanner)
	 * only four. */
	if (cJSON_IsArray(whole) && json_spaces_only(buf, size)) {
		FUZZ_ASSERT(r1 == JSON_FRAME_OK);
		FUZZ_ASSERT(one.n == (size_t)cJSON_GetArraySize(whole));
	}
	cJSON_Delete(whole);
	strbuf_free(&one.out);
	strbuf_free(&cut.out);
	free(buf);
	return 0;
}
