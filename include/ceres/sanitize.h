/* Terminal-safe text.  Every string that comes from a backend passes
 * through sanitize_text() once, where it enters the model. */
#ifndef CERES_SANITIZE_H
#define CERES_SANITIZE_H

#include <stddef.h>

/* Return a new string with valid UTF-8 and no control characters: C0/C1
 * controls and escape sequences are rendered visibly (e.g. "\e[31m" becomes
 * "␛[31m"), invalid UTF-8 becomes U+FFFD.  Never returns NULL. */
char *sanitize_text(const char *s, size_t len);
/* Same, for a NUL-terminated string; NULL gives "". */
char *sanitize_str(const char *s);

/* Same, but newlines are kept (multi-line details). */
char *sanitize_multiline(const char *s, size_t len);

/* Display width of a sanitized UTF-8 string (wcwidth). */
int text_width(const char *s);

#endif
