/* A query_range answer parsed as it arrives.  A small scanner follows the
 * answer outside data.result (kept as the skeleton, a few hundred bytes);
 * after the '[' of data.result it follows each stream, keeping the
 * stream's own skeleton (its labels, "values" emptied), and the '[' of
 * its "values" hands the bytes to a json_frame that gives each value as
 * soon as its last byte is in.  Memory holds one value, not the stream:
 * a single stream of 100,000 lines is read line by line.  A malformed
 * stream or value is counted and skipped; the framing errors of the
 * answer as a whole stay those of loki_parse_streams(). */
#include "ceres/sources/logs.h"
#include "ceres/util/json.h"
#include "ceres/util/json_frame.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"
#include "loki_parse_int.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

enum { R_SKEL, R_RESULT, R_ELEM, R_VALUES, R_STOP };
enum { P_NONE, P_DATA, P_RESULT };
enum { RP_FIRST, RP_EXPECT, RP_AFTER };	/* in data.result: after '[', ',', an element */
enum { ERR_NONE, ERR_MALFORMED, ERR_COMPLEX };
enum { EL_MORE, EL_END, EL_END_BEFORE, EL_VALUES };

/* The stream being read. */
struct elem {
	struct strbuf		 skel;		/* the object, "values" emptied */
	bool			 keep;		/* an object (anything else is malformed) */
	bool			 scalar;	/* a number, literal or garbage */
	bool			 bad;		/* its values did not frame */
	size_t			 depth;
	size_t			 values;	/* JSON values of the skeleton */
	bool			 in_str, esc, deep, key_str, pending;
	char			 key[8];	/* the last string at depth 1 */
	size_t			 keylen;
	struct loki_value	*vals;		/* .line is NULL until the end */
	size_t			*offs;		/* where each line starts in text */
	size_t			 nvals, cap, nbad;
	struct strbuf		 text;		/* the lines, each with its NUL */
};

struct loki_reader {
	struct strbuf		 skel;
	struct loki_result	 res;
	size_t			 cap;
	int			 mode;
	int			 rphase;
	int			 err;
	bool			 framed;	/* data.result was followed */
	struct elem		 el;
	struct json_frame	 vf;		/* the values of el */
	bool			 vf_on;
	/* The skeleton scanner. */
	size_t			 depth;
	bool			 started, in_str, esc, root_obj, in_data, data_seen, keep_key;
	int			 pending;	/* the value after "data": / "result": */
	char			 key[8];	/* the last key at depth 1, or 2 in data */
	size_t			 keylen;
};

struct loki_reader *
loki_reader_new(void)
{
	struct loki_reader *rd = xcalloc(1, sizeof *rd);

	strbuf_init(&rd->skel);
	strbuf_init(&rd->el.skel);
	strbuf_init(&rd->el.text);
	return rd;
}

static void
elem_reset(struct elem *e)
{
	free(e->vals);
	free(e->offs);
	strbuf_free(&e->skel);
	strbuf_free(&e->text);
	memset(e, 0, sizeof *e);
	strbuf_init(&e->skel);
	strbuf_init(&e->text);
}

static void
frame_stop(struct loki_reader *rd)
{
	if (rd->vf_on)
		json_frame_free(&rd->vf);
	rd->vf_on = false;
}

void
loki_reader_free(struct loki_reader *rd)
{
	if (rd == NULL)
		return;
	frame_stop(rd);
	elem_reset(&rd->el);
	strbuf_free(&rd->el.skel);
	strbuf_free(&rd->el.text);
	strbuf_free(&rd->skel);
	loki_result_free(&rd->res);
	free(rd);
}

static bool
key_is(const char *key, size_t keylen, const char *k)
{
	return keylen == strlen(k) && memcmp(key, k, keylen) == 0;
}

