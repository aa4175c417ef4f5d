/* Incident mode: the LogQL stream selector of an alert, built from its
 * labels or from a configured template, every value escaped so a hostile
 * label can never change the query's structure. */
#include "ceres/features/incident.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

const char *const incident_default_labels[INCIDENT_NDEFAULT_LABELS] = {
	"job", "instance", "host", "service", "app", "container", "namespace",
};

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned c = s[0];
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void
logql_escape(struct strbuf *sb, const char *v, size_t len)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0, k;

	while (i < len) {
		unsigned c = s[i];

		if (c == '\\' || c == '"') {
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, (char)c);
			i++;
		} else if (c == '\n') {
			strbuf_adds(sb, "\\n"), i++;
		} else if (c == '\r') {
			strbuf_adds(sb, "\\r"), i++;
		} else if (c == '\t') {
			strbuf_adds(sb, "\\t"), i++;
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\x%02x", c), i++;
		} else if (c < 0x80) {
			strbuf_addc(sb, (char)c), i++;
		} else if ((k = utf8_seq(s + i, len - i)) == 0) {
			strbuf_addf(sb, "\\x%02x", c), i++;
		} else if (k == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
			/* C1 controls: valid UTF-8, still kept off the wire raw */
			strbuf_addf(sb, "\\u%04x", s[i + 1]);
			i += 2;
		} else {
			strbuf_add(sb, (const char *)s + i, k);
			i += k;
		}
	}
}

bool
logql_label_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

		if (!alpha && (i == 0 || c < '0' || c > '9'))
			return false;
	}
	return true;
}

static const char *
pair_value(const struct alert_pair *labels, size_t n, const char *name, size_t nlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(labels[i].name) == nlen && memcmp(labels[i].name, name, nlen) == 0)
			return labels[i].value;
	return NULL;
}

/* The placeholder at tmpl ('$' at tmpl[0]): name and bytes consumed; 0 if malformed. */
static size_t
placeholder(const char *tmpl, const char **name, size_t *nlen)
{
	size_t i;

	if (tmpl[1] == '{') {
		for (i = 2; tmpl[i] != '\0' && tmpl[i] != '}'; i++)
			;
		if (tmpl[i] != '}' || i == 2)
			return 0;
		*name = tmpl + 2;
		*nlen = i - 2;
		return i + 1;
	}
	for (i = 1; (tmpl[i] >= 'a' && tmpl[i] <= 'z') || (tmpl[i] >= 'A' && tmpl[i] <= 'Z') ||
	    tmpl[i] == '_' || (i > 1 && tmpl[i] >= '0' && tmpl[i] <= '9'); i++)
		;
	if (i == 1)
		return 0;
	*name = tmpl + 1;
	*nlen = i - 1;
	return i;
}

int
incident_expand(const char *tmpl, const struct alert_pair *labels, size_t nlabels,
    char **out, char **cause)
{
	struct strbuf sb;
	const char *p = tmpl;

	*out = NULL;
	strbuf_init(&sb);
	while (*p != '\0') {
		const char *name, *val;
		size_t nlen, used;

		if (*p != '$') {
			strbuf_addc(&sb, *p++);
			continue;
		}
		if (p[1] == '$') {
			strbuf_addc(&sb, '$');
			p += 2;
			continue;
		}
		used = placeholder(p, &name, &nlen);
		if (used == 0) {
			*cause = xasprintf(_("malformed placeholder at offset %zu of the log selector"),
			    (size_t)(p - tmpl));
			strbuf_free(&sb);
			return -1;
		}
		val = pair_value(labels, nlabels, name, nlen);
		if (val == NULL) {
			*cause = xasprintf(_("the alert has no label \"%.*s\" that the log selector needs"),
			    (int)(nlen > 64 ? 64 : nlen), name);
			strbuf_free(&sb);
			return -1;
		}
		logql_escape(&sb, val, strlen(val));
		p += used;
	}
	*out = strbuf_detach(&sb);
	return 0;
}

static const struct inc_selector_rule *
pick_rule(const char *alertname, const struct alert_pair *labels, size_t nlabels,
    const struct inc_selector_rule *rules, size_t nrules, const char **why)
{
	size_t i;

	for (i = 0; i < nrules; i++)
		if (rules[i].alertname != NULL && alertname != NULL &&
		    strcmp(rules[i].alertname, alertname) == 0) {
			*why = "alertname";
			return &rules[i];
		}
	for (i = 0; i < nrules; i++)
		if (rules[i].alertname == NULL && rules[i].label != NULL &&
		    pair_value(labels, nlabels, rules[i].label, strlen(rules[i].label)) != NULL) {
			*why = "label";
			return &rules[i];
		}
	for (i = 0; i < nrules; i++)
		if (rules[i].alertname == NULL && rules[i].label == NULL) {
			*why = "default";
			return &rules[i];
		}
	return NULL;
}

