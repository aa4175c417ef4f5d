/* Pure parsers of health answers: (status, bytes, length) in, a verdict
 * out.  They never trust the body: any JSON may be malformed, truncated,
 * of the wrong type, or huge. */
#include "ceres/sources/health.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SET(out, st, ...) do { (out)->state = (st); \
	snprintf((out)->detail, sizeof (out)->detail, __VA_ARGS__); } while (0)

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

void
health_judge_status200(long status, const char *body, size_t len, struct health_result *out)
{
	(void)body;
	(void)len;
	if (status >= 200 && status < 300)
		SET(out, SVC_UP, "HTTP %ld", status);
	else
		SET(out, SVC_DOWN, "HTTP %ld", status);
}

/* Loki, Tempo, Prometheus, Alertmanager /ready: 503 while starting. */
void
health_judge_ready(long status, const char *body, size_t len, struct health_result *out)
{
	if (status == 200)
		SET(out, SVC_UP, "ready");
	else if (status == 503) {
		size_t n = strcspn(body, "\n");

		SET(out, SVC_DEGRADED, "not ready: %.*s", (int)(n < len ? n : len), body);
	} else
		SET(out, SVC_DOWN, "HTTP %ld", status);
}

static cJSON *
parse_object(const char *body, size_t len)
{
	cJSON *j = json_parse_bounded(body, len, NULL);

	if (j != NULL && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

void
health_judge_grafana(long status, const char *body, size_t len, struct health_result *out)
{
	cJSON *j = parse_object(body, len);
	const char *db = j != NULL ? jstr(j, "database") : NULL;
	const char *ver = j != NULL ? jstr(j, "version") : NULL;

	if (db != NULL && strcmp(db, "ok") == 0 && status == 200)
		SET(out, SVC_UP, "database ok%s%s", ver ? ", v" : "", ver ? ver : "");
	else if (db != NULL)
		SET(out, SVC_DEGRADED, "database %s (HTTP %ld)", db, status);
	else if (status >= 500 || status == 0)
		SET(out, SVC_DOWN, "HTTP %ld", status);
	else
		SET(out, SVC_DEGRADED, "HTTP %ld, no health JSON", status);
	cJSON_Delete(j);
}

void
health_judge_gitea(long status, const char *body, size_t len, struct health_result *out)
{
	cJSON *j = parse_object(body, len);
	const char *st = j != NULL ? jstr(j, "status") : NULL;

	if (st != NULL && strcmp(st, "pass") == 0 && status >= 200 && status < 300)
		SET(out, SVC_UP, "healthz pass");
	else if (st != NULL && strcmp(st, "pass") == 0)
		SET(out, SVC_DEGRADED, "healthz pass, but HTTP %ld", status);
	else if (st != NULL && strcmp(st, "warn") == 0)
		SET(out, SVC_DEGRADED, "healthz warn");
	else if (st != NULL && strcmp(st, "fail") == 0)
		SET(out, SVC_DOWN, "healthz fail (HTTP %ld)", status);
	else if (status == 424)
		SET(out, SVC_DOWN, "healthz fail (HTTP 424)");
	else
		SET(out, status == 200 ? SVC_DEGRADED : SVC_DOWN, "HTTP %ld, no healthz JSON", status);
	cJSON_Delete(j);
}

void
health_judge_redmine(long status, const char *body, size_t len, struct health_result *out)
{
	cJSON *j;

	if (status == 401 || status == 403) {
		SET(out, SVC_DEGRADED, "auth error (HTTP %ld): check the API key", status);
		return;
	}
	if (status != 200) {
		SET(out, SVC_DOWN, "HTTP %ld", status);
		return;
	}
	j = parse_object(body, len);
	if (j == NULL || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "projects")))
		SET(out, SVC_DEGRADED, "HTTP 200, not a project list");
	else {
		const cJSON *tc = cJSON_GetObjectItemCaseSensitive(j, "total_count");

		if (cJSON_IsNumber(tc))
			SET(out, SVC_UP, "API ok, %d projects", tc->valueint);
		else
			SET(out, SVC_UP, "API ok");
	}
	cJSON_Delete(j);
}

void
health_judge_nextcloud(long status, const char *body, size_t len, struct health_result *out)
{
	cJSON *j = status == 200 ? parse_object(body, len) : NULL;
	const char *ver;

	if (j == NULL) {
		SET(out, status == 200 ? SVC_DEGRADED : SVC_DOWN, "HTTP %ld%s", status,
		    status == 200 ? ", no status JSON" : "");
		return;
	}
	ver = jstr(j, "versionstring");
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "installed")))
		SET(out, SVC_DEGRADED, "not installed");
	else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "maintenance")))
		SET(out, SVC_DEGRADED, "maintenance mode");
	else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "needsDbUpgrade")))
		SET(out, SVC_DEGRADED, "needs DB upgrade");
	else
		SET(out, SVC_UP, "installed%s%s", ver ? ", " : "", ver ? ver : "");
	cJSON_Delete(j);
}

