/* The pure half of the webhook tests: the test message in each chat's own
 * format, whether an answer means "accepted", a one-line summary of the
 * answer with secrets masked, the Gitea hooks list, and the state file
 * (webhooks.json) the readiness checks read.  No I/O here. */
#include "ceres/actions/actions.h"
#include "ceres/sources/activity.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HOOKS	1000

static const char *const kind_names[] = {
	[WEBHOOK_MATTERMOST] = "mattermost",
	[WEBHOOK_ZULIP] = "zulip",
	[WEBHOOK_SLACK] = "slack",
	[WEBHOOK_GENERIC] = "generic",
	[WEBHOOK_GITEA] = "gitea",
};

int
webhook_kind_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (i != WEBHOOK_GITEA && strcasecmp(s, kind_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
webhook_kind_name(enum webhook_kind k)
{
	if ((size_t)k < sizeof kind_names / sizeof kind_names[0])
		return kind_names[k];
	return "?";
}

/* The fields every chat shows: where it came from, who sent it, when. */
static void
add_fields(cJSON *att, const struct webhook_msg *m)
{
	cJSON *fields = cJSON_AddArrayToObject(att, "fields");
	const char *const pairs[][2] = {
		{ "Site", m->site }, { "Route", m->route },
		{ "Sent by", m->sent_by }, { "Sent at", m->time },
	};

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		cJSON *f = cJSON_CreateObject();

		cJSON_AddBoolToObject(f, "short", 1);
		cJSON_AddStringToObject(f, "title", pairs[i][0]);
		cJSON_AddStringToObject(f, "value", pairs[i][1] != NULL ? pairs[i][1] : "");
		cJSON_AddItemToArray(fields, f);
	}
}

/* Mattermost incoming webhook: Markdown text plus a Slack-style
 * attachment; Slack and Zulip's Slack-compatible endpoint take the same
 * shape with Slack's mrkdwn (*bold*; Zulip rewrites it to **bold**). */
static cJSON *
chat_payload(const struct webhook_msg *m, bool markdown)
{
	cJSON *o = cJSON_CreateObject(), *atts, *att;
	char *text, *fallback, *footer;

	if (markdown)
		text = xasprintf("#### [TEST] ceres-top notification test\n"
		    "This is a **test message** from ceres-top for route `%s` on site `%s`, "
		    "sent by %s at %s. No action is needed.", m->route, m->site, m->sent_by, m->time);
	else
		text = xasprintf("*[TEST] ceres-top notification test*\n"
		    "This is a test message from ceres-top for route `%s` on site `%s`, "
		    "sent by %s at %s. No action is needed.", m->route, m->site, m->sent_by, m->time);
	fallback = xasprintf("[TEST] ceres-top notification test: route %s, site %s", m->route, m->site);
	footer = xasprintf("ceres-top %s", m->version);
	cJSON_AddStringToObject(o, "text", text);
	cJSON_AddStringToObject(o, "username", m->username != NULL ? m->username : "ceres-top");
	if (m->channel != NULL)
		cJSON_AddStringToObject(o, "channel", m->channel);
	atts = cJSON_AddArrayToObject(o, "attachments");
	att = cJSON_CreateObject();
	cJSON_AddStringToObject(att, "fallback", fallback);
	cJSON_AddStringToObject(att, "color", "#2e7d32");
	cJSON_AddStringToObject(att, "title", "Notification route test");
	cJSON_AddStringToObject(att, "text", "If you can read this, the route delivers to this channel.");
	add_fields(att, m);
	cJSON_AddStringToObject(att, "footer", footer);
	cJSON_AddItemToArray(atts, att);
	free(text);
	free(fallback);
	free(footer);
	return o;
}

/* Any JSON receiver: flat, self-describing, marked as a test twice. */
static cJSON *
generic_payload(const struct webhook_msg *m)
{
	cJSON *o = cJSON_CreateObject();
	char *text = xasprintf("[TEST] ceres-top notification test for route %s on site %s. "
	    "No action is needed.", m->route, m->site);

	cJSON_AddStringToObject(o, "source", "ceres-top");
	cJSON_AddStringToObject(o, "type", "test");
	cJSON_AddBoolToObject(o, "test", 1);
	cJSON_AddStringToObject(o, "text", text);
	cJSON_AddStringToObject(o, "route", m->route);
	cJSON_AddStringToObject(o, "site", m->site);
	cJSON_AddStringToObject(o, "sent_by", m->sent_by);
	cJSON_AddStringToObject(o, "time", m->time);
	cJSON_AddStringToObject(o, "version", m->version);
	if (m->channel != NULL)
		cJSON_AddStringToObject(o, "channel", m->channel);
	free(text);
	return o;
}

char *
webhook_payload(enum webhook_kind kind, const struct webhook_msg *m)
{
	cJSON *o;
	char *s, *out;

	switch (kind) {
	case WEBHOOK_MATTERMOST:
		o = chat_payload(m, true);
		break;
	case WEBHOOK_ZULIP:
	case WEBHOOK_SLACK:
		o = chat_payload(m, false);
		break;
	case WEBHOOK_GITEA:
		return xstrdup("");
	default:
		o = generic_payload(m);
		break;
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		abort();
	out = xstrdup(s);
	cJSON_free(s);
	return out;
}

bool
webhook_accepted(enum webhook_kind kind, long status, const char *body, size_t len)
{
	cJSON *j, *r;
	bool ok;

	if (status < 200 || status > 299)
		return false;
	if (kind != WEBHOOK_ZULIP)
		return true;
	/* Zulip says so in the body; a 200 from anything else (a proxy's
	 * page, a login form) is not a delivered message. */
	j = json_parse_bounded(body, len, NULL);
	r = cJSON_GetObjectItemCaseSensitive(j, "result");
	ok = cJSON_IsString(r) && strcmp(r->valuestring, "success") == 0;
	cJSON_Delete(j);
	return ok;
}

/* ---- secrets in answers ---- */

static void
add_fragment(char ***frags, size_t *n, const char *s, size_t len, size_t min)
{
	if (len < min)
		return;
	*frags = xreallocarray(*frags, *n + 1, sizeof **frags);
	(*frags)[(*n)++] = xstrndup(s, len);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decoded copy (answers may echo a decoded key). */
static char *
url_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else
			*o++ = s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

static int
by_length_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

static void
replace_all(char **s, const char *needle)
{
	struct strbuf sb;
	const char *p = *s, *hit;
	size_t nl = strlen(needle);

	if (nl == 0 || strstr(*s, needle) == NULL)
		return;
	strbuf_init(&sb);
	while ((hit = strstr(p, needle)) != NULL) {
		strbuf_add(&sb, p, (size_t)(hit - p));
		strbuf_adds(&sb, "…");
		p = hit + nl;
	}
	strbuf_adds(&sb, p);
	free(*s);
	*s = strbuf_detach(&sb);
}

char *
webhook_scrub(const char *s, const char *url)
{
	char *out = xstrdup(s != NULL ? s : ""), **frags = NULL;
	const char *p, *host, *rest, *q;
	size_t n = 0, ndec;

	if (url == NULL || *url == '\0')
		return out;
	add_fragment(&frags, &n, url, strlen(url), 1);
	p = strstr(url, "://");
	host = p != NULL ? p + 3 : url;
	rest = host + strcspn(host, "/?#");
	q = memchr(host, '@', (size_t)(rest - host));
	if (q != NULL)	/* user:password@ */
		add_fragment(&frags, &n, host, (size_t)(q - host), 3);
	if (*rest != '\0')
		add_fragment(&frags, &n, rest, strlen(rest), 2);
	/* Path segments and query values long enough to be keys. */
	for (const char *seg = rest; *seg != '\0';) {
		size_t len = strcspn(seg, "/?&=#");

		add_fragment(&frags, &n, seg, len, 8);
		seg += len;
		if (*seg != '\0')
			seg++;
	}
	ndec = n;
	for (size_t i = 0; i < ndec; i++) {
		char *d = url_decode(frags[i], strlen(frags[i]));

		if (strcmp(d, frags[i]) != 0)
			add_fragment(&frags, &n, d, strlen(d), 8);
		free(d);
	}
	qsort(frags, n, sizeof *frags, by_length_desc);
	for (size_t i = 0; i < n; i++) {
		replace_all(&out, frags[i]);
		free(frags[i]);
	}
	free(frags);
	return out;
}

/* ---- answers ---- */

static const char *
json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

/* The interesting part of a JSON answer, or NULL. */
static char *
json_summary(const char *body, size_t len)
{
	cJSON *j = json_parse_bounded(body, len, NULL);
	const char *msg, *id, *res;
	char *out = NULL;

	if (j == NULL)
		return NULL;
	if (cJSON_IsString(j))
		out = xstrdup(j->valuestring);
	else if (cJSON_IsObject(j)) {
		msg = json_str(j, "msg");
		if (msg == NULL)
			msg = json_str(j, "message");
		if (msg == NULL)
			msg = json_str(j, "error");
		id = json_str(j, "id");
		if (id == NULL)
			id = json_str(j, "code");
		res = json_str(j, "result");
		if (msg != NULL && id != NULL)
			out = xasprintf("%s (%s)", msg, id);
		else if (msg != NULL)
			out = xstrdup(msg);
		else if (res != NULL)
			out = xstrdup(res);
		else if (cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(j, "ok")))
			out = xstrdup(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok")) ? "ok" : "not ok");
	}
	if (out == NULL) {
		char *p = cJSON_PrintUnformatted(j);

		out = xstrdup(p != NULL ? p : "");
		cJSON_free(p);
	}
	cJSON_Delete(j);
	return out;
}

static const char *
memcasemem(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);

	for (size_t i = 0; i + nl <= hl; i++)
		if (strncasecmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

/* The <title> of an HTML error page (a proxy's 502), or NULL. */
static char *
html_title(const char *body, size_t len)
{
	const char *t = memcasemem(body, len, "<title"), *gt, *end;

	if (t == NULL)
		return NULL;
	gt = memchr(t, '>', len - (size_t)(t - body));
	if (gt == NULL)
		return NULL;
	gt++;
	end = memcasemem(gt, len - (size_t)(gt - body), "</title");
	if (end == NULL)
		return NULL;
	while (gt < end && isspace((unsigned char)*gt))
		gt++;
	return xstrndup(gt, (size_t)(end - gt));
}

static char *
first_line(const char *body, size_t len)
{
	size_t i = 0, start;

	for (;;) {
		while (i < len && (body[i] == '\n' || body[i] == '\r' || body[i] == ' ' || body[i] == '\t'))
			i++;
		start = i;
		while (i < len && body[i] != '\n' && body[i] != '\r')
			i++;
		if (i > start || i >= len)
			break;
	}
	while (i > start && isspace((unsigned char)body[i - 1]))
		i--;
	return xstrndup(body + start, i - start);
}

char *
webhook_answer(const char *body, size_t len, const char *secret_url, size_t max)
{
	size_t i = 0;
	char *raw = NULL, *clean, *out;

	if (body == NULL)
		len = 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i < len && (body[i] == '{' || body[i] == '[' || body[i] == '"'))
		raw = json_summary(body, len);
	if (raw == NULL && len > 0)
		raw = html_title(body, len);
	if (raw == NULL)
		raw = first_line(body, len);
	/* Embedded NULs end the text: nothing after one is shown. */
	clean = sanitize_text(raw, strlen(raw));
	free(raw);
	out = webhook_scrub(clean, secret_url);
	free(clean);
	utf8_clip(out, max);
	return out;
}

/* ---- Gitea hooks ---- */

void
webhook_gitea_hooks_free(struct webhook_gitea_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].type);
		free(h[i].target);
	}
	free(h);
}

int
webhook_gitea_hooks_parse(const char *buf, size_t len, struct webhook_gitea_hook **out, size_t *n, char **cause)
{
	struct gitea_hook *all;
	struct webhook_gitea_hook *hooks = NULL;
	size_t nall, count = 0;

	*out = NULL;
	*n = 0;
	if (gitea_hook_list_parse(buf, len, &all, &nall, cause) != 0)
		return -1;
	/* Only hooks the test endpoint can be asked about: with an id. */
	for (size_t i = 0; i < nall && count < MAX_HOOKS; i++) {
		if (all[i].id < 0)
			continue;
		hooks = xreallocarray(hooks, count + 1, sizeof *hooks);
		hooks[count].id = all[i].id;
		hooks[count].type = all[i].type;
		hooks[count].target = all[i].target;
		hooks[count].active = all[i].active;
		all[i].type = all[i].target = NULL;
		count++;
	}
	gitea_hook_list_free(all, nall);
	*out = hooks;
	*n = count;
	return 0;
}

