/* Every readiness probe on constructed evidence: pass, fail, and unknown
 * where the check can be undecided, each with the evidence it must show.
 * Backend answers come from the fixtures through the real parsers. */
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

#include "ceres/config.h"
#include "ceres/model.h"
#include "ceres/readiness.h"
#include "ceres/util.h"

struct fx {
	struct config	*cfg;
	struct model	 m;
	struct rd_data	*d;
	struct rd_ctx	 ctx;
	struct rd_result last;
};

static void
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

static void
fx_free(struct fx *f)
{
	rd_data_free(f->d);
	model_free(&f->m);
	config_free(f->cfg);
}

static struct service *
row(struct fx *f, const char *name, const char *kind, enum svc_state st, double lat, const char *parent)
{
	struct service *sv = model_service(&f->m, name, kind);

	if (parent != NULL)
		str_set(&sv->parent, parent);
	model_service_update(&f->m, sv, st, lat, st == SVC_UP ? "fine" : "broken");
	return sv;
}

static void
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

static char *
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

/* ---- security --------------------------------------------------------- */

static void
test_keycloak_checks(void **state)
{
	struct fx f;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	fx_init(&f, "[keycloak]\nurl = http://127.0.0.1:1\nrealm = ceres\n");
	expect(&f, "security.sso_oidc", RD_UNKNOWN, "keycloak not configured");
	rd_fetch_err(&f.d->kc.disc, "Connection refused");
	expect(&f, "security.sso_oidc", RD_UNKNOWN, "Connection refused");
	buf = fixture("kc_discovery.json", &len);
	assert_int_equal(rd_parse_kc_discovery(buf, len, "ceres", &f.d->kc, &cause), 0);
	free(buf);
	rd_fetch_ok(&f.d->kc.disc);
	expect(&f, "security.sso_oidc", RD_PASS, "realm ceres: issuer https://sso.ceres.example/realms/ceres");
	f.d->kc.code_flow = false;
	expect(&f, "security.sso_oidc", RD_FAIL, "no authorization or token endpoint");
	f.d->kc.disc_problem = xstrdup("discovery answered HTTP 404");
	expect(&f, "security.sso_oidc", RD_FAIL, "HTTP 404");

	/* The admin API: unknown without a token, then from its answers. */
	expect(&f, "security.mfa", RD_UNKNOWN, "no [keycloak] admin_token");
	expect(&f, "security.brute_force", RD_UNKNOWN, "no [keycloak] admin_token");
	expect(&f, "integration.sso_clients", RD_UNKNOWN, "admin_token");
	f.d->kc.have_token = true;
	rd_fetch_err(&f.d->kc.actions, "HTTP 401: credentials refused");
	rd_fetch_err(&f.d->kc.flow, "realm not readable");
	rd_fetch_err(&f.d->kc.realm, "HTTP 401: credentials refused");
	expect(&f, "security.mfa", RD_UNKNOWN, "HTTP 401");
	expect(&f, "security.brute_force", RD_UNKNOWN, "HTTP 401");

	LOAD(rd_parse_kc_actions, "kc_actions.json", &f.d->kc);
	rd_fetch_ok(&f.d->kc.actions);
	/* Not a default action, and the flow could not be read: undecided. */
	expect(&f, "security.mfa", RD_UNKNOWN, "realm not readable");
	LOAD(rd_parse_kc_flow, "kc_flow_conditional.json", &f.d->kc);
	rd_fetch_ok(&f.d->kc.flow);
	expect(&f, "security.mfa", RD_FAIL, "OTP not enforced");
	assert_non_null(strstr(f.last.evidence, "asks only users who set OTP up"));
	LOAD(rd_parse_kc_flow, "kc_flow_required.json", &f.d->kc);
	expect(&f, "security.mfa", RD_PASS, "requires an OTP");
	LOAD(rd_parse_kc_flow, "kc_flow_conditional.json", &f.d->kc);
	LOAD(rd_parse_kc_actions, "kc_actions_default.json", &f.d->kc);
	expect(&f, "security.mfa", RD_PASS, "realm ceres: OTP required action enabled");

	LOAD(rd_parse_kc_realm, "kc_realm.json", &f.d->kc);
	rd_fetch_ok(&f.d->kc.realm);
	expect(&f, "security.brute_force", RD_PASS, "bruteForceProtected=true");
	LOAD(rd_parse_kc_realm, "kc_realm_weak.json", &f.d->kc);
	expect(&f, "security.brute_force", RD_FAIL, "bruteForceProtected=false");

	/* Clients for the configured applications. */
	LOAD(rd_parse_kc_clients, "kc_clients.json", &f.d->kc);
	rd_fetch_ok(&f.d->kc.clients);
	expect(&f, "integration.sso_clients", RD_UNKNOWN, "no SSO-capable application");
	row(&f, "grafana", "grafana", SVC_UP, 3, NULL);
	row(&f, "gitea", "gitea", SVC_UP, 3, NULL);
	row(&f, "wikijs", "wikijs", SVC_UP, 3, NULL);
	row(&f, "nextcloud", "nextcloud", SVC_UP, 3, NULL);
	expect(&f, "integration.sso_clients", RD_PASS, "grafana, gitea, nextcloud, wikijs");
	row(&f, "redmine", "redmine", SVC_UP, 3, NULL);
	expect(&f, "integration.sso_clients", RD_FAIL, "missing: redmine");
	fx_free(&f);
}

