/* The logs feature: the Loki tail from [loki] (or, with no config file,
 * the Ceres local layout), its ring buffer and level rules, and its
 * --once output: the newest `limit` lines of the query over the last
 * `since` (default 1h). */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/features/logs.h"
#include "ceres/util/json.h"
#include "ceres/sources/logs.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_QUERY	"{job=~\".+\"}"
#define DEFAULT_URL	"http://127.0.0.1:3100"

static void logs_free(void *data);

static int
logs_config(struct app *app, struct logs *lg, const char **url, char **cause)
{
	struct config *c = app->config;
	const char *pat[LOG_LEVEL_COUNT] = { NULL };
	const char *v;
	long l;

	*url = config_get(c, "loki", NULL, "url");
	if (*url == NULL && c->defaults)
		*url = DEFAULT_URL;
	lg->query = xstrdup(config_get_default(c, "loki", NULL, "query", DEFAULT_QUERY));
	l = config_get_int(c, "loki", NULL, "limit", 500);
	lg->limit = (unsigned)(l < 1 ? 1 : l > 100000 ? 100000 : l);
	l = config_get_int(c, "loki", NULL, "buffer_lines", 10000);
	lg->buffer_lines = (unsigned)(l < 10 ? 10 : l > 10000000 ? 10000000 : l);
	lg->since = 3600;
	if ((v = config_get(c, "loki", NULL, "since")) != NULL && parse_duration(v, &lg->since) != 0) {
		*cause = xasprintf(_("[loki] since: '%s' is not a duration (e.g. 30m, 1h, 2d)"), v);
		return -1;
	}
	/* Agents send lines in batches (promtail, Alloy: every second), so
	 * by default the tail keeps 2 s behind: a line from one host that
	 * reaches Loki after a newer one from another is not passed by. */
	lg->delay = 2;
	if ((v = config_get(c, "loki", NULL, "delay")) != NULL &&
	    (parse_double(v, &lg->delay) != 0 || lg->delay < 0 || lg->delay > 300)) {
		*cause = xasprintf(_("[loki] delay: '%s' is not a number of seconds from 0 to 300"), v);
		return -1;
	}
	pat[LOG_LEVEL_ERROR] = config_get(c, "loki", NULL, "levels_error");
	pat[LOG_LEVEL_WARN] = config_get(c, "loki", NULL, "levels_warn");
	pat[LOG_LEVEL_INFO] = config_get(c, "loki", NULL, "levels_info");
	pat[LOG_LEVEL_DEBUG] = config_get(c, "loki", NULL, "levels_debug");
	if (log_levels_init(&lg->levels, pat, cause) != 0) {
		char *why = *cause;

		*cause = xasprintf("[loki] %s", why);
		free(why);
		return -1;
	}
	return 0;
}

static int
logs_init(struct app *app, void **data, char **cause)
{
	struct logs_area *f = xcalloc(1, sizeof *f);
	struct logs *lg = &f->lg;
	struct config *c = app->config;
	struct loki_opts o;
	const char *url;

	*data = f;
	if (logs_config(app, lg, &url, cause) != 0) {
		logs_free(f);
		*data = NULL;
		return -1;
	}
	lg->ring = log_ring_new(lg->buffer_lines, &lg->levels);
	if (url == NULL)
		return 0;	/* the pane says Loki is not configured */
	memset(&o, 0, sizeof o);
	o.url = url;
	o.org_id = config_get(c, "loki", NULL, "org_id");
	o.token = config_get(c, "loki", NULL, "token");
	o.user = config_get(c, "loki", NULL, "user");
	o.password = config_get(c, "loki", NULL, "password");
	o.insecure = config_get_bool(c, "loki", NULL, "insecure", false);
	o.ca_file = config_get(c, "loki", NULL, "ca_file");
	o.cert_file = config_get(c, "loki", NULL, "cert_file");
	o.key_file = config_get(c, "loki", NULL, "key_file");
	/* Only the first of a space-separated URL list is tailed. */
	{
		char *first = xstrndup(url, strcspn(url, " \t"));

		o.url = first;
		lg->url_shown = url_redact(first);
		f->src = loki_source_new(app, lg, &o, cause);
		free(first);
	}
	if (f->src == NULL) {
		logs_free(f);
		*data = NULL;
		return -1;
	}
	f->src->interval = config_get_double(c, "loki", NULL, "interval", app->interval);
	f->src->timeout = config_get_double(c, "loki", NULL, "timeout", app->timeout);
	app_add_source(app, f->src);
	return 0;
}

static void
logs_free(void *data)
{
	struct logs_area *f = data;

	if (f == NULL)
		return;
	/* The source is freed by the app (before features). */
	logs_clear(&f->lg);
	free(f);
}

void
logs_set_query(struct logs_area *f, const char *query)
{
	if (f != NULL && f->src != NULL)
		loki_set_query(f->src, query);
}

/* One line as the object a cJSON tree of it would print. */
static void
line_json(struct strbuf *sb, const struct log_line *ln)
{
	char ts[48], ns[24];

	strbuf_adds(sb, "{\"ts\":");
	json_write_str(sb, fmt_rfc3339_ns(ln->ts, ts, sizeof ts));
	snprintf(ns, sizeof ns, "%lld", (long long)ln->ts);
	strbuf_adds(sb, ",\"ts_ns\":");
	json_write_str(sb, ns);
	strbuf_adds(sb, ",\"labels\":{");
	for (size_t i = 0; i < ln->stream->nlabels; i++) {
		if (i > 0)
			strbuf_addc(sb, ',');
		json_write_str(sb, ln->stream->labels[i].name);
		strbuf_addc(sb, ':');
		json_write_str(sb, ln->stream->labels[i].value);
	}
	strbuf_adds(sb, "},\"line\":");
	json_write_str(sb, ln->text);
	strbuf_adds(sb, ",\"level\":");
	json_write_str(sb, log_level_name((enum log_level)ln->level));
	strbuf_addc(sb, '}');
}

