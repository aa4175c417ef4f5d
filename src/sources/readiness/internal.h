/* Shared by the readiness source files (sources.c, sources_more.c, pg.c,
 * redis.c): the per-source state and the request helpers. */
#ifndef CERES_READINESS_SOURCES_INTERNAL_H
#define CERES_READINESS_SOURCES_INTERNAL_H

#include "ceres/core/loop.h"
#include "ceres/net/backend.h"
#include "ceres/sources/readiness.h"
#include "ceres/core/source.h"

struct app;
struct rds;

/* One request of a multi-item round (a repository, an URL). */
struct rds_item {
	struct rds	*r;
	size_t		 i;
};

struct rds {
	struct source		*s;
	struct rd_data		*d;
	struct backend		 be;		/* base URL, tenant, credentials, TLS */
	char			*form;		/* POST body with a secret (token grant) */
	char			*realm;
	char			**url;		/* Alertmanager peers */
	size_t			 nurl;
	struct rds_item		*items;
	struct rd_loki		 loki;		/* values of the round in progress */
	bool			 failed;
	size_t			 best;		/* Alertmanager: index that answered */
	size_t			 answered;
	char			*err;		/* first error of the round */
	void			(*free_extra)(struct rds *r);
};

struct rds *rds_new(struct app *app, struct rd_data *d, const char *section, const char *base);
void rds_free(struct source *s);
/* GET base + path (path already escaped) with the source's credentials. */
void rds_get(struct source *s, const char *path, http_cb cb, void *arg);
bool rds_answer(struct source *s, const struct http_response *resp, struct rd_fetch *f, const char *what);
void rds_touch(struct rds *r);
/* dst (size n) = the terminal-safe text of s ("?" for NULL), clipped to
 * whole UTF-8 characters. */
void rds_put(char *dst, size_t n, const char *s);
/* Create the source (readiness interval/timeout) and add it to the app. */
struct source *rds_source(struct app *app, const struct source_ops *ops, const char *name, struct rds *r);

void rds_prometheus_init(struct app *app, struct rd_data *d);
void rds_alertmanager_init(struct app *app, struct rd_data *d);
void rds_keycloak_init(struct app *app, struct rd_data *d);
void rds_tls_init(struct app *app, struct rd_data *d);
void rd_pg_init(struct app *app, struct rd_data *d);
void rds_grafana_init(struct app *app, struct rd_data *d);
void rd_redis_init(struct app *app, struct rd_data *d);
void rds_patroni_init(struct app *app, struct rd_data *d);
void rds_wiki_init(struct app *app, struct rd_data *d);
void rd_sentinel_init(struct app *app, struct rd_data *d);

#endif
