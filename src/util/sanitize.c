/* Terminal-safe text.  Bytes from a backend never reach the terminal as
 * they came: controls and escape sequences are turned into visible
 * pictures (ESC becomes U+241B "␛"), invalid UTF-8 into U+FFFD, and
 * characters that reorder or break lines (bidi overrides, U+2028) or are
 * not characters (U+FFFE) into <U+XXXX>.  The output is valid UTF-8 with
 * no byte below 0x20 (but newlines where asked for) nor 0x7f and no C1
 * code point.  For log lines, SGR colour sequences can instead be lifted
 * out as colour spans (sanitize_sgr); the raw sequence never survives. */
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Decode one UTF-8 sequence strictly: no overlongs, no surrogates, nothing
 * above U+10FFFF.  Returns the length consumed (1 on error, cp = -1). */
static size_t
utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	int32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	if (len < n) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return n;
}

static void
utf8_encode(struct strbuf *sb, int32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		b[0] = (char)cp;
		strbuf_add(sb, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(sb, b, 3);
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(sb, b, 4);
	}
}

/* Code points that must not act on the terminal or the layout, or that
 * are not characters at all. */
static int
is_dangerous(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1 controls, 8-bit CSI */
	    cp == 0x2028 || cp == 0x2029 ||		/* line/paragraph separator */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* bidi embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069) ||		/* bidi isolates */
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    cp == 0xfeff ||				/* BOM */
	    (cp >= 0xfff9 && cp <= 0xfffb) ||		/* interlinear annotations */
	    (cp >= 0xfdd0 && cp <= 0xfdef) ||		/* noncharacters */
	    (cp & 0xfffe) == 0xfffe;
}

/* The SGR state of a log line while it is being sanitized. */
struct sgr_state {
	int16_t		fg;
	int16_t		bg;
	uint16_t	attrs;
};

struct sgr_out {
	struct sgr_state	 cur;
	size_t			 start;		/* where the current state began */
	struct sgr_span		*spans;
	size_t			 n;
	size_t			 cap;
};

#define SGR_MAX_PARAMS	32
#define SGR_MAX_LEN	128

static int
sgr_is_default(const struct sgr_state *st)
{
	return st->fg < 0 && st->bg < 0 && st->attrs == 0;
}

/* 24-bit colour to the nearest entry of the xterm 6x6x6 cube. */
static int16_t
rgb_to_256(long r, long g, long b)
{
	long v[3] = { r, g, b };
	int c[3];

	for (int i = 0; i < 3; i++) {
		long x = v[i] < 0 ? 0 : v[i] > 255 ? 255 : v[i];

		c[i] = x < 48 ? 0 : x < 115 ? 1 : (int)((x - 35) / 40);
	}
	return (int16_t)(16 + 36 * c[0] + 6 * c[1] + c[2]);
}

/* 38;5;n and 38;2;r;g;b (and the same for 48).  Returns the number of
 * parameters used after the 38/48 itself. */
static int
sgr_extended(const long *p, int np, int i, int16_t *out)
{
	if (i + 1 < np && p[i + 1] == 5) {
		if (i + 2 < np)
			*out = (int16_t)(p[i + 2] > 255 ? 255 : p[i + 2]);
		return 2;
	}
	if (i + 1 < np && p[i + 1] == 2) {
		if (i + 4 < np)
			*out = rgb_to_256(p[i + 2], p[i + 3], p[i + 4]);
		return 4;
	}
	return np - i - 1;	/* malformed: ignore the rest */
}