/* The "logs" array, one line at a time from the ring: no tree of every
 * line is built (the same bytes as printing one). */
static void
logs_json_stream(struct app *app, void *data, FILE *out)
{
	struct logs_area *f = data;
	struct log_ring *r = f != NULL ? f->lg.ring : NULL;
	struct strbuf sb;

	(void)app;
	strbuf_init(&sb);
	strbuf_addc(&sb, '[');
	for (uint64_t first = r != NULL ? log_ring_first(r) : 0, q = first;
	    r != NULL && q < r->next_seq; q++) {
		if (q > first)
			strbuf_addc(&sb, ',');
		line_json(&sb, log_ring_get(r, q));
		strbuf_flush_to(&sb, out, STRBUF_STREAM_CHUNK);
	}
	strbuf_addc(&sb, ']');
	strbuf_flush_to(&sb, out, 0);
	strbuf_free(&sb);
}

static void
logs_json(struct app *app, void *data, cJSON *root)
{
	struct logs_area *f = data;
	struct logs *lg = f != NULL ? &f->lg : NULL;

	(void)app;
	/* Every line is written by logs_json_stream() at its place. */
	feature_json_slot(root, "logs", "logs");
	if (lg == NULL || lg->ring == NULL)
		return;
	/* Streams and lines of the answers that were skipped as malformed. */
	cJSON_AddNumberToObject(root, "logs_malformed", (double)lg->malformed);
}

static void
logs_text(struct app *app, void *data, struct strbuf *out)
{
	struct logs_area *f = data;
	struct logs *lg = f != NULL ? &f->lg : NULL;

	(void)app;
	if (lg == NULL)
		return;
	strbuf_addf(out, "%s", _("LOGS"));
	if (f->src == NULL) {
		strbuf_addf(out, "\n  %s\n", _("(Loki not configured)"));
		return;
	}
	log_ring_update_labels(lg->ring);
	{
		char *q = sanitize_str(lg->query);

		strbuf_addf(out, "  %s  %s\n", q, lg->ring->common != NULL &&
		    strcmp(lg->ring->common, "{}") != 0 ? lg->ring->common : "");
		free(q);
	}
	if (lg->error != NULL)
		strbuf_addf(out, "  %s: %s\n", _("error"), lg->error);
	if (lg->warning != NULL)
		strbuf_addf(out, "  %s: %s\n", _("warning"), lg->warning);
	if (lg->malformed > 0)
		strbuf_addf(out, P_("  %zu malformed stream or line skipped\n",
		    "  %zu malformed streams or lines skipped\n", lg->malformed), lg->malformed);
}

/* The lines, after logs_text()'s head, one at a time from the ring. */
static void
logs_text_stream(struct app *app, void *data, FILE *f)
{
	struct logs_area *la = data;
	struct logs *lg = la != NULL ? &la->lg : NULL;
	struct strbuf sb;
	char ts[48];

	(void)app;
	if (lg == NULL || la->src == NULL)
		return;		/* logs_text() said why */
	strbuf_init(&sb);
	for (uint64_t q = log_ring_first(lg->ring); q < lg->ring->next_seq; q++) {
		struct log_line *ln = log_ring_get(lg->ring, q);
		const char *p = ln->text, *nl;

		strbuf_adds(&sb, "  ");
		strbuf_adds(&sb, fmt_rfc3339_ns(ln->ts, ts, sizeof ts));
		strbuf_addc(&sb, ' ');
		if (ln->stream->compact[0] != '\0') {
			strbuf_adds(&sb, ln->stream->compact);
			strbuf_addc(&sb, ' ');
		}
		/* One entry per output line: inner newlines become ↵. */
		while ((nl = strchr(p, '\n')) != NULL) {
			strbuf_add(&sb, p, (size_t)(nl - p));
			strbuf_adds(&sb, " ↵ ");
			p = nl + 1;
		}
		strbuf_adds(&sb, p);
		strbuf_addc(&sb, '\n');
		strbuf_flush_to(&sb, f, STRBUF_STREAM_CHUNK);
	}
	if (lg->ring->count == 0 && lg->error == NULL)
		strbuf_addf(&sb, "  %s\n", _("(no lines in the window)"));
	strbuf_flush_to(&sb, f, 0);
	strbuf_free(&sb);
}

static void
logs_status(struct app *app, void *data, struct status *st)
{
	struct logs_area *f = data;
	struct logs *lg = f != NULL ? &f->lg : NULL;

	(void)app;
	if (lg == NULL || f->src == NULL)
		return;
	status_perf(st, "log_lines", (double)lg->ring->count, -1);
	status_perf(st, "log_errors", (double)lg->ring->level_count[LOG_LEVEL_ERROR], -1);
}

const struct feature logs_feature = {
	.name = "logs",
	.init = logs_init,
	.free = logs_free,
	.json = logs_json,
	.text = logs_text,
	.json_stream = logs_json_stream,
	.text_stream = logs_text_stream,
	.status = logs_status,
};
