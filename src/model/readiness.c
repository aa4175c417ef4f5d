/* The readiness model: the names of statuses and categories, the state of
 * each piece of evidence (struct rd_fetch), and the evidence store with
 * what releases it. */
#include "ceres/model/readiness.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *
rd_status_name(enum rd_status s)
{
	switch (s) {
	case RD_PASS: return "pass";
	case RD_FAIL: return "fail";
	default: return "unknown";
	}
}

static const char *const cat_names[RD_NCATEGORIES] = {
	"security", "availability", "observability", "integration", "manageability", "performance",
};
static const char *const cat_titles[RD_NCATEGORIES] = {
	N_("Security"), N_("Availability"), N_("Observability"), N_("Integration"),
	N_("Manageability"), N_("Performance"),
};

const char *
rd_category_name(enum rd_category c)
{
	return (unsigned)c < RD_NCATEGORIES ? cat_names[c] : "unknown";
}

const char *
rd_category_title(enum rd_category c)
{
	return (unsigned)c < RD_NCATEGORIES ? cat_titles[c] : "?";
}

void
rd_fetch_wait(struct rd_fetch *f)
{
	if (f->avail == RD_OFF)
		f->avail = RD_WAIT;
}

void
rd_fetch_ok(struct rd_fetch *f)
{
	f->avail = RD_OK;
	free(f->error);
	f->error = NULL;
	f->when = now_wall();
}

void
rd_fetch_err(struct rd_fetch *f, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(f->error);
	f->error = sanitize_str(raw);
	free(raw);
	f->avail = RD_ERR;
	f->when = now_wall();
}

void
rd_fetch_clear(struct rd_fetch *f)
{
	free(f->error);
	f->error = NULL;
}

struct rd_data *
rd_data_new(void)
{
	struct rd_data *d = xcalloc(1, sizeof *d);

	d->prom.reload_ok = -1;
	d->prom.node_series = d->prom.am_series = d->prom.self_series = d->prom.kuma_series = -1;
	d->kc.brute_force = -1;
	d->kc.totp_enabled = d->kc.totp_default = -1;
	d->kc.otp_in_flow = -1;
	d->redis.noauth = -1;
	d->redis.maxmemory = -1;
	d->redis.replicas = d->redis.replicas_online = -1;
	d->redis.link_up = -1;
	d->pg.used = d->pg.max = -1;
	d->audit_db.rows = -1;
	d->audit.lines = -1;
	d->backup.command_ok = -1;
	return d;
}

static void
pg_free_fields(struct rd_pg *p)
{
	for (size_t i = 0; i < p->nrep; i++) {
		free(p->rep[i].name);
		free(p->rep[i].client);
		free(p->rep[i].state);
		free(p->rep[i].sync);
	}
	free(p->rep);
	free(p->version);
	free(p->password_encryption);
	free(p->autovacuum);
	free(p->track_counts);
	free(p->preload);
	free(p->archive_mode);
	free(p->archive_command);
	free(p->archive_library);
	free(p->ssl);
	rd_fetch_clear(&p->f);
}

void
rd_data_free(struct rd_data *d)
{
	if (d == NULL)
		return;
	rd_prom_rules_free(&d->prom);
	rd_fetch_clear(&d->prom.ams);
	rd_fetch_clear(&d->prom.rules);
	rd_fetch_clear(&d->prom.runtime);
	rd_fetch_clear(&d->prom.series);
	free(d->prom.last_config);
	rd_am_receivers_free(&d->am);
	rd_fetch_clear(&d->am.status);
	free(d->am.url);
	free(d->am.cluster);
	rd_fetch_clear(&d->caddy.config);
	rd_keycloak_reset(&d->kc);
	rd_fetch_clear(&d->kc.disc);
	rd_fetch_clear(&d->kc.realm);
	rd_fetch_clear(&d->kc.actions);
	rd_fetch_clear(&d->kc.flow);
	rd_fetch_clear(&d->kc.clients);
	rd_loki_values_free(&d->loki);
	rd_fetch_clear(&d->loki.labels);
	rd_fetch_clear(&d->loki_rules.f);
	rd_fetch_clear(&d->tempo.ready);
	rd_fetch_clear(&d->grafana.ds);
	rd_fetch_clear(&d->wiki.f);
	rd_fetch_clear(&d->sentinel.f);
	free(d->sentinel.address);
	free(d->wiki.service);
	rd_fetch_clear(&d->patroni.cluster);
	rd_fetch_clear(&d->patroni.history);
	free(d->patroni.url);
	free(d->grafana.service);
	free(d->tempo.detail);
	for (size_t i = 0; i < d->gitea.nrepo; i++) {
		free(d->gitea.repo[i].repo);
		free(d->gitea.repo[i].example);
		rd_fetch_clear(&d->gitea.repo[i].hooks);
	}
	free(d->gitea.repo);
	pg_free_fields(&d->pg);
	rd_fetch_clear(&d->audit_db.f);
	free(d->audit_db.where);
	rd_fetch_clear(&d->redis.f);
	for (size_t i = 0; i < d->tls.n; i++) {
		free(d->tls.u[i].shown);
		if (d->tls.u[i].url != NULL) {
			memset(d->tls.u[i].url, 0, strlen(d->tls.u[i].url));
			free(d->tls.u[i].url);
		}
		rd_fetch_clear(&d->tls.u[i].f);
	}
	free(d->tls.u);
	rd_fetch_clear(&d->backup.f);
	free(d->backup.path);
	free(d->backup.last_status);
	free(d->backup.owner);
	free(d->backup.command);
	free(d->backup.command_why);
	rd_fetch_clear(&d->restore.f);
	free(d->restore.path);
	free(d->restore.last_status);
	rd_fetch_clear(&d->dr.f);
	free(d->dr.path);
	free(d->dr.why);
	rd_webhooks_free_routes(&d->webhooks);
	rd_fetch_clear(&d->webhooks.f);
	free(d->webhooks.path);
	rd_fetch_clear(&d->audit.f);
	free(d->audit.path);
	free(d->audit.why);
	free(d);
}

void
rd_prom_rules_free(struct rd_prom *p)
{
	for (size_t i = 0; i < p->nrule; i++)
		free(p->rule[i].name);
	free(p->rule);
	p->rule = NULL;
	p->nrule = 0;
}

void
rd_am_receivers_free(struct rd_am *a)
{
	for (size_t i = 0; i < a->nrcv; i++)
		free(a->rcv[i].name);
	free(a->rcv);
	a->rcv = NULL;
	a->nrcv = 0;
}

void
rd_keycloak_reset(struct rd_keycloak *k)
{
	free(k->issuer);
	k->issuer = NULL;
	free(k->disc_problem);
	k->disc_problem = NULL;
	free(k->otp_type);
	k->otp_type = NULL;
	free(k->browser_flow);
	k->browser_flow = NULL;
	for (size_t i = 0; i < k->nclient; i++)
		free(k->client[i]);
	free(k->client);
	k->client = NULL;
	k->nclient = 0;
}

void
rd_loki_values_free(struct rd_loki *l)
{
	for (size_t i = 0; i < l->nvalue; i++)
		free(l->value[i]);
	free(l->value);
	l->value = NULL;
	l->nvalue = 0;
}

void
rd_webhooks_free_routes(struct rd_webhooks *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->r[i].name);
		free(w->r[i].error);
	}
	free(w->r);
	w->r = NULL;
	w->n = 0;
}

