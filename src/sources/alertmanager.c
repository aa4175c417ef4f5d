/* The Alertmanager source: one round asks the first healthy HA peer for
 * every alert (active, silenced, inhibited) and, at the same time, for its
 * silences, fails over to the next peer (both again) on any error; the
 * silences are used only from the peer that gave the alerts.  In the
 * console the cluster status of that peer follows.  Health rows for the
 * peers come from sources/http.c; this source feeds the alerts feature. */
#include "ceres/sources/alerts.h"
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Re-read /api/v2/status every this many rounds. */
#define STATUS_EVERY	30

struct am_src {
	struct alerts	*al;
	const struct am_conn *conn;
	int		*order;		/* peers in the order of this round */
	size_t		 norder;
	size_t		 at;		/* position in order being asked */
	int		 answered;	/* peer index that gave the alerts, -1 */
	struct strbuf	 errors;	/* "peer: error; ..." of this round */
	struct alerts_stream *stream;	/* the alerts answer being read */
	uint64_t	 silences_hash;	/* of the silences answer in use, 0 none */
	/* The silences of the peer being asked, asked with its alerts. */
	struct source_req *sil_req;	/* in flight, or NULL */
	bool		 alerts_ok;	/* that peer gave the alerts */
	bool		 sil_held;	/* its answer came first: kept below */
	long		 sil_status;
	char		*sil_error;
	char		*sil_body;
	size_t		 sil_len;
};

static void
sil_drop(struct am_src *d)
{
	d->sil_held = false;
	free(d->sil_error);
	d->sil_error = NULL;
	free(d->sil_body);
	d->sil_body = NULL;
	d->sil_len = 0;
}

static void ask(struct source *s);

static void
status_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct am_src *d = s->data;
	struct alerts *al = d->al;
	char *cause = NULL;

	if (r->status != 200 || r->error != NULL)
		return;		/* optional: the pane simply shows no cluster line */
	if (am_status_parse(r->body, r->len, &al->status, &cause) != 0) {
		free(cause);
		return;
	}
	al->have_status = true;
	al->status_peer = d->answered;
	app_dirty(s->app);
}

static void
silences_use(struct source *s, const struct http_response *r)
{
	struct am_src *d = s->data;
	struct alerts *al = d->al;
	struct silence_set *set = NULL;
	char *cause = NULL;

	if (r->status == 200 && r->error == NULL && al->silences != NULL &&
	    al->silences_error == NULL && d->silences_hash != 0 &&
	    hash64(r->body, r->len, 0) == d->silences_hash)
		return;		/* the same silences: nothing to redo or redraw */
	free(al->silences_error);
	al->silences_error = NULL;
	if (r->status == 0)
		cause = xasprintf(_("silences: %s"), r->error != NULL ? r->error : _("no answer"));
	else if (r->status != 200) {
		char *t = am_error_text(r->status, r->body, r->len);

		cause = xasprintf(_("silences: %s"), t);
		free(t);
	} else if (r->error != NULL)
		cause = xasprintf(_("silences: %s"), r->error);
	else
		silences_parse(r->body, r->len, &set, &cause);
	if (set == NULL) {
		/* The alerts are good; keep the last silences and say why. */
		al->silences_error = cause;
		app_dirty(s->app);
		return;
	}
	silence_set_free(al->silences);
	al->silences = set;
	d->silences_hash = hash64(r->body, r->len, 0);
	silence_set_count(al->silences, al->set);
	al->generation++;
	app_dirty(s->app);
}

static void
silences_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct am_src *d = s->data;

	d->sil_req = NULL;
	if (d->alerts_ok) {
		silences_use(s, r);
		return;
	}
	/* The alerts of this peer are still coming: keep the answer. */
	sil_drop(d);
	d->sil_held = true;
	d->sil_status = r->status;
	d->sil_error = r->error != NULL ? xstrdup(r->error) : NULL;
	d->sil_body = xmalloc(r->len + 1);
	if (r->len > 0)
		memcpy(d->sil_body, r->body, r->len);
	d->sil_body[r->len] = '\0';
	d->sil_len = r->len;
}

/* The silences of the peer that gave the alerts: now if they are in,
 * else when they come (silences_done). */
static void
silences_settle(struct source *s)
{
	struct am_src *d = s->data;
	struct http_response held;

	d->alerts_ok = true;
	if (!d->sil_held)
		return;
	memset(&held, 0, sizeof held);
	held.status = d->sil_status;
	held.error = d->sil_error;
	held.body = d->sil_body;
	held.len = d->sil_len;
	silences_use(s, &held);
	sil_drop(d);
}

