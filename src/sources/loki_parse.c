/* Loki answers, parsed purely from (bytes, length): query_range streams,
 * label lists, nanosecond timestamps and text/plain errors.  Timestamps
 * are exact 64-bit integers: they exceed 2^53 and a double would merge
 * neighbouring lines. */
#include "ceres/sources/logs.h"
#include "loki_parse_int.h"
#include "ceres/util/json.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WARNINGS	16
#define MAX_LABELS	10000

int
loki_ts_parse(const char *s, size_t len, int64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}


static int
label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct loki_label *)a)->name, ((const struct loki_label *)b)->name);
}

/* Order entries by (timestamp, position in the answer): a stable sort,
 * since lines sharing a timestamp keep the stream's order. */
struct value_pos {
	int64_t	ts;
	size_t	pos;
};

static int
value_pos_cmp(const void *a, const void *b)
{
	const struct value_pos *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
values_sort(struct loki_stream *st)
{
	struct value_pos *vp = xcalloc(st->nvalues, sizeof *vp);
	struct loki_value *sorted = xcalloc(st->nvalues, sizeof *sorted);

	for (size_t i = 0; i < st->nvalues; i++) {
		vp[i].ts = st->values[i].ts;
		vp[i].pos = i;
	}
	qsort(vp, st->nvalues, sizeof *vp, value_pos_cmp);
	for (size_t i = 0; i < st->nvalues; i++)
		sorted[i] = st->values[vp[i].pos];
	free(st->values);
	st->values = sorted;
	free(vp);
}

void
loki_result_order(struct loki_result *r, bool backward)
{
	for (size_t s = 0; s < r->nstreams; s++) {
		struct loki_stream *st = &r->streams[s];
		bool sorted = true;

		/* A backward answer lists each stream newest first, lines of
		 * one timestamp included: reversing keeps their order right. */
		if (backward) {
			for (size_t a = 0, b = st->nvalues; a + 1 < b; a++, b--) {
				struct loki_value t = st->values[a];

				st->values[a] = st->values[b - 1];
				st->values[b - 1] = t;
			}
		}
		for (size_t k = 1; k < st->nvalues && sorted; k++)
			sorted = st->values[k - 1].ts <= st->values[k].ts;
		if (!sorted)
			values_sort(st);
	}
}

/* Labels sorted by name, and the hash of the set: the identity of the
 * stream whatever order the keys came in. */
void
loki_stream_labels(cJSON *obj, struct loki_stream *st)
{
	cJSON *it;
	size_t n = 0;
	uint64_t h = 0x1234;

	cJSON_ArrayForEach(it, obj)
		n += cJSON_IsString(it) && it->string != NULL;
	st->labels = xcalloc(n, sizeof *st->labels);
	cJSON_ArrayForEach(it, obj) {
		if (!cJSON_IsString(it) || it->string == NULL)
			continue;
		st->labels[st->nlabels].name = xstrdup(it->string);
		st->labels[st->nlabels].value = xstrdup(it->valuestring);
		st->nlabels++;
	}
	qsort(st->labels, st->nlabels, sizeof *st->labels, label_cmp);
	for (size_t i = 0; i < st->nlabels; i++) {
		h = hash64(st->labels[i].name, strlen(st->labels[i].name) + 1, h);
		h = hash64(st->labels[i].value, strlen(st->labels[i].value) + 1, h);
	}
	st->hash = h;
}

/* [ "<ns>", "<line>" ] or, with categorize-labels, [ ns, line, {meta} ]. */
int
loki_stream_value(cJSON *v, struct loki_value *out)
{
	cJSON *ts, *line;

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 2)
		return -1;
	ts = cJSON_GetArrayItem(v, 0);
	line = cJSON_GetArrayItem(v, 1);
	if (!cJSON_IsString(ts) || !cJSON_IsString(line))
		return -1;
	if (loki_ts_parse(ts->valuestring, strlen(ts->valuestring), &out->ts) != 0)
		return -1;
	out->line = line->valuestring;
	out->len = strlen(line->valuestring);
	return 0;
}

