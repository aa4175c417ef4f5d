/* Checked allocation, the string buffer, time and number parsing used by
 * every module.  Allocation failure aborts: a console without memory
 * cannot do anything useful, and partial states are worse. */
#include "ceres/util/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

static void
oom(void)
{
	fputs("ceres-top: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t m)
{
	if (m != 0 && n > SIZE_MAX / m)
		oom();
	return xrealloc(p, n * m);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	/* Like strndup: at most n bytes, never past the terminating NUL. */
	n = strnlen(s, n);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
str_set(char **slot, const char *s)
{
	char *old = *slot;

	*slot = s != NULL ? xstrdup(s) : NULL;
	free(old);
}

void
strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void
strbuf_flush_to(struct strbuf *sb, FILE *out, size_t at_least)
{
	if (sb->len >= at_least && sb->len > 0) {
		fwrite(sb->buf, 1, sb->len, out);
		sb->len = 0;
	}
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

static void
strbuf_grow(struct strbuf *sb, size_t more)
{
	size_t need;

	if (more > SIZE_MAX - sb->len - 1)
		oom();
	need = sb->len + more + 1;
	if (need <= sb->cap)
		return;
	if (sb->cap == 0)
		sb->cap = 64;
	while (sb->cap < need)
		sb->cap = sb->cap > SIZE_MAX / 2 ? need : sb->cap * 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void
strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_grow(sb, n);
	if (n > 0)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

#define HUGE_PAGE	((size_t)2 << 20)

void *
xmalloc_huge(size_t n, size_t *got)
{
#ifdef MADV_HUGEPAGE
	size_t len = n < SIZE_MAX - HUGE_PAGE ? (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) : 0;
	void *q = NULL;

	if (n >= HUGE_PAGE && len > 0 && posix_memalign(&q, HUGE_PAGE, len) == 0) {
		(void)madvise(q, len, MADV_HUGEPAGE);	/* a hint */
		*got = len;
		return q;
	}
#endif
	*got = n;
	return xmalloc(n);
}

void *
xrealloc_huge(void *p, size_t old, size_t n, size_t *got)
{
	void *q;

	if (n < HUGE_PAGE / 8) {
		*got = n;
		return xrealloc(p, n);
	}
	q = xmalloc_huge(n > HUGE_PAGE ? n : HUGE_PAGE, got);
	if (p != NULL && old > 0)
		memcpy(q, p, old < n ? old : n);
	free(p);
	return q;
}

char *
strbuf_room(struct strbuf *sb, size_t n)
{
	strbuf_grow(sb, n);
	return sb->buf + sb->len;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_adds(sb, p);
	free(p);
}

char *
strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf != NULL ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return p;
}

double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *
fmt_rfc3339(double t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "1970-01-01T00:00:00Z");
	return buf;
}

static int
digits(const char **sp, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*sp)[i]))
			return -1;
		v = v * 10 + ((*sp)[i] - '0');
	}
	*sp += n;
	*out = v;
	return 0;
}

/* Days since the epoch for a civil date (Howard Hinnant's algorithm), so
 * that parsing does not depend on the TZ environment (no timegm games). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

int
parse_rfc3339(const char *s, double *out)
{
	int Y, M, D, h = 0, m = 0, sec = 0, oh, om;
	double frac = 0, off = 0;

	if (s == NULL || digits(&s, 4, &Y) || *s++ != '-' || digits(&s, 2, &M) ||
	    *s++ != '-' || digits(&s, 2, &D))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > 31)
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &m))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec))
				return -1;
		}
		if (*s == '.' || *s == ',') {
			double scale = 0.1;

			s++;
			if (!isdigit((unsigned char)*s))
				return -1;
			while (isdigit((unsigned char)*s)) {
				frac += (*s - '0') * scale;
				scale /= 10;
				s++;
			}
		}
		if (h > 23 || m > 59 || sec > 60)
			return -1;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1;

		if (digits(&s, 2, &oh))
			return -1;
		if (*s == ':')
			s++;
		if (digits(&s, 2, &om))
			return -1;
		off = sign * (oh * 3600.0 + om * 60.0);
	}
	if (*s != '\0')
		return -1;
	*out = (double)days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400.0 +
	    h * 3600.0 + m * 60.0 + sec + frac - off;
	return 0;
}

char *
fmt_age(double seconds, char *buf, size_t n)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 60)
		snprintf(buf, n, "%ds", (int)seconds);
	else if (seconds < 3600)
		snprintf(buf, n, "%dm", (int)(seconds / 60));
	else if (seconds < 86400)
		snprintf(buf, n, "%dh%02dm", (int)(seconds / 3600), (int)(seconds / 60) % 60);
	else
		snprintf(buf, n, "%dd%02dh", (int)(seconds / 86400), (int)(seconds / 3600) % 24);
	return buf;
}

int
parse_duration(const char *s, double *out)
{
	double total = 0;
	bool any = false;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	while (*s != '\0' && !isspace((unsigned char)*s)) {
		char *end;
		double v;

		errno = 0;
		v = strtod(s, &end);
		if (end == s || errno != 0 || v < 0 || !isfinite(v))
			return -1;
		s = end;
		switch (*s) {
		case 's': s++; break;
		case 'm': v *= 60; s++; break;
		case 'h': v *= 3600; s++; break;
		case 'd': v *= 86400; s++; break;
		case 'w': v *= 7 * 86400; s++; break;
		case '\0': v *= 60; break;	/* a bare number is minutes */
		default: return -1;
		}
		total += v;
		any = true;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (!any || *s != '\0' || total <= 0 || total > 366 * 86400.0)
		return -1;
	*out = total;
	return 0;
}

