/* Small helpers shared by every module: checked allocation, a growable
 * string buffer, time helpers.  Allocation failure aborts: there is no
 * sensible way for a console to go on without memory. */
#ifndef CERES_UTIL_H
#define CERES_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#ifndef __GNUC__
#define __attribute__(x)
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t m);
/* n bytes for a big block about to be filled: from 2 MB on, rounded up
 * to whole huge pages (*got says how many bytes), on a huge page boundary
 * and asked for transparent huge pages: a page fault per 2 MB instead of
 * per 4 KB.  Smaller, or where that fails, xmalloc().  Freed with free(). */
void *xmalloc_huge(size_t n, size_t *got);
/* xrealloc(p, n) for an array that grows big (old: the bytes of p in
 * use; *got: the bytes it may use now): from 256 KB on, a new
 * xmalloc_huge() block of at least 2 MB, the old bytes copied.  Filling
 * 2 MB of 4 KB pages costs 512 page faults, a huge page one. */
void *xrealloc_huge(void *p, size_t old, size_t n, size_t *got);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Free a string that held a secret (a password, a token, a header with
 * one), wiping it first so it does not linger in freed memory; NULL is a
 * no-op.  explicit_bzero: a compiler may drop a memset before free. */
void secret_free(char *s);

/* Replace *slot with a copy of s (or NULL), freeing the old value. */
void str_set(char **slot, const char *s);

struct strbuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};
void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
/* Room for n more bytes at the end: write them there, then
 * strbuf_commit(sb, n) (at most n). */
char *strbuf_room(struct strbuf *sb, size_t n);
static inline void
strbuf_commit(struct strbuf *sb, size_t n)
{
	sb->len += n;
	sb->buf[sb->len] = '\0';
}
static inline void
strbuf_addc(struct strbuf *sb, char c)
{
	if (sb->len + 2 <= sb->cap) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
	} else
		strbuf_add(sb, &c, 1);
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *strbuf_detach(struct strbuf *sb);
/* Streamed output: write sb to out and empty it once it holds at least
 * at_least bytes (0: whatever it holds). */
#define STRBUF_STREAM_CHUNK	(64u << 10)
void strbuf_flush_to(struct strbuf *sb, FILE *out, size_t at_least);

/* Monotonic seconds, and wall-clock seconds since the epoch. */
double now_mono(void);
double now_wall(void);
/* RFC 3339 UTC with seconds ("2026-11-26T10:00:00Z") into buf (>= 32). */
char *fmt_rfc3339(double t, char *buf, size_t n);
/* The same with nanoseconds from ns since the epoch, trailing zeros
 * trimmed (Go's RFC3339Nano). */
char *fmt_rfc3339_ns(int64_t ns, char *buf, size_t n);
/* Parse RFC 3339 / ISO 8601 (with optional fraction and offset); -1 on error. */
int parse_rfc3339(const char *s, double *out);
/* "3s", "5m", "2h", "4d" style age. */
char *fmt_age(double seconds, char *buf, size_t n);
/* Parse a duration such as 30m, 4h, 1d, 90s, 1h30m; -1 on error. */
int parse_duration(const char *s, double *out);

/* Parse a whole number in [min,max]; -1 on error (no atoi). */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double *out);

/* "scheme://host/…" form of a URL, safe to show (no user info, path, query). */
char *url_redact(const char *url);
/* url with any "user:password@" removed, path and query kept. */
char *url_without_userinfo(const char *url);


/* A 64-bit hash of n bytes (tables, sets; not cryptographic). */
uint64_t hash64(const void *p, size_t n, uint64_t seed);
/* The same job eight bytes at a time, for big in-memory comparisons (an
 * alert's bytes from one round to the next); not the same values. */
uint64_t hash64w(const void *p, size_t n, uint64_t seed);

/* x rounded to 1/scale (round_to(3.14159, 100) = 3.14). */
double round_to(double x, double scale);

/* Percent-encode s for one URL path segment or query value: everything
 * but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~). */
char *url_escape(const char *s);

/* s cut in place to at most max bytes (max >= 4) without splitting a
 * UTF-8 sequence, "…" marking the cut; returns s. */
char *utf8_clip(char *s, size_t max);

bool str_has_prefix(const char *s, const char *prefix);
char *str_trim(char *s);

#endif