static void
test_caddy_checks(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[caddy]\nadmin_url = http://127.0.0.1:1\n");
	expect(&f, "security.https", RD_UNKNOWN, "caddy not configured");
	expect(&f, "security.proxy_sso", RD_UNKNOWN, NULL);
	expect(&f, "security.rate_limit", RD_UNKNOWN, NULL);
	expect(&f, "availability.load_balancing", RD_UNKNOWN, NULL);
	expect(&f, "performance.compression", RD_UNKNOWN, NULL);
	LOAD(rd_parse_caddy_config, "caddy_full.json", &f.d->caddy);
	rd_fetch_ok(&f.d->caddy.config);
	expect(&f, "security.https", RD_PASS, "1/1 Caddy servers serve HTTPS");
	expect(&f, "security.proxy_sso", RD_PASS, "1 forward_auth");
	expect(&f, "security.rate_limit", RD_PASS, "1 rate_limit");
	expect(&f, "availability.load_balancing", RD_PASS, "1 of 1 reverse proxies");
	expect(&f, "performance.compression", RD_PASS, "encode on 1/1");
	LOAD(rd_parse_caddy_config, "caddy_sandbox.json", &f.d->caddy);
	expect(&f, "security.https", RD_FAIL, "0/1 Caddy servers");
	expect(&f, "security.proxy_sso", RD_FAIL, "no forward_auth");
	expect(&f, "security.rate_limit", RD_FAIL, "no rate_limit");
	expect(&f, "availability.load_balancing", RD_FAIL, "none of 1");
	expect(&f, "performance.compression", RD_PASS, NULL);
	f.d->caddy.servers = 2;
	expect(&f, "performance.compression", RD_FAIL, "encode on 1/2");
	LOAD(rd_parse_caddy_config, "caddy_null.json", &f.d->caddy);
	expect(&f, "security.https", RD_FAIL, "no HTTP server");
	expect(&f, "performance.compression", RD_FAIL, "no HTTP server");
	fx_free(&f);
}

static void
add_tls(struct fx *f, const char *url, double expiry, const char *error)
{
	struct rd_tls *t = &f->d->tls;
	struct rd_tls_url *u;

	t->u = xreallocarray(t->u, t->n + 1, sizeof *t->u);
	u = &t->u[t->n++];
	memset(u, 0, sizeof *u);
	u->url = xstrdup(url);
	u->shown = xstrdup(url);
	u->expiry = expiry;
	if (error != NULL)
		rd_fetch_err(&u->f, "%s", error);
	else
		rd_fetch_ok(&u->f);
}

static void
test_certificates(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "security.certificates", RD_UNKNOWN, "no https:// URL");
	add_tls(&f, "https://sso.ceres.example/", f.ctx.now + 60 * 86400.0, NULL);
	add_tls(&f, "https://git.ceres.example/", f.ctx.now + 30 * 86400.0, NULL);
	expect(&f, "security.certificates", RD_PASS, "soonest expiry https://git.ceres.example/ in 30 days");
	add_tls(&f, "https://down.ceres.example/", 0, "Failed to connect: Connection refused");
	expect(&f, "security.certificates", RD_UNKNOWN, "Connection refused");
	add_tls(&f, "https://old.ceres.example/", f.ctx.now + 5 * 86400.0, NULL);
	expect(&f, "security.certificates", RD_FAIL, "https://old.ceres.example/ expires in 5.0 days");
	fx_free(&f);
	fx_init(&f, "[ceres]\nsite = x\n");
	add_tls(&f, "https://self.ceres.example/", 0, "SSL certificate problem: self-signed certificate");
	expect(&f, "security.certificates", RD_FAIL, "self-signed");
	fx_free(&f);
	fx_init(&f, "[ceres]\nsite = x\n");
	add_tls(&f, "https://gone.ceres.example/", f.ctx.now - 2 * 86400.0, NULL);
	expect(&f, "security.certificates", RD_FAIL, "expired 2 days ago");
	fx_free(&f);
}