static void
sgr_apply(struct sgr_state *st, const long *p, int np)
{
	for (int i = 0; i < np; i++) {
		long v = p[i];

		if (v == 0) {
			st->fg = st->bg = -1;
			st->attrs = 0;
		} else if (v == 1)
			st->attrs |= SGR_BOLD;
		else if (v == 2)
			st->attrs |= SGR_DIM;
		else if (v == 3)
			st->attrs |= SGR_ITALIC;
		else if (v == 4 || v == 21)
			st->attrs |= SGR_UNDERLINE;
		else if (v == 7)
			st->attrs |= SGR_REVERSE;
		else if (v == 9)
			st->attrs |= SGR_STRIKE;
		else if (v == 22)
			st->attrs &= (uint16_t)~(SGR_BOLD | SGR_DIM);
		else if (v == 23)
			st->attrs &= (uint16_t)~SGR_ITALIC;
		else if (v == 24)
			st->attrs &= (uint16_t)~SGR_UNDERLINE;
		else if (v == 27)
			st->attrs &= (uint16_t)~SGR_REVERSE;
		else if (v == 29)
			st->attrs &= (uint16_t)~SGR_STRIKE;
		else if (v >= 30 && v <= 37)
			st->fg = (int16_t)(v - 30);
		else if (v == 38)
			i += sgr_extended(p, np, i, &st->fg);
		else if (v == 39)
			st->fg = -1;
		else if (v >= 40 && v <= 47)
			st->bg = (int16_t)(v - 40);
		else if (v == 48)
			i += sgr_extended(p, np, i, &st->bg);
		else if (v == 49)
			st->bg = -1;
		else if (v >= 90 && v <= 97)
			st->fg = (int16_t)(8 + v - 90);
		else if (v >= 100 && v <= 107)
			st->bg = (int16_t)(8 + v - 100);
		/* Blink, conceal (8: a way to hide text), fonts: ignored. */
	}
	/* Text in its own background colour would be invisible. */
	if (st->fg >= 0 && st->fg == st->bg)
		st->bg = -1;
}

/* If s (starting with ESC) is a complete SGR sequence, apply it to st and
 * return its length; otherwise return 0 and the ESC is shown visibly. */
static size_t
sgr_parse(const unsigned char *s, size_t len, struct sgr_state *st)
{
	long p[SGR_MAX_PARAMS];
	long cur = -1;
	int np = 0;

	if (len < 3 || s[1] != '[')
		return 0;
	for (size_t i = 2; i < len && i < SGR_MAX_LEN; i++) {
		unsigned char c = s[i];

		if (c >= '0' && c <= '9') {
			cur = cur < 0 ? c - '0' : cur * 10 + (c - '0');
			if (cur > 99999)
				cur = 99999;
		} else if (c == ';' || c == ':' || c == 'm') {
			if (np == SGR_MAX_PARAMS)
				return 0;
			p[np++] = cur < 0 ? 0 : cur;
			cur = -1;
			if (c == 'm') {
				sgr_apply(st, p, np);
				return i + 1;
			}
		} else
			return 0;	/* another CSI sequence: show it */
	}
	return 0;
}

static void
sgr_close(struct sgr_out *o, size_t at)
{
	if (sgr_is_default(&o->cur) || at <= o->start || at > UINT32_MAX)
		return;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 4;
		o->spans = xreallocarray(o->spans, o->cap, sizeof *o->spans);
	}
	o->spans[o->n].start = (uint32_t)o->start;
	o->spans[o->n].end = (uint32_t)at;
	o->spans[o->n].fg = o->cur.fg;
	o->spans[o->n].bg = o->cur.bg;
	o->spans[o->n].attrs = o->cur.attrs;
	o->n++;
}