static void
stream_free(struct loki_stream *st)
{
	for (size_t i = 0; i < st->nlabels; i++) {
		free(st->labels[i].name);
		free(st->labels[i].value);
	}
	free(st->labels);
	free(st->values);
	free(st->text);
}

void
loki_result_free(struct loki_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nstreams; i++)
		stream_free(&r->streams[i]);
	free(r->streams);
	loki_strv_free(r->warnings, r->nwarnings);
	memset(r, 0, sizeof *r);
}

/* {"status":"error","errorType":…,"error":…} as some versions and proxies
 * answer; NULL when the document is not such an error. */
static char *
json_error(cJSON *root)
{
	cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
	cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");

	if (!cJSON_IsString(st) || strcmp(st->valuestring, "success") == 0)
		return NULL;
	if (cJSON_IsString(err))
		return xasprintf("Loki error: %.300s", err->valuestring);
	return xasprintf("Loki status \"%.40s\"", st->valuestring);
}

/* One element of data.result: a stream whose lines are copied out of the
 * tree (the caller frees it); not an object, it is counted and skipped. */
void
loki_stream_element(cJSON *it, struct loki_result *out, size_t *cap)
{
	cJSON *labels, *values, *v;
	struct loki_stream *st;
	size_t nv, bytes = 0;
	char *p;

	if (!cJSON_IsObject(it)) {
		out->nbad++;
		out->nbad_streams++;
		return;
	}
	if (out->nstreams == *cap) {
		*cap = *cap > 0 ? *cap * 2 : 8;
		out->streams = xreallocarray(out->streams, *cap, sizeof *out->streams);
	}
	st = &out->streams[out->nstreams++];
	memset(st, 0, sizeof *st);
	labels = cJSON_GetObjectItemCaseSensitive(it, "stream");
	values = cJSON_GetObjectItemCaseSensitive(it, "values");
	loki_stream_labels(cJSON_IsObject(labels) ? labels : NULL, st);
	nv = cJSON_IsArray(values) ? (size_t)cJSON_GetArraySize(values) : 0;
	st->values = xcalloc(nv, sizeof *st->values);
	if (nv == 0)
		return;
	cJSON_ArrayForEach(v, values) {
		if (loki_stream_value(v, &st->values[st->nvalues]) == 0)
			bytes += st->values[st->nvalues++].len;
		else
			out->nbad++;
	}
	/* Each line keeps its terminating NUL, as in the tree. */
	st->text = p = xmalloc(bytes + st->nvalues + 1);
	for (size_t i = 0; i < st->nvalues; i++) {
		memcpy(p, st->values[i].line, st->values[i].len + 1);
		st->values[i].line = p;
		p += st->values[i].len + 1;
	}
	out->nentries += st->nvalues;
}

/* The answer but for the elements of data.result (framed one by one as
 * they arrive, "[]" in their place), checked as a whole answer was:
 * *res is data.result when it was not framed (a key spelt with escapes,
 * say), else the empty array or NULL. */
cJSON *
loki_skeleton_parse(const char *buf, size_t len, cJSON **res, char **cause)
{
	cJSON *root, *data, *rt;
	enum json_error je;

	*res = NULL;
	root = json_parse_bounded(buf, len, &je);
	if (je == JSON_TOO_COMPLEX) {
		*cause = xasprintf(_("Loki answer too complex (over %d JSON values)"), JSON_MAX_VALUES);
		return NULL;
	}
	if (root == NULL) {
		*cause = xstrdup(_("malformed JSON in the Loki answer"));
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("the Loki answer is not a JSON object");
		goto fail;
	}
	if ((*cause = json_error(root)) != NULL)
		goto fail;
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (!cJSON_IsObject(data)) {
		*cause = xstrdup("the Loki answer has no \"data\" object");
		goto fail;
	}
	rt = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	if (cJSON_IsString(rt) && strcmp(rt->valuestring, "streams") != 0) {
		*cause = xasprintf("the query returns %.20s, not log lines: use a log query "
		    "such as {app=\"x\"} |= \"error\"", rt->valuestring);
		goto fail;
	}
	*res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (cJSON_IsNull(*res))
		*res = NULL;
	else if (*res != NULL && !cJSON_IsArray(*res)) {
		*cause = xstrdup("\"data.result\" is not a list");
		goto fail;
	}
	return root;
fail:
	cJSON_Delete(root);
	*res = NULL;
	return NULL;
}