static void
test_postgres_checks(void **state)
{
	struct fx f;
	struct rd_pg *p;
	struct service *sv;

	(void)state;
	fx_init(&f, "[postgres]\nconninfo = hostaddr=127.0.0.1 port=1\n");
	p = &f.d->pg;
	rd_fetch_wait(&p->f);
	expect(&f, "security.password_hashing", RD_UNKNOWN, "postgres: no answer yet");
	expect(&f, "availability.ha_postgres", RD_UNKNOWN, NULL);
	expect(&f, "manageability.pitr", RD_UNKNOWN, NULL);
	expect(&f, "performance.connection_pool", RD_UNKNOWN, NULL);
	expect(&f, "performance.db_maintenance", RD_UNKNOWN, NULL);
	expect(&f, "performance.query_stats", RD_UNKNOWN, NULL);
	/* Health facts stand in while our own query has not answered. */
	sv = row(&f, "postgres", "postgres", SVC_UP, 3, NULL);
	model_service_set_fact(&f.m, sv, "pg.role", "primary");
	model_service_set_fact(&f.m, sv, "pg.replicas", "1");
	model_service_set_fact(&f.m, sv, "pg.max_lag", "0.3");
	model_service_set_fact(&f.m, sv, "pg.connections", "95");
	model_service_set_fact(&f.m, sv, "pg.max_connections", "100");
	expect(&f, "availability.ha_postgres", RD_PASS, "health facts");
	expect(&f, "performance.connection_pool", RD_FAIL, "95/100");
	model_service_set_fact(&f.m, sv, "pg.replicas", "0");
	expect(&f, "availability.ha_postgres", RD_FAIL, "primary, 0 streaming");

	rd_fetch_ok(&p->f);
	p->password_encryption = xstrdup("scram-sha-256");
	p->autovacuum = xstrdup("on");
	p->track_counts = xstrdup("on");
	p->preload = xstrdup("pg_stat_statements");
	p->archive_mode = xstrdup("on");
	p->archive_command = xstrdup("cp %p /archive/%f");
	p->used = 12;
	p->max = 100;
	expect(&f, "security.password_hashing", RD_PASS, "scram-sha-256");
	expect(&f, "performance.db_maintenance", RD_PASS, "autovacuum=on, track_counts=on");
	expect(&f, "performance.query_stats", RD_PASS, "pg_stat_statements");
	expect(&f, "manageability.pitr", RD_PASS, "archive_command");
	expect(&f, "performance.connection_pool", RD_PASS, "12/100 client connections (12 %)");
	expect(&f, "availability.ha_postgres", RD_FAIL, "no replica in pg_stat_replication");

	p->rep = xcalloc(2, sizeof *p->rep);
	p->nrep = 2;
	p->rep[0] = (struct rd_pg_replica){ xstrdup("standby2"), xstrdup("10.0.0.3"), xstrdup("catchup"),
	    xstrdup("async"), 30, -1 };
	p->rep[1] = (struct rd_pg_replica){ xstrdup("standby1"), xstrdup("10.0.0.2"), xstrdup("streaming"),
	    xstrdup("async"), 12.5, 4096 };
	expect(&f, "availability.ha_postgres", RD_FAIL, "standby2 catchup, lag 30.0 s");
	/* NULL lag on a streaming replica: caught up. */
	p->rep[1].lag = -1;
	expect(&f, "availability.ha_postgres", RD_PASS, "replica standby1 (10.0.0.2) streaming, async, replay lag 0.0 s");
	p->in_recovery = true;
	expect(&f, "availability.ha_postgres", RD_PASS, "replica in recovery");

	str_set(&p->password_encryption, "md5");
	str_set(&p->autovacuum, "off");
	str_set(&p->preload, "");
	str_set(&p->archive_command, "(disabled)");
	p->used = 85;
	expect(&f, "security.password_hashing", RD_FAIL, "md5");
	expect(&f, "performance.db_maintenance", RD_FAIL, "autovacuum=off");
	expect(&f, "performance.query_stats", RD_FAIL, "not loaded");
	expect(&f, "manageability.pitr", RD_FAIL, "no archive_command");
	expect(&f, "performance.connection_pool", RD_FAIL, "85/100");
	p->archive_library = xstrdup("basic_archive");
	expect(&f, "manageability.pitr", RD_PASS, "archive_library");
	str_set(&p->archive_mode, "off");
	expect(&f, "manageability.pitr", RD_FAIL, "WAL is not archived");
	fx_free(&f);
}

static void
test_redis_checks(void **state)
{
	struct fx f;
	struct rd_redis *r;
	struct service *sv;

	(void)state;
	fx_init(&f, "[redis]\naddress = 127.0.0.1:1\n");
	r = &f.d->redis;
	expect(&f, "security.redis_auth", RD_UNKNOWN, "redis not configured");
	expect(&f, "availability.ha_redis", RD_UNKNOWN, NULL);
	expect(&f, "performance.cache_limits", RD_UNKNOWN, NULL);
	rd_fetch_ok(&r->f);
	r->noauth = 0;
	expect(&f, "security.redis_auth", RD_FAIL, "answered PONG");
	r->noauth = 1;
	expect(&f, "security.redis_auth", RD_PASS, "NOAUTH");
	/* Refused without a password, and we have none: INFO unknown. */
	expect(&f, "performance.cache_limits", RD_UNKNOWN, "password");
	expect(&f, "availability.ha_redis", RD_UNKNOWN, "password");
	sv = row(&f, "redis", "redis", SVC_UP, 1, NULL);
	model_service_set_fact(&f.m, sv, "redis.role", "master");
	model_service_set_fact(&f.m, sv, "redis.connected_slaves", "1");
	expect(&f, "availability.ha_redis", RD_PASS, "health facts");

	LOAD(rd_parse_redis_info, "redis_info_master.txt", r);
	expect(&f, "availability.ha_redis", RD_FAIL, "master with 0 connected replica(s), none online");
	expect(&f, "performance.cache_limits", RD_FAIL, "maxmemory 0 (unbounded), policy noeviction");
	LOAD(rd_parse_redis_info, "redis_info_primary_online.txt", r);
	expect(&f, "availability.ha_redis", RD_PASS, "1 replica(s) online");
	expect(&f, "performance.cache_limits", RD_PASS, "maxmemory 64 MiB, policy allkeys-lru");
	snprintf(r->policy, sizeof r->policy, "noeviction");
	expect(&f, "performance.cache_limits", RD_FAIL, "noeviction");
	LOAD(rd_parse_redis_info, "redis_info_replica.txt", r);
	expect(&f, "availability.ha_redis", RD_PASS, "replica, master link up");
	r->link_up = 0;
	expect(&f, "availability.ha_redis", RD_FAIL, "master link down");
	fx_free(&f);
}

