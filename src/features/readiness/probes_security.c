/* Security probes: Keycloak realm (OIDC, MFA, brute force), TLS and
 * certificates, SSO and rate limiting at the proxy, PostgreSQL password
 * hashing, Redis authentication, central audit, secrets in the config. */
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/model/services.h"
#include "ceres/util/util.h"
#include "probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CERT_MIN_DAYS	14

static const char *
realm_of(const struct rd_ctx *c)
{
	return config_get_default(c->config, "keycloak", NULL, "realm", "ceres");
}

void
probe_sso_oidc(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_keycloak *k = &c->d->kc;

	if (rd_unknown_unless_ok(r, &k->disc, "keycloak"))
		return;
	if (k->disc_problem != NULL || k->issuer == NULL)
		rd_set(r, RD_FAIL, _("realm %s: %s"), realm_of(c),
		    k->disc_problem != NULL ? k->disc_problem : _("no discovery document"));
	else if (!k->code_flow)
		rd_set(r, RD_FAIL, _("realm %s: discovery has no authorization or token endpoint"), realm_of(c));
	else
		rd_set(r, RD_PASS, _("realm %s: issuer %s, authorization code flow%s"), realm_of(c),
		    k->issuer, k->pkce_s256 ? _(", PKCE S256") : "");
}

/* The admin API part of Keycloak: unknown without a token. */
static bool
kc_admin_unknown(const struct rd_ctx *c, struct rd_result *r, const struct rd_fetch *f)
{
	const struct rd_keycloak *k = &c->d->kc;

	if (k->disc.avail == RD_OFF)
		return rd_unknown_unless_ok(r, &k->disc, "keycloak");
	if (!k->have_token) {
		rd_set(r, RD_UNKNOWN, _("realm %s: no [keycloak] admin_token or admin_client_id/_secret, the admin API cannot be read"),
		    realm_of(c));
		return true;
	}
	return rd_unknown_unless_ok(r, f, _("keycloak admin API"));
}

void
probe_mfa(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_keycloak *k = &c->d->kc;
	const char *realm = realm_of(c);
	bool actions_ok = k->actions.avail == RD_OK, flow_ok = k->flow.avail == RD_OK;
	char act[96], flow[128];

	if (!actions_ok && !flow_ok && kc_admin_unknown(c, r, &k->actions))
		return;
	if (actions_ok && k->totp_enabled == 1 && k->totp_default == 1) {
		rd_set(r, RD_PASS, _("realm %s: OTP required action enabled and a default action for new users"),
		    realm);
		return;
	}
	if (flow_ok && k->otp_in_flow == 2) {
		rd_set(r, RD_PASS, _("realm %s: browser flow %s requires an OTP/WebAuthn step"), realm,
		    k->browser_flow != NULL ? k->browser_flow : "browser");
		return;
	}
	if (!actions_ok || !flow_ok) {
		/* One half answered "not enforced"; the other could still enforce. */
		kc_admin_unknown(c, r, !actions_ok ? &k->actions : &k->flow);
		return;
	}
	if (k->totp_enabled < 0)
		snprintf(act, sizeof act, "%s", _("no CONFIGURE_TOTP required action"));
	else
		snprintf(act, sizeof act, _("CONFIGURE_TOTP %s, %s"),
		    k->totp_enabled ? _("enabled") : _("disabled"),
		    k->totp_default ? _("default") : _("not a default action"));
	snprintf(flow, sizeof flow, "%s", k->otp_in_flow == 1 ?
	    _("browser flow asks only users who set OTP up") : _("no OTP step in the browser flow"));
	rd_set(r, RD_FAIL, _("realm %s: OTP not enforced (%s; %s)"), realm, act, flow);
}

void
probe_brute_force(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_keycloak *k = &c->d->kc;

	if (kc_admin_unknown(c, r, &k->realm))
		return;
	if (k->brute_force < 0)
		rd_set(r, RD_UNKNOWN, _("realm %s: bruteForceProtected not reported"), realm_of(c));
	else
		rd_set(r, k->brute_force ? RD_PASS : RD_FAIL, _("realm %s: bruteForceProtected=%s"),
		    realm_of(c), k->brute_force ? "true" : "false");
}

