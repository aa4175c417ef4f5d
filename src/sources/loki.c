/* The Loki source: a forward tail over /loki/api/v1/query_range.  The
 * first round asks for the newest `limit` lines of the last `since`;
 * every later round asks forward from the newest timestamp delivered
 * (see loki_cursor.c for why that is lossless), and a full answer is
 * followed at once by the next query until the tail has caught up.  Label
 * names and values are fetched now and then for ':query' completion and
 * for the readiness facts. */
#include "ceres/core/app.h"
#include "ceres/net/backend.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/logs.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CHAIN		16	/* catch-up queries per round */
#define LOKI_MAX_LIMIT		5000	/* Loki's default max_entries_limit_per_query */
#define LABELS_EVERY		300.0	/* seconds between label refreshes */
#define MAX_LABEL_NAMES		64
#define MAX_LABEL_VALUES	1000

struct loki_lreq {
	struct source	*src;
	size_t		 idx;
};

struct loki {
	struct logs		*lg;
	struct backend		 be;		/* base URL, tenant, credentials, TLS */
	struct loki_cursor	 cur;
	unsigned		 gen;		/* bumped when the query changes */
	unsigned		 q_gen;		/* gen of the query in flight */
	unsigned		 q_limit;
	bool			 q_initial;
	bool			 restart;	/* the query changed during a round */
	bool			 again;		/* catch-up continues next round */
	unsigned		 chain;
	unsigned		 cap_limit;	/* after an answer over the size cap */
	struct loki_reader	*reader;	/* the query answer being read */
	struct loop_timer	*kick;
	/* Label names and values for completion, fetched in the background. */
	double			 labels_at;
	bool			 labels_busy;
	struct loki_labelset	*pend;
	size_t			 npend;
	struct loki_lreq	*lreqs;
	size_t			 lpending;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A request to Loki: redirects are not followed. */
static void
request_init(struct loki *lk, struct http_request *req, const char **hdrs, const char *url)
{
	backend_start(&lk->be, req, hdrs, url, true);
	req->follow = false;
}

/* The pane's and --once's error line: it quotes the backend, so it is
 * made terminal-safe here, once. */
static void
set_error(struct source *s, struct logs *lg, const char *msg)
{
	free(lg->error);
	lg->error = sanitize_str(msg);
	app_dirty(s->app);
}

static void issue_query(struct source *s);

/* The answer to a query; rd has read its body if it was a 200. */
static void
query_answer(const struct http_response *r, struct source *s, struct loki_reader *rd)
{
	struct loki *lk = s->data;
	struct logs *lg = lk->lg;
	struct loki_result res;
	struct loki_ref *refs;
	size_t n, fresh;
	char *cause = NULL, *msg;
	bool again;

	if (lk->q_gen != lk->gen)
		return;		/* an answer to the previous query */
	if (r->truncated && lk->q_limit > 1) {
		/* Long lines: ask for fewer at a time rather than never
		 * getting past them. */
		lk->cap_limit = lk->q_limit / 2;
		if (!s->once_only && ++lk->chain < MAX_CHAIN)
			issue_query(s);
		else
			lk->again = !s->once_only;
		return;
	}
	if (r->status == 0 || r->truncated) {
		source_error(s, "%s", r->error != NULL ? r->error : "no answer");
		msg = xasprintf(_("Loki: %s"), r->error != NULL ? r->error : "no answer");
		set_error(s, lg, msg);
		free(msg);
		return;
	}
	if (r->status != 200) {
		char *text = loki_error_text(r->body, r->len);

		/* 400 carries LogQL parse errors: show them as they are. */
		source_error(s, "HTTP %ld: %s", r->status, text);
		msg = r->status == 400 ? xasprintf(_("query error: %s"), text) :
		    xasprintf(_("Loki answered HTTP %ld: %s"), r->status, text);
		set_error(s, lg, msg);
		free(msg);
		free(text);
		return;
	}
	if ((r->streamed || r->len == 0 ? loki_reader_finish(rd, &res, &cause) :
	    loki_parse_streams(r->body, r->len, &res, &cause)) != 0) {
		source_error(s, "%s", cause);
		msg = xasprintf(_("bad answer from Loki: %s"), cause);
		set_error(s, lg, msg);
		free(msg);
		free(cause);
		return;
	}
	loki_result_order(&res, lk->q_initial);
	lg->malformed += res.nbad;
	str_set(&lg->error, NULL);
	free(lg->warning);
	lg->warning = res.nwarnings > 0 ? sanitize_str(res.warnings[0]) : NULL;
	refs = loki_result_merge(&res, &n);
	fresh = loki_cursor_take(&lk->cur, &res, refs, n);
	for (size_t i = 0; i < fresh; i++)
		log_ring_add(lg->ring, &res.streams[refs[i].stream],
		    &res.streams[refs[i].stream].values[refs[i].value]);
	free(refs);
	loki_result_free(&res);
	if (lk->cap_limit > 0 && !r->truncated) {
		lk->cap_limit *= 2;
		if (lk->cap_limit >= lg->limit)
			lk->cap_limit = 0;
	}
	app_dirty(s->app);
	if (lk->q_initial || s->once_only) {
		lg->catching_up = false;
		return;
	}
	again = loki_cursor_next(&lk->cur, n, fresh, lk->q_limit, lg->limit,
	    lg->limit > LOKI_MAX_LIMIT ? lg->limit : LOKI_MAX_LIMIT);
	lg->skipped_ts = lk->cur.skipped_ts;
	lg->catching_up = again;
	if (!again)
		return;
	if (++lk->chain < MAX_CHAIN)
		issue_query(s);
	else
		lk->again = true;	/* let the round end; the next starts at once */
}

static void
query_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct loki *lk = s->data;
	struct loki_reader *rd = lk->reader;

