/* Readiness: the seed's enterprise checklist as live checks.  Each check is
 * one row of the table in src/readiness.c (id, category, title, weight,
 * probe); a probe is a pure function that reads the evidence gathered by
 * the readiness sources (struct rd_data), the health rows (struct model)
 * and the config, and answers pass / fail / unknown with one line saying
 * what it saw.  Adding a check is one table row and one probe function.
 *
 * State files written by the actions area (src/actions/backup.c and
 * webhook_format.c) and read here, defensively: missing keys, wrong types
 * and garbage are "unknown", never a crash.  Times are RFC 3339 strings
 * or epoch seconds (both accepted):
 *
 *   Backup state, [backup] state_file, default <state_dir>/backup.json:
 *     {"last_run": <time>, "last_status": "success"|"failed"|"cancelled",
 *      "exit_code": <int>, "duration_s": <seconds>,
 *      "last_success": <time of the last run that exited 0> | null}
 *   Webhook tests, <state_dir>/webhooks.json, written by the `w` menu:
 *     {"routes": {"<webhook name>": {"ok": true|false,
 *                                   "status": <HTTP status, 0 none>,
 *                                   "latency_ms": <number>, "time": <time>,
 *                                   "answer": "<first line of the answer>",
 *                                   "error": "<transport error, optional>"}}}
 *   <state_dir> is [ceres] state_dir, else $XDG_STATE_HOME/ceres-top,
 *   else ~/.local/state/ceres-top (rd_state_path()).
 */
#ifndef CERES_READINESS_H
#define CERES_READINESS_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct config;
struct model;

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
unsigned rd_rule_classify(const char *name, const char *expr);
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
	char		*command;		/* first word of [backup] command */
	int		 command_ok;		/* 1 runnable, 0 not, -1 not configured */
	char		*command_why;
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
	struct rd_tempo		 tempo;
	struct rd_gitea		 gitea;
	struct rd_pg		 pg;
	struct rd_audit_db	 audit_db;
	struct rd_redis		 redis;
	struct rd_tls		 tls;
	struct rd_backup	 backup;
	struct rd_webhooks	 webhooks;
	struct rd_audit		 audit;
	unsigned		 generation;	/* bumped on every change */
};
struct rd_data *rd_data_new(void);
void rd_data_free(struct rd_data *d);

/* What a probe reads.  model and config may not be NULL. */
struct rd_ctx {
	const struct rd_data	*d;
	const struct model	*model;
	const struct config	*config;
	double			 now;		/* wall clock */
};
typedef void (*rd_probe_fn)(const struct rd_ctx *ctx, struct rd_result *out);

struct rd_check {
	const char		*id;		/* stable: "availability.ha_postgres" */
	enum rd_category	 category;
	const char		*title;		/* N_() */
	int			 weight;	/* 1 nice, 2 important, 3 critical */
	rd_probe_fn		 probe;
	const char		*remedy;	/* N_() one-line fix, when no runbook page */
};
extern const struct rd_check rd_checks[];
extern const size_t rd_ncheck;
const struct rd_check *rd_check_find(const char *id);

/* Probe result helpers: format (printf), make one safe line, truncate at
 * a UTF-8 boundary with an ellipsis. */