static void
test_audit_and_secrets(void **state)
{
	struct fx f;
	struct rd_audit_db *a;

	(void)state;
	fx_init(&f, "[ceres]\naudit_log = /tmp/x/audit.log\n");
	expect(&f, "security.audit_central", RD_FAIL, "[audit] conninfo not set");
	expect(&f, "observability.audit_log", RD_UNKNOWN, "not checked yet");
	f.d->audit.path = xstrdup("/tmp/x/audit.log");
	f.d->audit.writable = true;
	rd_fetch_ok(&f.d->audit.f);
	expect(&f, "observability.audit_log", RD_PASS, "/tmp/x/audit.log: writable, no entry yet");
	f.d->audit.last = f.ctx.now - 7200;
	expect(&f, "observability.audit_log", RD_PASS, "last entry 2h");
	f.d->audit.writable = false;
	f.d->audit.why = xstrdup("Permission denied");
	expect(&f, "observability.audit_log", RD_FAIL, "Permission denied");
	expect(&f, "security.secrets", RD_PASS, "no secrets");
	fx_free(&f);

	fx_init(&f, "[audit]\nconninfo = hostaddr=127.0.0.1 port=5432 dbname=ceres_audit user=ceres_top\n");
	a = &f.d->audit_db;
	a->where = xstrdup("ceres_audit@127.0.0.1:5432");
	rd_fetch_wait(&a->f);
	expect(&f, "security.audit_central", RD_UNKNOWN, "no answer yet");
	rd_fetch_err(&a->f, "connection refused");
	expect(&f, "security.audit_central", RD_FAIL, "connection refused");
	rd_fetch_ok(&a->f);
	a->table = true;
	a->can_insert = true;
	a->rows = 42;
	expect(&f, "security.audit_central", RD_PASS, "table ceres_audit writable, 42 rows");
	a->can_insert = false;
	expect(&f, "security.audit_central", RD_FAIL, "no INSERT privilege");
	a->table = false;
	a->can_create = true;
	expect(&f, "security.audit_central", RD_PASS, "created with the first action");
	a->can_create = false;
	expect(&f, "security.audit_central", RD_FAIL, "no CREATE privilege");
	fx_free(&f);

	setenv("RD_TEST_TOKEN", "t0k3n", 1);
	fx_init(&f, "[gitea]\nurl = http://127.0.0.1:1\ntoken_env = RD_TEST_TOKEN\n");
	expect(&f, "security.secrets", RD_PASS, "1 secret(s), all from *_file or *_env");
	fx_free(&f);
	fx_init(&f, "[gitea]\nurl = http://127.0.0.1:1\ntoken = t0k3n\n[postgres]\n"
	    "conninfo = host=db password=hunter2\n[service \"x\"]\nurl = https://u:pw@x.example/\n");
	expect(&f, "security.secrets", RD_FAIL, "3 secret(s) inline");
	assert_non_null(strstr(f.last.evidence, "[gitea] token"));
	assert_non_null(strstr(f.last.evidence, "[postgres] conninfo"));
	assert_non_null(strstr(f.last.evidence, "[service \"x\"] url"));
	assert_null(strstr(f.last.evidence, "hunter2"));
	assert_null(strstr(f.last.evidence, "t0k3n"));
	fx_free(&f);
}

/* ---- availability ------------------------------------------------------ */

