/* The readiness model: the evidence the readiness sources gather (one
 * struct per backend, each with a struct rd_fetch saying whether it
 * answered), the result of each check and the score. */
#ifndef CERES_MODEL_READINESS_H
#define CERES_MODEL_READINESS_H

#include <stdbool.h>
#include <stddef.h>

enum rd_status {
	RD_UNKNOWN = 0,		/* could not be decided: never counted as pass */
	RD_PASS,
	RD_FAIL,
};
const char *rd_status_name(enum rd_status s);	/* "pass", "fail", "unknown" */

enum rd_category {
	RD_SECURITY = 0,
	RD_AVAILABILITY,
	RD_OBSERVABILITY,
	RD_INTEGRATION,
	RD_MANAGEABILITY,
	RD_PERFORMANCE,
	RD_NCATEGORIES
};
const char *rd_category_name(enum rd_category c);	/* "security", ... (JSON) */
const char *rd_category_title(enum rd_category c);	/* N_() text */

#define RD_EVIDENCE_MAX	320

struct rd_result {
	enum rd_status	 status;
	char		 evidence[RD_EVIDENCE_MAX];	/* one sanitized line */
};

/* ---- evidence the readiness sources gather ------------------------- */

/* Whether a backend answered: not configured, waiting for the first
 * answer, answered, or failed (error says how). */
enum rd_avail { RD_OFF = 0, RD_WAIT, RD_OK, RD_ERR };
struct rd_fetch {
	enum rd_avail	 avail;
	char		*error;		/* sanitized, RD_ERR only */
	double		 when;		/* wall clock of the last answer */
};
void rd_fetch_wait(struct rd_fetch *f);
void rd_fetch_ok(struct rd_fetch *f);
void rd_fetch_err(struct rd_fetch *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rd_fetch_clear(struct rd_fetch *f);

/* Prometheus rules, classified by what they alert on. */
#define RD_RULE_CPU		0x01
#define RD_RULE_MEMORY		0x02
#define RD_RULE_DISK		0x04
#define RD_RULE_DOWN		0x08
#define RD_RULE_LATENCY		0x10
#define RD_RULE_CONNECTIONS	0x20
#define RD_RULE_ALL		0x3f
struct rd_rule {
	char		*name;
	bool		 alerting;	/* false: recording rule */
	bool		 runbook;	/* non-empty runbook_url annotation */
	bool		 healthy;	/* health "ok" (or not reported) */
	bool		 kuma;		/* alerts on Uptime Kuma's monitor_status */
	unsigned	 classes;	/* RD_RULE_* */
};
const char *rd_rule_class_name(unsigned bit);

/* Series counts Prometheus answered for the exporters readiness asks
 * about (count by (__name__) of their *_build_info / status metrics). */
struct rd_prom {
	struct rd_fetch	 ams;
	size_t		 am_active, am_dropped;
	struct rd_fetch	 rules;
	struct rd_rule	*rule;
	size_t		 nrule;
	struct rd_fetch	 runtime;
	int		 reload_ok;		/* -1 not reported */
	char		*last_config;		/* lastConfigTime */
	struct rd_fetch	 series;
	long		 node_series;		/* node_exporter_build_info */
	long		 am_series;		/* alertmanager_build_info */
	long		 self_series;		/* prometheus_build_info */
	long		 kuma_series;		/* monitor_status (Uptime Kuma) */
};

/* Alertmanager receivers from /api/v2/status config.original. */
#define RD_RCV_WEBHOOK		0x001
#define RD_RCV_SLACK		0x002
#define RD_RCV_EMAIL		0x004
#define RD_RCV_MSTEAMS		0x008
#define RD_RCV_TELEGRAM		0x010
#define RD_RCV_DISCORD		0x020
#define RD_RCV_WEBEX		0x040
#define RD_RCV_PAGER		0x080	/* pagerduty, opsgenie, victorops */
#define RD_RCV_OTHER		0x100	/* pushover, sns, wechat, ... */
#define RD_RCV_CHAT		(RD_RCV_WEBHOOK | RD_RCV_SLACK | RD_RCV_MSTEAMS | \
				 RD_RCV_TELEGRAM | RD_RCV_DISCORD | RD_RCV_WEBEX)
