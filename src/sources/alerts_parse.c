/* Pure parsers of Alertmanager API v2 answers (alerts, silences, status,
 * the silence id of a POST, error bodies) and the builder of a silence
 * body.  Input is hostile by default: wrong types are treated as absent,
 * elements that are not alerts are skipped and counted, nothing is
 * trusted to be valid UTF-8. */
#include "ceres/sources/alerts.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/json_frame.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 prefix of s (strict: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static size_t
utf8_valid_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t v, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2; v = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3; v = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4; v = c & 0x07; min = 0x10000;
		} else
			return i;
		if (len - i < n)
			return i;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			v = (v << 6) | (s[i + k] & 0x3f);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return i;
		i += n;
	}
	return i;
}

/* Copy a backend string into the arena as valid UTF-8: invalid bytes
 * become U+FFFD, everything else (controls included) is kept as sent. */
static const char *
keep(struct alerts_arena *a, const char *s, size_t len)
{
	size_t ok = utf8_valid_prefix((const unsigned char *)s, len);
	struct strbuf sb;
	const char *out;

	if (ok == len)
		return alerts_arena_strndup(a, s, len);
	strbuf_init(&sb);
	while (len > 0) {
		ok = utf8_valid_prefix((const unsigned char *)s, len);
		strbuf_add(&sb, s, ok);
		s += ok;
		len -= ok;
		if (len > 0) {
			strbuf_adds(&sb, "\xef\xbf\xbd");
			s++;
			len--;
		}
	}
	out = alerts_arena_strndup(a, sb.buf != NULL ? sb.buf : "", sb.len);
	strbuf_free(&sb);
	return out;
}

/* keep(), one copy per distinct string: label names, and the values of
 * alertname and severity (few distinct ones, compared by the sort). */
static const char *
keep_interned(struct alerts_arena *a, const char *s, size_t len)
{
	if (utf8_valid_prefix((const unsigned char *)s, len) != len)
		return keep(a, s, len);
	return alerts_arena_intern(a, s, len);
}

/* A display copy: sanitized once, kept in the arena.  Printable ASCII
 * (most of it) is its own display copy. */
static const char *
display(struct alerts_arena *a, const char *s)
{
	const char *out;
	char *d;

	if (sanitize_is_plain(s))
		return s;
	d = sanitize_str(s);
	out = alerts_arena_strdup(a, d);

	free(d);
	return out;
}

static const char *
keep_or(struct alerts_arena *a, struct am_str v, const char *def)
{
	return v.s != NULL ? keep(a, v.s, v.n) : def;
}

static double
get_time(const char *s)
{
	double t;

	if (s == NULL || parse_rfc3339(s, &t) != 0 || t <= 0)
		return 0;
	return t;
}

