/* Alertmanager /api/v2/status: the cluster state and, from the YAML text
 * of config.original, the receivers (which integrations each has) and
 * whether the route tree names them.  Not a YAML parser: a line scanner
 * for the two top-level blocks, tolerant of both the normalised output
 * of Alertmanager (list items at the key's column) and hand-written
 * indentation, with a small scanner for flow style ([{name: x}]). */
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#define AM_MAX_RECEIVERS	4096

struct line {
	const char	*p;	/* first non-blank character */
	size_t		 len;	/* up to the end of line, comment stripped */
	int		 col;
};

/* Next logical line of buf; false at the end.  Blank and comment-only
 * lines are skipped. */
static bool
next_line(const char **cur, const char *end, struct line *l)
{
	while (*cur < end) {
		const char *s = *cur, *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl != NULL ? nl : end;
		const char *p = s;
		bool quote1 = false, quote2 = false;

		*cur = nl != NULL ? nl + 1 : end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e || *p == '#')
			continue;
		/* A " #" outside quotes starts a comment. */
		for (const char *q = p; q < e; q++) {
			if (*q == '\'' && !quote2)
				quote1 = !quote1;
			else if (*q == '"' && !quote1)
				quote2 = !quote2;
			else if (*q == '#' && !quote1 && !quote2 && q > p && (q[-1] == ' ' || q[-1] == '\t')) {
				e = q;
				break;
			}
		}
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		l->p = p;
		l->len = (size_t)(e - p);
		l->col = (int)(p - s);
		return true;
	}
	return false;
}

/* "key: value" at l (after an optional "- "): key span and value span. */
static bool
split_key(const struct line *l, bool *dash, const char **k, size_t *klen, const char **v, size_t *vlen)
{
	const char *p = l->p, *e = l->p + l->len, *colon;

	*dash = false;
	if (p < e && *p == '-' && (p + 1 == e || p[1] == ' ')) {
		*dash = true;
		p++;
		while (p < e && *p == ' ')
			p++;
	}
	colon = NULL;
	for (const char *q = p; q < e; q++) {
		if (*q == ':' && (q + 1 == e || q[1] == ' ')) {
			colon = q;
			break;
		}
		if (*q == '"' || *q == '\'' || *q == '{' || *q == '[')
			break;
	}
	if (colon == NULL)
		return false;
	*k = p;
	*klen = (size_t)(colon - p);
	p = colon + 1;
	while (p < e && *p == ' ')
		p++;
	*v = p;
	*vlen = (size_t)(e - p);
	return true;
}

static char *
unquote(const char *v, size_t n)
{
	if (n >= 2 && ((v[0] == '"' && v[n - 1] == '"') || (v[0] == '\'' && v[n - 1] == '\''))) {
		v++;
		n -= 2;
	}
	return sanitize_text(v, n);
}

static bool
key_is(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && memcmp(k, want, klen) == 0;
}