static void
test_alerting_checks(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[alertmanager]\nurl = http://127.0.0.1:1\n");
	expect(&f, "availability.alerting", RD_UNKNOWN, "prometheus not configured");
	expect(&f, "availability.alertmanager_ha", RD_UNKNOWN, "alertmanager not configured");
	LOAD(rd_parse_alertmanagers, "prom_alertmanagers_none.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.ams);
	expect(&f, "availability.alerting", RD_FAIL, "no active Alertmanager");
	LOAD(rd_parse_alertmanagers, "prom_alertmanagers.json", &f.d->prom);
	expect(&f, "availability.alerting", RD_PASS, "2 active Alertmanager(s)");

	LOAD(rd_parse_am_status, "am_status_null.json", &f.d->am);
	f.d->am.url = xstrdup("http://127.0.0.1:9093");
	rd_fetch_ok(&f.d->am.status);
	expect(&f, "availability.alertmanager_ha", RD_FAIL, "cluster disabled, 0 peer(s); Prometheus sends to 2");
	str_set(&f.d->am.cluster, "ready");
	f.d->am.peers = 2;
	expect(&f, "availability.alertmanager_ha", RD_PASS, "cluster ready with 2 peers");
	str_set(&f.d->am.cluster, "settling");
	expect(&f, "availability.alertmanager_ha", RD_FAIL, "settling");

	expect(&f, "integration.alert_chat", RD_FAIL, "(receivers: null-rcv)");
	expect(&f, "integration.alert_email", RD_FAIL, "email_configs");
	LOAD(rd_parse_am_status, "am_status_chat.json", &f.d->am);
	expect(&f, "integration.alert_chat", RD_PASS, "receiver ops-chat: webhook, used by the route tree");
	expect(&f, "integration.alert_email", RD_PASS, "receiver ops-mail: email");
	{
		size_t len;
		char *buf = fixture("am_unrouted.yml", &len), *cause = NULL;

		assert_int_equal(rd_parse_am_yaml(buf, len, &f.d->am, &cause), 0);
		free(buf);
	}
	expect(&f, "integration.alert_chat", RD_FAIL, "receiver ops-chat has slack, but no route sends to it");
	rd_fetch_err(&f.d->am.status, "HTTP 503");
	expect(&f, "integration.alert_chat", RD_UNKNOWN, "HTTP 503");
	fx_free(&f);
}

static void
test_backups(void **state)
{
	struct fx f;
	struct rd_backup *b;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	b = &f.d->backup;
	b->path = xstrdup("/state/backup.json");
	expect(&f, "availability.backups", RD_UNKNOWN, "not read yet");
	rd_fetch_ok(&b->f);
	expect(&f, "availability.backups", RD_UNKNOWN, "no [backup] section");
	expect(&f, "manageability.backup_command", RD_FAIL, "[backup] command not set");
	b->exists = true;
	b->last_success = f.ctx.now - 3 * 3600;
	expect(&f, "availability.backups", RD_PASS, "last successful backup 3h");
	b->last_success = f.ctx.now - 30 * 3600;
	expect(&f, "availability.backups", RD_FAIL, "more than 26 h");
	b->last_success = 0;
	b->last_status = xstrdup("failed");
	expect(&f, "availability.backups", RD_FAIL, "no successful backup recorded (last status: failed)");
	rd_fetch_err(&b->f, "not a regular file");
	expect(&f, "availability.backups", RD_UNKNOWN, "not a regular file");
	fx_free(&f);

	fx_init(&f, "[backup]\ncommand = /usr/local/sbin/ceres-backup --all\nretention_days = 14\n");
	b = &f.d->backup;
	b->path = xstrdup("/state/backup.json");
	rd_fetch_ok(&b->f);
	expect(&f, "availability.backups", RD_FAIL, "no backup recorded yet");
	b->exists = true;
	b->last_success = f.ctx.now - 600;
	expect(&f, "availability.backups", RD_PASS, "kept 14 days");
	b->command = xstrdup("/usr/local/sbin/ceres-backup");
	b->command_ok = 0;
	b->command_why = xstrdup("No such file or directory");
	expect(&f, "manageability.backup_command", RD_FAIL, "/usr/local/sbin/ceres-backup: No such file");
	b->command_ok = 1;
	expect(&f, "manageability.backup_command", RD_PASS, "executable");
	fx_free(&f);
}

static const char *const platform[] = { "keycloak", "grafana", "nextcloud", "gitea", "wikijs", "redmine",
	"mattermost", "prometheus", "loki", "tempo", "alertmanager", "uptime_kuma", "caddy", "postgres", "redis" };

static void
test_health_rows(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "availability.services_up", RD_UNKNOWN, "no services configured");
	expect(&f, "performance.response_time", RD_UNKNOWN, NULL);
	expect(&f, "availability.health_checks", RD_FAIL, "0/15");
	for (size_t i = 0; i + 1 < sizeof platform / sizeof platform[0]; i++)
		row(&f, platform[i], platform[i], SVC_UNKNOWN, -1, NULL);
	expect(&f, "availability.health_checks", RD_FAIL, "14/15 platform services have a health check; missing: redis");
	expect(&f, "availability.services_up", RD_UNKNOWN, "no service has answered yet");
	row(&f, "zulip", "http", SVC_UP, 20, NULL);	/* chat by name */
	row(&f, "redis", "redis", SVC_UP, 2, NULL);
	for (size_t i = 0; i + 1 < sizeof platform / sizeof platform[0]; i++)
		row(&f, platform[i], platform[i], SVC_UP, 10 + (double)i, NULL);
	expect(&f, "availability.health_checks", RD_PASS, "15/15");
	expect(&f, "availability.services_up", RD_PASS, "16/16 services up");
	expect(&f, "performance.response_time", RD_PASS, "slowest postgres 23 ms");
	row(&f, "gitea", "gitea", SVC_DOWN, -1, NULL);
	row(&f, "redmine", "redmine", SVC_UP, 1500, NULL);
	expect(&f, "availability.services_up", RD_FAIL, "15/16 services up; gitea down");
	expect(&f, "performance.response_time", RD_FAIL, "redmine 1500 ms");
	expect(&f, "observability.dashboards", RD_PASS, "grafana: fine");
	row(&f, "grafana", "grafana", SVC_DEGRADED, 3, NULL);
	expect(&f, "observability.dashboards", RD_FAIL, "grafana degraded: broken");
	fx_free(&f);
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "observability.dashboards", RD_UNKNOWN, "grafana not configured");
	row(&f, "grafana", "grafana", SVC_UNKNOWN, -1, NULL);
	expect(&f, "observability.dashboards", RD_UNKNOWN, "no answer yet");
	fx_free(&f);
}

static void
test_uptime_kuma(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[uptime_kuma]\nurl = http://127.0.0.1:1\n");
	expect(&f, "availability.uptime_monitors", RD_UNKNOWN, "uptime_kuma not configured");
	expect(&f, "integration.uptime_alerting", RD_UNKNOWN, "not visible");
	row(&f, "uptime_kuma", "uptime_kuma", SVC_DOWN, -1, NULL);
	expect(&f, "availability.uptime_monitors", RD_UNKNOWN, "uptime_kuma: broken");
	row(&f, "uptime_kuma", "uptime_kuma", SVC_UP, 3, NULL);
	expect(&f, "availability.uptime_monitors", RD_FAIL, "lists no monitors");
	row(&f, "uptime_kuma: Gitea", "uptime_kuma", SVC_UP, 3, "uptime_kuma");
	row(&f, "uptime_kuma: Grafana", "uptime_kuma", SVC_UP, 3, "uptime_kuma");
	expect(&f, "availability.uptime_monitors", RD_PASS, "2 monitors on the status page, all up");
	row(&f, "uptime_kuma: Grafana", "uptime_kuma", SVC_DOWN, 3, "uptime_kuma");
	expect(&f, "availability.uptime_monitors", RD_FAIL, "1/2 monitors not up: Grafana");
	rd_fetch_ok(&f.d->prom.series);
	f.d->prom.kuma_series = 0;
	expect(&f, "integration.uptime_alerting", RD_UNKNOWN, "does not scrape");
	f.d->prom.kuma_series = 4;
	expect(&f, "integration.uptime_alerting", RD_PASS, "4 monitor_status series");
	fx_free(&f);
}

