/* --once renderers over a hand-built model: the JSON snapshot's keys and
 * types (DESIGN section 6), the exit code rules, the nagios line, and
 * text output without escape codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/core/app.h"
#include "ceres/render/render.h"
#include "ceres/util/util.h"

static const struct source_ops fake_ops = { .kind = "http" };

struct fixture {
	struct app	 app;
	struct source	 src[2];
	struct source	*srcs[2];
};

static struct fixture *
make(enum svc_state a, enum svc_state b, bool src_ok)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct service *sv;

	f->app.site = "prod";
	f->app.opt.panes = 1u << FEATURE_HEALTH;
	model_init(&f->app.model);
	sv = model_service(&f->app.model, "grafana", "grafana");
	model_service_update(&f->app.model, sv, a, 12.5, "database ok");
	sv = model_service(&f->app.model, "evil \x1b]0;pwned\x07", "http");
	model_service_update(&f->app.model, sv, b, -1, "HTTP 500 \x1b[31mred");
	for (int i = 0; i < 2; i++) {
		f->src[i].ops = &fake_ops;
		f->src[i].name = i == 0 ? "grafana" : "evil";
		f->src[i].ok = i == 0 ? true : src_ok;
		f->src[i].error = f->src[i].ok ? NULL : "HTTP 500";
		f->src[i].latency_ms = 3.14;
		f->srcs[i] = &f->src[i];
	}
	f->app.sources = f->srcs;
	f->app.nsources = 2;
	return f;
}

static void
unmake(struct fixture *f)
{
	model_free(&f->app.model);
	free(f);
}

static int
code_of(struct fixture *f, char **nagios)
{
	struct status st;
	int code;

	status_init(&st);
	render_status(&f->app, &st);
	code = (int)st.code;
	if (nagios != NULL)
		*nagios = render_nagios(&f->app, &st);
	status_free(&st);
	return code;
}

static void
test_json_shape(void **state)
{
	struct fixture *f = make(SVC_UP, SVC_DOWN, false);
	struct status st;
	char *out;
	cJSON *j, *svcs, *s0, *srcs;

	(void)state;
	status_init(&st);
	render_status(&f->app, &st);
	out = render_json(&f->app, &st);
	j = cJSON_Parse(out);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "site")->valuestring, "prod");
	assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "critical");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "generated_at")));
	assert_int_equal(strlen(cJSON_GetObjectItem(j, "generated_at")->valuestring), 20);
	svcs = cJSON_GetObjectItem(j, "services");
	assert_int_equal(cJSON_GetArraySize(svcs), 2);
	s0 = cJSON_GetArrayItem(svcs, 0);		/* worst first */
	assert_string_equal(cJSON_GetObjectItem(s0, "status")->valuestring, "down");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(s0, "latency_ms")));
	/* Backend strings arrive sanitized: no ESC in the JSON strings. */
	assert_null(strchr(cJSON_GetObjectItem(s0, "name")->valuestring, 0x1b));
	assert_null(strchr(cJSON_GetObjectItem(s0, "detail")->valuestring, 0x1b));
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(svcs, 1), "latency_ms")->valuedouble == 12.5);
	srcs = cJSON_GetObjectItem(j, "sources");
	assert_int_equal(cJSON_GetArraySize(srcs), 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(srcs, 0), "ok")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(srcs, 0), "error")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(srcs, 1), "error")->valuestring, "HTTP 500");
	/* Panes not asked for are not in the snapshot. */
	assert_null(cJSON_GetObjectItem(j, "alerts"));
	cJSON_Delete(j);
	free(out);
	status_free(&st);
	unmake(f);
}

static void
test_exit_codes(void **state)
{
	struct fixture *f;
	char *nag;

	(void)state;
	f = make(SVC_UP, SVC_UP, true);
	assert_int_equal(code_of(f, &nag), 0);
	assert_string_equal(nag, "CERES OK - all services up | services_up=2;;;0;2 services_down=0;;;0;2 services_degraded=0;;;0;2 sources_failed=0;;;0;2\n");
	free(nag);
	unmake(f);
	f = make(SVC_UP, SVC_DEGRADED, true);
	assert_int_equal(code_of(f, NULL), 1);
	unmake(f);
	f = make(SVC_UP, SVC_UP, false);		/* a source unreachable */
	assert_int_equal(code_of(f, NULL), 1);
	unmake(f);
	f = make(SVC_DEGRADED, SVC_DOWN, false);
	assert_int_equal(code_of(f, &nag), 2);
	assert_true(str_has_prefix(nag, "CERES CRITICAL - 1 down, 1 degraded, 1 source unreachable | "));
	free(nag);
	f->src[0].ok = false;				/* every source unreachable */
	assert_int_equal(code_of(f, NULL), 3);
	unmake(f);
}

/* An advisory source that fails is listed by text and JSON, so the
 * summary and the nagios perfdata count it too (without raising the
 * verdict). */
static void
test_failed_sources_counted_alike(void **state)
{
	struct fixture *f = make(SVC_UP, SVC_UP, false);
	struct status st;
	char *nag, *text;

	(void)state;
	f->src[0].ok = false;
	f->src[0].error = "timeout";
	f->src[1].advisory = true;
	status_init(&st);
	render_status(&f->app, &st);
	assert_int_equal(st.code, 3);	/* the one watched source failed */
	nag = render_nagios(&f->app, &st);
	text = render_text(&f->app, &st);
	assert_true(str_has_prefix(nag, "CERES UNKNOWN - 2 sources unreachable (1 advisory) | "));
	assert_non_null(strstr(nag, "sources_failed=2;;;0;2"));
	assert_non_null(strstr(text, "2 sources unreachable (1 advisory)"));
	assert_non_null(strstr(text, "(advisory) HTTP 500"));
	free(nag);
	free(text);
	status_free(&st);
	f->src[0].ok = true;	/* only the advisory one: counted, verdict OK */
	status_init(&st);
	render_status(&f->app, &st);
	assert_int_equal(st.code, 0);
	nag = render_nagios(&f->app, &st);
	assert_true(str_has_prefix(nag, "CERES OK - 1 source unreachable (1 advisory) | "));
	assert_non_null(strstr(nag, "sources_failed=1;;;0;2"));
	free(nag);
	status_free(&st);
	unmake(f);
}

static void
test_text(void **state)
{
	struct fixture *f = make(SVC_UP, SVC_DOWN, false);
	struct status st;
	char *out;

	(void)state;
	status_init(&st);
	render_status(&f->app, &st);
	out = render_text(&f->app, &st);
	assert_true(str_has_prefix(out, "ceres-top prod "));
	assert_non_null(strstr(out, "status: critical"));
	assert_non_null(strstr(out, "grafana"));
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		assert_false((*p < 0x20 && *p != '\n') || *p == 0x7f);
	free(out);
	status_free(&st);
	unmake(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_failed_sources_counted_alike),
		cmocka_unit_test(test_text),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