void
probe_https(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_caddy *k = &c->d->caddy;

	if (rd_unknown_unless_ok(r, &k->config, "caddy"))
		return;
	if (k->empty || k->servers == 0)
		rd_set(r, RD_FAIL, "%s", _("Caddy has no HTTP server configured"));
	else if (k->https_servers > 0)
		rd_set(r, RD_PASS, _("%zu/%zu Caddy servers serve HTTPS, e.g. %s"), k->https_servers,
		    k->servers, k->https_example);
	else
		rd_set(r, RD_FAIL, _("0/%zu Caddy servers serve HTTPS (http:// sites or automatic HTTPS disabled)"),
		    k->servers);
}

static bool
tls_error(const char *e)
{
	return e != NULL && (strcasestr(e, "ssl") != NULL || strcasestr(e, "certificate") != NULL ||
	    strcasestr(e, "tls") != NULL);
}

void
probe_certificates(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_tls *t = &c->d->tls;
	const struct rd_tls_url *soonest = NULL, *bad = NULL, *waiting = NULL;
	struct rd_list badl = { .n = 0 };
	size_t checked = 0;

	if (t->n == 0) {
		rd_set(r, RD_UNKNOWN, "%s", _("no https:// URL in the config"));
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rd_tls_url *u = &t->u[i];
		char item[160];

		if (u->f.avail == RD_ERR && tls_error(u->f.error)) {
			snprintf(item, sizeof item, "%s: %s", u->shown, u->f.error);
			rd_list_add(&badl, item);
			bad = u;
			continue;
		}
		if (u->f.avail != RD_OK || u->expiry <= 0) {
			waiting = waiting != NULL ? waiting : u;
			continue;
		}
		checked++;
		if (u->expiry - c->now < CERT_MIN_DAYS * 86400.0) {
			double days = (u->expiry - c->now) / 86400.0;

			if (days < 0)
				snprintf(item, sizeof item, _("%s expired %.0f days ago"), u->shown, -days);
			else
				snprintf(item, sizeof item, _("%s expires in %.1f days"), u->shown, days);
			rd_list_add(&badl, item);
			bad = u;
		}
		if (soonest == NULL || u->expiry < soonest->expiry)
			soonest = u;
	}
	if (bad != NULL)
		rd_set(r, RD_FAIL, "%s", rd_list_str(&badl));
	else if (waiting != NULL)
		rd_set(r, RD_UNKNOWN, "%s: %s", waiting->shown,
		    waiting->f.avail == RD_ERR && waiting->f.error != NULL ? waiting->f.error :
		    waiting->f.avail == RD_OK ? _("no certificate information") : _("no answer yet"));
	else
		rd_set(r, RD_PASS, _("%zu https URLs; soonest expiry %s in %.0f days"), checked,
		    soonest->shown, (soonest->expiry - c->now) / 86400.0);
}

void
probe_proxy_sso(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_caddy *k = &c->d->caddy;

	if (rd_unknown_unless_ok(r, &k->config, "caddy"))
		return;
	if (k->forward_auth > 0)
		rd_set(r, RD_PASS, _("%zu forward_auth handler(s) in front of %zu reverse proxies"),
		    k->forward_auth, k->proxies);
	else
		rd_set(r, RD_FAIL, _("no forward_auth in the Caddy config: %zu reverse proxies reach apps unauthenticated"),
		    k->proxies);
}

void
probe_rate_limit(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_caddy *k = &c->d->caddy;

	if (rd_unknown_unless_ok(r, &k->config, "caddy"))
		return;
	if (k->rate_limit > 0)
		rd_set(r, RD_PASS, _("%zu rate_limit handler(s) in the Caddy config"), k->rate_limit);
	else
		rd_set(r, RD_FAIL, "%s", _("no rate_limit handler in the Caddy config"));
}