void
health_judge_keycloak(long status, const char *body, size_t len, struct health_result *out)
{
	cJSON *j = parse_object(body, len);
	const char *st = j != NULL ? jstr(j, "status") : NULL;

	if (st != NULL && strcmp(st, "UP") == 0 && status == 200)
		SET(out, SVC_UP, "health UP");
	else if (st != NULL)
		SET(out, SVC_DOWN, "health %s (HTTP %ld)", st, status);
	else
		SET(out, SVC_DOWN, "HTTP %ld, no health JSON", status);
	cJSON_Delete(j);
}

void
health_judge_mattermost(long status, const char *body, size_t len, struct health_result *out)
{
	cJSON *j = parse_object(body, len);
	const char *st = j != NULL ? jstr(j, "status") : NULL;

	if (st != NULL && strcmp(st, "OK") == 0 && status >= 200 && status < 300)
		SET(out, SVC_UP, "ping OK");
	else if (st != NULL)
		SET(out, SVC_DEGRADED, "ping %s (HTTP %ld)", st, status);
	else
		SET(out, status >= 500 || status == 0 ? SVC_DOWN : SVC_DEGRADED, "HTTP %ld", status);
	cJSON_Delete(j);
}

const struct health_kind health_kinds[] = {
	{ "prometheus",   "http://127.0.0.1:9090", "/-/ready", NULL },
	{ "alertmanager", "http://127.0.0.1:9093", "/-/ready", NULL },
	{ "loki",         "http://127.0.0.1:3100", "/ready", health_judge_ready },
	{ "tempo",        "http://127.0.0.1:3200", "/ready", health_judge_ready },
	{ "grafana",      "http://127.0.0.1:3000", "/api/health", health_judge_grafana },
	{ "gitea",        "http://127.0.0.1:3001", "/api/healthz", health_judge_gitea },
	{ "redmine",      "http://127.0.0.1:3002", "/projects.json?limit=1", health_judge_redmine },
	{ "wikijs",       "http://127.0.0.1:3003", "/", health_judge_status200 },
	{ "uptime_kuma",  "http://127.0.0.1:3004", NULL, NULL },
	{ "nextcloud",    "http://127.0.0.1:8080", "/status.php", health_judge_nextcloud },
	{ "keycloak",     "http://127.0.0.1:8081", NULL, NULL },
	{ "mattermost",   "http://127.0.0.1:8065", "/api/v4/system/ping", health_judge_mattermost },
	{ "caddy",        "http://127.0.0.1:2019", "/config/", health_judge_status200 },
	{ "postgres",     "host=127.0.0.1 port=5432 dbname=postgres user=ceres_monitor", NULL, NULL },
	{ "redis",        "127.0.0.1:6379", NULL, NULL },
	{ "node",         "http://127.0.0.1:9100", "/metrics", health_judge_status200 },
	{ "http",         NULL, "", NULL },
	{ NULL, NULL, NULL, NULL },
};

