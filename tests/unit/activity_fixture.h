/* Fixture loading for the activity unit tests: files under $FIXTURES_DIR
 * (else the source tree's tests/fixtures), read whole. */
#ifndef ACTIVITY_FIXTURE_H
#define ACTIVITY_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/util/util.h"

static __attribute__((unused)) char *
fixture(const char *rel, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR");
	char *path = xasprintf("%s/%s", dir != NULL && *dir != '\0' ? dir : FIXTURES_DIR, rel);
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		abort();
	}
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		strbuf_add(&sb, chunk, n);
	fclose(f);
	free(path);
	*len = sb.len;
	return strbuf_detach(&sb);
}

/* True when s holds no C0 control byte but (if allowed) newlines, and no DEL. */
static __attribute__((unused)) int
is_terminal_safe(const char *s, int newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n' && newlines)
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

static __attribute__((unused)) double
at(const char *rfc3339)
{
	double t = 0;

	if (parse_rfc3339(rfc3339, &t) != 0)
		abort();
	return t;
}

#endif
