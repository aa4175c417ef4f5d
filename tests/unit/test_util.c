/* Utilities: durations, RFC 3339, URL redaction, the string buffer, and
 * the basic guarantees of the terminal sanitizer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/util/sanitize.h"
#include "ceres/util/file.h"
#include "ceres/util/heapstat.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_duration(void **state)
{
	double d;

	(void)state;
	assert_int_equal(parse_duration("30m", &d), 0);
	assert_true(d == 1800);
	assert_int_equal(parse_duration("4h", &d), 0);
	assert_true(d == 14400);
	assert_int_equal(parse_duration("1d", &d), 0);
	assert_true(d == 86400);
	assert_int_equal(parse_duration("1h30m", &d), 0);
	assert_true(d == 5400);
	assert_int_equal(parse_duration(" 90s ", &d), 0);
	assert_true(d == 90);
	assert_int_equal(parse_duration("15", &d), 0);	/* bare number: minutes */
	assert_true(d == 900);
	assert_int_equal(parse_duration("", &d), -1);
	assert_int_equal(parse_duration("2x", &d), -1);
	assert_int_equal(parse_duration("-5m", &d), -1);
	assert_int_equal(parse_duration("0m", &d), -1);
	assert_int_equal(parse_duration("400d", &d), -1);
	assert_int_equal(parse_duration("nan", &d), -1);
	assert_int_equal(parse_duration(NULL, &d), -1);
}

static void
test_rfc3339(void **state)
{
	double t, t2;
	char buf[40];

	(void)state;
	assert_int_equal(parse_rfc3339("2026-11-26T10:00:00Z", &t), 0);
	assert_string_equal(fmt_rfc3339(t, buf, sizeof buf), "2026-11-26T10:00:00Z");
	assert_int_equal(parse_rfc3339("2026-11-26T13:00:00+03:00", &t2), 0);
	assert_true(t == t2);
	assert_int_equal(parse_rfc3339("2026-11-26T10:00:00.250000000Z", &t2), 0);
	assert_true(t2 - t > 0.249 && t2 - t < 0.251);
	assert_int_equal(parse_rfc3339("2026-11-26 10:00:00.000", &t2), 0);	/* Uptime Kuma */
	assert_true(t2 == t);
	assert_int_equal(parse_rfc3339("2026-11-26", &t2), 0);
	assert_int_equal(parse_rfc3339("1970-01-01T00:00:00Z", &t2), 0);
	assert_true(t2 == 0);
	assert_int_equal(parse_rfc3339("2026-13-01T00:00:00Z", &t2), -1);
	assert_int_equal(parse_rfc3339("2026-11-26T10:00:00Zjunk", &t2), -1);
	assert_int_equal(parse_rfc3339("yesterday", &t2), -1);
	assert_int_equal(parse_rfc3339(NULL, &t2), -1);
}

static void
test_url_redact(void **state)
{
	char *s;

	(void)state;
	s = url_redact("https://chat.ceres.example/hooks/abcdef123456");
	assert_string_equal(s, "https://chat.ceres.example/…");
	free(s);
	s = url_redact("https://bot:secret@zulip.example:8443/api/v1/external/slack_incoming?api_key=XYZ");
	assert_string_equal(s, "https://zulip.example:8443/…");
	assert_null(strstr(s, "secret"));
	free(s);
	s = url_redact("http://127.0.0.1:9090");
	assert_string_equal(s, "http://127.0.0.1:9090");
	free(s);
	s = url_redact("not a url");
	assert_null(strstr(s, "not"));
	free(s);
}

static void
test_strbuf(void **state)
{
	struct strbuf sb;
	char *s;

	(void)state;
	strbuf_init(&sb);
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_true(str_has_prefix(sb.buf, "0,1,2,"));
	s = strbuf_detach(&sb);
	assert_null(sb.buf);
	free(s);
	s = strbuf_detach(&sb);
	assert_string_equal(s, "");
	free(s);
}