struct pair_sort {
	struct alert_pair	p;
	size_t			order;
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair_sort *x = a, *y = b;
	int c = strcmp(x->p.name, y->p.name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

#define FEW_PAIRS	16

/* The string members of a JSON object, sorted by name; a repeated name
 * keeps its last value, as Go's decoder (and Alertmanager) would. */
static struct alert_pair *
build_pairs(struct alerts_arena *a, const struct am_raw_pair *in, size_t k, size_t *n)
{
	struct pair_sort few[FEW_PAIRS], *tmp;
	struct alert_pair *out;
	size_t m = 0;

	*n = 0;
	if (k == 0)
		return NULL;
	tmp = k <= FEW_PAIRS ? few : xcalloc(k, sizeof *tmp);
	for (size_t i = 0; i < k; i++) {
		/* Sorted and deduplicated as kept: two invalid names may become
		 * the same valid one (found by fuzz_alerts). */
		tmp[i].p.name = keep_interned(a, in[i].name.s, in[i].name.n);
		tmp[i].p.value = strcmp(tmp[i].p.name, "alertname") == 0 ||
		    strcmp(tmp[i].p.name, "severity") == 0 ?
		    keep_interned(a, in[i].value.s, in[i].value.n) : keep(a, in[i].value.s, in[i].value.n);
		tmp[i].order = i;
	}
	if (k <= FEW_PAIRS) {
		/* Insertion sort: a handful of labels, mostly in order already. */
		for (size_t i = 1; i < k; i++) {
			struct pair_sort t = tmp[i];
			size_t j = i;

			for (; j > 0 && pair_cmp(&tmp[j - 1], &t) > 0; j--)
				tmp[j] = tmp[j - 1];
			tmp[j] = t;
		}
	} else
		qsort(tmp, k, sizeof *tmp, pair_cmp);
	out = alerts_arena_alloc(a, k * sizeof *out);
	for (size_t i = 0; i < k; i++) {
		if (i + 1 < k && strcmp(tmp[i].p.name, tmp[i + 1].p.name) == 0)
			continue;	/* a later value of the same name follows */
		out[m++] = tmp[i].p;
	}
	if (tmp != few)
		free(tmp);
	*n = m;
	return out;
}

/* An array of strings, or of objects with a "name" (receivers). */
static const char **
build_strings(struct alerts_arena *a, const struct am_str *in, size_t k, size_t *n)
{
	const char **out;

	*n = k;
	if (k == 0)
		return NULL;
	out = alerts_arena_alloc(a, k * sizeof *out);
	for (size_t i = 0; i < k; i++)
		out[i] = keep(a, in[i].s, in[i].n);
	return out;
}

static const char *
pair_value(const struct alert_pair *p, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p[mid].name, name);

		if (c == 0)
			return p[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A stand-in fingerprint for an alert that came without one: FNV-1a of
 * its sorted labels, so the same labels give the same key. */
static const char *
fallback_fingerprint(struct alerts_arena *a, const struct alert_pair *l, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[24];

	for (size_t i = 0; i < n; i++) {
		for (const char *s = l[i].name; ; s++) {
			h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
			if (*s == '\0')
				break;
		}
		for (const char *s = l[i].value; ; s++) {
			h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
			if (*s == '\0')
				break;
		}
	}
	snprintf(buf, sizeof buf, "~%016llx", (unsigned long long)h);
	return alerts_arena_strdup(a, buf);
}

/* The pairs and strings of a span (NULL for none: the arrays may be). */
#define PAIRS(r, sp)	((sp).n > 0 ? (r)->pairs + (sp).off : NULL)
#define STRS(r, sp)	((sp).n > 0 ? (r)->strs + (sp).off : NULL)

int
am_alert_build(struct alerts_arena *a, const struct am_raw *r, struct alert *al)
{
	const char *s;

	memset(al, 0, sizeof *al);
	/* Labels are an alert's identity: without any it is not an alert
	 * (Alertmanager refuses to store one). */
	al->labels = build_pairs(a, PAIRS(r, r->labels), r->labels.n, &al->nlabels);
	if (al->nlabels == 0)
		return -1;
	al->annotations = build_pairs(a, PAIRS(r, r->annotations), r->annotations.n,
	    &al->nannotations);
	al->fingerprint = keep_or(a, r->fingerprint, NULL);
	if (al->fingerprint == NULL || *al->fingerprint == '\0')
		al->fingerprint = fallback_fingerprint(a, al->labels, al->nlabels);
	s = pair_value(al->labels, al->nlabels, "alertname");
	al->alertname = s != NULL ? s : "";
	s = pair_value(al->labels, al->nlabels, "severity");
	al->severity = s != NULL ? s : "";
	al->sev = alerts_sev_class(al->severity);
	s = pair_value(al->annotations, al->nannotations, "summary");
	if (s == NULL || *s == '\0')
		s = pair_value(al->annotations, al->nannotations, "message");
	if (s == NULL || *s == '\0')
		s = pair_value(al->annotations, al->nannotations, "description");
	al->summary = s != NULL ? s : "";
	al->starts_at = keep_or(a, r->starts_at, "");
	al->ends_at = keep_or(a, r->ends_at, "");
	al->updated_at = keep_or(a, r->updated_at, "");
	al->starts = get_time(al->starts_at);
	al->ends = get_time(al->ends_at);
	al->generator_url = keep_or(a, r->generator_url, NULL);
	if (al->generator_url != NULL && *al->generator_url == '\0')
		al->generator_url = NULL;
	al->receivers = build_strings(a, STRS(r, r->receivers), r->receivers.n, &al->nreceivers);
	al->am_state = r->status ? keep_or(a, r->state, "active") : "active";
	al->silenced_by = build_strings(a, STRS(r, r->silenced_by), r->silenced_by.n,
	    &al->nsilenced_by);
	al->inhibited_by = build_strings(a, STRS(r, r->inhibited_by), r->inhibited_by.n,
	    &al->ninhibited_by);
	al->muted_by = build_strings(a, STRS(r, r->muted_by), r->muted_by.n, &al->nmuted_by);
	if (strcmp(al->am_state, "unprocessed") == 0)
		al->state = ALERT_UNPROCESSED;
	else if (strcmp(al->am_state, "suppressed") == 0 || strcmp(al->am_state, "active") != 0) {
		/* Unknown states count as firing unless something suppresses them. */
		if (al->nsilenced_by > 0)
			al->state = ALERT_SILENCED;
		else if (al->ninhibited_by > 0)
			al->state = ALERT_INHIBITED;
		else if (strcmp(al->am_state, "suppressed") == 0)
			al->state = ALERT_MUTED;
		else
			al->state = ALERT_ACTIVE;
	} else
		al->state = ALERT_ACTIVE;
	al->d_alertname = display(a, al->alertname);
	al->d_summary = display(a, al->summary);
	return 0;
}

void
am_raw_reset(struct am_raw *r)
{
	memset(r, 0, offsetof(struct am_raw, pairs));
}

void
am_raw_free(struct am_raw *r)
{
	free(r->pairs);
	free(r->strs);
	free(r->dec);
	memset(r, 0, sizeof *r);
}

void
am_raw_pair_add(struct am_raw *r, struct am_str name, struct am_str value)
{
	if (r->npairs == r->pairs_cap) {
		r->pairs_cap = r->pairs_cap > 0 ? r->pairs_cap * 2 : 32;
		r->pairs = xreallocarray(r->pairs, r->pairs_cap, sizeof *r->pairs);
	}
	r->pairs[r->npairs].name = name;
	r->pairs[r->npairs].value = value;
	r->npairs++;
}

void
am_raw_str_add(struct am_raw *r, struct am_str v)
{
	if (r->nstrs == r->strs_cap) {
		r->strs_cap = r->strs_cap > 0 ? r->strs_cap * 2 : 16;
		r->strs = xreallocarray(r->strs, r->strs_cap, sizeof *r->strs);
	}
	r->strs[r->nstrs++] = v;
}

static struct am_str
cstr(const cJSON *v)
{
	struct am_str s = { NULL, 0 };

	if (cJSON_IsString(v) && v->valuestring != NULL) {
		s.s = v->valuestring;
		s.n = strlen(v->valuestring);
	}
	return s;
}

static const char *
get_str(struct alerts_arena *a, const cJSON *o, const char *key, const char *def)
{
	return keep_or(a, cstr(cJSON_GetObjectItemCaseSensitive(o, key)), def);
}

static void
raw_pairs(struct am_raw *r, const cJSON *o, struct am_span *sp)
{
	const cJSON *c;

	sp->off = r->npairs;
	if (cJSON_IsObject(o))
		cJSON_ArrayForEach(c, o)
			if (cJSON_IsString(c) && c->valuestring != NULL && c->string != NULL)
				am_raw_pair_add(r, (struct am_str){ c->string, strlen(c->string) }, cstr(c));
	sp->n = r->npairs - sp->off;
}

static void
raw_strings(struct am_raw *r, const cJSON *arr, struct am_span *sp)
{
	const cJSON *c;

	sp->off = r->nstrs;
	if (cJSON_IsArray(arr))
		cJSON_ArrayForEach(c, arr) {
			struct am_str v = cstr(cJSON_IsObject(c) ?
			    cJSON_GetObjectItemCaseSensitive(c, "name") : c);

			if (v.s != NULL)
				am_raw_str_add(r, v);
		}
	sp->n = r->nstrs - sp->off;
}

int
am_alert_from_json(struct alerts_arena *a, const cJSON *o, struct alert *al)
{
	struct am_raw r = { 0 };
	const cJSON *st;
	int rc;

	if (!cJSON_IsObject(o))
		return -1;
	raw_pairs(&r, cJSON_GetObjectItemCaseSensitive(o, "labels"), &r.labels);
	raw_pairs(&r, cJSON_GetObjectItemCaseSensitive(o, "annotations"), &r.annotations);
	r.fingerprint = cstr(cJSON_GetObjectItemCaseSensitive(o, "fingerprint"));
	r.starts_at = cstr(cJSON_GetObjectItemCaseSensitive(o, "startsAt"));
	r.ends_at = cstr(cJSON_GetObjectItemCaseSensitive(o, "endsAt"));
	r.updated_at = cstr(cJSON_GetObjectItemCaseSensitive(o, "updatedAt"));
	r.generator_url = cstr(cJSON_GetObjectItemCaseSensitive(o, "generatorURL"));
	raw_strings(&r, cJSON_GetObjectItemCaseSensitive(o, "receivers"), &r.receivers);
	st = cJSON_GetObjectItemCaseSensitive(o, "status");
	if (cJSON_IsObject(st)) {
		r.status = true;
		r.state = cstr(cJSON_GetObjectItemCaseSensitive(st, "state"));
		raw_strings(&r, cJSON_GetObjectItemCaseSensitive(st, "silencedBy"), &r.silenced_by);
		raw_strings(&r, cJSON_GetObjectItemCaseSensitive(st, "inhibitedBy"), &r.inhibited_by);
		raw_strings(&r, cJSON_GetObjectItemCaseSensitive(st, "mutedBy"), &r.muted_by);
	}
	rc = am_alert_build(a, &r, al);
	am_raw_free(&r);
	return rc;
}


static const char *
json_type_name(const cJSON *j)
{
	if (cJSON_IsObject(j)) return "an object";
	if (cJSON_IsArray(j)) return "an array";
	if (cJSON_IsString(j)) return "a string";
	if (cJSON_IsNumber(j)) return "a number";
	if (cJSON_IsBool(j)) return "a boolean";
	return "null";
}

/* Parse JSON with a useful message on failure (byte offset of the error). */
static cJSON *
parse_json(const char *what, const char *buf, size_t len, char **cause)
{
	cJSON *root;
	enum json_error je;
	const char *ep;

	if (buf == NULL || len == 0) {
		*cause = xasprintf(_("%s: empty answer"), what);
		return NULL;
	}
	root = json_parse_bounded(buf, len, &je);
	if (root != NULL)
		return root;
	if (je == JSON_TOO_COMPLEX) {
		*cause = xasprintf(_("%s: answer too complex"), what);
		return NULL;
	}
	ep = cJSON_GetErrorPtr();
	if (ep != NULL && ep >= buf && ep <= buf + len)
		*cause = xasprintf(_("%s: invalid JSON at byte %zu"), what, (size_t)(ep - buf));
	else
		*cause = xasprintf(_("%s: invalid JSON"), what);
	return NULL;
}

static char *
wrong_shape(const char *what, const cJSON *root)
{
	if (cJSON_IsString(root) && root->valuestring != NULL) {
		char *s = sanitize_str(root->valuestring), *m;

		m = xasprintf(_("%s: Alertmanager said: %.200s"), what, s);
		free(s);
		return m;
	}
	return xasprintf(_("%s: expected a JSON array, got %s"), what, json_type_name(root));
}

typedef int (*element_fn)(const cJSON *el, void *arg);

/* A top-level JSON array walked one element at a time as its bytes come
 * (util/json_frame.c): each element is parsed on its own and freed
 * before the next, so an answer never exists as one cJSON tree (that
 * tree is six times the answer), nor, streamed, as one buffer.  An
 * element that is not JSON reaches fn as NULL. */
struct array_walk {
	const char		*what;
	struct json_frame	 f;
	element_fn		 fn;
	void			*arg;
};

static void
walk_element(const char *el, size_t len, size_t offset, void *arg)
{
	struct array_walk *w = arg;
	cJSON *j = el != NULL ? cJSON_ParseWithLength(el, len) : NULL;

	(void)offset;
	w->fn(j, w->arg);
	cJSON_Delete(j);
}

static void
walk_init(struct array_walk *w, const char *what, size_t max_bytes, element_fn fn, void *arg)
{
	w->what = what;
	w->fn = fn;
	w->arg = arg;
	json_frame_init(&w->f, max_bytes, walk_element, w);
}

static long
walk_finish(struct array_walk *w, char **cause)
{
	return am_frame_finish(w->what, &w->f, cause);
}

long
am_frame_finish(const char *what, struct json_frame *f, char **cause)
{
	cJSON *root;

	switch (json_frame_finish(f)) {
	case JSON_FRAME_OK:
		return (long)f->elements;
	case JSON_FRAME_EMPTY:
		*cause = xasprintf(_("%s: empty answer"), what);
		return -1;
	case JSON_FRAME_TOO_COMPLEX:
		/* One element can be a bomb as well as a whole answer. */
		*cause = xasprintf(_("%s: answer too complex"), what);
		return -1;
	case JSON_FRAME_TOO_LARGE:
		*cause = xasprintf(_("response larger than %zu bytes"), f->max_bytes);
		return -1;
	case JSON_FRAME_NOT_ARRAY:
		root = parse_json(what, f->whole.buf, f->whole.len, cause);
		if (root == NULL)
			return -1;
		*cause = wrong_shape(what, root);
		cJSON_Delete(root);
		return -1;
	case JSON_FRAME_INVALID:
	default:
		*cause = xasprintf(_("%s: invalid JSON at byte %zu"), what, f->err_at);
		return -1;
	}
}

static long
array_each(const char *what, const char *buf, size_t len, element_fn fn, void *arg, char **cause)
{
	struct array_walk w;
	long n;

	walk_init(&w, what, 0, fn, arg);
	json_frame_feed(&w.f, buf != NULL ? buf : "", buf != NULL ? len : 0);
	n = walk_finish(&w, cause);
	json_frame_free(&w.f);
	return n;
}

static int
silence_rank(const char *state)
{
	if (strcmp(state, "active") == 0)
		return 0;
	if (strcmp(state, "pending") == 0)
		return 1;
	if (strcmp(state, "expired") == 0)
		return 2;
	return 3;
}

/* Active by soonest end, pending by soonest start, expired most recent
 * first: the order Alertmanager itself lists them in. */
static int
silence_cmp(const void *a, const void *b)
{
	const struct silence *x = a, *y = b;
	int rx = silence_rank(x->state), ry = silence_rank(y->state);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (rx == 1 && x->starts != y->starts)
		return x->starts < y->starts ? -1 : 1;
	if (x->ends != y->ends) {
		if (rx == 2)
			return x->ends > y->ends ? -1 : 1;
		return x->ends < y->ends ? -1 : 1;
	}
	return strcmp(x->id, y->id);
}

static int
parse_silence(struct alerts_arena *a, const cJSON *o, struct silence *s)
{
	const cJSON *st, *ms, *m;
	size_t k = 0;

	if (!cJSON_IsObject(o))
		return -1;
	memset(s, 0, sizeof *s);
	s->id = get_str(a, o, "id", NULL);
	if (s->id == NULL || *s->id == '\0')
		return -1;
	st = cJSON_GetObjectItemCaseSensitive(o, "status");
	s->state = cJSON_IsObject(st) ? get_str(a, st, "state", "") : "";
	s->created_by = get_str(a, o, "createdBy", "");
	s->comment = get_str(a, o, "comment", "");
	s->starts_at = get_str(a, o, "startsAt", "");
	s->ends_at = get_str(a, o, "endsAt", "");
	s->updated_at = get_str(a, o, "updatedAt", "");
	s->starts = get_time(s->starts_at);
	s->ends = get_time(s->ends_at);
	s->nwould = -1;
	ms = cJSON_GetObjectItemCaseSensitive(o, "matchers");
	if (cJSON_IsArray(ms) && cJSON_GetArraySize(ms) > 0) {
		s->matchers = alerts_arena_alloc(a, (size_t)cJSON_GetArraySize(ms) * sizeof *s->matchers);
		cJSON_ArrayForEach(m, ms) {
			const cJSON *re, *eq;

			if (!cJSON_IsObject(m))
				continue;
			s->matchers[k].name = get_str(a, m, "name", NULL);
			s->matchers[k].value = get_str(a, m, "value", NULL);
			if (s->matchers[k].name == NULL || s->matchers[k].value == NULL)
				continue;
			re = cJSON_GetObjectItemCaseSensitive(m, "isRegex");
			eq = cJSON_GetObjectItemCaseSensitive(m, "isEqual");
			s->matchers[k].is_regex = cJSON_IsTrue(re);
			s->matchers[k].is_equal = !cJSON_IsFalse(eq);	/* default true */
			k++;
		}
	}
	s->nmatchers = k;
	return 0;
}

static int
silence_element(const cJSON *el, void *arg)
{
	struct silence_set *set = arg;

	if ((set->n & (set->n - 1)) == 0)
		set->v = xreallocarray(set->v, set->n == 0 ? 1 : set->n * 2, sizeof *set->v);
	if (parse_silence(&set->arena, el, &set->v[set->n]) == 0)
		set->n++;
	return 0;
}

int
silences_parse(const char *buf, size_t len, struct silence_set **out, char **cause)
{
	struct silence_set *set = xcalloc(1, sizeof *set);

	*out = NULL;
	if (array_each("silences", buf, len, silence_element, set, cause) < 0) {
		silence_set_free(set);
		return -1;
	}
	if (set->n > 1)
		qsort(set->v, set->n, sizeof *set->v, silence_cmp);
	*out = set;
	return 0;
}

int
am_status_parse(const char *buf, size_t len, struct am_status *out, char **cause)
{
	cJSON *root = parse_json("status", buf, len, cause);
	const cJSON *cl, *v, *vi;

	memset(out, 0, sizeof *out);
	if (root == NULL)
		return -1;
	if (!cJSON_IsObject(root)) {
		*cause = xasprintf(_("status: expected a JSON object, got %s"), json_type_name(root));
		cJSON_Delete(root);
		return -1;
	}
	cl = cJSON_GetObjectItemCaseSensitive(root, "cluster");
	v = cJSON_GetObjectItemCaseSensitive(cl, "status");
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		char *s = sanitize_str(v->valuestring);

		snprintf(out->cluster, sizeof out->cluster, "%s", s);
		free(s);
	}
	v = cJSON_GetObjectItemCaseSensitive(cl, "peers");
	out->npeers = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
	vi = cJSON_GetObjectItemCaseSensitive(root, "versionInfo");
	v = cJSON_GetObjectItemCaseSensitive(vi, "version");
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		char *s = sanitize_str(v->valuestring);

		snprintf(out->version, sizeof out->version, "%s", s);
		free(s);
	}
	cJSON_Delete(root);
	return 0;
}

int
am_silence_id_parse(const char *buf, size_t len, char **id, char **cause)
{
	cJSON *root = parse_json("silence", buf, len, cause);
	const cJSON *v;

	*id = NULL;
	if (root == NULL)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(root, "silenceID");
	if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0') {
		*cause = xstrdup(_("silence: the answer has no silenceID"));
		cJSON_Delete(root);
		return -1;
	}
	*id = sanitize_str(v->valuestring);
	cJSON_Delete(root);
	return 0;
}

