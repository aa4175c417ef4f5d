/* Smaller pure parsers for readiness: Loki label values, Gitea repository
 * hooks, Redis INFO fields, and the backup and webhook-test state files
 * other areas write (formats in include/ceres/readiness.h). */
#include "ceres/sources/activity.h"
#include "ceres/util/i18n.h"
#include "ceres/model/state.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOKI_MAX_VALUES		20000
#define WEBHOOK_MAX_ROUTES	1000

/* ---- Loki ------------------------------------------------------------ */


int
rd_parse_loki_values(const char *buf, size_t len, struct rd_loki *out, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const cJSON *st, *data, *v;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		*cause = xstrdup(_("invalid JSON"));
		return -1;
	}
	st = cJSON_GetObjectItemCaseSensitive(j, "status");
	if (!cJSON_IsString(st) || strcmp(st->valuestring, "success") != 0) {
		cJSON_Delete(j);
		*cause = xstrdup(_("status is not success"));
		return -1;
	}
	/* No values: Loki leaves "data" out (omitempty). */
	data = cJSON_GetObjectItemCaseSensitive(j, "data");
	cJSON_ArrayForEach(v, data) {
		char *clean;
		bool dup = false;

		if (!cJSON_IsString(v) || out->nvalue >= LOKI_MAX_VALUES)
			continue;
		clean = sanitize_str(v->valuestring);
		for (size_t i = 0; i < out->nvalue && !dup; i++)
			dup = strcmp(out->value[i], clean) == 0;
		if (dup) {
			free(clean);
			continue;
		}
		out->value = xreallocarray(out->value, out->nvalue + 1, sizeof *out->value);
		out->value[out->nvalue++] = clean;
	}
	cJSON_Delete(j);
	return 0;
}

/* ---- Gitea hooks ----------------------------------------------------- */

static bool
chat_url(const char *u)
{
	return strstr(u, "/hooks/") != NULL ||		/* Mattermost incoming webhook */
	    strstr(u, "/api/v1/external/") != NULL ||	/* Zulip integrations */
	    strstr(u, "hooks.slack.com") != NULL ||
	    strstr(u, "/api/webhooks/") != NULL;	/* Discord */
}

/* Loki's ruler answers its rules in the Prometheus shape:
 * {"status": "success", "data": {"groups": [{"name", "file", "rules":
 * [{"type": "alerting"|"recording", "name", "health", ...}]}]}}.
 * Counts only; names are not kept but the first alerting one. */
int
rd_parse_loki_rules(const char *buf, size_t len, struct rd_loki_rules *out, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const cJSON *st, *groups, *g;

	out->groups = out->alerting = out->recording = out->broken = 0;
	out->example[0] = '\0';
	out->ruler_off = false;
	st = cJSON_GetObjectItemCaseSensitive(j, "status");
	if (!cJSON_IsObject(j) || !cJSON_IsString(st) || strcmp(st->valuestring, "success") != 0) {
		cJSON_Delete(j);
		*cause = xstrdup(cJSON_IsObject(j) ? _("status is not success") : _("invalid JSON"));
		return -1;
	}
	groups = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "data"), "groups");
	if (groups != NULL && !cJSON_IsNull(groups) && !cJSON_IsArray(groups)) {
		cJSON_Delete(j);
		*cause = xstrdup(_("data.groups is not a list"));
		return -1;
	}
	cJSON_ArrayForEach(g, groups) {
		const cJSON *rules = json_get_arr(g, "rules"), *ru;

		if (!cJSON_IsObject(g))
			continue;
		out->groups++;
		cJSON_ArrayForEach(ru, rules) {
			const char *type = json_get_str(ru, "type"), *name = json_get_str(ru, "name");
			const char *health = json_get_str(ru, "health");

			if (type != NULL && strcmp(type, "recording") == 0) {
				out->recording++;
				continue;
			}
			if (type == NULL || strcmp(type, "alerting") != 0)
				continue;
			out->alerting++;
			if (health != NULL && health[0] != '\0' && strcmp(health, "ok") != 0 &&
			    strcmp(health, "unknown") != 0)
				out->broken++;
			if (out->example[0] == '\0' && name != NULL) {
				char *clean = sanitize_str(name);

				snprintf(out->example, sizeof out->example, "%s",
				    utf8_clip(clean, sizeof out->example - 1));
				free(clean);
			}
		}
	}
	cJSON_Delete(j);
	return 0;
}