struct rd_receiver {
	char		*name;
	unsigned	 kinds;		/* RD_RCV_* with at least one config */
	bool		 routed;	/* named by the route tree */
};
struct rd_am {
	struct rd_fetch		 status;
	char			*url;		/* redacted URL that answered */
	struct rd_receiver	*rcv;
	size_t			 nrcv;
	char			*cluster;	/* "ready", "settling", "disabled" */
	int			 peers;
};

/* What Caddy's /config/ says about the proxy. */
struct rd_caddy {
	struct rd_fetch	 config;
	bool		 empty;			/* config is null */
	size_t		 servers;
	size_t		 https_servers;
	size_t		 forward_auth;		/* reverse_proxy with rewrite + handle_response */
	size_t		 rate_limit;
	size_t		 encode;		/* encode handlers */
	size_t		 encode_servers;	/* servers with at least one */
	size_t		 proxies;		/* reverse_proxy handlers (not forward auth) */
	size_t		 balanced;		/* ... with >= 2 upstreams or dynamic upstreams */
	char		 https_example[96];	/* "srv1 :443 (example.org)" */
};

struct rd_keycloak {
	struct rd_fetch	 disc;
	char		*disc_problem;		/* answered, but not a usable realm */
	char		*issuer;
	bool		 code_flow;		/* authorization + token endpoints */
	bool		 pkce_s256;
	bool		 have_token;		/* admin_token configured */
	struct rd_fetch	 realm;
	int		 brute_force;		/* -1 not reported */
	char		*otp_type;		/* otpPolicyType */
	char		*browser_flow;
	struct rd_fetch	 actions;
	int		 totp_enabled;		/* -1: CONFIGURE_TOTP absent */
	int		 totp_default;
	struct rd_fetch	 flow;
	int		 otp_in_flow;		/* 2 enforced, 1 conditional, 0 none, -1 unknown */
	struct rd_fetch	 clients;
	char		**client;		/* enabled clients' clientId */
	size_t		 nclient;
};

struct rd_loki {
	struct rd_fetch	 labels;
	char		**value;		/* job / app / service_name values */
	size_t		 nvalue;
};

/* The Loki ruler's rules, from its Prometheus-shaped
 * /prometheus/api/v1/rules: how many groups and rules, and whether the
 * ruler runs at all (404: not enabled). */
struct rd_loki_rules {
	struct rd_fetch	 f;
	bool		 ruler_off;		/* the rules API answered 404 */
	size_t		 groups;
	size_t		 alerting, recording;
	size_t		 broken;		/* alerting rules whose health is not ok */
	char		 example[96];		/* first alerting rule's name */
};

/* Grafana's datasources (/api/datasources): whether a Tempo datasource
 * links traces to logs (jsonData.tracesToLogsV2, or tracesToLogs before
 * Grafana 10) in a Loki datasource that exists. */
struct rd_grafana {
	struct rd_fetch	 ds;
	char		*service;		/* [service "NAME"] of kind grafana */
	size_t		 nds, ntempo;
	size_t		 linked;		/* Tempo datasources linking to Loki */
	char		 tempo[64], loki[64];	/* first linked pair's names */
	char		 why[200];		/* first problem found */
};

/* Wiki.js storage targets (GraphQL storage { targets status }): whether
 * the git target is enabled, where it pushes and how its last sync went. */
struct rd_wiki {
	struct rd_fetch	 f;
	char		*service;		/* [service "NAME"] of kind wikijs */
	size_t		 targets, enabled;
	int		 git;			/* -1 no git target, 0 disabled, 1 enabled */
	char		 mode[16];		/* sync, push, pull */
	char		 interval[24];		/* syncInterval (ISO 8601 duration) */
	char		 status[24];		/* operational, pending, error; "" none */
	char		 message[160];
	char		 last[40];		/* lastAttempt */
	char		 repo[160];		/* repoUrl without user info */
};

struct rd_tempo {
	struct rd_fetch	 ready;
	long		 status;
	char		*detail;
};

