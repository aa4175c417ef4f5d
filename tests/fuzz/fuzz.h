/* One shape for every fuzz target, built two ways: with libFuzzer (clang
 * -fsanitize=fuzzer, FUZZ_LIBFUZZER defined) FUZZ_TARGET(name) is
 * LLVMFuzzerTestOneInput; in the normal build it registers the function so
 * tests/unit/test_regress_corpus replays tests/fuzz/corpus/<name>/ under
 * make check.  A new target is one file, tests/fuzz/fuzz_<name>.c. */
#ifndef CERES_FUZZ_H
#define CERES_FUZZ_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_TARGET(name)						\
	static int fuzz_one_##name(const uint8_t *data, size_t size);	\
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)	\
	{								\
		return fuzz_one_##name(data, size);			\
	}								\
	static int fuzz_one_##name(const uint8_t *data, size_t size)
#else
void fuzz_register(const char *name, fuzz_fn fn);
#define FUZZ_TARGET(name)						\
	static int fuzz_one_##name(const uint8_t *data, size_t size);	\
	__attribute__((constructor)) static void fuzz_reg_##name(void)	\
	{								\
		fuzz_register(#name, fuzz_one_##name);			\
	}								\
	static int fuzz_one_##name(const uint8_t *data, size_t size)
#endif

/* A broken property is a crash: libFuzzer keeps the input, the replay
 * test fails on it. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz property failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The input as a NUL-terminated heap copy: parsers get what the loop
 * gives them (a body is always NUL-terminated, and may contain NULs). */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Width and UTF-8 decoding depend on the locale: fuzz what users run. */
static inline void
fuzz_locale(void)
{
	static int done;

	if (!done) {
		if (setlocale(LC_ALL, "C.UTF-8") == NULL)
			setlocale(LC_ALL, "");
		done = 1;
	}
}

/* A string put in the model is sanitized: valid UTF-8 (no sequence cut
 * by a byte-counting clip), no C0 control (a newline only where lines are
 * allowed), no DEL, no ESC.  NULL passes when allowed. */
static inline int
fuzz_clean(const char *s, int null_ok, int newlines_ok)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return null_ok;
	while (*p != '\0') {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
		    (*p & 0xf8) == 0xf0 ? 4 : 0;

		if (n == 0)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		if (n == 1 && ((*p < 0x20 && !(*p == '\n' && newlines_ok)) || *p == 0x7f))
			return 0;
		p += n;
	}
	return 1;
}

/* Split "a\0b" at the first NUL: a 2-input parser's corpus stays readable.
 * Returns 1 when there was a NUL (*second points after it). */
static inline int
fuzz_split(const uint8_t *data, size_t size, size_t *first_len, const uint8_t **second,
    size_t *second_len)
{
	const uint8_t *nul = size > 0 ? memchr(data, 0, size) : NULL;

	if (nul == NULL) {
		*first_len = size;
		*second = data + size;
		*second_len = 0;
		return 0;
	}
	*first_len = (size_t)(nul - data);
	*second = nul + 1;
	*second_len = size - *first_len - 1;
	return 1;
}

#endif