/* ---- observability ------------------------------------------------------ */

static void
test_prometheus_checks(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[prometheus]\nurl = http://127.0.0.1:1\n[alertmanager]\nurl = http://127.0.0.1:2\n");
	expect(&f, "observability.metrics", RD_UNKNOWN, "prometheus not configured");
	expect(&f, "observability.node_exporter", RD_UNKNOWN, NULL);
	expect(&f, "observability.alert_rules", RD_UNKNOWN, NULL);
	expect(&f, "manageability.runbooks", RD_UNKNOWN, NULL);
	expect(&f, "manageability.config_reload", RD_UNKNOWN, NULL);
	row(&f, "prometheus", "prometheus", SVC_DOWN, -1, NULL);
	expect(&f, "observability.metrics", RD_UNKNOWN, "prometheus: broken");
	row(&f, "prometheus", "prometheus", SVC_UP, 3, NULL);
	expect(&f, "observability.metrics", RD_FAIL, "no active scrape target");
	row(&f, "prometheus target node 127.0.0.1:9100", "target", SVC_UP, 3, "prometheus");
	row(&f, "prometheus target gitea 127.0.0.1:3001", "target", SVC_UNKNOWN, 3, "prometheus");
	expect(&f, "observability.metrics", RD_PASS, "1/2 targets up");
	row(&f, "prometheus target gitea 127.0.0.1:3001", "target", SVC_DOWN, 3, "prometheus");
	expect(&f, "observability.metrics", RD_FAIL, "down: target gitea 127.0.0.1:3001");

	LOAD(rd_parse_series_counts, "prom_series.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.series);
	expect(&f, "observability.node_exporter", RD_PASS, "from 1 host(s)");
	expect(&f, "observability.meta_monitoring", RD_FAIL, "Alertmanager (alertmanager_build_info)");
	f.d->prom.am_series = 2;
	expect(&f, "observability.meta_monitoring", RD_PASS, "itself and 2 Alertmanager(s)");
	f.d->prom.node_series = 0;
	f.d->prom.self_series = 0;
	expect(&f, "observability.node_exporter", RD_FAIL, "no node-exporter is scraped");
	expect(&f, "observability.meta_monitoring", RD_FAIL, "Prometheus itself");

	LOAD(rd_parse_rules, "prom_rules_full.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.rules);
	expect(&f, "observability.alert_rules", RD_PASS, "6 alerting rules cover cpu, memory, disk, service down, latency, db connections");
	expect(&f, "manageability.runbooks", RD_PASS, "all 6 alerting rules");
	f.d->prom.rule[2].runbook = false;
	f.d->prom.rule[4].runbook = false;
	expect(&f, "manageability.runbooks", RD_FAIL, "2/6 alerting rules lack runbook_url: DiskSpaceLow, ApiLatencyHigh");
	f.d->prom.rule[0].healthy = false;
	expect(&f, "observability.alert_rules", RD_FAIL, "1 fail to evaluate");
	LOAD(rd_parse_rules, "prom_rules_sandbox.json", &f.d->prom);
	expect(&f, "observability.alert_rules", RD_FAIL, "1 alerting rules; missing: cpu, memory, disk, service down, latency, db connections");
	rd_prom_rules_free(&f.d->prom);
	expect(&f, "observability.alert_rules", RD_FAIL, "no alerting rules");
	expect(&f, "manageability.runbooks", RD_UNKNOWN, "no alerting rules loaded");

	LOAD(rd_parse_runtimeinfo, "prom_runtimeinfo.json", &f.d->prom);
	rd_fetch_ok(&f.d->prom.runtime);
	expect(&f, "manageability.config_reload", RD_PASS, "last config reload succeeded");
	f.d->prom.reload_ok = 0;
	expect(&f, "manageability.config_reload", RD_FAIL, "FAILED");
	f.d->prom.reload_ok = -1;
	expect(&f, "manageability.config_reload", RD_UNKNOWN, "does not report");
	fx_free(&f);

	/* Without Alertmanager configured, Prometheus scraping itself is enough. */
	fx_init(&f, "[prometheus]\nurl = http://127.0.0.1:1\n");
	rd_fetch_ok(&f.d->prom.series);
	f.d->prom.self_series = 1;
	f.d->prom.am_series = 0;
	expect(&f, "observability.meta_monitoring", RD_PASS, "Prometheus scrapes itself");
	fx_free(&f);
}

static void
test_logs_and_tracing(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "[loki]\nurl = http://127.0.0.1:1\n");
	expect(&f, "observability.logs", RD_UNKNOWN, "loki not configured");
	expect(&f, "observability.tracing", RD_UNKNOWN, "tempo not configured");
	rd_fetch_ok(&f.d->loki.labels);
	expect(&f, "observability.logs", RD_FAIL, "no job, app or service_name label values");
	LOAD(rd_parse_loki_values, "loki_values.json", &f.d->loki);
	expect(&f, "observability.logs", RD_UNKNOWN, "no services configured");
	row(&f, "caddy", "caddy", SVC_UP, 1, NULL);
	row(&f, "gitea", "gitea", SVC_UP, 1, NULL);
	row(&f, "sso", "keycloak", SVC_UP, 1, NULL);
	row(&f, "alertmanager a", "alertmanager", SVC_UP, 1, NULL);
	row(&f, "alertmanager b", "alertmanager", SVC_UP, 1, NULL);
	/* Children (targets, monitors) are not services of their own. */
	row(&f, "prometheus target x", "target", SVC_UP, 1, "prometheus");
	expect(&f, "observability.logs", RD_FAIL, "logs from 3/4 services; missing: alertmanager");
	assert_null(strstr(f.last.evidence, "alertmanager, alertmanager"));
	{
		static const char more[] = "{\"status\":\"success\",\"data\":[\"alertmanager\"]}";
		char *cause = NULL;

		assert_int_equal(rd_parse_loki_values(more, strlen(more), &f.d->loki, &cause), 0);
	}
	expect(&f, "observability.logs", RD_PASS, "streams from all 4 services");
	rd_fetch_err(&f.d->loki.labels, "HTTP 401 no org id");
	expect(&f, "observability.logs", RD_UNKNOWN, "no org id");

	rd_fetch_ok(&f.d->tempo.ready);
	f.d->tempo.status = 200;
	f.d->tempo.detail = xstrdup("ready");
	expect(&f, "observability.tracing", RD_PASS, "HTTP 200 ready");
	f.d->tempo.status = 503;
	str_set(&f.d->tempo.detail, "Some services are not Running:");
	expect(&f, "observability.tracing", RD_FAIL, "HTTP 503 Some services");
	rd_fetch_err(&f.d->tempo.ready, "Connection refused");
	expect(&f, "observability.tracing", RD_UNKNOWN, "Connection refused");
	fx_free(&f);
}

/* ---- integration -------------------------------------------------------- */

static void
test_webhooks(void **state)
{
	struct fx f;
	size_t len;
	char *buf, *cause = NULL;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "integration.webhooks", RD_UNKNOWN, "no [webhook] routes configured");
	fx_free(&f);
	setenv("RD_TEST_HOOK", "http://127.0.0.1/hooks/k", 1);
	fx_init(&f, "[webhook \"mattermost-ops\"]\nkind = mattermost\nurl_env = RD_TEST_HOOK\n"
	    "[webhook \"zulip-dev\"]\nkind = zulip\nurl_env = RD_TEST_HOOK\n");
	f.d->webhooks.path = xstrdup("/state/webhooks.json");
	rd_fetch_ok(&f.d->webhooks.f);
	expect(&f, "integration.webhooks", RD_UNKNOWN, "never tested: mattermost-ops, zulip-dev");
	buf = fixture("webhooks.json", &len);
	assert_int_equal(rd_parse_webhook_state(buf, len, &f.d->webhooks, &cause), 0);
	free(buf);
	expect(&f, "integration.webhooks", RD_FAIL, "zulip-dev: HTTP 404");
	f.d->webhooks.r[1].ok = 1;
	f.d->webhooks.r[1].status = 200;
	f.d->webhooks.r[1].time = f.ctx.now - 3600;
	f.d->webhooks.r[0].time = f.ctx.now - 600;
	expect(&f, "integration.webhooks", RD_PASS, "2/2 routes answered their last test (oldest 1h");
	/* No "ok" key: the status code decides. */
	f.d->webhooks.r[1].ok = -1;
	f.d->webhooks.r[1].status = 502;
	expect(&f, "integration.webhooks", RD_FAIL, "HTTP 502");
	rd_fetch_err(&f.d->webhooks.f, "invalid JSON");
	expect(&f, "integration.webhooks", RD_UNKNOWN, "invalid JSON");
	fx_free(&f);
}