void
loki_result_warnings(cJSON *root, struct loki_result *r)
{
	cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "warnings"), *it;

	if (!cJSON_IsArray(w))
		return;
	r->warnings = xcalloc(MAX_WARNINGS, sizeof *r->warnings);
	cJSON_ArrayForEach(it, w) {
		if (cJSON_IsString(it) && r->nwarnings < MAX_WARNINGS)
			r->warnings[r->nwarnings++] = xstrdup(it->valuestring);
	}
}

void
loki_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
loki_parse_labels(const char *buf, size_t len, char ***names, size_t *n, char **cause)
{
	cJSON *root, *data, *it;
	size_t cnt;

	*names = NULL;
	*n = 0;
	root = json_parse_bounded(buf, len, NULL);
	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("malformed JSON in the Loki labels answer");
		return -1;
	}
	if ((*cause = json_error(root)) != NULL) {
		cJSON_Delete(root);
		return -1;
	}
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (data == NULL || cJSON_IsNull(data)) {
		cJSON_Delete(root);	/* omitempty: no labels at all */
		*names = xcalloc(1, sizeof **names);
		return 0;
	}
	if (!cJSON_IsArray(data)) {
		cJSON_Delete(root);
		*cause = xstrdup("\"data\" is not a list");
		return -1;
	}
	cnt = (size_t)cJSON_GetArraySize(data);
	if (cnt > MAX_LABELS)
		cnt = MAX_LABELS;
	*names = xcalloc(cnt + 1, sizeof **names);
	cJSON_ArrayForEach(it, data) {
		if (*n == cnt)
			break;
		if (cJSON_IsString(it))
			(*names)[(*n)++] = xstrdup(it->valuestring);
	}
	cJSON_Delete(root);
	return 0;
}

char *
loki_error_text(const char *body, size_t len)
{
	struct strbuf sb;
	char *raw, *out;
	size_t i = 0;

	/* Collapse the lines of a multi-line message into one. */
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	while (i < len && sb.len < 400) {
		size_t e = i;

		while (e < len && body[e] != '\n')
			e++;
		while (i < e && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r'))
			i++;
		{
			size_t t = e;

			while (t > i && (body[t - 1] == ' ' || body[t - 1] == '\t' || body[t - 1] == '\r'))
				t--;
			if (t > i) {
				if (sb.len > 0)
					strbuf_adds(&sb, " / ");
				strbuf_add(&sb, body + i, t - i > 400 ? 400 : t - i);
			}
		}
		i = e + 1;
	}
	raw = strbuf_detach(&sb);
	out = sanitize_text(raw, strlen(raw));
	free(raw);
	return out;
}

static int
ref_cmp(const void *a, const void *b)
{
	const struct loki_ref *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

struct loki_ref *
loki_result_merge(const struct loki_result *r, size_t *n)
{
	struct loki_ref *refs = xcalloc(r->nentries, sizeof *refs);
	size_t k = 0;

	for (size_t s = 0; s < r->nstreams; s++) {
		for (size_t v = 0; v < r->streams[s].nvalues; v++) {
			refs[k].ts = r->streams[s].values[v].ts;
			refs[k].stream = (uint32_t)s;
			refs[k].value = (uint32_t)v;
			k++;
		}
	}
	/* Streams are sorted runs: one stream needs no sort at all. */
	if (r->nstreams > 1)
		qsort(refs, k, sizeof *refs, ref_cmp);
	*n = k;
	return refs;
}
