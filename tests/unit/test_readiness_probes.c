/* Readiness probes of security and availability on constructed evidence:
 * pass, fail, and unknown where the check can be undecided, each with the
 * evidence it must show.  Backend answers come from the fixtures through
 * the real parsers. */
#include "test_readiness_fx.h"

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
	b->foreign = true;
	expect(&f, "availability.backups", RD_UNKNOWN, "written by another config or site");
	b->foreign = false;
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
