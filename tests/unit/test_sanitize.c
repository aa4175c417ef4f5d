/* The terminal sanitizer against hostile input: a table of attacks (OSC 52
 * clipboard, OSC 0 title, CSI cursor moves and clears, 8-bit C1 CSI,
 * bare ESC, broken and overlong UTF-8, surrogates, zero-width and wide
 * characters, bidi overrides), the SGR translation for log lines, and a
 * property test over random bytes: the output is valid UTF-8 without any
 * control byte or C1 code point. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/util/sanitize.h"

struct hostile {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

#define H(name, in, want) { name, in, sizeof(in) - 1, want }

static const struct hostile table[] = {
	H("OSC 52 clipboard write", "a\x1b]52;c;cm0gLXJmIC8K\x07z", "a␛]52;c;cm0gLXJmIC8K␇z"),
	H("OSC 52 with ST", "\x1b]52;p;aGk=\x1b\\", "␛]52;p;aGk=␛\\"),
	H("OSC 0 window title", "\x1b]0;pwned\x07", "␛]0;pwned␇"),
	H("OSC 2 title, 8-bit ST", "\x1b]2;x\x9c", "␛]2;x\xef\xbf\xbd"),
	H("CSI clear screen", "\x1b[2J\x1b[H", "␛[2J␛[H"),
	H("CSI cursor moves", "\x1b[10;20H\x1b[5A\x1b[3C\x1b" "7\x1b" "8", "␛[10;20H␛[5A␛[3C␛7␛8"),
	H("CSI hide cursor", "\x1b[?25l", "␛[?25l"),
	H("DCS", "\x1bP1$r0m\x1b\\", "␛P1$r0m␛\\"),
	H("SGR stays visible in plain text", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
	H("8-bit CSI as a raw byte", "\x9b" "2J", "\xef\xbf\xbd" "2J"),
	H("8-bit CSI as UTF-8 (U+009B)", "\xc2\x9b" "2J", "<U+009B>2J"),
	H("NEL (U+0085)", "a\xc2\x85" "b", "a<U+0085>b"),
	H("bare ESC at the end", "abc\x1b", "abc␛"),
	H("BEL, BS, CR, NUL", "a\x07" "b\x08" "c\rd", "a␇b␈c␍d"),
	{ "NUL inside", "a\0b", 3, "a␀b" },
	H("DEL", "a\x7f" "b", "a␡b"),
	H("tab becomes a space", "a\tb", "a b"),
	H("newline in one-line text", "a\nb", "a␊b"),
	H("truncated 3-byte sequence", "x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd"),
	H("truncated 4-byte sequence", "\xf0\x9f\x98", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	H("lone continuation byte", "\x80" "a", "\xef\xbf\xbd" "a"),
	H("overlong slash", "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"),
	H("overlong ESC (3 bytes)", "\xe0\x80\x9b", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	H("overlong NUL", "\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd"),
	H("UTF-16 surrogate", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	H("above U+10FFFF", "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	H("0xff byte", "\xff", "\xef\xbf\xbd"),
	H("RLO bidi override", "user\xe2\x80\xae" "fdp.exe", "user<U+202E>fdp.exe"),
	H("bidi isolate", "\xe2\x81\xa6x\xe2\x81\xa9", "<U+2066>x<U+2069>"),
	H("line separator", "a\xe2\x80\xa8" "b", "a<U+2028>b"),
	H("BOM", "\xef\xbb\xbf" "x", "<U+FEFF>x"),
	H("noncharacter U+FFFE", "\xef\xbf\xbe", "<U+FFFE>"),
	H("zero-width space kept", "a\xe2\x80\x8b" "b", "a\xe2\x80\x8b" "b"),
	H("combining acute kept", "e\xcc\x81", "e\xcc\x81"),
	H("wide CJK kept", "日本語", "日本語"),
	H("emoji kept", "🦊 ok", "🦊 ok"),
	H("Cyrillic kept", "Заказ", "Заказ"),
};

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		char *out = sanitize_text(table[i].in, table[i].len);

		if (strcmp(out, table[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", table[i].name, out, table[i].want);
		free(out);
	}
}

static void
test_multiline(void **state)
{
	char *out;

	(void)state;
	out = sanitize_multiline("a\r\nb\nc\rd\x1b[2J", 12);
	assert_string_equal(out, "a\nb\nc␍d␛[2J");
	free(out);
	out = sanitize_str(NULL);
	assert_string_equal(out, "");
	free(out);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("日本"), 4);
	assert_int_equal(text_width("e\xcc\x81"), 1);
	assert_int_equal(text_width("a\xe2\x80\x8b" "b"), 2);
	assert_int_equal(text_width("␛[2J"), 4);
}

/* Under LANG=C a UTF-8 character is one column, as the panes draw it
 * ("Gr??e", not "Gr????e"), and the console's symbols have ASCII
 * look-alikes: the same rule for every pane. */