int
rd_parse_gitea_hooks(const char *buf, size_t len, struct rd_gitea_repo *out, char **cause)
{
	static const char *const chat_types[] = { "slack", "discord", "msteams", "telegram", "matrix",
		"dingtalk", "feishu", "wechatwork", NULL };
	struct gitea_hook *h;
	size_t n;

	if (gitea_hook_list_parse(buf, len, &h, &n, cause) != 0)
		return -1;
	out->nhooks = n;
	out->chat_hooks = 0;
	free(out->example);
	out->example = NULL;
	for (size_t i = 0; i < n; i++) {
		bool chat = false;

		if (!h[i].active)
			continue;
		for (const char *const *ct = chat_types; *ct != NULL; ct++)
			chat = chat || strcmp(h[i].type, *ct) == 0;
		chat = chat || (h[i].url != NULL && chat_url(h[i].url));
		if (!chat)
			continue;
		out->chat_hooks++;
		/* The URL of a chat hook embeds its key: show the host only. */
		if (out->example == NULL)
			out->example = xasprintf("%s → %s", h[i].type, h[i].target);
	}
	gitea_hook_list_free(h, n);
	return 0;
}

/* ---- Redis INFO ------------------------------------------------------- */

static bool
info_value(const char *line, size_t n, const char *key, char *buf, size_t bn)
{
	size_t kl = strlen(key);

	if (n <= kl || strncmp(line, key, kl) != 0 || line[kl] != ':')
		return false;
	n -= kl + 1;
	if (n >= bn)
		n = bn - 1;
	memcpy(buf, line + kl + 1, n);
	buf[n] = '\0';
	buf[strcspn(buf, "\r")] = '\0';
	return true;
}

int
rd_parse_redis_info(const char *buf, size_t len, struct rd_redis *out, char **cause)
{
	const char *p = buf, *end = buf + len;
	bool any = false, repl = false;
	long online = 0;
	char v[128];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		long long ll;
		long l;

		if (info_value(p, n, "maxmemory", v, sizeof v)) {
			any = true;
			if (sscanf(v, "%lld", &ll) == 1 && ll >= 0)
				out->maxmemory = ll;
		} else if (info_value(p, n, "maxmemory_policy", v, sizeof v)) {
			char *c = sanitize_str(v);

			snprintf(out->policy, sizeof out->policy, "%s", c);
			free(c);
			any = true;
		} else if (info_value(p, n, "role", v, sizeof v)) {
			char *c = sanitize_str(v);

			snprintf(out->role, sizeof out->role, "%s", c);
			free(c);
			any = repl = true;
		} else if (info_value(p, n, "connected_slaves", v, sizeof v)) {
			if (parse_long(v, 0, 1000000, &l) == 0)
				out->replicas = l;
			any = true;
		} else if (info_value(p, n, "master_link_status", v, sizeof v)) {
			out->link_up = strcmp(v, "up") == 0;
			any = true;
		} else if (n > 5 && strncmp(p, "slave", 5) == 0 && isdigit((unsigned char)p[5]) &&
		    memmem(p, n, "state=online", 12) != NULL)
			online++;
		p = nl != NULL ? nl + 1 : end;
	}
	if (!any) {
		*cause = xstrdup(_("no replication or memory fields in INFO"));
		return -1;
	}
	/* INFO comes one section per reply: only the replication section
	 * says how many replicas are online. */
	if (repl)
		out->replicas_online = online;
	out->have_info = true;
	return 0;
}

/* ---- state files ------------------------------------------------------ */

int
rd_parse_backup_state(const char *buf, size_t len, struct rd_backup *out, char **cause)
{
	struct backup_state st;

	if (backup_state_parse(buf, len, &st, cause) != 0)
		return -1;
	out->last_success = st.last_success;
	out->last_run = st.last_run;
	free(out->last_status);
	out->last_status = st.last_status;
	free(out->owner);
	out->owner = st.owner;
	st.last_status = st.owner = NULL;
	backup_state_free(&st);
	return 0;
}

int
rd_parse_webhook_state(const char *buf, size_t len, struct rd_webhooks *out, char **cause)
{
	struct webhook_route_state *routes;
	size_t n;

	if (webhook_state_parse(buf, len, WEBHOOK_MAX_ROUTES, &routes, &n, cause) != 0)
		return -1;
	rd_webhooks_free_routes(out);
	out->r = n > 0 ? xcalloc(n, sizeof *out->r) : NULL;
	for (size_t i = 0; i < n; i++) {
		struct rd_route *x = &out->r[out->n++];

		x->name = routes[i].name;
		routes[i].name = NULL;
		x->status = routes[i].r.status;
		x->ok = routes[i].ok;
		x->time = routes[i].r.time;
		x->error = routes[i].line[0] != '\0' ? routes[i].line : NULL;
		if (x->error != NULL)
			routes[i].line = NULL;
	}
	webhook_state_free(routes, n);
	return 0;
}