void rd_set(struct rd_result *out, enum rd_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Unknown because the fetch did not answer: "<what> not configured",
 * "<what>: waiting for the first answer", "<what>: <error>".  Returns true
 * when it decided (the fetch is not RD_OK). */
bool rd_unknown_unless_ok(struct rd_result *out, const struct rd_fetch *f, const char *what);

/* ---- score -------------------------------------------------------- */
struct rd_cat_score {
	int	 score;		/* weight passed */
	int	 max;		/* weight decided (pass + fail) */
	int	 unknown;	/* checks not decided */
	int	 total;	/* checks */
};
struct rd_score {
	int			 score, max, unknown, total, passed, failed;
	int			 percent;	/* round(100 * score / max), 0 when max 0 */
	struct rd_cat_score	 cat[RD_NCATEGORIES];
};
/* Score = passed weight / weight of the decided checks; unknown checks
 * are counted apart and never as pass. */
void rd_score_compute(const struct rd_check *checks, const struct rd_result *res, size_t n,
    struct rd_score *out);
/* Run every probe (res has rd_ncheck entries), then score. */
void rd_evaluate(const struct rd_ctx *ctx, struct rd_result *res, struct rd_score *score);

/* ---- pure parsers (unit-tested, fuzzable): 0 or -1 with *cause ------ */
int rd_parse_alertmanagers(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_rules(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_runtimeinfo(const char *buf, size_t len, struct rd_prom *out, char **cause);
int rd_parse_series_counts(const char *buf, size_t len, struct rd_prom *out, char **cause);
void rd_prom_rules_free(struct rd_prom *p);
int rd_parse_am_status(const char *buf, size_t len, struct rd_am *out, char **cause);
/* The receivers part alone, from the YAML text of config.original. */
int rd_parse_am_yaml(const char *yaml, size_t len, struct rd_am *out, char **cause);
void rd_am_receivers_free(struct rd_am *a);
int rd_parse_caddy_config(const char *buf, size_t len, struct rd_caddy *out, char **cause);
int rd_parse_kc_discovery(const char *buf, size_t len, const char *realm, struct rd_keycloak *out, char **cause);
int rd_parse_kc_realm(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
int rd_parse_kc_actions(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
int rd_parse_kc_flow(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
int rd_parse_kc_clients(const char *buf, size_t len, struct rd_keycloak *out, char **cause);
void rd_keycloak_reset(struct rd_keycloak *k);
/* Label values are merged into out (deduplicated). */
int rd_parse_loki_values(const char *buf, size_t len, struct rd_loki *out, char **cause);
void rd_loki_values_free(struct rd_loki *l);
int rd_parse_gitea_hooks(const char *buf, size_t len, struct rd_gitea_repo *out, char **cause);
/* Redis INFO text (any sections): the fields readiness uses. */
int rd_parse_redis_info(const char *buf, size_t len, struct rd_redis *out, char **cause);
int rd_parse_backup_state(const char *buf, size_t len, struct rd_backup *out, char **cause);
int rd_parse_webhook_state(const char *buf, size_t len, struct rd_webhooks *out, char **cause);
void rd_webhooks_free_routes(struct rd_webhooks *w);
/* A JSON number of epoch seconds or an RFC 3339 string; 0 if neither. */
double rd_json_time(const void *cjson_item);

/* ---- files and paths ---------------------------------------------- */
/* <state_dir>/<name>: see the top of this file.  Caller frees; NULL when
 * no home is known. */
char *rd_state_path(const struct config *c, const char *name);
/* Local files: backup state, webhook test state, audit log. */
void rd_files_refresh(const struct config *c, const char *audit_path, struct rd_data *d);

/* ---- sources (src/readiness/sources.c, pg.c, redis.c) --------------- */
/* Create every readiness source the config calls for (none for what is
 * not configured) and add them with app_add_source(). */
int rd_sources_init(struct app *app, struct rd_data *d, char **cause);

/* ---- the feature's state (src/features/readiness.c) and view --------- */
struct loop_timer;
struct readiness {
	struct app		*app;
	struct rd_data		*d;
	struct loop_timer	*files_timer;	/* local files are read on a timer, not a source */
	double			 files_interval;
	struct rd_result	*res;		/* rd_ncheck entries */
	struct rd_score		 score;
	bool			 evaluated;
	unsigned		 gen_data, gen_model;
	double			 evaluated_at;	/* monotonic */
	/* Pane view state. */
	int			 cat;		/* selected category */
	size_t			 sel[RD_NCATEGORIES];
	size_t			 top;
};
/* Re-run the probes when evidence, health rows or the clock moved. */
void readiness_update(struct app *app, struct readiness *r);
/* Index into rd_checks of the n-th check of a category, or -1. */
int readiness_check_at(enum rd_category cat, size_t n);
size_t readiness_count(enum rd_category cat);

#endif