static unsigned
config_kind(const char *k, size_t klen)
{
	static const struct { const char *key; unsigned kind; } kinds[] = {
		{ "webhook_configs", RD_RCV_WEBHOOK }, { "slack_configs", RD_RCV_SLACK },
		{ "email_configs", RD_RCV_EMAIL }, { "msteams_configs", RD_RCV_MSTEAMS },
		{ "msteamsv2_configs", RD_RCV_MSTEAMS }, { "telegram_configs", RD_RCV_TELEGRAM },
		{ "discord_configs", RD_RCV_DISCORD }, { "webex_configs", RD_RCV_WEBEX },
		{ "pagerduty_configs", RD_RCV_PAGER }, { "opsgenie_configs", RD_RCV_PAGER },
		{ "victorops_configs", RD_RCV_PAGER }, { "incidentio_configs", RD_RCV_PAGER },
		{ "pushover_configs", RD_RCV_OTHER }, { "sns_configs", RD_RCV_OTHER },
		{ "wechat_configs", RD_RCV_OTHER }, { "jira_configs", RD_RCV_OTHER },
		{ "rocketchat_configs", RD_RCV_SLACK },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (key_is(k, klen, kinds[i].key))
			return kinds[i].kind;
	return 0;
}

static struct rd_receiver *
add_receiver(struct rd_am *out)
{
	if (out->nrcv >= AM_MAX_RECEIVERS)
		return NULL;
	out->rcv = xreallocarray(out->rcv, out->nrcv + 1, sizeof *out->rcv);
	memset(&out->rcv[out->nrcv], 0, sizeof out->rcv[0]);
	return &out->rcv[out->nrcv++];
}

/* A flow value "[...]" or "{...}" holds something if it is not empty. */
static bool
flow_nonempty(const char *v, size_t n)
{
	if (n == 0)
		return false;
	if ((v[0] == '[' || v[0] == '{') && n >= 2) {
		for (size_t i = 1; i + 1 < n; i++)
			if (v[i] != ' ')
				return true;
		return false;
	}
	return strncmp(v, "null", n) != 0 && strncmp(v, "~", n) != 0;
}

/* receivers: [{name: a, webhook_configs: [{url: x}]}, {name: b}] */
static void
receivers_flow(const char *v, size_t n, struct rd_am *out)
{
	int depth = 0;
	struct rd_receiver *cur = NULL;

	for (size_t i = 0; i < n; i++) {
		char c = v[i];

		if (c == '[' || c == '{') {
			depth++;
			if (c == '{' && depth == 2)
				cur = add_receiver(out);
			continue;
		}
		if (c == ']' || c == '}') {
			depth--;
			continue;
		}
		if (depth != 2 || cur == NULL || !(i == 0 || v[i - 1] == '{' || v[i - 1] == ',' || v[i - 1] == ' '))
			continue;
		/* A key at the receiver's level. */
		size_t k = i;
		while (k < n && v[k] != ':' && v[k] != ',' && v[k] != '}' && v[k] != ' ')
			k++;
		if (k >= n || v[k] != ':')
			continue;
		size_t vs = k + 1, ve;
		while (vs < n && v[vs] == ' ')
			vs++;
		if (key_is(v + i, k - i, "name")) {
			ve = vs;
			while (ve < n && v[ve] != ',' && v[ve] != '}')
				ve++;
			while (ve > vs && v[ve - 1] == ' ')
				ve--;
			free(cur->name);
			cur->name = unquote(v + vs, ve - vs);
		} else if (config_kind(v + i, k - i) != 0 && vs < n && v[vs] == '[') {
			int d = 0;

			for (ve = vs; ve < n; ve++) {
				if (v[ve] == '[' || v[ve] == '{')
					d++;
				else if ((v[ve] == ']' || v[ve] == '}') && --d == 0)
					break;
			}
			if (ve < n && flow_nonempty(v + vs, ve - vs + 1))
				cur->kinds |= config_kind(v + i, k - i);
		}
		i = k;
	}
}

static void
mark_routed(struct rd_am *out, const char *v, size_t n)
{
	char *name = unquote(v, n);

	for (size_t i = 0; i < out->nrcv; i++)
		if (out->rcv[i].name != NULL && strcmp(out->rcv[i].name, name) == 0)
			out->rcv[i].routed = true;
	free(name);
}


/* The receivers block: items start with "-" at item_col; their keys sit
 * at key_col; a *_configs key has entries when its value is a non-empty
 * flow list or when the next line is deeper, or a "-" at key_col. */
static const char *
receivers_block(const char *cur, const char *end, struct rd_am *out)
{
	struct line l;
	struct rd_receiver *r = NULL;
	int item_col = -1, key_col = -1;
	unsigned pending = 0;	/* kind of a *_configs key awaiting its entries */
	int pending_col = -1;
	const char *before;

	for (before = cur; next_line(&cur, end, &l); before = cur) {
		bool dash;
		const char *k, *v;
		size_t klen, vlen;

		if (l.col == 0 && l.p[0] != '-')
			return before;		/* next top-level key */
		if (pending != 0) {
			if (r != NULL && (l.col > pending_col || (l.col == pending_col && l.p[0] == '-')))
				r->kinds |= pending;
			pending = 0;
		}
		if (l.p[0] == '-' && (item_col < 0 || l.col <= item_col)) {
			item_col = l.col;
			r = add_receiver(out);
			key_col = -1;
		}
		if (r == NULL || !split_key(&l, &dash, &k, &klen, &v, &vlen))
			continue;
		if (key_col < 0)
			key_col = (int)(k - l.p) + l.col;
		if ((int)(k - l.p) + l.col != key_col)
			continue;
		if (key_is(k, klen, "name")) {
			free(r->name);
			r->name = unquote(v, vlen);
		} else if (config_kind(k, klen) != 0) {
			if (vlen > 0)
				r->kinds |= flow_nonempty(v, vlen) ? config_kind(k, klen) : 0;
			else {
				pending = config_kind(k, klen);
				pending_col = key_col;
			}
		}
	}
	return cur;
}

int
rd_parse_am_yaml(const char *yaml, size_t len, struct rd_am *out, char **cause)
{
	const char *cur = yaml, *end = yaml + len, *route = NULL, *route_end = NULL;
	struct line l;
	bool seen_receivers = false, route_flow = false;

	rd_am_receivers_free(out);
	while (next_line(&cur, end, &l)) {
		bool dash;
		const char *k, *v;
		size_t klen, vlen;

		if (l.col != 0 || !split_key(&l, &dash, &k, &klen, &v, &vlen) || dash)
			continue;
		if (key_is(k, klen, "receivers")) {
			seen_receivers = true;
			if (vlen > 0 && v[0] == '[')
				receivers_flow(v, vlen, out);
			else
				cur = receivers_block(cur, end, out);
		} else if (key_is(k, klen, "route")) {
			const char *before = cur;

			route = cur;
			/* The route block ends at the next top-level key. */
			while (next_line(&cur, end, &l) && !(l.col == 0 && l.p[0] != '-'))
				before = cur;
			route_end = before;
			cur = before;
			if (vlen > 0) {
				/* route: {receiver: x} */
				const char *p = memmem(v, vlen, "receiver:", 9);

				if (p != NULL) {
					const char *s = p + 9, *e = v + vlen;

					while (s < e && *s == ' ')
						s++;
					p = s;
					while (p < e && *p != ',' && *p != '}')
						p++;
					route = s;
					route_end = p;
					route_flow = true;
				}
			}
		}
	}
	if (!seen_receivers) {
		*cause = xstrdup(_("no receivers in the configuration"));
		return -1;
	}
	/* Every "receiver: x" in the route tree, at any depth. */
	if (route != NULL && route_end != NULL && route_end > route) {
		const char *rc = route;

		if (route_flow)
			mark_routed(out, route, (size_t)(route_end - route));
		while (!route_flow && next_line(&rc, route_end, &l)) {
			bool dash;
			const char *k, *v;
			size_t klen, vlen;

			if (split_key(&l, &dash, &k, &klen, &v, &vlen) && key_is(k, klen, "receiver"))
				mark_routed(out, v, vlen);
		}
	}
	for (size_t i = 0; i < out->nrcv; i++)
		if (out->rcv[i].name == NULL)
			out->rcv[i].name = xstrdup("?");
	return 0;
}

int
rd_parse_am_status(const char *buf, size_t len, struct rd_am *out, char **cause)
{
	cJSON *root = json_parse_bounded(buf, len, NULL);
	const cJSON *cfg, *orig, *cl, *st, *peers;
	int rc;

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup(_("invalid JSON"));
		return -1;
	}
	cl = cJSON_GetObjectItemCaseSensitive(root, "cluster");
	st = cJSON_GetObjectItemCaseSensitive(cl, "status");
	peers = cJSON_GetObjectItemCaseSensitive(cl, "peers");
	free(out->cluster);
	out->cluster = cJSON_IsString(st) ? sanitize_str(st->valuestring) : NULL;
	out->peers = cJSON_IsArray(peers) ? cJSON_GetArraySize(peers) : 0;
	cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
	orig = cJSON_GetObjectItemCaseSensitive(cfg, "original");
	if (!cJSON_IsString(orig)) {
		*cause = xstrdup(_("no config.original in the answer"));
		cJSON_Delete(root);
		return -1;
	}
	rc = rd_parse_am_yaml(orig->valuestring, strlen(orig->valuestring), out, cause);
	cJSON_Delete(root);
	return rc;
}