	lk->reader = NULL;	/* the next query (maybe issued now) has its own */
	query_answer(r, s, rd);
	loki_reader_free(rd);
}

static void
issue_query(struct source *s)
{
	struct loki *lk = s->data;
	struct logs *lg = lk->lg;
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	struct strbuf u;
	int64_t end, start;
	unsigned limit;
	char *q;

	/* Lines reach Loki late (agents batch them); with a delay the window
	 * ends that far back, and a line that is late by less is not missed
	 * behind the cursor.  --once shows what is there now. */
	end = now_ns() - (s->once_only ? 0 : (int64_t)(lg->delay * 1e9));
	start = loki_cursor_start(&lk->cur, end, (int64_t)(lg->since * 1e9));
	limit = lk->cur.started && lk->cur.limit > 0 ? lk->cur.limit : lg->limit;
	if (lk->cap_limit > 0 && limit > lk->cap_limit)
		limit = lk->cap_limit;
	if (end <= start)
		end = start + 1;	/* the clock went back: still a valid window */
	strbuf_init(&u);
	q = url_escape(lg->query);
	strbuf_addf(&u, "%s/loki/api/v1/query_range?query=%s", lk->be.base, q);
	free(q);
	strbuf_addf(&u, "&start=%lld&end=%lld&limit=%u&direction=%s", (long long)start,
	    (long long)end, limit, lk->cur.started ? "forward" : "backward");
	request_init(lk, &req, hdrs, u.buf);
	lk->q_gen = lk->gen;
	lk->q_limit = limit;
	lk->q_initial = !lk->cur.started;
	/* Each stream is parsed as soon as it is in. */
	loki_reader_free(lk->reader);
	lk->reader = loki_reader_new();
	req.sink = loki_reader_feed;
	req.sink_arg = lk->reader;
	source_http(s, &req, query_done, s);
	strbuf_free(&u);
}

/* Labels whose values become readiness facts. */
static bool
fact_label(const char *name)
{
	return strcmp(name, "app") == 0 || strcmp(name, "job") == 0 ||
	    strcmp(name, "service_name") == 0 || strcmp(name, "namespace") == 0;
}

/* Facts for the readiness checks ("Loki has streams from every service"):
 * loki.labels (names) and loki.values.<app|job|service_name|namespace>. */
static void
labels_facts(struct source *s, struct loki_labelset *ls, size_t n)
{
	struct model *m = &s->app->model;
	struct service *sv = model_service(m, "loki", "loki");
	struct strbuf names;

	strbuf_init(&names);
	strbuf_add(&names, "", 0);
	for (size_t i = 0; i < n; i++) {
		struct strbuf vals;
		char *key;

		if (names.len < 2000)
			strbuf_addf(&names, "%s%s", names.len ? " " : "", ls[i].name);
		if (!fact_label(ls[i].name))
			continue;
		strbuf_init(&vals);
		strbuf_add(&vals, "", 0);
		for (size_t j = 0; j < ls[i].nvalues && vals.len < 2000; j++)
			strbuf_addf(&vals, "%s%s", vals.len ? " " : "", ls[i].values[j]);
		key = xasprintf("loki.values.%s", ls[i].name);
		model_service_set_fact(m, sv, key, vals.buf);
		free(key);
		strbuf_free(&vals);
	}
	model_service_set_fact(m, sv, FACT_LOKI_LABELS, names.buf);
	strbuf_free(&names);
}