static void
alerts_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct am_src *d = s->data;
	struct alerts *al = d->al;
	int pi = d->order[d->at];
	struct alerts_peer *p = &al->peers[pi];
	struct alert_set *set = NULL;
	char *cause = NULL, *u;
	struct alerts_stream *st = d->stream;
	int rc = -1;

	d->stream = NULL;
	if (r->status == 0)
		cause = xstrdup(r->error != NULL ? r->error : _("no answer"));
	else if (r->status != 200)
		cause = am_error_text(r->status, r->body, r->len);
	else if (r->error != NULL)
		cause = xstrdup(r->error);
	else if (r->streamed || r->len == 0)
		rc = alerts_stream_finish(st, &set, &cause);
	else
		rc = alerts_parse(r->body, r->len, &set, &cause);
	alerts_stream_free(st);
	if (rc < 0) {
		/* This peer's silences are of no use now. */
		source_http_cancel(s, d->sil_req);
		d->sil_req = NULL;
		sil_drop(d);
		str_set(&p->error, cause);
		p->failed_at = now_wall();
		if (d->errors.len > 0)
			strbuf_adds(&d->errors, "; ");
		strbuf_addf(&d->errors, "%s: %s", p->shown, cause);
		free(cause);
		if (++d->at < d->norder) {
			ask(s);		/* fail over to the next peer */
			return;
		}
		source_error(s, "%s", d->errors.buf);
		app_dirty(s->app);
		return;
	}
	if (al->peer != pi || p->error != NULL)
		app_dirty(s->app);
	free(p->error);
	p->error = NULL;
	p->failed_at = 0;
	al->peer = pi;
	al->updated = now_wall();
	d->answered = pi;
	if (set != NULL) {
		/* Something changed (rc 1: the same alerts, nothing to redo). */
		alert_set_free(al->set);
		al->set = set;
		al->generation++;
		if (al->silences != NULL)
			silence_set_count(al->silences, al->set);
		app_dirty(s->app);
	}

	silences_settle(s);
	/* The cluster line is for the console; --once does not wait for it. */
	if (!s->once_only && (!al->have_status || al->status_peer != pi ||
	    s->rounds % STATUS_EVERY == 0)) {
		u = xasprintf("%s/api/v2/status", p->url);
		backend_request(s, &d->conn->be, u, true, false, 4u << 20, status_done, s);
		free(u);
	}
}

static void
ask(struct source *s)
{
	struct am_src *d = s->data;
	struct alerts *al = d->al;
	struct alerts_peer *p = &al->peers[d->order[d->at]];
	const char *hdrs[BACKEND_HDRS];
	struct http_request req;
	double timeout;
	char *u;

	p->tried = true;
	u = xasprintf("%s/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true%s",
	    p->url, d->conn->filter_query);
	backend_start(&d->conn->be, &req, hdrs, u, true);
	req.max_bytes = s->max_bytes;
	/* Each alert is parsed as soon as it is in (the cap is the loop's). */
	alerts_stream_free(d->stream);
	d->stream = alerts_stream_new(0, al->set);
	if (s->once_only)
		alerts_stream_single(d->stream);
	req.sink = alerts_stream_feed;
	req.sink_arg = d->stream;
	/* --once has one deadline for everything: leave every peer still to
	 * be asked its share, so one hung peer cannot use up the failover. */
	if (s->once_only) {
		double left = s->app->opt.timeout * 0.85 - (now_mono() - s->round_started);
		double share = left / (double)(d->norder - d->at);

		if (share < s->timeout)
			req.timeout = share > 0.5 ? share : 0.5;
	}
	source_http(s, &req, alerts_done, s);
	free(u);
	/* The silences of the same peer, at the same time, with the same
	 * deadline. */
	d->alerts_ok = false;
	sil_drop(d);
	u = xasprintf("%s/api/v2/silences%s%s", p->url, *d->conn->filter_query != '\0' ? "?" : "",
	    d->conn->filter_query + (*d->conn->filter_query != '\0'));
	timeout = req.timeout;
	backend_start(&d->conn->be, &req, hdrs, u, true);
	req.timeout = timeout;
	d->sil_req = source_http(s, &req, silences_done, s);
	free(u);
}

static void
am_start(struct source *s)
{
	struct am_src *d = s->data;
	struct alerts *al = d->al;

	for (size_t i = 0; i < al->npeers; i++)
		al->peers[i].tried = false;
	d->norder = alerts_peer_order(al, s->once_only ? 0 : now_wall(), d->order);
	d->at = 0;
	d->answered = -1;
	strbuf_free(&d->errors);
	strbuf_init(&d->errors);
	strbuf_add(&d->errors, "", 0);
	if (d->norder > 0)
		ask(s);
}

static void
am_free(struct source *s)
{
	struct am_src *d = s->data;

	strbuf_free(&d->errors);
	alerts_stream_free(d->stream);
	sil_drop(d);
	free(d->order);
	free(d);
}

static const struct source_ops am_ops = {
	.kind = "alertmanager",
	.start = am_start,
	.free = am_free,
};

struct source *
alertmanager_source_new(struct app *app, struct alerts *al, const struct am_conn *conn)
{
	struct am_src *d = xcalloc(1, sizeof *d);
	struct source *s;

	d->al = al;
	d->conn = conn;
	d->order = xcalloc(al->npeers > 0 ? al->npeers : 1, sizeof *d->order);
	d->answered = -1;
	strbuf_init(&d->errors);
	s = source_new(app, &am_ops, "alerts", d);
	s->max_bytes = ALERTS_MAX_BYTES;
	return s;
}

void
am_conn_init(struct am_conn *c, const struct config *cfg)
{
	const char *user = config_get(cfg, "alertmanager", NULL, "user");
	const char *filter = config_get(cfg, "alertmanager", NULL, "filter");
	char *cause = NULL;

	memset(c, 0, sizeof *c);
	backend_init_section(&c->be, cfg, "alertmanager", NULL, NULL);
	if (user != NULL)
		backend_basic(&c->be, user, config_get_default(cfg, "alertmanager", NULL, "password", ""));
	/* The config checked it; a bad one here filters nothing. */
	if (filter != NULL && matcher_list_parse(filter, &c->filter, &cause) != 0)
		free(cause);
	c->filter_query = matcher_list_query(&c->filter);
}

void
am_conn_clear(struct am_conn *c)
{
	backend_clear(&c->be);
	matcher_list_free(&c->filter);
	free(c->filter_query);
	memset(c, 0, sizeof *c);
}