/* One byte of the skeleton: true when it is the '[' of data.result. */
static bool
skel_byte(struct loki_reader *rd, char c)
{
	int pending;
	bool first;

	if (rd->in_str) {
		if (rd->esc)
			rd->esc = false;
		else if (c == '\\')
			rd->esc = true;
		else if (c == '"')
			rd->in_str = false;
		if (rd->in_str && rd->keep_key && rd->keylen++ < sizeof rd->key)
			rd->key[rd->keylen - 1] = c;
		return false;
	}
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return false;
	pending = rd->pending;
	rd->pending = P_NONE;
	first = !rd->started;
	rd->started = true;
	switch (c) {
	case '"':
		rd->in_str = true;
		rd->keep_key = (rd->depth == 1 && rd->root_obj) || (rd->depth == 2 && rd->in_data);
		rd->keylen = 0;
		break;
	case ':':
		if (rd->depth == 1 && rd->root_obj && !rd->data_seen && key_is(rd->key, rd->keylen, "data"))
			rd->pending = P_DATA;
		else if (rd->depth == 2 && rd->in_data && !rd->framed &&
		    key_is(rd->key, rd->keylen, "result"))
			rd->pending = P_RESULT;
		break;
	case '{':
	case '[':
		if (pending == P_RESULT && c == '[')
			return true;
		if (first && c == '{')
			rd->root_obj = true;
		if (pending == P_DATA && c == '{')
			rd->in_data = rd->data_seen = true;
		rd->depth++;
		break;
	case '}':
	case ']':
		if (rd->depth > 0 && --rd->depth < 2)
			rd->in_data = false;
		break;
	}
	return false;
}

/* ---- One value of a stream ---- */

static void
value_add(struct elem *e, int64_t ts, const char *line, size_t len)
{
	if (e->nvals == e->cap) {
		e->cap = e->cap > 0 ? e->cap * 2 : 64;
		e->vals = xreallocarray(e->vals, e->cap, sizeof *e->vals);
		e->offs = xreallocarray(e->offs, e->cap, sizeof *e->offs);
	}
	e->offs[e->nvals] = e->text.len;
	e->vals[e->nvals].ts = ts;
	e->vals[e->nvals].line = NULL;
	e->vals[e->nvals].len = len;
	e->nvals++;
	strbuf_add(&e->text, line, len);
	strbuf_addc(&e->text, '\0');
}

static void
value_json(struct elem *e, cJSON *v)
{
	struct loki_value lv;

	if (loki_stream_value(v, &lv) == 0)
		value_add(e, lv.ts, lv.line, lv.len);
	else
		e->nbad++;
}

static void
value_framed(const char *el, size_t len, size_t offset, void *arg)
{
	struct loki_reader *rd = arg;
	cJSON *j;

	(void)offset;
	if (el == NULL || (j = cJSON_ParseWithLength(el, len)) == NULL) {
		rd->el.nbad++;		/* too deep, or not JSON */
		return;
	}
	value_json(&rd->el, j);
	cJSON_Delete(j);
}

/* ---- One stream ---- */

static void
stream_bad(struct loki_reader *rd)
{
	rd->res.nbad++;
	rd->res.nbad_streams++;
}

/* The stream ended: its skeleton parsed, the values read joined to it
 * (and any its skeleton still holds: a "values" key spelt with escapes
 * was not followed). */
static void
elem_end(struct loki_reader *rd)
{
	struct elem *e = &rd->el;
	struct loki_stream *st;
	cJSON *j = NULL, *v;

	if (!e->keep || e->deep || e->bad ||
	    (j = cJSON_ParseWithLength(e->skel.buf != NULL ? e->skel.buf : "", e->skel.len)) == NULL ||
	    !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		stream_bad(rd);
		elem_reset(e);
		return;
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "values");
	if (cJSON_IsArray(v)) {
		cJSON *it;

		cJSON_ArrayForEach(it, v)
			value_json(e, it);
	}
	if (rd->res.nstreams == rd->cap) {
		rd->cap = rd->cap > 0 ? rd->cap * 2 : 8;
		rd->res.streams = xreallocarray(rd->res.streams, rd->cap, sizeof *rd->res.streams);
	}
	st = &rd->res.streams[rd->res.nstreams++];
	memset(st, 0, sizeof *st);
	v = cJSON_GetObjectItemCaseSensitive(j, "stream");
	loki_stream_labels(cJSON_IsObject(v) ? v : NULL, st);
	cJSON_Delete(j);
	st->values = e->vals != NULL ? e->vals : xcalloc(1, sizeof *st->values);
	st->nvalues = e->nvals;
	st->text = strbuf_detach(&e->text);
	for (size_t i = 0; i < e->nvals; i++)
		st->values[i].line = st->text + e->offs[i];
	rd->res.nentries += e->nvals;
	rd->res.nbad += e->nbad;
	e->vals = NULL;
	elem_reset(e);
}

