/* Replays every fuzz corpus (tests/fuzz/corpus/<target>/) through its
 * target under make check: the seeds and every input that once crashed
 * (crash-*, named after the bug) must run clean, also under ASan/UBSan
 * with --enable-sanitizers.  Targets register themselves (fuzz.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../fuzz/fuzz.h"

#ifndef FUZZ_CORPUS_DIR
#define FUZZ_CORPUS_DIR "tests/fuzz/corpus"
#endif
#define MAX_TARGETS 64
#define REPLAY_MAX_INPUT (4u << 20)

struct target {
	const char	*name;
	fuzz_fn		 fn;
};
static struct target targets[MAX_TARGETS];
static size_t ntargets;

void
fuzz_register(const char *name, fuzz_fn fn)
{
	if (ntargets == MAX_TARGETS)
		abort();
	targets[ntargets].name = name;
	targets[ntargets].fn = fn;
	ntargets++;
}

static const char *
corpus_root(void)
{
	const char *e = getenv("FUZZ_CORPUS_DIR");

	return e != NULL && *e != '\0' ? e : FUZZ_CORPUS_DIR;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	if (f == NULL)
		return NULL;
	buf = malloc(REPLAY_MAX_INPUT);
	assert_non_null(buf);
	*len = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	return buf;
}

static void
replay_target(void **state)
{
	const struct target *t = *state;
	char dir[4096];
	DIR *d;
	struct dirent *de;
	size_t files = 0;

	snprintf(dir, sizeof dir, "%s/%s", corpus_root(), t->name);
	d = opendir(dir);
	if (d == NULL)
		fail_msg("target %s has no corpus directory %s", t->name, dir);
	while ((de = readdir(d)) != NULL) {
		char path[4096 + 256 + 2];
		struct stat st;
		uint8_t *buf;
		size_t len = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		buf = slurp(path, &len);
		assert_non_null(buf);
		/* A crash aborts the whole program; name the input first. */
		fprintf(stderr, "# %s: %s (%zu bytes)\n", t->name, de->d_name, len);
		assert_int_equal(t->fn(buf, len), 0);
		free(buf);
		files++;
	}
	closedir(d);
	if (files < 3)
		fail_msg("target %s: only %zu corpus files in %s", t->name, files, dir);
}

/* A corpus directory without a target means a target file is missing
 * from FUZZ_TARGET_SOURCES in mk/hostile.am. */
static void
every_corpus_has_target(void **state)
{
	DIR *d = opendir(corpus_root());
	struct dirent *de;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t i;

		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < ntargets; i++)
			if (strcmp(targets[i].name, de->d_name) == 0)
				break;
		if (i == ntargets)
			fail_msg("corpus %s has no registered target (add tests/fuzz/fuzz_%s.c "
			    "to FUZZ_TARGET_SOURCES)", de->d_name, de->d_name);
	}
	closedir(d);
}

int
main(void)
{
	struct CMUnitTest tests[MAX_TARGETS + 1];
	size_t n = 0;

	memset(tests, 0, sizeof tests);
	tests[n].name = "every corpus has a target";
	tests[n].test_func = every_corpus_has_target;
	n++;
	for (size_t i = 0; i < ntargets; i++) {
		tests[n].name = targets[i].name;
		tests[n].test_func = replay_target;
		tests[n].initial_state = &targets[i];
		n++;
	}
	return _cmocka_run_group_tests("fuzz corpus replay", tests, n, NULL, NULL);
}
