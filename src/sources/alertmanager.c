/* The Alertmanager source: one round asks the first healthy HA peer for
 * every alert (active, silenced, inhibited), fails over to the next peer
 * on any error, then fetches the silences (and, in the console, the
 * cluster status) from the peer that answered.  Health rows for the
 * peers come from sources/http.c; this source feeds the alerts feature. */
#include "ceres/sources/alerts.h"
#include "ceres/core/app.h"
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
};

static void
base_request(const struct am_conn *conn, struct http_request *req, const char *url)
{
	memset(req, 0, sizeof *req);
	req->url = url;
	req->follow = true;
	req->insecure = conn->insecure;
	req->userpwd = conn->userpwd;
	req->authenticated = conn->userpwd != NULL;
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
silences_done(const struct http_response *r, void *arg)
{
	struct source *s = arg;
	struct am_src *d = s->data;
	struct alerts *al = d->al;
	struct silence_set *set = NULL;
	char *cause = NULL;

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
	silence_set_count(al->silences, al->set);
	al->generation++;
	app_dirty(s->app);
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
	struct http_request req;

	if (r->status == 0)
		cause = xstrdup(r->error != NULL ? r->error : _("no answer"));
	else if (r->status != 200)
		cause = am_error_text(r->status, r->body, r->len);
	else if (r->error != NULL)
		cause = xstrdup(r->error);
	else
		alerts_parse(r->body, r->len, &set, &cause);
	if (set == NULL) {
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
	free(p->error);
	p->error = NULL;
	p->failed_at = 0;
	alert_set_free(al->set);
	al->set = set;
	al->peer = pi;
	al->updated = now_wall();
	al->generation++;
	d->answered = pi;
	if (al->silences != NULL)
		silence_set_count(al->silences, al->set);
	app_dirty(s->app);

	u = xasprintf("%s/api/v2/silences", p->url);
	base_request(d->conn, &req, u);
	source_http(s, &req, silences_done, s);
	free(u);
	/* The cluster line is for the console; --once does not wait for it. */
	if (!s->once_only && (!al->have_status || al->status_peer != pi ||
	    s->rounds % STATUS_EVERY == 0)) {
		u = xasprintf("%s/api/v2/status", p->url);
		base_request(d->conn, &req, u);
		req.max_bytes = 4u << 20;
		source_http(s, &req, status_done, s);
		free(u);
	}
}

static void
ask(struct source *s)
{
	struct am_src *d = s->data;
	struct alerts *al = d->al;
	struct alerts_peer *p = &al->peers[d->order[d->at]];
	struct http_request req;
	char *u;

	p->tried = true;
	u = xasprintf("%s/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true",
	    p->url);
	base_request(d->conn, &req, u);
	req.max_bytes = ALERTS_MAX_BYTES;
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
am_conn_clear(struct am_conn *c)
{
	secret_free(c->userpwd);
	memset(c, 0, sizeof *c);
}
