/* The model: plain data that sources write and panes and renderers read.
 * Health rows live here; each feature (alerts, logs, ...) keeps its own
 * data behind struct app and its feature table entry. */
#ifndef CERES_MODEL_H
#define CERES_MODEL_H

#include <stdbool.h>
#include <stddef.h>

enum svc_state {
	SVC_UNKNOWN = 0,
	SVC_UP,
	SVC_DEGRADED,
	SVC_DOWN,
};
const char *svc_state_name(enum svc_state s);	/* "up", ... (never translated) */
/* Severity order for sorting, worst first: down, degraded, unknown, up. */
int svc_state_rank(enum svc_state s);

#define SPARK_LEN 30

struct service {
	char		*name;		/* "grafana", "prometheus target node 127.0.0.1:9100" */
	char		*kind;		/* "http", "prometheus", "postgres", ... */
	char		*parent;	/* NULL, or the service this row belongs to */
	enum svc_state	 state;
	double		 latency_ms;	/* < 0: none */
	char		*detail;	/* one line */
	char		*info;		/* multi-line details for Enter */
	double		 spark[SPARK_LEN];
	int		 nspark;
	char		*facts;		/* "key=value\n" lines for readiness */
	double		 updated;	/* wall clock */
	bool		 seen;		/* touched in the current round of its source */
};

/* A change of state of a health row the console saw since it started
 * (the first state of a row is not one); the model keeps the newest
 * MODEL_TRANSITIONS, oldest first. */
#define MODEL_TRANSITIONS 256
struct svc_transition {
	double		 time;		/* wall clock */
	char		*name;		/* the row, sanitized */
	enum svc_state	 from, to;
	char		*detail;	/* the row's detail then, sanitized */
};

struct model {
	struct service	**services;
	size_t		  nservices;
	struct svc_transition *trans;	/* MODEL_TRANSITIONS slots, oldest first */
	size_t		  ntrans;
	unsigned	  generation;	/* bumped on every change */
	bool		  dirty;	/* needs a redraw */
};

void model_init(struct model *m);
void model_free(struct model *m);
/* Find or create the row called name.  Strings are copied and sanitized. */
struct service *model_service(struct model *m, const char *name, const char *kind);
struct service *model_service_find(struct model *m, const char *name);
void model_service_update(struct model *m, struct service *sv, enum svc_state st,
    double latency_ms, const char *detail);
void model_service_set_info(struct model *m, struct service *sv, const char *info);
/* The fact keys: written by the sources, read by the readiness probes. */
#define FACT_JOB                   "job"
#define FACT_PG_VERSION            "pg.version"
#define FACT_PG_CONNECTIONS        "pg.connections"
#define FACT_PG_MAX_CONNECTIONS    "pg.max_connections"
#define FACT_PG_ROLE               "pg.role"
#define FACT_PG_REPLICAS           "pg.replicas"
#define FACT_PG_MAX_LAG            "pg.max_lag"
#define FACT_REDIS_ROLE            "redis.role"
#define FACT_REDIS_REPLICAS        "redis.connected_slaves"
#define FACT_LOKI_LABELS           "loki.labels"
#define FACT_PROM_TARGETS          "prometheus.targets"
#define FACT_PROM_TARGETS_UP       "prometheus.targets_up"
#define FACT_GITEA_API_VERSION     "gitea.api_version"
#define FACT_GITEA_ACTIVITY_MODE   "gitea.activity_mode"

/* Structured facts a probe learned ("pg.replicas" = "1"), read by the
 * readiness checks.  Values are sanitized and must not contain newlines. */
void model_service_set_fact(struct model *m, struct service *sv, const char *key, const char *value);
const char *service_fact(const struct service *sv, const char *key, char *buf, size_t n);
/* Remove rows with the given parent not marked seen; clear the marks. */
void model_service_prune(struct model *m, const char *parent);
/* Sorted copy of the services, worst first (caller frees the array). */
struct service **model_services_sorted(const struct model *m, size_t *n);
void model_touch(struct model *m);

#endif
