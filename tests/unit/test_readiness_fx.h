/* Shared by the readiness probe tests: a config, a model, the evidence,
 * and the expectation helper that runs one check by its id. */
#ifndef TEST_READINESS_FX_H
#define TEST_READINESS_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceres/core/config.h"
#include "ceres/model/services.h"
#include "ceres/sources/readiness.h"
#include "ceres/features/readiness.h"
#include "ceres/util/util.h"

struct fx {
	struct config	*cfg;
	struct model	 m;
	struct rd_data	*d;
	struct rd_ctx	 ctx;
	struct rd_result last;
};

static inline void
fx_init(struct fx *f, const char *cfgtext)
{
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	f->cfg = config_parse("test", cfgtext, strlen(cfgtext), NULL, &cause);
	if (f->cfg == NULL)
		fail_msg("config: %s", cause);
	model_init(&f->m);
	f->d = rd_data_new();
	f->ctx.d = f->d;
	f->ctx.model = &f->m;
	f->ctx.config = f->cfg;
	f->ctx.now = now_wall();
}

static inline void
fx_free(struct fx *f)
{
	rd_data_free(f->d);
	model_free(&f->m);
	config_free(f->cfg);
}

static inline struct service *
row(struct fx *f, const char *name, const char *kind, enum svc_state st, double lat, const char *parent)
{
	struct service *sv = model_service(&f->m, name, kind);

	if (parent != NULL)
		str_set(&sv->parent, parent);
	model_service_update(&f->m, sv, st, lat, st == SVC_UP ? "fine" : "broken");
	return sv;
}

static inline void
expect(struct fx *f, const char *id, enum rd_status want, const char *needle)
{
	const struct rd_check *c = rd_check_find(id);

	if (c == NULL)
		fail_msg("no check %s", id);
	memset(&f->last, 0, sizeof f->last);
	c->probe(&f->ctx, &f->last);
	if (f->last.status != want || (needle != NULL && strstr(f->last.evidence, needle) == NULL))
		fail_msg("%s: got %s \"%s\", want %s with \"%s\"", id, rd_status_name(f->last.status),
		    f->last.evidence, rd_status_name(want), needle != NULL ? needle : "");
}

static inline char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("FIXTURES_DIR") != NULL ? getenv("FIXTURES_DIR") : FIXTURES_DIR;
	char *path = xasprintf("%s/readiness/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	free(path);
	*len = (size_t)n;
	return buf;
}

/* Parse a fixture with one of the rd_parse_* functions into dst. */
#define LOAD(fn, file, dst) do {					\
	size_t len_;							\
	char *buf_ = fixture(file, &len_), *cause_ = NULL;		\
	if (fn(buf_, len_, dst, &cause_) != 0)				\
		fail_msg("%s: %s", file, cause_);			\
	free(buf_);							\
} while (0)

#endif