static bool
known(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void
from_labels(const struct alert_pair *labels, size_t nlabels, const char *const *want, size_t nwant,
    const char *const *loki, size_t nloki, bool loki_known, struct inc_selector *out)
{
	struct strbuf sb;
	size_t i, used = 0;

	strbuf_init(&sb);
	strbuf_addc(&sb, '{');
	for (i = 0; i < nwant; i++) {
		const char *v = pair_value(labels, nlabels, want[i], strlen(want[i]));

		if (v == NULL || !logql_label_name_ok(want[i]))
			continue;
		if (loki_known && !known(loki, nloki, want[i])) {
			out->refresh_labels = true;
			continue;
		}
		strbuf_addf(&sb, "%s%s=\"", used++ ? ", " : "", want[i]);
		logql_escape(&sb, v, strlen(v));
		strbuf_addc(&sb, '"');
	}
	strbuf_addc(&sb, '}');
	out->rule = xstrdup("labels");
	if (used == 0) {
		out->error = xstrdup(_("none of the alert's labels is a label Loki knows; "
		    "set [incident] log_selector"));
		strbuf_free(&sb);
		return;
	}
	out->selector = strbuf_detach(&sb);
}

void
incident_selector(const char *alertname, const struct alert_pair *labels, size_t nlabels,
    const struct inc_selector_rule *rules, size_t nrules,
    const char *const *want, size_t nwant,
    const char *const *loki_labels, size_t nloki, struct inc_selector *out)
{
	const struct inc_selector_rule *r;
	const char *why = NULL;
	char *cause = NULL;

	memset(out, 0, sizeof *out);
	r = pick_rule(alertname, labels, nlabels, rules, nrules, &why);
	if (r != NULL) {
		if (strcmp(why, "alertname") == 0)
			out->rule = xasprintf("alertname %s", r->alertname);
		else if (strcmp(why, "label") == 0)
			out->rule = xasprintf("label %s", r->label);
		else
			out->rule = xstrdup("default");
		if (incident_expand(r->tmpl, labels, nlabels, &out->selector, &cause) != 0)
			out->error = cause;
		return;
	}
	if (want == NULL) {
		want = incident_default_labels;
		nwant = INCIDENT_NDEFAULT_LABELS;
	}
	from_labels(labels, nlabels, want, nwant, loki_labels, nloki, loki_labels != NULL, out);
}

void
inc_selector_free(struct inc_selector *s)
{
	free(s->selector);
	free(s->error);
	free(s->rule);
	memset(s, 0, sizeof *s);
}

/* Split "a=b,c=d" into pairs (the strings point into buf). */
static int
parse_pairs(char *buf, struct alert_pair *pairs, size_t max, size_t *n, char **cause)
{
	char *save = NULL, *tok;

	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL || eq == tok || *n == max) {
			*cause = xasprintf(_("malformed incident selector at \"%s\": "
			    "want a fingerprint or alertname=X[,label=value...]"), tok);
			return -1;
		}
		*eq = '\0';
		pairs[*n].name = str_trim(tok);
		pairs[(*n)++].value = str_trim(eq + 1);
	}
	if (*n == 0) {
		*cause = xstrdup(_("empty incident selector"));
		return -1;
	}
	return 0;
}

static bool
pairs_match(const struct alert *a, const struct alert_pair *pairs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = alert_label(a, pairs[i].name);

		if (v == NULL || strcmp(v, pairs[i].value) != 0)
			return false;
	}
	return true;
}

long
incident_match(const struct alert_set *set, const char *selector, char **cause)
{
	struct alert_pair pairs[32];
	char *buf;
	size_t n = 0, i;
	long best = -1;

	if (selector == NULL || *selector == '\0') {
		*cause = xstrdup(_("empty incident selector"));
		return -2;
	}
	if (strchr(selector, '=') == NULL) {
		const struct alert *a = set != NULL ? alert_set_find(set, selector) : NULL;

		return a != NULL ? (long)(a - set->alerts) : -1;
	}
	buf = xstrdup(selector);
	if (parse_pairs(buf, pairs, sizeof pairs / sizeof pairs[0], &n, cause) != 0) {
		free(buf);
		return -2;
	}
	for (i = 0; set != NULL && i < set->n; i++) {
		const struct alert *a = &set->alerts[i];

		if (!pairs_match(a, pairs, n))
			continue;
		if (best < 0 || (a->starts > 0 && a->starts < set->alerts[best].starts))
			best = (long)i;
	}
	free(buf);
	return best;
}
