/* PostgreSQL HA through Patroni's REST API ([postgres] patroni_url): GET
 * /cluster names the members with their role, state and replication lag
 * in bytes, and whether the cluster is paused (maintenance mode, no
 * automatic failover); GET /history lists the timeline switches, the
 * last of which is the last failover or switchover.  Parsers are pure. */
#include "ceres/core/app.h"
#include "ceres/core/config.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"
#include "internal.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATRONI_DEFAULT_LAG	1048576		/* Patroni's own maximum_lag_on_failover */

static bool
is_one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* One more "name state" in out->behind, while it fits. */
static void
behind_add(struct rd_patroni *out, const char *name, const char *what)
{
	size_t used = strlen(out->behind);
	char item[96];

	snprintf(item, sizeof item, "%s%s %s", used > 0 ? ", " : "", name, what);
	if (used + strlen(item) + 1 < sizeof out->behind)
		memcpy(out->behind + used, item, strlen(item) + 1);
}

static void
patroni_member(const cJSON *m, struct rd_patroni *out)
{
	static const char *const leaders[] = { "leader", "standby_leader", "master", "primary", NULL };
	static const char *const replicas[] = { "replica", "sync_standby", "quorum_standby", NULL };
	const char *role = json_get_str(m, "role"), *state = json_get_str(m, "state");
	const cJSON *lag = json_get(m, "lag");
	char name[48], st[48], what[64];
	double tl;

	rds_put(name, sizeof name, json_get_str(m, "name"));
	rds_put(st, sizeof st, state);
	role = role != NULL ? role : "";
	state = state != NULL ? state : "";
	if (is_one_of(role, leaders)) {
		if (strcmp(state, "running") != 0) {
			behind_add(out, name, st);
			return;
		}
		if (out->leaders++ == 0) {
			rds_put(out->leader, sizeof out->leader, json_get_str(m, "name"));
			out->timeline = json_get_num(m, "timeline", &tl) ? (long)tl : -1;
		}
		return;
	}
	if (!is_one_of(role, replicas))
		return;
	out->replicas++;
	/* Patroni before 3.0 says "running" for a replica that streams. */
	if (strcmp(state, "streaming") != 0 && strcmp(state, "running") != 0)
		behind_add(out, name, st);
	else if (!cJSON_IsNumber(lag))
		behind_add(out, name, _("lag unknown"));
	else if (lag->valuedouble > (double)out->lag_limit) {
		snprintf(what, sizeof what, _("lag %.0f B"), lag->valuedouble);
		behind_add(out, name, what);
	} else {
		out->streaming++;
		if ((long long)lag->valuedouble > out->max_lag)
			out->max_lag = (long long)lag->valuedouble;
	}
}

int
rd_parse_patroni_cluster(const char *buf, size_t len, struct rd_patroni *out, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const cJSON *arr = json_get_arr(j, "members"), *m;

	out->scope[0] = out->leader[0] = out->behind[0] = '\0';
	out->paused = false;
	out->members = out->leaders = out->replicas = out->streaming = 0;
	out->max_lag = 0;
	out->timeline = -1;
	if (!cJSON_IsObject(j) || arr == NULL) {
		*cause = xstrdup(j != NULL ? _("cluster answer has no members list") : _("invalid JSON"));
		cJSON_Delete(j);
		return -1;
	}
	if (json_get_str(j, "scope") != NULL)
		rds_put(out->scope, sizeof out->scope, json_get_str(j, "scope"));
	out->paused = json_get_bool(j, "pause", 0) == 1;
	cJSON_ArrayForEach(m, arr) {
		if (!cJSON_IsObject(m))
			continue;
		out->members++;
		patroni_member(m, out);
	}
	cJSON_Delete(j);
	return 0;
}

/* Each entry is [timeline, lsn, reason, timestamp, new leader]; the last
 * two are absent before Patroni 1.6.  The entry's timeline is the one
 * that ended: the switch led to the next. */
int
rd_parse_patroni_history(const char *buf, size_t len, struct rd_patroni *out, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const cJSON *last;
	char when[48], who[48];

	out->switches = 0;
	out->last_switch[0] = '\0';
	if (!cJSON_IsArray(j)) {
		*cause = xstrdup(j != NULL ? _("history answer is not a list") : _("invalid JSON"));
		cJSON_Delete(j);
		return -1;
	}
	out->switches = (size_t)cJSON_GetArraySize(j);
	last = cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
	if (cJSON_IsArray(last) && cJSON_IsNumber(cJSON_GetArrayItem(last, 0))) {
		const cJSON *ts = cJSON_GetArrayItem(last, 3), *nl = cJSON_GetArrayItem(last, 4);
		long tl = (long)cJSON_GetArrayItem(last, 0)->valuedouble + 1;

		rds_put(when, sizeof when, cJSON_IsString(ts) ? ts->valuestring : _("at an unknown time"));
		if (cJSON_IsString(nl)) {
			rds_put(who, sizeof who, nl->valuestring);
			snprintf(out->last_switch, sizeof out->last_switch, _("%s to %s (timeline %ld)"), when, who, tl);
		} else
			snprintf(out->last_switch, sizeof out->last_switch, _("%s (timeline %ld)"), when, tl);
	}
	cJSON_Delete(j);
	return 0;
}

/* ---- the source ------------------------------------------------------- */

static void
cluster_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, &r->d->patroni.cluster, "patroni")) {
		if (rd_parse_patroni_cluster(resp->body, resp->len, &r->d->patroni, &cause) != 0) {
			rd_fetch_err(&r->d->patroni.cluster, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(&r->d->patroni.cluster);
	}
	rds_touch(r);
}

static void
history_done(const struct http_response *resp, void *arg)
{
	struct source *s = arg;
	struct rds *r = s->data;
	char *cause = NULL;

	if (rds_answer(s, resp, &r->d->patroni.history, "patroni history")) {
		if (rd_parse_patroni_history(resp->body, resp->len, &r->d->patroni, &cause) != 0) {
			rd_fetch_err(&r->d->patroni.history, "%s", cause);
			free(cause);
		} else
			rd_fetch_ok(&r->d->patroni.history);
	}
	rds_touch(r);
}

static void
patroni_start(struct source *s)
{
	rds_get(s, "/cluster", cluster_done, s);
	rds_get(s, "/history", history_done, s);
}

static const struct source_ops patroni_ops = { .kind = "readiness", .start = patroni_start, .free = rds_free };

void
rds_patroni_init(struct app *app, struct rd_data *d)
{
	const char *url = config_get(app->config, "postgres", NULL, "patroni_url");
	struct rds *r;

	if (url == NULL || *url == '\0')
		return;
	d->patroni.url = url_without_userinfo(url);
	d->patroni.lag_limit = config_get_int(app->config, "postgres", NULL, "patroni_max_lag", PATRONI_DEFAULT_LAG);
	r = rds_new(app, d, NULL, url);
	r->be.insecure = config_get_bool(app->config, "postgres", NULL, "patroni_insecure", false);
	rd_fetch_wait(&d->patroni.cluster);
	rd_fetch_wait(&d->patroni.history);
	rds_source(app, &patroni_ops, "readiness patroni", r);
}