static void
labelsets_free(struct loki_labelset *ls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ls[i].name);
		loki_strv_free(ls[i].values, ls[i].nvalues);
	}
	free(ls);
}

static void
labels_finish(struct source *s)
{
	struct loki *lk = s->data;
	struct logs *lg = lk->lg;

	labelsets_free(lg->labels, lg->nlabels);
	lg->labels = lk->pend;
	lg->nlabels = lk->npend;
	lk->pend = NULL;
	lk->npend = 0;
	free(lk->lreqs);
	lk->lreqs = NULL;
	lk->labels_busy = false;
	lk->labels_at = now_mono();
	labels_facts(s, lg->labels, lg->nlabels);
}

static void
values_done(const struct http_response *r, void *arg)
{
	struct loki_lreq *lr = arg;
	struct source *s = lr->src;
	struct loki *lk = s->data;
	struct loki_labelset *ls = &lk->pend[lr->idx];
	char **v = NULL, *cause = NULL;
	size_t n = 0;

	if (r->status == 200 && loki_parse_labels(r->body, r->len, &v, &n, &cause) == 0) {
		if (n > MAX_LABEL_VALUES)
			n = MAX_LABEL_VALUES;
		ls->values = xcalloc(n + 1, sizeof *ls->values);
		for (size_t i = 0; i < n; i++)
			ls->values[ls->nvalues++] = sanitize_str(v[i]);
	}
	free(cause);
	if (v != NULL) {
		for (size_t i = 0; v[i] != NULL; i++)
			free(v[i]);
		free(v);
	}
	if (--lk->lpending == 0)
		labels_finish(s);
}

static void
labels_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct loki *lk = s->data;
	char **names = NULL, *cause = NULL;
	size_t n = 0;

	/* Completion is a convenience: a failure here is not the source's. */
	if (r->status != 200 || loki_parse_labels(r->body, r->len, &names, &n, &cause) != 0) {
		free(cause);
		lk->labels_busy = false;
		lk->labels_at = now_mono();
		return;
	}
	if (n > MAX_LABEL_NAMES)
		n = MAX_LABEL_NAMES;
	if (s->once_only) {
		/* --once completes nothing: only the readiness facts' values. */
		size_t k = 0;

		for (size_t i = 0; names[i] != NULL; i++) {
			if (i < n && fact_label(names[i])) {
				char *t = names[k];

				names[k++] = names[i];
				names[i] = t;
			}
		}
		n = k;
	}
	lk->pend = xcalloc(n, sizeof *lk->pend);
	lk->npend = n;
	lk->lreqs = xcalloc(n, sizeof *lk->lreqs);
	lk->lpending = n;
	for (size_t i = 0; i < n; i++)
		lk->pend[i].name = sanitize_str(names[i]);
	for (size_t i = 0; i < n; i++) {
		const char *hdrs[BACKEND_HDRS];
		struct http_request req;
		struct strbuf u;
		char *nm;

		strbuf_init(&u);
		nm = url_escape(names[i]);
		strbuf_addf(&u, "%s/loki/api/v1/label/%s/values", lk->be.base, nm);
		free(nm);
		request_init(lk, &req, hdrs, u.buf);
		lk->lreqs[i].src = s;
		lk->lreqs[i].idx = i;
		source_http(s, &req, values_done, &lk->lreqs[i]);
		strbuf_free(&u);
	}
	for (size_t i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
	if (n == 0)
		labels_finish(s);
}

static void
loki_start(struct source *s)
{
	struct loki *lk = s->data;
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	char *u;

	lk->chain = 0;
	lk->again = false;
	issue_query(s);
	if (!lk->labels_busy && (lk->labels_at == 0 || now_mono() - lk->labels_at > LABELS_EVERY)) {
		lk->labels_busy = true;
		u = xasprintf("%s/loki/api/v1/labels", lk->be.base);
		request_init(lk, &req, hdrs, u);
		source_http(s, &req, labels_done, s);
		free(u);
	}
}

static void
kick_fire(void *arg)
{
	struct source *s = arg;
	struct loki *lk = s->data;

	lk->kick = NULL;
	source_poll_now(s);
}

static void
loki_round_end(struct source *s)
{
	struct loki *lk = s->data;

	if (s->once_only || (!lk->restart && !lk->again) || lk->kick != NULL)
		return;
	/* Poll again right away: the query changed, or the tail is still
	 * catching up.  (From a timer: the round machinery is mid-update.) */
	lk->restart = false;
	lk->again = false;
	lk->kick = loop_timer_add(s->app->loop, 0, kick_fire, s);
}