static void
test_numbers(void **state)
{
	long v;
	double d;

	(void)state;
	assert_int_equal(parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("101", 0, 100, &v), -1);
	assert_int_equal(parse_long("4x", 0, 100, &v), -1);
	assert_int_equal(parse_long("", 0, 100, &v), -1);
	assert_int_equal(parse_double("0.25", &d), 0);
	assert_int_equal(parse_double("inf", &d), -1);
}

static void
test_sanitize_basics(void **state)
{
	char *s;

	(void)state;
	s = sanitize_str("ok \x1b]52;c;ZXZpbA==\x07 \x1b[2J" "\xc2\x9b" "31m end");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		assert_false(*p < 0x20 || *p == 0x7f);
	assert_non_null(strstr(s, "␛]52"));
	assert_non_null(strstr(s, " end"));
	free(s);
	s = sanitize_text("a\xc0\xafz", 4);	/* overlong '/' */
	assert_string_equal(s, "a\xef\xbf\xbd\xef\xbf\xbdz");
	free(s);
	s = sanitize_text("x\0y", 3);
	assert_string_equal(s, "x␀y");
	free(s);
	s = sanitize_str("\xe2\x80\xae" "evil");		/* RLO */
	assert_string_equal(s, "<U+202E>evil");
	free(s);
	s = sanitize_multiline("a\nb\rc", 5);
	assert_string_equal(s, "a\nb␍c");
	free(s);
	s = sanitize_str(NULL);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(text_width("日本"), 4);
	assert_int_equal(text_width("e\xcc\x81"), 1);	/* e + combining acute */
}

/* One reader for every small file: a FIFO at the path fails at once
 * instead of blocking, a missing file says ENOENT, a big one EFBIG. */