static void
elem_begin(struct loki_reader *rd, char c)
{
	struct elem *e = &rd->el;

	elem_reset(e);
	e->keep = c == '{';
	/* Counted as json_too_complex() counts: the first value, and every
	 * ',' '[' '{' outside a string (this one included). */
	e->values = c == '{' || c == '[' ? 2 : 1;
	if (c == '{' || c == '[')
		e->depth = 1;
	else if (c == '"')
		e->in_str = true;
	else
		e->scalar = true;
	if (e->keep)
		strbuf_addc(&e->skel, c);
}

static int
elem_byte(struct loki_reader *rd, char c)
{
	struct elem *e = &rd->el;
	bool pending = e->pending;
	int r = EL_MORE;

	if (e->scalar)
		return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' ||
		    c == '\r' ? EL_END_BEFORE : EL_MORE;
	if (e->in_str) {
		if (e->esc)
			e->esc = false;
		else if (c == '\\')
			e->esc = true;
		else if (c == '"') {
			e->in_str = false;
			r = e->depth == 0 ? EL_END : EL_MORE;
		}
		if (e->in_str && e->key_str && e->keylen++ < sizeof e->key)
			e->key[e->keylen - 1] = c;
	} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		;
	} else {
		e->pending = false;
		switch (c) {
		case '"':
			e->in_str = true;
			e->key_str = e->depth == 1;
			if (e->key_str)
				e->keylen = 0;
			break;
		case ':':
			e->pending = e->depth == 1 && e->keep && key_is(e->key, e->keylen, "values");
			break;
		case '[':
			if (pending) {
				if (!e->deep)
					strbuf_adds(&e->skel, "[]");
				return EL_VALUES;
			}
			/* FALLTHROUGH */
		case '{':
			if (++e->depth > JSON_FRAME_MAX_DEPTH)
				e->deep = true;
			/* FALLTHROUGH */
		case ',':
			if (++e->values > JSON_MAX_VALUES)
				rd->err = ERR_COMPLEX;
			break;
		case '}':
		case ']':
			r = --e->depth == 0 ? EL_END : EL_MORE;
			break;
		}
	}
	if (e->keep && !e->deep)
		strbuf_addc(&e->skel, c);
	return r;
}

/* ---- Feeding ---- */

/* A byte of data.result between streams. */
static void
result_byte(struct loki_reader *rd, char c)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return;
	if (c == ']' && rd->rphase != RP_EXPECT)
		rd->mode = R_SKEL;
	else if (rd->rphase == RP_AFTER)
		rd->rphase = c == ',' ? RP_EXPECT : (rd->err = ERR_MALFORMED, RP_AFTER);
	else if (c == ',' || c == ']' || c == '}')
		rd->err = ERR_MALFORMED;	/* an empty element */
	else {
		elem_begin(rd, c);
		rd->mode = R_ELEM;
	}
}

/* Bytes of a stream's values: back to the stream after their ']'; a
 * values array that does not frame makes the stream malformed, and the
 * scan goes on from the byte in the way, inside that array. */