char *
am_error_text(long status, const char *buf, size_t len)
{
	cJSON *root = json_parse_bounded(buf, len, NULL);
	const cJSON *msg = NULL;
	char *text = NULL, *out;

	if (cJSON_IsString(root))
		msg = root;
	else if (cJSON_IsObject(root)) {
		msg = cJSON_GetObjectItemCaseSensitive(root, "message");
		if (!cJSON_IsString(msg))
			msg = cJSON_GetObjectItemCaseSensitive(root, "error");
	}
	if (cJSON_IsString(msg) && msg->valuestring != NULL)
		text = sanitize_str(msg->valuestring);
	else if (buf != NULL && len > 0) {
		size_t n = strcspn(buf, "\r\n");

		text = sanitize_text(buf, n < len ? n : len);
	}
	cJSON_Delete(root);
	if (text != NULL && strlen(text) > 300) {
		/* Cut on a character boundary, never inside one (fuzz_alerts). */
		size_t cut = 300;

		while (cut > 0 && (text[cut] & 0xc0) == 0x80)
			cut--;
		text[cut] = '\0';
	}
	if (text != NULL && text[0] != '\0')
		out = xasprintf("HTTP %ld: %s", status, text);
	else
		out = xasprintf("HTTP %ld", status);
	free(text);
	return out;
}