static void
test_file_read_regular(void **state)
{
	char dir[] = "/tmp/ceres-test-file-XXXXXX", *path, *buf = NULL, *cause = NULL;
	const char *why = NULL;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/f", dir);
	assert_int_equal(file_read_regular(path, 100, &buf, &len, NULL, &why), ENOENT);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(file_read_regular(path, 100, &buf, &len, NULL, &why), EINVAL);
	assert_null(buf);
	assert_null(file_read_small(path, 100, &len, &cause));
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0123456789", f);
	fclose(f);
	assert_int_equal(file_read_regular(path, 100, &buf, &len, NULL, &why), 0);
	assert_int_equal(len, 10);
	assert_string_equal(buf, "0123456789");
	free(buf);
	assert_int_equal(file_read_regular(path, 9, &buf, &len, NULL, &why), EFBIG);
	assert_null(file_read_small(path, 9, &len, &cause));
	assert_non_null(strstr(cause, "larger than 9 bytes"));
	free(cause);
	f = fopen(path, "w");
	fclose(f);
	buf = file_read_small(path, 9, &len, &cause);
	assert_non_null(buf);			/* an empty file is "" */
	assert_int_equal(len, 0);
	free(buf);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* One percent-encoder for path segments and query values (Gitea owners,
 * Redmine projects, Keycloak realms, LogQL queries): RFC 3986 unreserved
 * characters stay, every other byte is %XX, whatever the locale. */
static void
test_url_escape(void **state)
{
	char *e, *saved = xstrdup(setlocale(LC_ALL, NULL));

	(void)state;
	/* A single-byte locale where isalnum() would take bytes over 127. */
	setlocale(LC_ALL, "ru_RU.KOI8-R");
	e = url_escape("ceres/infra ops&x=1");
	assert_string_equal(e, "ceres%2Finfra%20ops%26x%3D1");
	free(e);
	e = url_escape("{job=\"a\"} |= `x`");
	assert_string_equal(e, "%7Bjob%3D%22a%22%7D%20%7C%3D%20%60x%60");
	free(e);
	e = url_escape("J\xc3\xbcrgen-1._~");
	assert_string_equal(e, "J%C3%BCrgen-1._~");
	free(e);
	e = url_escape("");
	assert_string_equal(e, "");
	free(e);
	setlocale(LC_ALL, saved);
	free(saved);
}

/* The heap count follows what is allocated and freed, not what the
 * allocator keeps mapped: a leak shows, a freed megabyte does not. */
static void
test_heapstat(void **state)
{
	long long before, held, after;
	char *big;

	(void)state;
	before = heapstat_bytes();
	assert_true(before > 0);
	big = malloc(4 << 20);
	assert_non_null(big);
	memset(big, 1, 4 << 20);
	held = heapstat_bytes();
	assert_true(held - before >= 4 << 20);
	free(big);
	after = heapstat_bytes();
	assert_true(after - before < 1 << 20);
	for (int i = 0; i < 1000; i++)
		free(malloc(100 + i));
	assert_true(heapstat_bytes() - after < 64 << 10);
}

/* CERES_TOP_HEAP_STATS: the count in the named file, once a second. */
static void
test_heapstat_file(void **state)
{
	char dir[] = "/tmp/ceres-heapstat.XXXXXX", path[256], buf[128];
	long long n = -1;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/heap", dir);
	setenv("CERES_TOP_HEAP_STATS", path, 1);
	heapstat_tick();
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_int_equal(sscanf(buf, "heap_bytes %lld", &n), 1);
	assert_true(n > 0);
	unlink(path);
	heapstat_tick();	/* within the second: not written again */
	assert_int_equal(access(path, F_OK), -1);
	rmdir(dir);
	unsetenv("CERES_TOP_HEAP_STATS");
}

/* A URL shown or audited never carries user:password. */
static void
test_url_without_userinfo(void **state)
{
	char *u;

	(void)state;
	u = url_without_userinfo("https://ops:s3cret@redmine.example/sub/path?q=1");
	assert_string_equal(u, "https://redmine.example/sub/path?q=1");
	free(u);
	u = url_without_userinfo("http://redmine.example/a@b");
	assert_string_equal(u, "http://redmine.example/a@b");
	free(u);
	u = url_without_userinfo("redmine.example");
	assert_string_equal(u, "redmine.example");
	free(u);
}

/* json_write_str writes what cJSON prints, for every special byte (and
 * bytes next to the special ranges) at every place of strings around its
 * eight-byte stride, and for hashes:
 * hash64w changes with any byte and with the length. */
static void
test_json_write_str_like_cjson(void **state)
{
	static const char special[] = { '"', '\\', '\n', '\r', '\t', '\b', '\f', 0x01, 0x1f, 0x7f,
	    (char)0xc3, 0x20, '!', '#', '[', ']', (char)0x80, (char)0xa2, (char)0xdc, (char)0xff };
	char s[32];

	(void)state;
	for (size_t len = 1; len < 26; len++) {
		for (size_t at = 0; at < len; at++) {
			for (size_t k = 0; k < sizeof special; k++) {
				struct strbuf sb;
				cJSON *j;
				char *want;

				memset(s, 'a', len);
				s[len] = '\0';
				s[at] = special[k];
				if (special[k] == (char)0xc3 && at + 1 < len)
					s[at + 1] = (char)0xa9;	/* é */
				j = cJSON_CreateString(s);
				want = cJSON_PrintUnformatted(j);
				strbuf_init(&sb);
				json_write_str(&sb, s);
				strbuf_addc(&sb, '\0');
				assert_string_equal(sb.buf, want);
				strbuf_free(&sb);
				cJSON_free(want);
				cJSON_Delete(j);
			}
		}
	}
	memset(s, 'x', sizeof s);
	for (size_t n = 0; n < sizeof s; n++) {
		uint64_t h = hash64w(s, n, 1);

		assert_true(h != hash64w(s, n, 2));
		if (n > 0) {
			s[n - 1] = 'y';
			assert_true(h != hash64w(s, n, 1));
			s[n - 1] = 'x';
			assert_true(h != hash64w(s, n - 1, 1));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_read_regular),
		cmocka_unit_test(test_url_escape),
		cmocka_unit_test(test_url_without_userinfo),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sanitize_basics),
		cmocka_unit_test(test_heapstat),
		cmocka_unit_test(test_heapstat_file),
		cmocka_unit_test(test_json_write_str_like_cjson),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
