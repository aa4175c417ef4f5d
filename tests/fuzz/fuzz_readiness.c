/* Fuzz the readiness area's parsers, every one on the same bytes:
 * Prometheus (alertmanagers, rules, runtime info, series counts),
 * Alertmanager status and its YAML config, Caddy's config, Keycloak
 * (discovery, realm, required actions, flow, clients), Loki label values,
 * Gitea hooks, Redis INFO, the backup and webhook state files, Patroni's
 * cluster and history, Wiki.js's storage targets, Redis Sentinel's
 * masters and replicas.  Each is
 * applied twice to the same struct: a later poll overwrites an earlier
 * one without leaking it. */
#include "ceres/sources/readiness.h"
#include "ceres/features/readiness.h"
#include "fuzz.h"

#define TWICE(call) do { for (int t_ = 0; t_ < 2; t_++) { char *c_ = NULL;	\
	if ((call) != 0) { FUZZ_ASSERT(c_ != NULL); free(c_); } } } while (0)
#define CAUSE	&c_

FUZZ_TARGET(readiness)
{
	char *buf = fuzz_copy(data, size);
	struct rd_prom prom;
	struct rd_am am;
	struct rd_caddy caddy;
	struct rd_keycloak kc;
	struct rd_loki loki;
	struct rd_gitea_repo repo;
	struct rd_redis redis;
	struct rd_backup backup;
	struct rd_webhooks wh;
	struct rd_patroni pat;
	struct rd_wiki wiki;
	struct rd_sentinel sn;

	memset(&prom, 0, sizeof prom);
	TWICE(rd_parse_alertmanagers(buf, size, &prom, CAUSE));
	TWICE(rd_parse_rules(buf, size, &prom, CAUSE));
	for (size_t i = 0; i < prom.nrule; i++)
		FUZZ_ASSERT(fuzz_clean(prom.rule[i].name, 0, 0));
	TWICE(rd_parse_runtimeinfo(buf, size, &prom, CAUSE));
	FUZZ_ASSERT(fuzz_clean(prom.last_config, 1, 0));
	TWICE(rd_parse_series_counts(buf, size, &prom, CAUSE));
	rd_prom_rules_free(&prom);
	free(prom.last_config);

	memset(&am, 0, sizeof am);
	TWICE(rd_parse_am_status(buf, size, &am, CAUSE));
	TWICE(rd_parse_am_yaml(buf, size, &am, CAUSE));
	for (size_t i = 0; i < am.nrcv; i++)
		FUZZ_ASSERT(fuzz_clean(am.rcv[i].name, 0, 0));
	FUZZ_ASSERT(fuzz_clean(am.cluster, 1, 0));
	rd_am_receivers_free(&am);
	free(am.cluster);

	memset(&caddy, 0, sizeof caddy);
	TWICE(rd_parse_caddy_config(buf, size, &caddy, CAUSE));
	FUZZ_ASSERT(memchr(caddy.https_example, '\0', sizeof caddy.https_example) != NULL);
	FUZZ_ASSERT(caddy.https_servers <= caddy.servers && caddy.encode_servers <= caddy.servers);

	memset(&kc, 0, sizeof kc);
	TWICE(rd_parse_kc_discovery(buf, size, "ceres", &kc, CAUSE));
	FUZZ_ASSERT(fuzz_clean(kc.issuer, 1, 0) && fuzz_clean(kc.disc_problem, 1, 0));
	TWICE(rd_parse_kc_realm(buf, size, &kc, CAUSE));
	TWICE(rd_parse_kc_actions(buf, size, &kc, CAUSE));
	TWICE(rd_parse_kc_flow(buf, size, &kc, CAUSE));
	TWICE(rd_parse_kc_clients(buf, size, &kc, CAUSE));
	for (size_t i = 0; i < kc.nclient; i++)
		FUZZ_ASSERT(fuzz_clean(kc.client[i], 0, 0));
	rd_keycloak_reset(&kc);

	memset(&loki, 0, sizeof loki);
	TWICE(rd_parse_loki_values(buf, size, &loki, CAUSE));
	for (size_t i = 0; i < loki.nvalue; i++) {
		FUZZ_ASSERT(fuzz_clean(loki.value[i], 0, 0));
		for (size_t k = 0; k < i; k++)
			FUZZ_ASSERT(strcmp(loki.value[i], loki.value[k]) != 0);	/* deduplicated */
	}
	rd_loki_values_free(&loki);

	memset(&repo, 0, sizeof repo);
	TWICE(rd_parse_gitea_hooks(buf, size, &repo, CAUSE));
	FUZZ_ASSERT(repo.chat_hooks <= repo.nhooks && fuzz_clean(repo.example, 1, 0));
	free(repo.example);

	memset(&redis, 0, sizeof redis);
	TWICE(rd_parse_redis_info(buf, size, &redis, CAUSE));
	FUZZ_ASSERT(memchr(redis.policy, '\0', sizeof redis.policy) != NULL);
	FUZZ_ASSERT(memchr(redis.role, '\0', sizeof redis.role) != NULL);

	memset(&backup, 0, sizeof backup);
	TWICE(rd_parse_backup_state(buf, size, &backup, CAUSE));
	FUZZ_ASSERT(fuzz_clean(backup.last_status, 1, 0));
	free(backup.last_status);

	memset(&wh, 0, sizeof wh);
	TWICE(rd_parse_webhook_state(buf, size, &wh, CAUSE));
	for (size_t i = 0; i < wh.n; i++)
		FUZZ_ASSERT(fuzz_clean(wh.r[i].name, 0, 0) && fuzz_clean(wh.r[i].error, 1, 0));
	rd_webhooks_free_routes(&wh);

	memset(&pat, 0, sizeof pat);
	pat.lag_limit = 1048576;
	TWICE(rd_parse_patroni_cluster(buf, size, &pat, CAUSE));
	FUZZ_ASSERT(pat.streaming <= pat.replicas && pat.leaders <= pat.members);
	FUZZ_ASSERT(fuzz_clean(pat.leader, 1, 0) && fuzz_clean(pat.behind, 1, 0) && fuzz_clean(pat.scope, 1, 0));
	TWICE(rd_parse_patroni_history(buf, size, &pat, CAUSE));
	FUZZ_ASSERT(fuzz_clean(pat.last_switch, 1, 0));

	memset(&wiki, 0, sizeof wiki);
	TWICE(rd_parse_wiki_storage(buf, size, &wiki, CAUSE));
	FUZZ_ASSERT(wiki.enabled <= wiki.targets && fuzz_clean(wiki.repo, 1, 0) && fuzz_clean(wiki.message, 1, 0));

	memset(&sn, 0, sizeof sn);
	TWICE(rd_parse_sentinel_masters(buf, size, &sn, CAUSE));
	FUZZ_ASSERT(sn.n <= RD_SENTINEL_MASTERS && sn.n <= sn.total);
	for (size_t i = 0; i < sn.n; i++)
		FUZZ_ASSERT(fuzz_clean(sn.m[i].name, 1, 0) && fuzz_clean(sn.m[i].flags, 1, 0));
	TWICE(rd_parse_sentinel_replicas(buf, size, &sn.m[0], CAUSE));
	FUZZ_ASSERT(sn.m[0].online <= sn.m[0].replicas && fuzz_clean(sn.m[0].down, 1, 0));
	free(buf);
	return 0;
}