/* The one sanitizer: sgr is NULL unless SGR sequences become spans. */
static char *
sanitize(const char *s, size_t len, int keep_newlines, struct sgr_out *sgr)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb;
	size_t i = 0;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	if (s == NULL)
		return strbuf_detach(&sb);
	while (i < len) {
		int32_t cp;
		size_t n, run;

		/* Printable ASCII is the common case: copy it in runs. */
		for (run = 0; i + run < len && p[i + run] >= 0x20 && p[i + run] < 0x7f; run++)
			;
		if (run > 0) {
			strbuf_add(&sb, (const char *)p + i, run);
			i += run;
			continue;
		}
		if (p[i] == 0x1b && sgr != NULL) {
			struct sgr_state st = sgr->cur;

			if ((n = sgr_parse(p + i, len - i, &st)) > 0) {
				if (memcmp(&st, &sgr->cur, sizeof st) != 0) {
					sgr_close(sgr, sb.len);
					sgr->cur = st;
					sgr->start = sb.len;
				}
				i += n;
				continue;
			}
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (cp < 0)
			utf8_encode(&sb, 0xfffd);
		else if (cp == '\n' && keep_newlines)
			strbuf_addc(&sb, '\n');
		else if (cp == '\r' && keep_newlines && i + 1 < len && p[i + 1] == '\n')
			;	/* CRLF: the LF alone ends the line */
		else if (cp == '\t')
			strbuf_addc(&sb, ' ');
		else if (cp == 0x1b)
			utf8_encode(&sb, 0x241b);	/* ␛ */
		else if (cp < 0x20)
			utf8_encode(&sb, 0x2400 + cp);	/* ␀ … ␟ */
		else if (cp == 0x7f)
			utf8_encode(&sb, 0x2421);	/* ␡ */
		else if (is_dangerous(cp))
			strbuf_addf(&sb, "<U+%04X>", (unsigned)cp);
		else
			strbuf_add(&sb, (const char *)p + i, n);
		i += n;
	}
	if (sgr != NULL)
		sgr_close(sgr, sb.len);
	return strbuf_detach(&sb);
}

char *
sanitize_text(const char *s, size_t len)
{
	return sanitize(s, len, 0, NULL);
}

bool
sanitize_is_plain(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p >= 0x20 && *p < 0x7f)	/* sanitize()'s runs copied as they are */
		p++;
	return *p == '\0';
}

char *
sanitize_str(const char *s)
{
	return sanitize(s, s != NULL ? strlen(s) : 0, 0, NULL);
}

char *
sanitize_multiline(const char *s, size_t len)
{
	return sanitize(s, len, 1, NULL);
}

char *
sanitize_sgr(const char *s, size_t len, int keep_newlines, struct sgr_span **spans, size_t *nspans)
{
	struct sgr_out o;
	char *out;

	memset(&o, 0, sizeof o);
	o.cur.fg = o.cur.bg = -1;
	out = sanitize(s, len, keep_newlines, &o);
	*spans = o.spans;
	*nspans = o.n;
	return out;
}

/* The one rule of the console for a single-byte locale (LANG=C): a
 * UTF-8 character is one column, never one "?" per byte; the console's
 * own symbols become their ASCII look-alikes, anything else "?".  The
 * panes draw with it and text_width() measures with it. */
size_t
ascii_fallback(const char *s, size_t len, wchar_t *out)
{
	static const struct { int32_t cp; char ascii; } map[] = {
		{ 0x2502, '|' }, { 0x2500, '-' }, { 0x25be, 'v' }, { 0x25b8, '>' },
		{ 0x25bc, 'v' }, { 0x25b2, '^' }, { 0x2193, 'v' }, { 0x2191, '^' },
		{ 0x2190, '<' }, { 0x2192, '>' }, { 0x00d7, 'x' }, { 0x25cf, '*' },
		{ 0x00b7, '-' }, { 0x2026, '~' }, { 0x2014, '-' }, { 0x2013, '-' },
		{ 0x2588, '#' }, { 0x2581, '_' }, { 0x2582, '_' }, { 0x2583, '_' },
		{ 0x2584, '=' }, { 0x2585, '=' }, { 0x2586, '=' }, { 0x2587, '#' },
		{ 0x21b5, '/' }, { 0x2713, '+' },
	};
	int32_t cp;
	size_t n = utf8_decode((const unsigned char *)s, len, &cp);

	*out = cp >= 0 && cp < 0x80 ? (wchar_t)cp : L'?';
	for (size_t i = 0; cp >= 0x80 && i < sizeof map / sizeof map[0]; i++)
		if (map[i].cp == cp)
			*out = (wchar_t)map[i].ascii;
	return n;
}

int
text_width(const char *s)
{
	mbstate_t st;
	int w = 0;
	size_t len = strlen(s);

	memset(&st, 0, sizeof st);
	while (len > 0) {
		wchar_t wc;
		size_t n = MB_CUR_MAX == 1 && (unsigned char)*s >= 0x80 ? ascii_fallback(s, len, &wc) :
		    mbrtowc(&wc, s, len, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		s += n;
		len -= n;
	}
	return w;
}