struct rd_gitea_repo {
	char		*repo;			/* "owner/name" */
	struct rd_fetch	 hooks;
	long		 status;
	size_t		 nhooks;
	size_t		 chat_hooks;		/* active, chat type or chat URL */
	char		*example;		/* "slack → chat.example.org" */
};
struct rd_gitea {
	bool			 have_token;
	struct rd_gitea_repo	*repo;
	size_t			 nrepo;
};

struct rd_pg_replica {
	char		*name;			/* application_name */
	char		*client;		/* client_addr */
	char		*state;			/* streaming, catchup, ... */
	char		*sync;			/* async, sync, quorum, potential */
	double		 lag;			/* replay lag seconds, -1 NULL */
	double		 bytes;			/* replay byte lag, -1 NULL */
};
struct rd_pg {
	struct rd_fetch		 f;
	char			*version;
	bool			 in_recovery;
	long			 used, max;
	char			*password_encryption, *autovacuum, *track_counts;
	char			*preload, *archive_mode, *archive_command, *archive_library, *ssl;
	struct rd_pg_replica	*rep;
	size_t			 nrep;
};

/* Patroni's REST API ([postgres] patroni_url): GET /cluster (members,
 * roles, states, replication lag in bytes, maintenance pause) and GET
 * /history (timeline switches: failovers and switchovers). */
struct rd_patroni {
	struct rd_fetch	 cluster;
	struct rd_fetch	 history;
	char		*url;			/* shown: no user info */
	long long	 lag_limit;		/* bytes ([postgres] patroni_max_lag) */
	char		 scope[64];
	bool		 paused;
	size_t		 members;
	size_t		 leaders;		/* leader / standby_leader, running */
	char		 leader[64];
	long		 timeline;		/* the leader's, -1 unknown */
	size_t		 replicas;		/* replica, sync_standby, quorum_standby */
	size_t		 streaming;		/* ... streaming with lag <= lag_limit */
	long long	 max_lag;		/* largest lag of those, bytes */
	char		 behind[160];		/* replicas not streaming or lagging */
	size_t		 switches;		/* /history entries */
	char		 last_switch[128];	/* "2026-11-30T10:00:00+00:00 (timeline 3, pg1)" */
};

struct rd_audit_db {
	struct rd_fetch	 f;
	char		*where;			/* "dbname@host:port", no password */
	bool		 table;			/* ceres_audit exists */
	bool		 can_insert;
	bool		 can_create;
	long		 rows;			/* -1 unknown */
};

struct rd_redis {
	struct rd_fetch	 f;
	int		 noauth;		/* 1: refuses unauthenticated, 0: accepts, -1 ? */
	bool		 have_info;
	long long	 maxmemory;		/* -1 unknown */
	char		 policy[32];
	char		 role[16];
	long		 replicas;		/* connected_slaves */
	long		 replicas_online;	/* slaveN:...state=online */
	long		 link_up;		/* replica: master_link_status up 1/0, -1 n/a */
};

/* Redis Sentinel ([redis] sentinel): the masters it monitors (SENTINEL
 * MASTERS), whether quorum and failover authorization can be reached
 * (SENTINEL CKQUORUM) and which replicas it sees online (SENTINEL
 * REPLICAS).  At most RD_SENTINEL_MASTERS masters are looked at. */
#define RD_SENTINEL_MASTERS	8
struct rd_sentinel_master {
	char		 name[64];
	char		 addr[72];		/* ip:port */
	char		 flags[64];		/* "master", "master,s_down,o_down", ... */
	long		 quorum;
	long		 sentinels;		/* num-other-sentinels + 1 */
	long		 known;			/* num-slaves */
	long		 replicas;		/* SENTINEL REPLICAS answered, -1 not asked */
	long		 online;		/* ... not down or disconnected, link ok */
	char		 down[96];		/* first replica that is not online */
	int		 ckquorum;		/* 1 OK, 0 refused, -1 not asked */
	char		 ckmsg[160];
};
struct rd_sentinel {
	struct rd_fetch			 f;
	char				*address;	/* as configured (numeric) */
	char				 want[64];	/* [redis] sentinel_master, "" all */
	size_t				 total;		/* masters monitored */
	size_t				 n;		/* of them in m[] */
	struct rd_sentinel_master	 m[RD_SENTINEL_MASTERS];
};