int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

char *
url_without_userinfo(const char *url)
{
	const char *p = url != NULL ? strstr(url, "://") : NULL, *at, *end;

	if (p == NULL)
		return xstrdup(url != NULL ? url : "");
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at == NULL)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(p - url), url, at + 1);
}

char *
url_redact(const char *url)
{
	const char *p, *host, *end;
	const char *at;

	if (url == NULL)
		return xstrdup("");
	p = strstr(url, "://");
	if (p == NULL)
		return xstrdup("…");
	host = p + 3;
	end = host + strcspn(host, "/?#");
	/* The last '@' ends the user information: a password may hold an
	 * unencoded '@', and nothing of it may show. */
	at = memrchr(host, '@', (size_t)(end - host));
	if (at != NULL)
		host = at + 1;
	return xasprintf("%.*s://%.*s%s", (int)(p - url), url, (int)(end - host), host,
	    *end != '\0' ? "/…" : "");
}


bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *
str_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Final avalanche (splitmix64) so that close inputs spread. */
static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* FNV-1a with a seed, then a splitmix64 avalanche so that close inputs
 * spread: for hash tables and sets, not for anything an attacker could
 * exploit beyond slowing a table down. */
uint64_t
hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ (seed * 0x9e3779b97f4a7c15ULL);

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

uint64_t
hash64w(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ (seed * 0x9e3779b97f4a7c15ULL) ^
	    ((uint64_t)n * 0xff51afd7ed558ccdULL), w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, b, n);
	return mix64((h ^ w ^ ((uint64_t)n << 59)) * 0x9fb21c651e98df25ULL);
}

/* RFC 3339 with nanoseconds, UTC, trailing zeros trimmed (Go's
 * RFC3339Nano): "2026-01-03T10:37:00.123456789Z"; "-" before 1970. */
char *
fmt_rfc3339_ns(int64_t ns, char *buf, size_t n)
{
	time_t secs = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	struct tm tm;
	char base[32], fr[16];
	int fl;

	if (ns < 0) {
		snprintf(buf, n, "-");
		return buf;
	}
	gmtime_r(&secs, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac == 0) {
		snprintf(buf, n, "%sZ", base);
		return buf;
	}
	fl = snprintf(fr, sizeof fr, "%09ld", frac);
	while (fl > 0 && fr[fl - 1] == '0')
		fr[--fl] = '\0';
	snprintf(buf, n, "%s.%sZ", base, fr);
	return buf;
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

double
round_to(double x, double scale)
{
	/* Without libm (the program does not link it); NaN, infinities and
	 * huge values pass through. */
	if (!(x > -1e12 && x < 1e12))
		return x;
	return x >= 0 ? (double)(long long)(x * scale + 0.5) / scale :
	    -(double)(long long)(-x * scale + 0.5) / scale;
}

char *
url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		/* RFC 3986 unreserved, ASCII whatever the locale says. */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~')
			strbuf_addc(&sb, (char)*p);
		else {
			strbuf_addc(&sb, '%');
			strbuf_addc(&sb, hex[*p >> 4]);
			strbuf_addc(&sb, hex[*p & 15]);
		}
	}
	return strbuf_detach(&sb);
}

char *
utf8_clip(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max || max < 4)
		return s;
	n = max - 3;	/* room for "…" (3 bytes) */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(s + n, "\xe2\x80\xa6", 4);
	return s;
}