static struct rd_gitea_repo *
add_repo(struct fx *f, const char *name)
{
	struct rd_gitea *g = &f->d->gitea;

	g->repo = xreallocarray(g->repo, g->nrepo + 1, sizeof *g->repo);
	memset(&g->repo[g->nrepo], 0, sizeof g->repo[0]);
	g->repo[g->nrepo].repo = xstrdup(name);
	rd_fetch_wait(&g->repo[g->nrepo].hooks);
	return &g->repo[g->nrepo++];
}

static void
test_gitea(void **state)
{
	struct fx f;
	struct rd_gitea_repo *a, *b;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "gitea not configured");
	expect(&f, "manageability.infra_repos", RD_UNKNOWN, "gitea not configured");
	fx_free(&f);
	fx_init(&f, "[gitea]\nurl = http://127.0.0.1:1\n");
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "no repositories");
	expect(&f, "manageability.infra_repos", RD_FAIL, "lists no repository");
	add_repo(&f, "ceres/infra");
	add_repo(&f, "ceres/app");
	a = &f.d->gitea.repo[0];
	b = &f.d->gitea.repo[1];
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "no [gitea] token");
	f.d->gitea.have_token = true;
	expect(&f, "integration.gitea_hooks", RD_UNKNOWN, "ceres/infra: no answer yet");
	expect(&f, "manageability.infra_repos", RD_UNKNOWN, "could not confirm: ceres/infra, ceres/app");
	LOAD(rd_parse_gitea_hooks, "gitea_hooks.json", a);
	a->status = 200;
	rd_fetch_ok(&a->hooks);
	LOAD(rd_parse_gitea_hooks, "gitea_hooks_none.json", b);
	b->status = 200;
	rd_fetch_ok(&b->hooks);
	expect(&f, "integration.gitea_hooks", RD_FAIL, "1/2 repositories notify chat; not: ceres/app (2 hooks, none to chat)");
	expect(&f, "manageability.infra_repos", RD_PASS, "2 repositories in Gitea");
	LOAD(rd_parse_gitea_hooks, "gitea_hooks.json", b);
	expect(&f, "integration.gitea_hooks", RD_PASS, "2/2 repositories have a chat hook, e.g. ceres/infra: gitea → https://chat.ceres.example/…");
	b->status = 404;
	b->nhooks = b->chat_hooks = 0;
	expect(&f, "integration.gitea_hooks", RD_FAIL, "ceres/app (HTTP 404)");
	expect(&f, "manageability.infra_repos", RD_FAIL, "not found in Gitea: ceres/app");
	fx_free(&f);
}