static void
test_width_c_locale(void **state)
{
	wchar_t wc;

	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	assert_int_equal(text_width("Gr\xc3\xb6\xc3\x9f" "e"), 5);
	assert_int_equal(text_width("j\xc3\xbcrgen"), 6);
	assert_int_equal(text_width("a \xe2\x94\x82 b"), 5);
	assert_int_equal(ascii_fallback("\xc3\xb6x", 3, &wc), 2);
	assert_int_equal(wc, L'?');
	assert_int_equal(ascii_fallback("\xe2\x94\x82", 3, &wc), 3);
	assert_int_equal(wc, L'|');
	assert_int_equal(ascii_fallback("\xe2\x80\xa6", 3, &wc), 3);
	assert_int_equal(wc, L'~');
	assert_int_equal(ascii_fallback("\xc3", 1, &wc), 1);	/* cut short */
	assert_int_equal(wc, L'?');
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	assert_int_equal(text_width("Gr\xc3\xb6\xc3\x9f" "e"), 5);
}

static char *
sgr(const char *s, struct sgr_span **sp, size_t *n)
{
	return sanitize_sgr(s, strlen(s), 0, sp, n);
}

static void
test_sgr(void **state)
{
	struct sgr_span *sp;
	size_t n;
	char *out;

	(void)state;
	out = sgr("plain \x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[m.", &sp, &n);
	assert_string_equal(out, "plain red and bold green.");
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].start, 6);
	assert_int_equal(sp[0].end, 9);
	assert_int_equal(sp[0].fg, 1);
	assert_int_equal(sp[0].bg, -1);
	assert_int_equal(sp[1].start, 14);
	assert_int_equal(sp[1].end, 24);
	assert_int_equal(sp[1].fg, 2);
	assert_int_equal(sp[1].attrs, SGR_BOLD);
	free(sp);
	free(out);

	/* 256 colours, truecolour, bright, background; reset at the end is
	 * implied. */
	out = sgr("\x1b[38;5;208mA\x1b[38;2;255;0;0;48;5;4mB\x1b[91;4mC", &sp, &n);
	assert_string_equal(out, "ABC");
	assert_int_equal(n, 3);
	assert_int_equal(sp[0].fg, 208);
	assert_int_equal(sp[1].fg, 196);
	assert_int_equal(sp[1].bg, 4);
	assert_int_equal(sp[2].fg, 9);
	assert_int_equal(sp[2].attrs, SGR_UNDERLINE);
	assert_int_equal(sp[2].end, 3);
	free(sp);
	free(out);

	/* Anything but SGR stays visible, even between colours; conceal and
	 * fg == bg cannot hide text. */
	out = sgr("\x1b[31mx\x1b]0;t\x07y\x1b[2Jz\x1b[8;30;40mw", &sp, &n);
	assert_string_equal(out, "x␛]0;t␇y␛[2Jzw");
	assert_int_equal(sp[n - 1].fg, 0);
	assert_int_equal(sp[n - 1].bg, -1);
	free(sp);
	free(out);

	/* Malformed or over-long parameter lists are not SGR. */
	{
		char big[300];

		memcpy(big, "\x1b[", 2);
		memset(big + 2, '1', 200);
		big[202] = 'm';
		out = sanitize_sgr(big, 203, 0, &sp, &n);
		assert_int_equal(n, 0);
		assert_true(strncmp(out, "␛[111", 7) == 0);
		free(sp);
		free(out);
	}
	out = sanitize_sgr("\x1b[31", 4, 0, &sp, &n);
	assert_string_equal(out, "␛[31");
	assert_int_equal(n, 0);
	free(sp);
	free(out);
	out = sanitize_sgr("no colour at all", 16, 0, &sp, &n);
	assert_null(sp);
	assert_int_equal(n, 0);
	free(out);
}