static size_t
values_feed(struct loki_reader *rd, const char *p, size_t n)
{
	size_t before = rd->vf.total;
	bool ok = json_frame_feed(&rd->vf, p, n);

	if (rd->vf.end > 0) {
		n = rd->vf.end - before;
		frame_stop(rd);
		rd->mode = R_ELEM;
	} else if (!ok) {
		if (rd->vf.result == JSON_FRAME_TOO_COMPLEX) {
			rd->err = ERR_COMPLEX;
			return n;
		}
		n = rd->vf.err_at - before;
		frame_stop(rd);
		rd->el.bad = true;
		rd->el.keep = false;
		rd->el.depth++;		/* inside the values array */
		rd->mode = R_ELEM;
	}
	return n;
}

static size_t
elem_feed(struct loki_reader *rd, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && rd->err == ERR_NONE; i++) {
		switch (elem_byte(rd, p[i])) {
		case EL_MORE:
			continue;
		case EL_END:
			i++;
			break;
		case EL_END_BEFORE:
			break;
		case EL_VALUES:
			json_frame_init(&rd->vf, 0, value_framed, rd);
			rd->vf_on = true;
			json_frame_feed(&rd->vf, "[", 1);
			rd->mode = R_VALUES;
			return i + 1;
		}
		elem_end(rd);
		rd->mode = R_RESULT;
		rd->rphase = RP_AFTER;
		return i;
	}
	return i;
}

static size_t
skel_feed(struct loki_reader *rd, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (skel_byte(rd, p[i])) {
			strbuf_add(&rd->skel, p, i);
			strbuf_adds(&rd->skel, "[]");
			rd->framed = true;
			rd->mode = R_RESULT;
			rd->rphase = RP_FIRST;
			return i + 1;
		}
	}
	strbuf_add(&rd->skel, p, n);
	return n;
}

void
loki_reader_feed(const char *p, size_t n, void *arg)
{
	struct loki_reader *rd = arg;
	size_t i = 0;

	while (i < n && rd->mode != R_STOP) {
		switch (rd->mode) {
		case R_SKEL:
			i += skel_feed(rd, p + i, n - i);
			break;
		case R_RESULT:
			result_byte(rd, p[i++]);
			break;
		case R_ELEM:
			i += elem_feed(rd, p + i, n - i);
			break;
		case R_VALUES:
			i += values_feed(rd, p + i, n - i);
			break;
		}
		if (rd->err != ERR_NONE) {
			frame_stop(rd);
			rd->mode = R_STOP;
		}
	}
}

size_t
loki_reader_held(const struct loki_reader *rd)
{
	return rd->skel.cap + rd->el.skel.cap + (rd->vf_on ? rd->vf.elem.cap : 0);
}

int
loki_reader_finish(struct loki_reader *rd, struct loki_result *out, char **cause)
{
	cJSON *root, *res, *it;

	memset(out, 0, sizeof *out);
	if (rd->err == ERR_COMPLEX) {
		*cause = xasprintf(_("Loki answer too complex (over %d JSON values)"), JSON_MAX_VALUES);
		return -1;
	}
	if (rd->err != ERR_NONE || (rd->framed && rd->mode != R_SKEL)) {
		*cause = xstrdup(_("malformed JSON in the Loki answer"));
		return -1;
	}
	root = loki_skeleton_parse(rd->skel.buf != NULL ? rd->skel.buf : "", rd->skel.len, &res, cause);
	if (root == NULL)
		return -1;
	cJSON_ArrayForEach(it, res)
		loki_stream_element(it, &rd->res, &rd->cap);
	loki_result_warnings(root, &rd->res);
	cJSON_Delete(root);
	*out = rd->res;
	memset(&rd->res, 0, sizeof rd->res);
	return 0;
}

/* A whole answer in memory: the reader fed it in one piece. */
int
loki_parse_streams(const char *buf, size_t len, struct loki_result *out, char **cause)
{
	struct loki_reader *rd = loki_reader_new();
	int rc;

	loki_reader_feed(buf != NULL ? buf : "", buf != NULL ? len : 0, rd);
	rc = loki_reader_finish(rd, out, cause);
	loki_reader_free(rd);
	return rc;
}