static void
loki_free(struct source *s)
{
	struct loki *lk = s->data;

	if (lk->kick != NULL)
		loop_timer_cancel(s->app->loop, lk->kick);
	loki_cursor_free(&lk->cur);
	loki_reader_free(lk->reader);
	labelsets_free(lk->pend, lk->npend);
	free(lk->lreqs);
	backend_clear(&lk->be);
	free(lk);
}

static const struct source_ops loki_ops = {
	.kind = "loki",
	.start = loki_start,
	.round_end = loki_round_end,
	.free = loki_free,
};

void
loki_set_query(struct source *s, const char *query)
{
	struct loki *lk = s->data;
	struct logs *lg = lk->lg;

	str_set(&lg->query, query);
	lk->gen++;
	lk->cap_limit = 0;
	loki_cursor_reset(&lk->cur, lg->limit);
	lg->skipped_ts = 0;
	lg->malformed = 0;
	log_ring_clear(lg->ring);
	lg->ring->total = 0;
	lg->ring->skipped = 0;
	str_set(&lg->error, NULL);
	str_set(&lg->warning, NULL);
	lg->catching_up = false;
	if (s->in_round)
		lk->restart = true;	/* the answer in flight will be dropped */
	else
		source_poll_now(s);
	app_dirty(s->app);
}

static bool
header_safe(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

struct source *
loki_source_new(struct app *app, struct logs *lg, const struct loki_opts *o, char **cause)
{
	struct loki *lk;

	if ((o->org_id != NULL && !header_safe(o->org_id)) ||
	    (o->token != NULL && !header_safe(o->token)) ||
	    (o->user != NULL && (!header_safe(o->user) || strchr(o->user, ':') != NULL))) {
		*cause = xstrdup(_("[loki] org_id, token and user must not contain control "
		    "characters (and user no ':')"));
		return NULL;
	}
	lk = xcalloc(1, sizeof *lk);
	lk->lg = lg;
	backend_init(&lk->be, o->url, o->insecure);
	lk->be.ca_file = o->ca_file != NULL ? xstrdup(o->ca_file) : NULL;
	lk->be.cert_file = o->cert_file != NULL ? xstrdup(o->cert_file) : NULL;
	lk->be.key_file = o->key_file != NULL ? xstrdup(o->key_file) : NULL;
	if (o->org_id != NULL && *o->org_id != '\0')
		backend_header(&lk->be, "X-Scope-OrgID", "", o->org_id, false);
	if (o->token != NULL)
		backend_header(&lk->be, "Authorization", "Bearer ", o->token, true);
	else if (o->user != NULL)
		backend_basic(&lk->be, o->user, o->password != NULL ? o->password : "");
	loki_cursor_init(&lk->cur, lg->limit);
	return source_new(app, &loki_ops, "loki logs", lk);
}

struct http_handle *
loki_request(struct source *s, const char *path, double timeout, size_t max_bytes,
    struct loki_reader *rd, http_cb cb, void *arg)
{
	struct loki *lk = s->data;
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	char *u = xasprintf("%s%s", lk->be.base, path);
	struct http_handle *h;

	request_init(lk, &req, hdrs, u);
	req.timeout = timeout;
	req.max_bytes = max_bytes;
	if (rd != NULL) {
		req.sink = loki_reader_feed;
		req.sink_arg = rd;
	}
	req.scope = s->app;	/* DNS and connection caches per site */
	h = loop_http(s->app->loop, &req, cb, arg);
	free(u);
	return h;
}

int
loki_answer_streams(const struct http_response *r, struct loki_reader *rd, struct loki_result *out,
    char **cause)
{
	if (r->streamed && rd != NULL)
		return loki_reader_finish(rd, out, cause);
	return loki_parse_streams(r->body, r->len, out, cause);
}

char *
loki_range_path(const char *query, int64_t start, int64_t end, unsigned limit, bool forward)
{
	struct strbuf u;
	char *q = url_escape(query);

	strbuf_init(&u);
	strbuf_adds(&u, "/loki/api/v1/query_range?query=");
	strbuf_adds(&u, q);
	free(q);
	strbuf_addf(&u, "&start=%lld&end=%lld&limit=%u&direction=%s", (long long)start,
	    (long long)end, limit, forward ? "forward" : "backward");
	return strbuf_detach(&u);
}