/* Valid UTF-8, and no C0 (but \n when allowed), DEL or C1 code point. */
static void
check_safe(const char *s, bool newlines)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned c = *p, cp = 0;
		size_t n = 1;

		if (c < 0x80) {
			if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7f)
				fail_msg("control byte 0x%02x in output", c);
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4, cp = c & 0x07;
		else
			fail_msg("invalid lead byte 0x%02x", c);
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				fail_msg("invalid continuation byte");
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
			fail_msg("overlong encoding in output");
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			fail_msg("invalid code point U+%X", cp);
		if (cp >= 0x80 && cp <= 0x9f)
			fail_msg("C1 control U+%04X in output", cp);
		if (cp == 0x202e || cp == 0x2028)
			fail_msg("bidi/line separator U+%04X in output", cp);
		p += n;
	}
}

static void
test_random(void **state)
{
	/* Bytes that matter more than the others. */
	static const unsigned char hot[] = {
		0x1b, '[', ']', ';', 'm', '0', '3', '8', '5', '2', 0x07, 0x9b, 0x9c, 0x90, 0x80,
		0xbf, 0xc2, 0xc0, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xff, '\n', '\r', '\t', 0x7f,
		0x00, 0x85, 0xa0, 0xae,
	};
	unsigned seed = 4242;
	unsigned char buf[96];

	(void)state;
	for (int round = 0; round < 100000; round++) {
		size_t len, n;
		struct sgr_span *sp;
		char *a, *b, *c;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof buf;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 12) % 3 == 0 ? (unsigned char)(seed >> 20) :
			    hot[(seed >> 20) % sizeof hot];
		}
		a = sanitize_text((const char *)buf, len);
		b = sanitize_multiline((const char *)buf, len);
		c = sanitize_sgr((const char *)buf, len, round & 1, &sp, &n);
		check_safe(a, false);
		check_safe(b, true);
		check_safe(c, round & 1);
		/* Spans lie inside the text, in order, without overlap. */
		for (size_t i = 0; i < n; i++) {
			assert_true(sp[i].start < sp[i].end);
			assert_true(sp[i].end <= strlen(c));
			assert_true(i == 0 || sp[i - 1].end <= sp[i].start);
			assert_true(sp[i].fg >= -1 && sp[i].fg <= 255);
			assert_true(sp[i].bg >= -1 && sp[i].bg <= 255);
		}
		/* Sanitizing twice changes nothing. */
		{
			char *again = sanitize_text(a, strlen(a));

			assert_string_equal(again, a);
			free(again);
		}
		free(sp);
		free(a);
		free(b);
		free(c);
	}
}

/* sanitize_is_plain() says yes only where sanitize_str() would give the
 * string back unchanged: every byte value at the start, middle and end. */
static void
test_is_plain_agrees(void **state)
{
	char s[8];

	(void)state;
	assert_true(sanitize_is_plain(""));
	assert_true(sanitize_is_plain("DiskFull on host-01 ~ {x}"));
	for (int b = 1; b < 256; b++)
		for (int at = 0; at < 3; at++) {
			char *d;

			memcpy(s, "abcde", 6);
			s[at * 2] = (char)b;
			d = sanitize_str(s);
			if (sanitize_is_plain(s))
				assert_string_equal(d, s);
			assert_int_equal(sanitize_is_plain(s), b >= 0x20 && b < 0x7f);
			free(d);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_width_c_locale),
		cmocka_unit_test(test_sgr),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_is_plain_agrees),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
