/* Pure parsers for the Prometheus answers readiness asks for:
 * /api/v1/alertmanagers, /api/v1/rules (classified by what each alerting
 * rule watches), /api/v1/status/runtimeinfo and a count of exporter
 * series.  Every string kept is sanitized here. */
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The "data" member of a {"status":"success","data":...} envelope. */
static const cJSON *
envelope(cJSON *root, char **cause)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");

	if (!cJSON_IsObject(root)) {
		*cause = xstrdup(_("not a JSON object"));
		return NULL;
	}
	if (!cJSON_IsString(st) || strcmp(st->valuestring, "success") != 0) {
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");

		*cause = cJSON_IsString(err) ? sanitize_str(err->valuestring) :
		    xstrdup(_("status is not success"));
		return NULL;
	}
	if (!cJSON_IsObject(data) && !cJSON_IsArray(data)) {
		*cause = xstrdup(_("no data"));
		return NULL;
	}
	return data;
}

static cJSON *
parse_json(const char *buf, size_t len, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);

	if (j == NULL)
		*cause = xstrdup(_("invalid JSON"));
	return j;
}

int
rd_parse_alertmanagers(const char *buf, size_t len, struct rd_prom *out, char **cause)
{
	cJSON *root = parse_json(buf, len, cause);
	const cJSON *data, *act, *drop;

	if (root == NULL)
		return -1;
	if ((data = envelope(root, cause)) == NULL) {
		cJSON_Delete(root);
		return -1;
	}
	act = cJSON_GetObjectItemCaseSensitive(data, "activeAlertmanagers");
	drop = cJSON_GetObjectItemCaseSensitive(data, "droppedAlertmanagers");
	out->am_active = cJSON_IsArray(act) ? (size_t)cJSON_GetArraySize(act) : 0;
	out->am_dropped = cJSON_IsArray(drop) ? (size_t)cJSON_GetArraySize(drop) : 0;
	cJSON_Delete(root);
	return 0;
}

static bool
has_word(const char *hay, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(hay, *words) != NULL)
			return true;
	return false;
}

static bool
ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == ':';
}

/* "up == 0", "up{job="x"} < 1", "up != 1": the classic target-down rule. */
static bool
up_compare(const char *expr)
{
	for (const char *p = expr; (p = strstr(p, "up")) != NULL; p += 2) {
		const char *q = p + 2;

		if ((p > expr && ident_char(p[-1])) || ident_char(*q))
			continue;
		if (*q == '{') {
			q = strchr(q, '}');
			if (q == NULL)
				return false;
			q++;
		}
		while (*q == ' ' || *q == '\t' || *q == '\n')
			q++;
		if (strncmp(q, "==", 2) == 0 || strncmp(q, "!=", 2) == 0 || *q == '<')
			return true;
	}
	return false;
}