struct rd_tls_url {
	char		*shown;			/* redacted URL */
	char		*url;			/* as configured (not shown: may hold user info) */
	bool		 insecure;
	struct rd_fetch	 f;
	double		 expiry;		/* epoch, 0 unknown */
};
struct rd_tls {
	struct rd_tls_url	*u;
	size_t			 n;
};

struct rd_backup {
	struct rd_fetch	 f;
	char		*path;
	bool		 exists;
	double		 last_success;		/* 0 never */
	double		 last_run;
	char		*last_status;
	char		*owner;			/* "owner" in the file, NULL if none */
	bool		 foreign;		/* written by another config or site */
	char		*command;		/* first word of [backup] command */
	int		 command_ok;		/* 1 runnable, 0 not, -1 not configured */
	char		*command_why;
};

/* The last restore test, <state dir>/restore_test.json or [backup]
 * restore_state_file, written by the backup tooling in the backup
 * state's format; and the disaster-recovery runbook ([readiness]
 * dr_runbook). */
struct rd_restore {
	struct rd_fetch	 f;
	char		*path;
	bool		 exists;
	double		 last_success;		/* 0 never */
	double		 last_run;
	char		*last_status;
};
struct rd_dr {
	struct rd_fetch	 f;
	char		*path;			/* NULL: not configured */
	bool		 exists;
	long long	 size;
	double		 mtime;
	char		*why;			/* why it cannot be read */
};

struct rd_route {
	char		*name;
	long		 status;
	int		 ok;			/* 1 ok, 0 failed, -1 not reported */
	double		 time;
	char		*error;
};
struct rd_webhooks {
	struct rd_fetch	 f;
	char		*path;
	bool		 exists;
	struct rd_route	*r;
	size_t		 n;
};

struct rd_audit {
	struct rd_fetch	 f;
	char		*path;
	bool		 writable;
	char		*why;			/* why not */
	long		 lines;			/* in the tail read, -1 unknown */
	double		 last;			/* time of the last entry, 0 unknown */
};

/* Everything the readiness sources learned. */
struct rd_data {
	struct rd_prom		 prom;
	struct rd_am		 am;
	struct rd_caddy		 caddy;
	struct rd_keycloak	 kc;
	struct rd_loki		 loki;
	struct rd_loki_rules	 loki_rules;
	struct rd_tempo		 tempo;
	struct rd_grafana	 grafana;
	struct rd_wiki		 wiki;
	struct rd_gitea		 gitea;
	struct rd_pg		 pg;
	struct rd_patroni	 patroni;
	struct rd_audit_db	 audit_db;
	struct rd_redis		 redis;
	struct rd_sentinel	 sentinel;
	struct rd_tls		 tls;
	struct rd_backup	 backup;
	struct rd_webhooks	 webhooks;
	struct rd_audit		 audit;
	struct rd_restore	 restore;
	struct rd_dr		 dr;
	unsigned		 generation;	/* bumped on every change */
};
struct rd_data *rd_data_new(void);
void rd_data_free(struct rd_data *d);

/* Release what the parsers put in each piece of evidence. */
void rd_prom_rules_free(struct rd_prom *p);
void rd_am_receivers_free(struct rd_am *a);
void rd_keycloak_reset(struct rd_keycloak *k);
void rd_loki_values_free(struct rd_loki *l);
void rd_webhooks_free_routes(struct rd_webhooks *w);

/* ---- score -------------------------------------------------------- */
struct rd_cat_score {
	int	 score;		/* weight passed */
	int	 max;		/* weight decided (pass + fail) */
	int	 unknown;	/* checks not decided */
	int	 passed;	/* checks passed, failed (counts, not weights) */
	int	 failed;
	int	 total;	/* checks */
};
struct rd_score {
	int			 score, max, unknown, total, passed, failed;
	int			 percent;	/* round(100 * score / max), 0 when max 0 */
	struct rd_cat_score	 cat[RD_NCATEGORIES];
};
#endif
