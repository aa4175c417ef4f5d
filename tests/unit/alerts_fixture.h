/* Fixture loading for the alerts unit tests: $FIXTURES_DIR, else the
 * directory compiled in by mk/alerts.am. */
#ifndef ALERTS_FIXTURE_H
#define ALERTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/util/util.h"

static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR");
	char *path;
	FILE *f;
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (dir == NULL || *dir == '\0')
		dir = FIXTURES_DIR;
	path = xasprintf("%s/alertmanager/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		abort();
	}
	free(path);
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return strbuf_detach(&sb);
}

#endif
