/* Terminal-safe text.  Every string that comes from a backend passes
 * through sanitize_text() once, where it enters the model. */
#ifndef CERES_SANITIZE_H
#define CERES_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* Return a new string with valid UTF-8 and no control characters: C0/C1
 * controls and escape sequences are rendered visibly (e.g. "\e[31m" becomes
 * "␛[31m"), invalid UTF-8 becomes U+FFFD.  Never returns NULL. */
char *sanitize_text(const char *s, size_t len);
/* Same, for a NUL-terminated string; NULL gives "". */
char *sanitize_str(const char *s);
/* True when sanitize_str(s) would be s again (printable ASCII only): a
 * caller may then keep s itself as its display copy. */
bool sanitize_is_plain(const char *s);

/* Same, but newlines are kept (multi-line details). */
char *sanitize_multiline(const char *s, size_t len);

/* Display width of a sanitized UTF-8 string (wcwidth). */
int text_width(const char *s);
/* In a single-byte locale: the one character at s as the console shows
 * it (an ASCII look-alike or '?'); returns the bytes it takes. */
size_t ascii_fallback(const char *s, size_t len, wchar_t *out);

/* SGR colours of a log line as spans over the sanitized text. */
#define SGR_BOLD	0x01
#define SGR_DIM		0x02
#define SGR_ITALIC	0x04
#define SGR_UNDERLINE	0x08
#define SGR_REVERSE	0x10
#define SGR_STRIKE	0x20

struct sgr_span {
	uint32_t	start;		/* byte offsets into the sanitized text */
	uint32_t	end;
	int16_t		fg;		/* -1 default, else 0-255 (xterm palette) */
	int16_t		bg;
	uint16_t	attrs;		/* SGR_* */
};

/* Like sanitize_text() (or sanitize_multiline() with keep_newlines), except
 * that well-formed SGR sequences (ESC [ params m) are removed from the text
 * and described by *spans instead, so the logs pane can draw them as curses
 * colours.  Every other control or sequence is shown visibly, as always.
 * *spans (NULL when there are none) belongs to the caller. */
char *sanitize_sgr(const char *s, size_t len, int keep_newlines,
    struct sgr_span **spans, size_t *nspans);

#endif
