/* One alert read straight from its bytes into the raw form (struct
 * am_raw), without building a cJSON tree of it: the answer of a large
 * Alertmanager is tens of thousands of these, and the tree was most of
 * the work of reading them.
 *
 * It reads plain JSON only: objects, arrays, strings with the short
 * escapes, true, false and null.  Anything else (a number, a \u escape, a
 * NUL byte, other whitespace, deep nesting, a syntax error) makes it give
 * up, and the element goes to cJSON, which decides.  What it does read it
 * reads as cJSON would: the first member of a name is the one that
 * counts, strings are kept as they come (invalid UTF-8 included), and a
 * member of the wrong type counts as absent. */
#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_DEPTH	32	/* deeper than an alert goes: give up */

struct scan {
	const unsigned char	*p, *end;
	struct am_raw		*r;
	size_t			 dec_len;
};

enum { GIVE_UP = 1 };

/* Bytes that end a run inside a string: the quote, the backslash, NUL. */
static const unsigned char str_stop[256] = { [0] = 1, ['"'] = 1, ['\\'] = 1 };

static void
space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int
expect(struct scan *s, unsigned char c)
{
	space(s);
	if (s->p >= s->end || *s->p != c)
		return GIVE_UP;
	s->p++;
	return 0;
}

/* A string at s->p (its quote): *out is its bytes, decoded into r->dec
 * when it has escapes. */
static int
string(struct scan *s, struct am_str *out)
{
	const unsigned char *start, *q;
	char *d;

	space(s);
	if (s->p >= s->end || *s->p != '"')
		return GIVE_UP;
	start = q = s->p + 1;
	while (q < s->end && !str_stop[*q])
		q++;
	if (q >= s->end || *q == '\0')
		return GIVE_UP;
	if (*q == '"') {
		out->s = (const char *)start;
		out->n = (size_t)(q - start);
		s->p = q + 1;
		return 0;
	}
	/* Escapes: decoded after what is decoded already (r->dec holds
	 * the element's length, more than all its strings decoded). */
	d = s->r->dec + s->dec_len;
	memcpy(d, start, (size_t)(q - start));
	d += q - start;
	while (q < s->end) {
		unsigned char c = *q;

		if (c == '"')
			break;
		if (c == '\0')
			return GIVE_UP;
		if (c != '\\') {
			*d++ = (char)c;
			q++;
			continue;
		}
		if (q + 1 >= s->end)
			return GIVE_UP;
		switch (q[1]) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '/': *d++ = '/'; break;
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		default: return GIVE_UP;	/* \u (a NUL maybe, surrogates): cJSON's */
		}
		q += 2;
	}
	if (q >= s->end)
		return GIVE_UP;
	out->s = s->r->dec + s->dec_len;
	out->n = (size_t)(d - out->s);
	s->dec_len += out->n;
	s->p = q + 1;
	return 0;
}

static int
literal(struct scan *s, const char *word, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return GIVE_UP;
	s->p += n;
	return 0;
}

/* Is the next token c (after spaces)?  It is not consumed. */
static int
next_is(struct scan *s, unsigned char c)
{
	space(s);
	return s->p < s->end && *s->p == c;
}

/* After a member or an element: ',' (1, more follow) or the closer (0). */
static int
more(struct scan *s, unsigned char closer, int *rc)
{
	space(s);
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		return 1;
	}
	if (s->p < s->end && *s->p == closer) {
		s->p++;
		return 0;
	}
	*rc = GIVE_UP;
	return 0;
}

typedef int (*member_fn)(struct scan *s, const struct am_str *key, int depth, void *arg);
typedef int (*element_fn)(struct scan *s, int depth, void *arg);

/* The object at s->p: fn reads each member's value (s->p before it). */
static int
object(struct scan *s, int depth, member_fn fn, void *arg)
{
	struct am_str k;
	int rc = 0;

