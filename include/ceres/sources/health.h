/* Health probes: the built-in kinds (each Ceres service's own meaning of
 * "up"), their pure parsers, and the sources of the special kinds; the
 * health feature turns the config into one source per service. */
#ifndef CERES_SOURCES_HEALTH_H
#define CERES_SOURCES_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include "ceres/model/services.h"

struct app;
struct backend;
struct source;

/* The verdict of one probe answer. */
struct health_result {
	enum svc_state	state;
	char		detail[256];
};

/* Judge an HTTP answer of a built-in kind (status, body).  Pure: used by
 * the sources and by the unit tests and fuzzers. */
typedef void (*health_judge_fn)(long status, const char *body, size_t len, struct health_result *out);

struct health_kind {
	const char	*kind;		/* config "kind =" value */
	const char	*default_url;	/* the Ceres local layout */
	const char	*path;		/* probe path appended to the URL */
	health_judge_fn	 judge;		/* NULL: a special source (see http.c) */
};
extern const struct health_kind health_kinds[];
const struct health_kind *health_kind_find(const char *kind);

void health_judge_ready(long status, const char *body, size_t len, struct health_result *out);
void health_judge_status200(long status, const char *body, size_t len, struct health_result *out);
void health_judge_grafana(long status, const char *body, size_t len, struct health_result *out);
void health_judge_gitea(long status, const char *body, size_t len, struct health_result *out);
void health_judge_redmine(long status, const char *body, size_t len, struct health_result *out);
void health_judge_nextcloud(long status, const char *body, size_t len, struct health_result *out);
void health_judge_keycloak(long status, const char *body, size_t len, struct health_result *out);
void health_judge_mattermost(long status, const char *body, size_t len, struct health_result *out);

/* Prometheus /api/v1/targets. */
struct prom_target {
	char	*job;
	char	*instance;
	char	*scrape_url;
	char	*health;	/* "up", "down", "unknown" */
	char	*last_error;
	double	 last_scrape_duration;	/* seconds */
};
int prom_targets_parse(const char *buf, size_t len, struct prom_target **out, size_t *n, char **cause);
/* The same rows from the answer to the instant query `up` (engines that
 * serve the Prometheus query API but neither /-/ready nor the targets
 * list: Grafana Mimir, Cortex): one per series, job and instance from
 * its labels, "up" for 1, "down" for 0, "unknown" otherwise; no error
 * text or scrape duration (-1). */
int prom_up_parse(const char *buf, size_t len, struct prom_target **out, size_t *n, char **cause);
void prom_targets_free(struct prom_target *t, size_t n);

/* Redis INFO (the replication section, and the server version). */
struct redis_info {
	char	role[16];		/* "master", "slave" */
	char	version[32];
	long	connected_slaves;
	int	master_link_up;		/* replica: 1 up, 0 down, -1 n/a */
	long	master_last_io_seconds;
	long	connected_clients;
};
int redis_info_parse(const char *buf, size_t len, struct redis_info *out, char **cause);

/* Uptime Kuma status page: monitor names and last heartbeats. */
struct kuma_monitor {
	char	*id;
	char	*name;
	int	 status;	/* 0 down, 1 up, 2 pending, 3 maintenance, -1 none */
	double	 ping;		/* ms, -1 null */
	char	*msg;
};
int kuma_parse(const char *page, size_t page_len, const char *beats, size_t beats_len,
    struct kuma_monitor **out, size_t *n, char **cause);
void kuma_monitors_free(struct kuma_monitor *m, size_t n);

/* Sources of the special kinds (sources/<kind>.c). */
/* be (may be NULL): the tenant, TLS and credentials of its section; url
 * is the base, a path prefix (https://mimir.example/prometheus) kept. */
struct source *prometheus_source_new(struct app *app, const char *name, const char *url,
    const struct backend *be);
struct source *postgres_source_new(struct app *app, const char *name, const char *conninfo);
struct source *redis_source_new(struct app *app, const char *name, const char *address, const char *password);
/* A service of an HTTP kind: url, and for [service] entries expect/match. */
struct http_check_opts {
	const char	*kind;
	const char	*url;
	long		 expect;	/* 0: 200 */
	const char	*match;		/* PCRE2 or NULL */
	const char	*auth_header;	/* "Name: value" with a secret, or NULL */
	bool		 insecure;
	const struct backend *be;	/* tenant, TLS, basic auth of its section, or NULL */
	const char	*realm;		/* keycloak */
	const char	*health_url;	/* keycloak management port */
	const char	*slug;		/* uptime kuma status page */
};
struct source *http_check_source_new(struct app *app, const char *name, const struct http_check_opts *o, char **cause);

#endif
