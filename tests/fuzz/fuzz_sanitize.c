/* Fuzz the terminal sanitizer: whatever comes in, what goes out is valid
 * UTF-8 without a control character, an escape, a C1 control or a bidi
 * override; sanitizing twice changes nothing; widths are sane. */
#include "ceres/util/sanitize.h"
#include "fuzz.h"

/* Strict UTF-8 check that also rejects what must never reach a terminal.
 * Returns 1 when s is clean. */
static int
clean(const char *s, int newlines_ok)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned c = *p, cp, n, i;

		if (c < 0x80) {
			if ((c < 0x20 && !(c == '\n' && newlines_ok)) || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4; cp = c & 0x07;
		} else
			return 0;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		if (cp >= 0xd800 && cp <= 0xdfff)
			return 0;
		if (cp <= 0x9f)				/* C1 controls */
			return 0;
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0x200e || cp == 0x200f ||
		    cp == 0x061c || cp == 0xfeff)
			return 0;
		p += n;
	}
	return 1;
}

static void
check(char *out, int newlines_ok)
{
	size_t len = strlen(out);
	char *again;

	FUZZ_ASSERT(clean(out, newlines_ok));
	FUZZ_ASSERT(text_width(out) >= 0);
	FUZZ_ASSERT((size_t)text_width(out) <= len);
	again = newlines_ok ? sanitize_multiline(out, len) : sanitize_text(out, len);
	FUZZ_ASSERT(strcmp(again, out) == 0);
	free(again);
	free(out);
}

FUZZ_TARGET(sanitize)
{
	char *copy;

	fuzz_locale();
	check(sanitize_text((const char *)data, size), 0);
	check(sanitize_multiline((const char *)data, size), 1);
	/* The logs pane's variant: SGR lifted into spans inside the text. */
	for (int nl = 0; nl < 2; nl++) {
		struct sgr_span *spans = NULL;
		size_t nspans = 0;
		char *t = sanitize_sgr((const char *)data, size, nl, &spans, &nspans);

		FUZZ_ASSERT(clean(t, nl));
		for (size_t i = 0; i < nspans; i++) {
			FUZZ_ASSERT(spans[i].start <= spans[i].end && spans[i].end <= strlen(t));
			FUZZ_ASSERT(spans[i].fg >= -1 && spans[i].fg <= 255);
			FUZZ_ASSERT(spans[i].bg >= -1 && spans[i].bg <= 255);
		}
		free(spans);
		free(t);
	}
	copy = fuzz_copy(data, size);
	check(sanitize_str(copy), 0);
	/* text_width must survive raw, unsanitized bytes too. */
	FUZZ_ASSERT(text_width(copy) >= 0);
	free(copy);
	return 0;
}