unsigned
rd_rule_classify(const char *name, const char *expr)
{
	static const char *const cpu[] = { "cpu", "load1", "load5", "load15", "loadavg", NULL };
	static const char *const mem[] = { "memory", "memavailable", "memfree", "memtotal", "mem_",
		"oomkill", "oom_kill", "swap", NULL };
	static const char *const disk[] = { "disk", "filesystem", "inode", "volume", "storage", NULL };
	static const char *const down_name[] = { "down", "unreachable", "unavailable", NULL };
	static const char *const down_expr[] = { "absent(", "probe_success", "monitor_status", NULL };
	static const char *const lat[] = { "latency", "duration", "response_time", "responsetime",
		"histogram_quantile", "slow", "_seconds_bucket", NULL };
	static const char *const conn[] = { "connection", "pg_stat_activity", "numbackends", "pool", NULL };
	char *n = xstrdup(name != NULL ? name : ""), *e = xstrdup(expr != NULL ? expr : "");
	char *both;
	unsigned c = 0;

	for (char *p = n; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	both = xasprintf("%s %s", n, e);
	for (char *p = both; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (has_word(both, cpu))
		c |= RD_RULE_CPU;
	if (has_word(both, mem))
		c |= RD_RULE_MEMORY;
	if (has_word(both, disk))
		c |= RD_RULE_DISK;
	if (has_word(n, down_name) || has_word(both, down_expr) || up_compare(e))
		c |= RD_RULE_DOWN;
	if (has_word(both, lat))
		c |= RD_RULE_LATENCY;
	if (has_word(both, conn))
		c |= RD_RULE_CONNECTIONS;
	free(both);
	free(n);
	free(e);
	return c;
}

const char *
rd_rule_class_name(unsigned bit)
{
	switch (bit) {
	case RD_RULE_CPU: return _("cpu");
	case RD_RULE_MEMORY: return _("memory");
	case RD_RULE_DISK: return _("disk");
	case RD_RULE_DOWN: return _("service down");
	case RD_RULE_LATENCY: return _("latency");
	case RD_RULE_CONNECTIONS: return _("db connections");
	default: return "?";
	}
}


static const char *
str_item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
rd_parse_rules(const char *buf, size_t len, struct rd_prom *out, char **cause)
{
	cJSON *root = parse_json(buf, len, cause);
	const cJSON *data, *groups, *g;

	if (root == NULL)
		return -1;
	if ((data = envelope(root, cause)) == NULL) {
		cJSON_Delete(root);
		return -1;
	}
	groups = cJSON_GetObjectItemCaseSensitive(data, "groups");
	if (!cJSON_IsArray(groups)) {
		*cause = xstrdup(_("no rule groups in the answer"));
		cJSON_Delete(root);
		return -1;
	}
	rd_prom_rules_free(out);
	cJSON_ArrayForEach(g, groups) {
		const cJSON *rules = cJSON_GetObjectItemCaseSensitive(g, "rules"), *r;

		if (!cJSON_IsArray(rules))
			continue;
		cJSON_ArrayForEach(r, rules) {
			const char *name = str_item(r, "name"), *type = str_item(r, "type");
			const char *expr = str_item(r, "query"), *health = str_item(r, "health");
			const cJSON *ann = cJSON_GetObjectItemCaseSensitive(r, "annotations");
			const char *rb = str_item(ann, "runbook_url");
			struct rd_rule *x;

			if (name == NULL || !cJSON_IsObject(r))
				continue;
			out->rule = xreallocarray(out->rule, out->nrule + 1, sizeof *out->rule);
			x = &out->rule[out->nrule++];
			x->name = sanitize_str(name);
			x->alerting = type != NULL && strcmp(type, "alerting") == 0;
			x->runbook = rb != NULL && strspn(rb, " \t") < strlen(rb);
			x->healthy = health == NULL || strcmp(health, "ok") == 0 ||
			    strcmp(health, "unknown") == 0;
			x->classes = x->alerting ? rd_rule_classify(name, expr) : 0;
			x->kuma = x->alerting && expr != NULL && strstr(expr, "monitor_status") != NULL;
		}
	}
	cJSON_Delete(root);
	return 0;
}

int
rd_parse_runtimeinfo(const char *buf, size_t len, struct rd_prom *out, char **cause)
{
	cJSON *root = parse_json(buf, len, cause);
	const cJSON *data, *ok;
	const char *t;

	if (root == NULL)
		return -1;
	if ((data = envelope(root, cause)) == NULL) {
		cJSON_Delete(root);
		return -1;
	}
	ok = cJSON_GetObjectItemCaseSensitive(data, "reloadConfigSuccess");
	out->reload_ok = cJSON_IsBool(ok) ? cJSON_IsTrue(ok) : -1;
	t = str_item(data, "lastConfigTime");
	free(out->last_config);
	out->last_config = t != NULL ? sanitize_str(t) : NULL;
	cJSON_Delete(root);
	return 0;
}

int
rd_parse_series_counts(const char *buf, size_t len, struct rd_prom *out, char **cause)
{
	cJSON *root = parse_json(buf, len, cause);
	const cJSON *data, *res, *s;

	if (root == NULL)
		return -1;
	if ((data = envelope(root, cause)) == NULL) {
		cJSON_Delete(root);
		return -1;
	}
	res = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsArray(res)) {
		*cause = xstrdup(_("no result in the answer"));
		cJSON_Delete(root);
		return -1;
	}
	/* The query succeeded: what it does not list has no series. */
	out->node_series = out->am_series = out->self_series = out->kuma_series = 0;
	cJSON_ArrayForEach(s, res) {
		const char *name = str_item(cJSON_GetObjectItemCaseSensitive(s, "metric"), "__name__");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(s, "value");
		const cJSON *v = cJSON_IsArray(val) ? cJSON_GetArrayItem(val, 1) : NULL;
		double d = 0;
		long n;

		if (name == NULL || !cJSON_IsString(v) || parse_double(v->valuestring, &d) != 0 ||
		    !isfinite(d) || d < 0 || d > 1e9)
			continue;
		n = (long)d;
		if (strcmp(name, "node_exporter_build_info") == 0)
			out->node_series = n;
		else if (strcmp(name, "alertmanager_build_info") == 0)
			out->am_series = n;
		else if (strcmp(name, "prometheus_build_info") == 0)
			out->self_series = n;
		else if (strcmp(name, "monitor_status") == 0)
			out->kuma_series = n;
	}
	cJSON_Delete(root);
	return 0;
}

/* Epoch seconds (number) or an RFC 3339 string. */
double
rd_json_time(const void *item)
{
	const cJSON *v = item;
	double t = 0;

	if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0 &&
	    v->valuedouble < 1e11)
		return v->valuedouble;
	if (cJSON_IsString(v)) {
		if (parse_rfc3339(v->valuestring, &t) == 0 && t > 0)
			return t;
		if (parse_double(v->valuestring, &t) == 0 && isfinite(t) && t > 0 && t < 1e11)
			return t;
	}
	return 0;
}