	if (depth > SCAN_DEPTH || expect(s, '{') != 0)
		return GIVE_UP;
	if (next_is(s, '}')) {
		s->p++;
		return 0;
	}
	do
		if (string(s, &k) != 0 || expect(s, ':') != 0 || fn(s, &k, depth + 1, arg) != 0)
			return GIVE_UP;
	while (more(s, '}', &rc));
	return rc;
}

/* The array at s->p: fn reads each element. */
static int
array(struct scan *s, int depth, element_fn fn, void *arg)
{
	int rc = 0;

	if (depth > SCAN_DEPTH || expect(s, '[') != 0)
		return GIVE_UP;
	if (next_is(s, ']')) {
		s->p++;
		return 0;
	}
	do
		if (fn(s, depth + 1, arg) != 0)
			return GIVE_UP;
	while (more(s, ']', &rc));
	return rc;
}

static int skip_value(struct scan *s, int depth);

static int
skip_member(struct scan *s, const struct am_str *key, int depth, void *arg)
{
	(void)key;
	(void)arg;
	return skip_value(s, depth);
}

static int
skip_element(struct scan *s, int depth, void *arg)
{
	(void)arg;
	return skip_value(s, depth);
}

static int
skip_value(struct scan *s, int depth)
{
	struct am_str v;

	space(s);
	if (s->p >= s->end)
		return GIVE_UP;
	switch (*s->p) {
	case '"':
		return string(s, &v);
	case 't':
		return literal(s, "true", 4);
	case 'f':
		return literal(s, "false", 5);
	case 'n':
		return literal(s, "null", 4);
	case '[':
		return array(s, depth, skip_element, NULL);
	case '{':
		return object(s, depth, skip_member, NULL);
	default:
		return GIVE_UP;		/* a number, or not JSON */
	}
}

#define is(k, name)	((k)->n == sizeof name - 1 && memcmp((k)->s, name, sizeof name - 1) == 0)

/* A string member: its value when it is a string, absent otherwise. */
static int
str_member(struct scan *s, struct am_str *out, int depth)
{
	if (next_is(s, '"'))
		return string(s, out);
	return skip_value(s, depth);
}

static int
pair_member(struct scan *s, const struct am_str *key, int depth, void *arg)
{
	struct am_str v = { NULL, 0 };

	(void)arg;
	if (str_member(s, &v, depth) != 0)
		return GIVE_UP;
	if (v.s != NULL)
		am_raw_pair_add(s->r, *key, v);
	return 0;
}

/* An object's string members, in order, into r->pairs. */
static int
pairs(struct scan *s, struct am_span *sp, int depth)
{
	int rc;

	sp->off = s->r->npairs;
	if (!next_is(s, '{'))
		return skip_value(s, depth);	/* not an object: no members */
	rc = object(s, depth, pair_member, NULL);
	sp->n = s->r->npairs - sp->off;
	return rc;
}

/* In an object of a list: its first "name", when that is a string. */
static int
name_member(struct scan *s, const struct am_str *key, int depth, void *arg)
{
	bool *seen = arg;
	struct am_str v = { NULL, 0 };

	if (!is(key, "name") || *seen)
		return skip_value(s, depth);
	*seen = true;
	if (str_member(s, &v, depth) != 0)
		return GIVE_UP;
	if (v.s != NULL)
		am_raw_str_add(s->r, v);
	return 0;
}

static int
string_element(struct scan *s, int depth, void *arg)
{
	struct am_str v;
	bool seen = false;

	(void)arg;
	if (next_is(s, '"')) {
		if (string(s, &v) != 0)
			return GIVE_UP;
		am_raw_str_add(s->r, v);
		return 0;
	}
	if (next_is(s, '{'))
		return object(s, depth, name_member, &seen);
	return skip_value(s, depth);
}

/* An array of strings, or of objects whose first "name" is a string. */
static int
strings(struct scan *s, struct am_span *sp, int depth)
{
	int rc;

	sp->off = s->r->nstrs;
	if (!next_is(s, '['))
		return skip_value(s, depth);
	rc = array(s, depth, string_element, NULL);
	sp->n = s->r->nstrs - sp->off;
	return rc;
}