/* ---- local files, through rd_files_refresh ------------------------------ */

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

static void
test_files(void **state)
{
	char dir[] = "/tmp/rd-unit.XXXXXX", *cfgtext, *p;
	struct fx f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/backup.json", dir);
	write_file(p, "{\"last_success\": \"2026-11-26T08:00:00Z\", \"last_status\": \"ok\"}", 0600);
	free(p);
	p = xasprintf("%s/webhooks.json", dir);
	write_file(p, "{\"routes\": {\"ops\": {\"status\": 200, \"ok\": true, \"time\": 1795690000}}}", 0600);
	free(p);
	p = xasprintf("%s/backup.sh", dir);
	write_file(p, "#!/bin/sh\nexit 0\n", 0700);
	free(p);
	p = xasprintf("%s/audit.log", dir);
	write_file(p, "{\"time\":\"2026-11-26T09:00:00Z\",\"action\":\"silence\"}\n", 0600);
	cfgtext = xasprintf("[ceres]\nstate_dir = %s\n[backup]\ncommand = %s/backup.sh --full\n", dir, dir);
	fx_init(&f, cfgtext);
	rd_files_refresh(f.cfg, p, f.d);
	assert_int_equal(f.d->backup.f.avail, RD_OK);
	assert_true(f.d->backup.exists);
	assert_true(f.d->backup.last_success > 0);
	assert_int_equal(f.d->backup.command_ok, 1);
	assert_int_equal(f.d->webhooks.n, 1);
	assert_true(f.d->audit.writable);
	assert_true(f.d->audit.last > 0);
	expect(&f, "manageability.backup_command", RD_PASS, "backup.sh: executable");
	expect(&f, "observability.audit_log", RD_PASS, "last entry");
	f.ctx.now = f.d->backup.last_success + 3600;
	expect(&f, "availability.backups", RD_PASS, "1h");
	fx_free(&f);
	free(cfgtext);

	/* A FIFO at the state path must not block; garbage is an error. */
	free(p);
	p = xasprintf("%s/backup.json", dir);
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	p = xasprintf("%s/webhooks.json", dir);
	write_file(p, "\x01\x02 not json", 0600);
	free(p);
	cfgtext = xasprintf("[ceres]\nstate_dir = %s\n[backup]\ncommand = nonexistent-backup-tool\n", dir);
	fx_init(&f, cfgtext);
	rd_files_refresh(f.cfg, "/nonexistent-dir/sub/audit.log", f.d);
	assert_int_equal(f.d->backup.f.avail, RD_ERR);
	assert_int_equal(f.d->webhooks.f.avail, RD_ERR);
	expect(&f, "availability.backups", RD_UNKNOWN, "not a regular file");
	expect(&f, "manageability.backup_command", RD_FAIL, "not found in PATH");
	expect(&f, "integration.webhooks", RD_UNKNOWN, "no [webhook] routes");
	expect(&f, "observability.audit_log", RD_PASS, NULL);	/* "/" is writable for root */
	fx_free(&f);
	free(cfgtext);
	p = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(p), 0);
	free(p);
}

static void
test_state_path(void **state)
{
	struct fx f;
	char *p;

	(void)state;
	fx_init(&f, "[ceres]\nsite = x\n");
	setenv("XDG_STATE_HOME", "/xdg", 1);
	p = rd_state_path(f.cfg, "backup.json");
	assert_string_equal(p, "/xdg/ceres-top/backup.json");
	free(p);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/op", 1);
	p = rd_state_path(f.cfg, "webhooks.json");
	assert_string_equal(p, "/home/op/.local/state/ceres-top/webhooks.json");
	free(p);
	fx_free(&f);
	fx_init(&f, "[ceres]\nstate_dir = /var/lib/ceres-top\n");
	p = rd_state_path(f.cfg, "backup.json");
	assert_string_equal(p, "/var/lib/ceres-top/backup.json");
	free(p);
	fx_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keycloak_checks),
		cmocka_unit_test(test_caddy_checks),
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_postgres_checks),
		cmocka_unit_test(test_redis_checks),
		cmocka_unit_test(test_audit_and_secrets),
		cmocka_unit_test(test_alerting_checks),
		cmocka_unit_test(test_backups),
		cmocka_unit_test(test_health_rows),
		cmocka_unit_test(test_uptime_kuma),
		cmocka_unit_test(test_prometheus_checks),
		cmocka_unit_test(test_logs_and_tracing),
		cmocka_unit_test(test_webhooks),
		cmocka_unit_test(test_gitea),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_state_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