const struct health_kind *
health_kind_find(const char *kind)
{
	for (const struct health_kind *k = health_kinds; k->kind != NULL; k++)
		if (strcasecmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

static char *
jdup(const cJSON *o, const char *key)
{
	const char *s = jstr(o, key);

	return s != NULL ? xstrdup(s) : NULL;
}

/* The envelope of a Prometheus API answer, {"status": "success", "data":
 * ...}: its data (the tree to free in *root), or NULL with *cause
 * ("what: ..."). */
static const cJSON *
prom_data(const char *what, const char *buf, size_t len, cJSON **root, char **cause)
{
	enum json_error je;
	const char *st;
	cJSON *j = json_parse_bounded(buf, len, &je);

	*root = NULL;
	if (je == JSON_TOO_COMPLEX) {
		*cause = xasprintf("%s: answer too complex (over %d JSON values)", what, JSON_MAX_VALUES);
		return NULL;
	}
	if (j == NULL) {
		*cause = xasprintf("%s: malformed JSON", what);
		return NULL;
	}
	st = jstr(j, "status");
	if (st == NULL || strcmp(st, "success") != 0) {
		const char *e = jstr(j, "error");

		*cause = xasprintf("%s: %s", what, e != NULL ? e : "status is not success");
		cJSON_Delete(j);
		return NULL;
	}
	*root = j;
	return cJSON_GetObjectItemCaseSensitive(j, "data");
}

int
prom_targets_parse(const char *buf, size_t len, struct prom_target **out, size_t *n, char **cause)
{
	cJSON *j, *active, *t;
	const cJSON *data;
	size_t cnt = 0, i = 0;

	*out = NULL;
	*n = 0;
	if ((data = prom_data("targets", buf, len, &j, cause)) == NULL && j == NULL)
		return -1;
	active = cJSON_GetObjectItemCaseSensitive(data, "activeTargets");
	if (active != NULL && !cJSON_IsNull(active) && !cJSON_IsArray(active)) {
		*cause = xstrdup("targets: activeTargets is not a list");
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(t, active)
		cnt++;
	*out = xcalloc(cnt + 1, sizeof **out);
	cJSON_ArrayForEach(t, active) {
		struct prom_target *p = &(*out)[i];
		const cJSON *labels = cJSON_GetObjectItemCaseSensitive(t, "labels");
		const cJSON *dur = cJSON_GetObjectItemCaseSensitive(t, "lastScrapeDuration");

		if (!cJSON_IsObject(t))
			continue;
		p->job = jdup(labels, "job");
		if (p->job == NULL)
			p->job = jdup(t, "scrapePool");
		p->instance = jdup(labels, "instance");
		p->scrape_url = jdup(t, "scrapeUrl");
		p->health = jdup(t, "health");
		p->last_error = jdup(t, "lastError");
		p->last_scrape_duration = cJSON_IsNumber(dur) ? dur->valuedouble : -1;
		if (p->job == NULL) p->job = xstrdup("?");
		if (p->instance == NULL) p->instance = xstrdup(p->scrape_url ? p->scrape_url : "?");
		if (p->health == NULL) p->health = xstrdup("unknown");
		if (p->last_error == NULL) p->last_error = xstrdup("");
		i++;
	}
	*n = i;
	cJSON_Delete(j);
	return 0;
}

int
prom_up_parse(const char *buf, size_t len, struct prom_target **out, size_t *n, char **cause)
{
	cJSON *j, *result, *e;
	const cJSON *data;
	const char *rt;
	size_t cnt = 0, i = 0;

	*out = NULL;
	*n = 0;
	if ((data = prom_data("up", buf, len, &j, cause)) == NULL && j == NULL)
		return -1;
	rt = jstr(data, "resultType");
	result = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (rt == NULL || strcmp(rt, "vector") != 0 || !cJSON_IsArray(result)) {
		*cause = xstrdup("up: the answer is not a vector");
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(e, result)
		cnt++;
	*out = xcalloc(cnt + 1, sizeof **out);
	cJSON_ArrayForEach(e, result) {
		struct prom_target *p = &(*out)[i];
		const cJSON *metric = cJSON_GetObjectItemCaseSensitive(e, "metric");
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(e, "value");
		const cJSON *v = cJSON_GetArrayItem(value, 1);
		const char *vs = cJSON_IsString(v) ? v->valuestring : NULL;

		if (!cJSON_IsObject(e))
			continue;
		p->job = jdup(metric, "job");
		p->instance = jdup(metric, "instance");
		p->scrape_url = NULL;
		/* A sample's value is a string: "1", "0", or what else a
		 * recording rule named up may hold. */
		p->health = xstrdup(vs == NULL ? "unknown" : strcmp(vs, "1") == 0 ? "up" :
		    strcmp(vs, "0") == 0 ? "down" : "unknown");
		p->last_error = xstrdup("");
		p->last_scrape_duration = -1;
		if (p->job == NULL) p->job = xstrdup("?");
		if (p->instance == NULL) p->instance = xstrdup("?");
		i++;
	}
	*n = i;
	cJSON_Delete(j);
	return 0;
}

void
prom_targets_free(struct prom_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].job);
		free(t[i].instance);
		free(t[i].scrape_url);
		free(t[i].health);
		free(t[i].last_error);
	}
	free(t);
}

/* INFO is "key:value\r\n" lines with "# Section" headers. */
int
redis_info_parse(const char *buf, size_t len, struct redis_info *out, char **cause)
{
	size_t i = 0;
	bool any = false;

	memset(out, 0, sizeof *out);
	out->master_link_up = -1;
	out->master_last_io_seconds = -1;
	while (i < len) {
		size_t e = i, colon;
		const char *line = buf + i;
		size_t ll;
		char val[64];

		while (e < len && buf[e] != '\n')
			e++;
		ll = e - i;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		i = e + 1;
		if (ll == 0 || line[0] == '#')
			continue;
		for (colon = 0; colon < ll && line[colon] != ':'; colon++)
			;
		if (colon == ll)
			continue;
		snprintf(val, sizeof val, "%.*s", (int)(ll - colon - 1 < 63 ? ll - colon - 1 : 63),
		    line + colon + 1);
#define KEY(k) (colon == strlen(k) && memcmp(line, k, colon) == 0)
		if (KEY("role")) {
			snprintf(out->role, sizeof out->role, "%.15s", val);
			any = true;
		} else if (KEY("redis_version"))
			snprintf(out->version, sizeof out->version, "%.31s", val);
		else if (KEY("connected_slaves")) {
			if (parse_long(val, 0, 1000000, &out->connected_slaves) != 0)
				out->connected_slaves = 0;
		} else if (KEY("connected_clients")) {
			if (parse_long(val, 0, 100000000, &out->connected_clients) != 0)
				out->connected_clients = 0;
		} else if (KEY("master_link_status"))
			out->master_link_up = strcmp(val, "up") == 0;
		else if (KEY("master_last_io_seconds_ago")) {
			if (parse_long(val, -1, 100000000, &out->master_last_io_seconds) != 0)
				out->master_last_io_seconds = -1;
		}
#undef KEY
	}
	if (!any) {
		*cause = xstrdup("INFO: no role field");
		return -1;
	}
	return 0;
}

static const cJSON *
obj_get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

int
kuma_parse(const char *page, size_t page_len, const char *beats, size_t beats_len,
    struct kuma_monitor **out, size_t *n, char **cause)
{
	cJSON *pj, *bj;
	enum json_error pe = JSON_OK, be;
	const cJSON *list, *groups, *g, *m;
	size_t cap = 0, cnt = 0;

	*out = NULL;
	*n = 0;
	pj = page != NULL ? json_parse_bounded(page, page_len, &pe) : NULL;
	bj = json_parse_bounded(beats, beats_len, &be);
	if (pe == JSON_TOO_COMPLEX || be == JSON_TOO_COMPLEX) {
		*cause = xasprintf("status page: answer too complex (over %d JSON values)", JSON_MAX_VALUES);
		cJSON_Delete(pj);
		cJSON_Delete(bj);
		return -1;
	}
	if (bj == NULL || !cJSON_IsObject(bj)) {
		*cause = xstrdup("heartbeat: malformed JSON");
		cJSON_Delete(pj);
		cJSON_Delete(bj);
		return -1;
	}
	list = obj_get(bj, "heartbeatList");
	if (!cJSON_IsObject(list)) {
		*cause = xstrdup("heartbeat: no heartbeatList object");
		cJSON_Delete(pj);
		cJSON_Delete(bj);
		return -1;
	}
	/* Monitors come from the page's groups (names); beats are keyed by id
	 * as a string.  Without the page, the ids stand in for names. */
	groups = pj != NULL ? obj_get(pj, "publicGroupList") : NULL;
	cJSON_ArrayForEach(g, groups) {
		cJSON_ArrayForEach(m, obj_get(g, "monitorList")) {
			const cJSON *id = obj_get(m, "id");
			const char *name = jstr(m, "name");
			char idbuf[32];

			if (!cJSON_IsNumber(id))
				continue;
			snprintf(idbuf, sizeof idbuf, "%d", id->valueint);
			if (cnt == cap) {
				cap = cap ? cap * 2 : 8;
				*out = xreallocarray(*out, cap, sizeof **out);
			}
			memset(&(*out)[cnt], 0, sizeof **out);
			(*out)[cnt].id = xstrdup(idbuf);
			(*out)[cnt].name = xstrdup(name != NULL ? name : idbuf);
			cnt++;
		}
	}
	if (groups == NULL) {
		const cJSON *b;

		cJSON_ArrayForEach(b, list) {
			if (b->string == NULL)
				continue;
			if (cnt == cap) {
				cap = cap ? cap * 2 : 8;
				*out = xreallocarray(*out, cap, sizeof **out);
			}
			memset(&(*out)[cnt], 0, sizeof **out);
			(*out)[cnt].id = xstrdup(b->string);
			(*out)[cnt].name = xasprintf("monitor %s", b->string);
			cnt++;
		}
	}
	for (size_t i = 0; i < cnt; i++) {
		const cJSON *arr = obj_get(list, (*out)[i].id), *last, *st, *ping;
		const char *msg;
		int sz = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;

		(*out)[i].status = -1;
		(*out)[i].ping = -1;
		if (sz == 0) {
			(*out)[i].msg = xstrdup("");
			continue;
		}
		last = cJSON_GetArrayItem(arr, sz - 1);	/* oldest first */
		st = obj_get(last, "status");
		ping = obj_get(last, "ping");
		msg = jstr(last, "msg");
		if (cJSON_IsNumber(st))
			(*out)[i].status = st->valueint;
		if (cJSON_IsNumber(ping))
			(*out)[i].ping = ping->valuedouble;
		(*out)[i].msg = xstrdup(msg != NULL ? msg : "");
	}
	*n = cnt;
	cJSON_Delete(pj);
	cJSON_Delete(bj);
	return 0;
}

void
kuma_monitors_free(struct kuma_monitor *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].id);
		free(m[i].name);
		free(m[i].msg);
	}
	free(m);
}
