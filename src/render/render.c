/* --once output.  JSON keys are stable and never translated; the text
 * form carries the same content as aligned plain text (no escape codes:
 * every backend string in the model is already sanitized). */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/render/render.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failed sources are counted as the text and JSON list them: every
 * source not ok, the advisory ones among them said so.  Only the
 * watched (non-advisory) ones raise the verdict. */
void
render_status(struct app *app, struct status *st)
{
	size_t failed = 0, failed_advisory = 0, watched = 0;

	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (!app_feature_enabled(app, i) || features[i]->status == NULL)
			continue;
		features[i]->status(app, app->feature_data[i], st);
	}
	for (size_t i = 0; i < app->nsources; i++) {
		bool advisory = app->sources[i]->advisory;

		if (!advisory)
			watched++;
		if (app->sources[i]->ok)
			continue;
		failed++;
		if (advisory)
			failed_advisory++;
	}
	if (failed > failed_advisory)
		status_raise(st, STATUS_WARNING);
	if (failed_advisory > 0)
		status_note(st, "%zu source%s unreachable (%zu advisory)", failed,
		    failed == 1 ? "" : "s", failed_advisory);
	else if (failed > 0)
		status_note(st, "%zu source%s unreachable", failed, failed == 1 ? "" : "s");
	if (watched > 0 && failed - failed_advisory == watched) {
		/* Nothing could be asked: the verdict is unknown, whatever the
		 * rows say (they are all "down" for want of an answer). */
		st->code = STATUS_UNKNOWN;
	}
	status_perf(st, "sources_failed", (double)failed, (double)app->nsources);
}

static void
sources_json(struct app *app, cJSON *root)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "sources");

	for (size_t i = 0; i < app->nsources; i++) {
		struct source *s = app->sources[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", s->name);
		cJSON_AddStringToObject(o, "kind", s->ops->kind);
		cJSON_AddBoolToObject(o, "ok", s->ok);
		if (s->advisory)
			cJSON_AddBoolToObject(o, "advisory", true);
		if (s->error != NULL)
			cJSON_AddStringToObject(o, "error", s->error);
		else
			cJSON_AddNullToObject(o, "error");
		if (s->latency_ms >= 0)
			cJSON_AddNumberToObject(o, "latency_ms", (double)(long)(s->latency_ms * 10) / 10);
		else
			cJSON_AddNullToObject(o, "latency_ms");
		cJSON_AddItemToArray(arr, o);
	}
}

/* Write printed to out, each slot mark replaced by what the feature of
 * that name streams (see feature_json_slot()). */
static void
write_slots(struct app *app, const char *printed, FILE *out)
{
	const char *p = printed, *q, *r;

	while ((q = strchr(p, FEATURE_SLOT_MARK)) != NULL &&
	    (r = strchr(q + 1, FEATURE_SLOT_MARK)) != NULL) {
		fwrite(p, 1, (size_t)(q - p), out);
		for (int i = 0; i < FEATURE_COUNT; i++)
			if (features[i]->json_stream != NULL &&
			    strlen(features[i]->name) == (size_t)(r - q - 1) &&
			    memcmp(features[i]->name, q + 1, (size_t)(r - q - 1)) == 0)
				features[i]->json_stream(app, app->feature_data[i], out);
		p = r + 1;
	}
	fputs(p, out);
}

void
render_json_to(struct app *app, const struct status *st, FILE *out)
{
	render_json_object_to(app, st, out);
	fputc('\n', out);
}

void
render_json_object_to(struct app *app, const struct status *st, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	char ts[40], *s;

	cJSON_AddStringToObject(root, "site", app->site);
	cJSON_AddStringToObject(root, "generated_at", fmt_rfc3339(now_wall(), ts, sizeof ts));
	cJSON_AddStringToObject(root, "status", status_name(st->code));
	cJSON_AddNumberToObject(root, "exit_code", (double)st->code);
	cJSON_AddStringToObject(root, "summary", st->summary.buf);
	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (!app_feature_enabled(app, i) || features[i]->json == NULL)
			continue;
		features[i]->json(app, app->feature_data[i], root);
	}
	sources_json(app, root);
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (s == NULL)
		abort();
	write_slots(app, s, out);
	cJSON_free(s);
}

void
render_text_to(struct app *app, const struct status *st, FILE *out)
{
	struct strbuf sb;
	char ts[40];

	strbuf_init(&sb);
	strbuf_addf(&sb, "ceres-top %s  %s  %s: %s%s%s\n", app->site,
	    fmt_rfc3339(now_wall(), ts, sizeof ts), _("status"), status_name(st->code),
	    st->summary.len > 0 ? " - " : "", st->summary.buf);
	for (int i = 0; i < FEATURE_COUNT; i++) {
		if (!app_feature_enabled(app, i) || features[i]->text == NULL)
			continue;
		strbuf_addc(&sb, '\n');
		features[i]->text(app, app->feature_data[i], &sb);
		if (features[i]->text_stream != NULL) {
			fwrite(sb.buf, 1, sb.len, out);
			sb.len = 0;
			features[i]->text_stream(app, app->feature_data[i], out);
		}
	}
	strbuf_addf(&sb, "\n%s\n", _("SOURCES"));
	for (size_t i = 0; i < app->nsources; i++) {
		struct source *s = app->sources[i];
		char lat[32];

		if (s->latency_ms >= 0)
			snprintf(lat, sizeof lat, "%.1fms", s->latency_ms);
		else
			snprintf(lat, sizeof lat, "-");
		strbuf_addf(&sb, "  %-5s %-28s %9s  %s%s\n", s->ok ? "ok" : "FAIL", s->name, lat,
		    s->advisory ? _("(advisory) ") : "", s->error != NULL ? s->error : "");
	}
	fwrite(sb.buf, 1, sb.len, out);
	strbuf_free(&sb);
}

/* The same bytes as one string (tests, and callers that keep it). */
static char *
to_string(void (*fn)(struct app *, const struct status *, FILE *), struct app *app,
    const struct status *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	fn(app, st, f);
	if (fclose(f) != 0)
		abort();
	return buf;
}

char *
render_json(struct app *app, const struct status *st)
{
	return to_string(render_json_to, app, st);
}

char *
render_text(struct app *app, const struct status *st)
{
	return to_string(render_text_to, app, st);
}

char *
render_nagios(struct app *app, const struct status *st)
{
	static const char *const words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	(void)app;
	/* Plugin output: "CERES CRITICAL - 1 down, 2 critical alerts | perf". */
	return xasprintf("CERES %s - %s | %s\n", words[st->code],
	    st->summary.len > 0 ? st->summary.buf : "all services up", st->perf.buf);
}