void
probe_password_hashing(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_pg *p = &c->d->pg;

	if (rd_unknown_unless_ok(r, &p->f, "postgres"))
		return;
	if (p->password_encryption == NULL)
		rd_set(r, RD_UNKNOWN, "%s", _("postgres: password_encryption not reported"));
	else
		rd_set(r, strcmp(p->password_encryption, "scram-sha-256") == 0 ? RD_PASS : RD_FAIL,
		    "postgres: password_encryption=%s", p->password_encryption);
}

void
probe_redis_auth(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_redis *k = &c->d->redis;

	if (rd_unknown_unless_ok(r, &k->f, "redis"))
		return;
	if (k->noauth == 1)
		rd_set(r, RD_PASS, "%s", _("redis: an unauthenticated PING was refused (NOAUTH)"));
	else if (k->noauth == 0)
		rd_set(r, RD_FAIL, "%s", _("redis: an unauthenticated PING was answered PONG"));
	else
		rd_set(r, RD_UNKNOWN, "%s", _("redis: no answer to the unauthenticated PING"));
}

void
probe_audit_central(const struct rd_ctx *c, struct rd_result *r)
{
	const struct rd_audit_db *a = &c->d->audit_db;

	if (config_get(c->config, "audit", NULL, "conninfo") == NULL) {
		rd_set(r, RD_FAIL, _("[audit] conninfo not set: audit lines stay in %s on this host"),
		    c->d->audit.path != NULL ? c->d->audit.path : _("the local log"));
		return;
	}
	if (a->f.avail == RD_ERR) {
		rd_set(r, RD_FAIL, _("audit database %s: %s"), a->where != NULL ? a->where : "?",
		    a->f.error != NULL ? a->f.error : _("failed"));
		return;
	}
	if (rd_unknown_unless_ok(r, &a->f, _("audit database")))
		return;
	if (a->table && a->can_insert)
		rd_set(r, RD_PASS, _("audit database %s: table ceres_audit writable, %ld rows"), a->where,
		    a->rows);
	else if (!a->table && a->can_create)
		rd_set(r, RD_PASS, _("audit database %s: reachable; ceres_audit is created with the first action"),
		    a->where);
	else
		rd_set(r, RD_FAIL, _("audit database %s: %s"), a->where, a->table ?
		    _("no INSERT privilege on ceres_audit") : _("no table ceres_audit and no CREATE privilege"));
}

/* Inline credentials hidden in non-secret values: password= in a libpq
 * conninfo, user:password@ in a URL. */
static bool
inline_credential(const struct config_entry *e)
{
	const char *at, *scheme;

	if (strcasecmp(e->key, "conninfo") == 0 && strstr(e->value, "password") != NULL)
		return true;
	if ((scheme = strstr(e->value, "://")) != NULL && (at = strchr(scheme + 3, '@')) != NULL) {
		const char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
		const char *slash = memchr(scheme + 3, '/', (size_t)(at - scheme - 3));

		return colon != NULL && slash == NULL;
	}
	return false;
}

void
probe_secrets(const struct rd_ctx *c, struct rd_result *r)
{
	const struct config *cfg = c->config;
	struct rd_list l = { .n = 0 };
	size_t secrets = 0;

	for (size_t i = 0; i < cfg->nentries; i++) {
		const struct config_entry *e = &cfg->entries[i];
		bool inl;
		char item[96];

		if (strcmp(e->section, "site") == 0)
			continue;
		if (e->secret)
			secrets++;
		inl = e->secret ? e->secret_origin == NULL || strcmp(e->secret_origin, "inline") == 0 :
		    inline_credential(e);
		if (!inl)
			continue;
		if (e->name != NULL)
			snprintf(item, sizeof item, "[%s \"%s\"] %s", e->section, e->name, e->key);
		else
			snprintf(item, sizeof item, "[%s] %s", e->section, e->key);
		rd_list_add(&l, item);
	}
	if (l.n > 0)
		rd_set(r, RD_FAIL, _("%zu secret(s) inline in %s: %s"), l.n,
		    cfg->path != NULL ? cfg->path : _("the config"), rd_list_str(&l));
	else if (secrets == 0)
		rd_set(r, RD_PASS, "%s", _("no secrets in the config"));
	else
		rd_set(r, RD_PASS, _("%zu secret(s), all from *_file or *_env"), secrets);
}