enum {
	M_LABELS = 1 << 0, M_ANNOTATIONS = 1 << 1, M_FINGERPRINT = 1 << 2, M_STARTS = 1 << 3,
	M_ENDS = 1 << 4, M_UPDATED = 1 << 5, M_GENERATOR = 1 << 6, M_RECEIVERS = 1 << 7,
	M_STATUS = 1 << 8, M_STATE = 1 << 9, M_SILENCED = 1 << 10, M_INHIBITED = 1 << 11,
	M_MUTED = 1 << 12,
};

/* A member of "status"; seen: the names met already (the first counts). */
static int
status_member(struct scan *s, const struct am_str *k, int depth, void *arg)
{
	struct am_raw *r = s->r;
	unsigned *seen = arg;
	unsigned bit = is(k, "state") ? M_STATE : is(k, "silencedBy") ? M_SILENCED :
	    is(k, "inhibitedBy") ? M_INHIBITED : is(k, "mutedBy") ? M_MUTED : 0;

	if (bit == 0 || (*seen & bit))
		return skip_value(s, depth);
	*seen |= bit;
	switch (bit) {
	case M_STATE: return str_member(s, &r->state, depth);
	case M_SILENCED: return strings(s, &r->silenced_by, depth);
	case M_INHIBITED: return strings(s, &r->inhibited_by, depth);
	default: return strings(s, &r->muted_by, depth);
	}
}

/* A member of the alert. */
static int
member(struct scan *s, const struct am_str *k, int depth, void *arg)
{
	struct am_raw *r = s->r;
	unsigned *seen = arg;
	unsigned bit = is(k, "labels") ? M_LABELS : is(k, "annotations") ? M_ANNOTATIONS :
	    is(k, "fingerprint") ? M_FINGERPRINT : is(k, "startsAt") ? M_STARTS :
	    is(k, "endsAt") ? M_ENDS : is(k, "updatedAt") ? M_UPDATED :
	    is(k, "generatorURL") ? M_GENERATOR : is(k, "receivers") ? M_RECEIVERS :
	    is(k, "status") ? M_STATUS : 0;

	if (bit == 0 || (*seen & bit))
		return skip_value(s, depth);	/* only the first of a name counts */
	*seen |= bit;
	switch (bit) {
	case M_LABELS: return pairs(s, &r->labels, depth);
	case M_ANNOTATIONS: return pairs(s, &r->annotations, depth);
	case M_FINGERPRINT: return str_member(s, &r->fingerprint, depth);
	case M_STARTS: return str_member(s, &r->starts_at, depth);
	case M_ENDS: return str_member(s, &r->ends_at, depth);
	case M_UPDATED: return str_member(s, &r->updated_at, depth);
	case M_GENERATOR: return str_member(s, &r->generator_url, depth);
	case M_RECEIVERS: return strings(s, &r->receivers, depth);
	default:
		if (!next_is(s, '{'))
			return skip_value(s, depth);
		r->status = true;
		return object(s, depth, status_member, seen);
	}
}

int
am_alert_scan_prefix(const char *p, size_t n, struct am_raw *r, size_t *used)
{
	struct scan s = { (const unsigned char *)p, (const unsigned char *)p + n, r, 0 };
	unsigned seen = 0;
	int rc;

	/* Decoded strings are never longer than their bytes. */
	if (r->dec_cap < n + 1) {
		free(r->dec);
		r->dec_cap = n + 1;
		r->dec = xmalloc(r->dec_cap);
	}
	if ((rc = object(&s, 0, member, &seen)) == 0)
		*used = (size_t)((const char *)s.p - p);
	return rc;
}

int
am_alert_scan(const char *el, size_t len, struct am_raw *r)
{
	size_t used;

	return am_alert_scan_prefix(el, len, r, &used);
}