char *
am_silence_body(const struct silence_matcher *m, size_t n, const char *id,
    const char *starts_at_raw, double start, double end, const char *created_by,
    const char *comment)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	char ts[40], *p, *out;

	if (id != NULL)
		cJSON_AddStringToObject(o, "id", id);
	arr = cJSON_AddArrayToObject(o, "matchers");
	for (size_t i = 0; i < n; i++) {
		cJSON *mo = cJSON_CreateObject();

		cJSON_AddStringToObject(mo, "name", m[i].name);
		cJSON_AddStringToObject(mo, "value", m[i].value);
		cJSON_AddBoolToObject(mo, "isRegex", m[i].is_regex);
		cJSON_AddBoolToObject(mo, "isEqual", m[i].is_equal);
		cJSON_AddItemToArray(arr, mo);
	}
	if (starts_at_raw != NULL && *starts_at_raw != '\0')
		cJSON_AddStringToObject(o, "startsAt", starts_at_raw);
	else
		cJSON_AddStringToObject(o, "startsAt", fmt_rfc3339(start, ts, sizeof ts));
	cJSON_AddStringToObject(o, "endsAt", fmt_rfc3339(end, ts, sizeof ts));
	cJSON_AddStringToObject(o, "createdBy", created_by);
	cJSON_AddStringToObject(o, "comment", comment);
	p = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (p == NULL)
		abort();
	out = xstrdup(p);
	cJSON_free(p);
	return out;
}
