/* Terminal-safe text.  Bytes from a backend never reach the terminal as
 * they came: controls and escape sequences are turned into visible
 * pictures (ESC becomes U+241B "␛"), invalid UTF-8 into U+FFFD, and
 * characters that reorder or break lines (bidi overrides, U+2028) into
 * <U+XXXX>.  The output is valid UTF-8 with no byte below 0x20 or 0x7f. */
#include "ceres/sanitize.h"
#include "ceres/util.h"

#include <stdint.h>
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

/* Code points that must not act on the terminal or the layout. */
static int
is_dangerous(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1 controls, 8-bit CSI */
	    cp == 0x2028 || cp == 0x2029 ||		/* line/paragraph separator */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* bidi embeddings, overrides */
	    (cp >= 0x2066 && cp <= 0x2069) ||		/* bidi isolates */
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    cp == 0xfeff ||				/* BOM */
	    (cp >= 0xfff9 && cp <= 0xfffb);		/* interlinear annotations */
}

static char *
sanitize(const char *s, size_t len, int keep_newlines)
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
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (cp < 0)
			utf8_encode(&sb, 0xfffd);
		else if (cp == '\n' && keep_newlines)
			strbuf_addc(&sb, '\n');
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
	return strbuf_detach(&sb);
}

char *
sanitize_text(const char *s, size_t len)
{
	return sanitize(s, len, 0);
}

char *
sanitize_str(const char *s)
{
	return sanitize(s, s != NULL ? strlen(s) : 0, 0);
}

char *
sanitize_multiline(const char *s, size_t len)
{
	return sanitize(s, len, 1);
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
		size_t n = mbrtowc(&wc, s, len, &st);
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
