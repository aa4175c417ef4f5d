/* The schema of the config file: every section and key ceres-top accepts,
 * with its type and a one-line help text, and what each type accepts and
 * how a value is shown.  The parser rejects anything not listed here;
 * --check-config and the documentation read the help texts.  Adding a key
 * is one row. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ceres/core/config.h"
#include "ceres/model/matchers.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#ifndef N_
#define N_(s) (s)
#endif
#ifndef _
#define _(s) (s)
#endif

#define REDACTED	"<redacted>"

#define ROW(sec, key, type, help)	{ sec, key, type, false, help }
#define NAMED(sec, key, type, help)	{ sec, key, type, true, help }

/* Poll interval and timeout are the same for every backend section. */
#define POLLING(sec)							\
	ROW(sec, "interval", CONFIG_DOUBLE,				\
	    N_("poll interval in seconds (default: [ceres] interval)")), \
	ROW(sec, "timeout", CONFIG_DOUBLE,				\
	    N_("request timeout in seconds (default: [ceres] timeout)"))

/* TLS of an HTTP backend: its CA, a client certificate (for a backend
 * behind an auth proxy).  R is ROW or NAMED. */
#define TLS_FILES(R, sec)						\
	R(sec, "ca_file", CONFIG_FILE,					\
	    N_("CA certificates (PEM) the server certificate is verified with")), \
	R(sec, "cert_file", CONFIG_FILE,				\
	    N_("TLS client certificate (PEM)")),			\
	R(sec, "key_file", CONFIG_FILE,					\
	    N_("private key (PEM) of cert_file"))

/* How to reach a central engine (Mimir, Cortex, Loki) behind its gateway. */
#define REACH(sec)							\
	ROW(sec, "org_id", CONFIG_HEADER,				\
	    N_("tenant sent as X-Scope-OrgID with every request")),	\
	TLS_FILES(ROW, sec)

const struct config_key config_schema[] = {
	ROW("ceres", "site", CONFIG_STRING,
	    N_("site name shown in the title bar")),
	ROW("ceres", "interval", CONFIG_DOUBLE,
	    N_("default poll interval in seconds")),
	ROW("ceres", "timeout", CONFIG_DOUBLE,
	    N_("default per-request timeout in seconds")),
	ROW("ceres", "read_only", CONFIG_BOOL,
	    N_("refuse every action (NOC wall screen)")),
	ROW("ceres", "audit_log", CONFIG_PATH,
	    N_("file the audit log is appended to")),
	ROW("ceres", "theme", CONFIG_STRING,
	    N_("colour theme name")),
	ROW("ceres", "state_dir", CONFIG_PATH,
	    N_("directory for state kept between runs")),
	ROW("ceres", "bell", CONFIG_STRING,
	    N_("critical: ring the terminal bell once when new critical alerts arrive (default off)")),
	ROW("ceres", "health_backoff_max", CONFIG_DOUBLE,
	    N_("longest wait in seconds between retries of a failing health check (default 30)")),

	ROW("prometheus", "url", CONFIG_URL,
	    N_("Prometheus base URL")),
	POLLING("prometheus"),
	ROW("prometheus", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	REACH("prometheus"),

	ROW("alertmanager", "url", CONFIG_URL,
	    N_("Alertmanager base URLs; HA peers separated by spaces")),
	POLLING("alertmanager"),
	ROW("alertmanager", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	ROW("alertmanager", "user", CONFIG_STRING,
	    N_("HTTP basic auth user")),
	ROW("alertmanager", "password", CONFIG_SECRET,
	    N_("HTTP basic auth password")),
	ROW("alertmanager", "filter", CONFIG_MATCHERS,
	    N_("label matchers selecting this site's alerts on a shared Alertmanager, e.g. site=\"berlin\"; silences created here get them too")),
	REACH("alertmanager"),
	ROW("alertmanager", "max_answer_mb", CONFIG_INT,
	    N_("largest alerts answer read, in MiB (default 32, at most 4096)")),

	ROW("loki", "url", CONFIG_URL,
	    N_("Loki base URL")),
	ROW("loki", "query", CONFIG_STRING,
	    N_("LogQL query tailed by the logs pane")),
	ROW("loki", "limit", CONFIG_INT,
	    N_("number of lines asked for per query")),
	POLLING("loki"),
	ROW("loki", "buffer_lines", CONFIG_INT,
	    N_("size of the log ring buffer in lines")),
	ROW("loki", "token", CONFIG_SECRET,
	    N_("bearer token")),
	ROW("loki", "user", CONFIG_STRING,
	    N_("HTTP basic auth user")),
	ROW("loki", "password", CONFIG_SECRET,
	    N_("HTTP basic auth password")),
	ROW("loki", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	REACH("loki"),
	ROW("loki", "levels_error", CONFIG_REGEX,
	    N_("PCRE2 pattern that marks a log line as error level")),
	ROW("loki", "levels_warn", CONFIG_REGEX,
	    N_("PCRE2 pattern that marks a log line as warning level")),
	ROW("loki", "levels_info", CONFIG_REGEX,
	    N_("PCRE2 pattern that marks a log line as info level")),
	ROW("loki", "levels_debug", CONFIG_REGEX,
	    N_("PCRE2 pattern that marks a log line as debug level")),
	ROW("loki", "since", CONFIG_STRING,
	    N_("history shown on start and by --once, e.g. 1h (default 1h)")),
	ROW("loki", "delay", CONFIG_STRING,
	    N_("seconds (0-300) the tail stays behind now, so that lines reaching Loki late are not missed (default 2)")),

	ROW("gitea", "url", CONFIG_URL,
	    N_("Gitea base URL")),
	ROW("gitea", "token", CONFIG_SECRET,
	    N_("API token")),
	ROW("gitea", "repos", CONFIG_LIST,
	    N_("owner/name repositories shown in the activity pane")),
	ROW("gitea", "feeds_user", CONFIG_STRING,
	    N_("user whose activity feed is followed")),
	ROW("gitea", "limit", CONFIG_INT,
	    N_("events asked for per page (Gitea caps it at 50 by default)")),
	ROW("gitea", "pages", CONFIG_INT,
	    N_("pages read per repository and poll at most (default 3)")),
	POLLING("gitea"),
	ROW("gitea", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	TLS_FILES(ROW, "gitea"),

	ROW("redmine", "url", CONFIG_URL,
	    N_("Redmine base URL")),
	ROW("redmine", "api_key", CONFIG_SECRET,
	    N_("REST API key")),
	ROW("redmine", "project", CONFIG_STRING,
	    N_("project identifier (default: every project)")),
	ROW("redmine", "limit", CONFIG_INT,
	    N_("number of issues asked for per poll")),
	ROW("redmine", "details", CONFIG_INT,
	    N_("changed issues whose journals are read per poll at most (default 10)")),
	POLLING("redmine"),
	ROW("redmine", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	TLS_FILES(ROW, "redmine"),

	ROW("postgres", "conninfo", CONFIG_STRING,
	    N_("libpq connection string; prefer ~/.pgpass to a password here")),
	POLLING("postgres"),
	ROW("postgres", "patroni_url", CONFIG_URL,
	    N_("Patroni REST API of any cluster member; readiness reads /cluster and /history")),
	ROW("postgres", "patroni_max_lag", CONFIG_INT,
	    N_("largest replica lag in bytes the Patroni check accepts (default 1048576)")),
	ROW("postgres", "patroni_insecure", CONFIG_BOOL,
	    N_("do not verify the Patroni REST API's TLS certificate")),

	ROW("redis", "address", CONFIG_STRING,
	    N_("host:port of the Redis server")),
	ROW("redis", "password", CONFIG_SECRET,
	    N_("AUTH password")),
	ROW("redis", "sentinel", CONFIG_STRING,
	    N_("host:port of a Redis Sentinel; readiness asks it for masters, quorum and replicas")),
	ROW("redis", "sentinel_password", CONFIG_SECRET,
	    N_("AUTH password of the Sentinel")),
	ROW("redis", "sentinel_master", CONFIG_STRING,
	    N_("master name the Sentinel check requires (default: every master it monitors)")),
	POLLING("redis"),

	ROW("keycloak", "url", CONFIG_URL,
	    N_("Keycloak base URL")),
	ROW("keycloak", "health_url", CONFIG_URL,
	    N_("management URL serving /health (default: port 9000)")),
	ROW("keycloak", "realm", CONFIG_STRING,
	    N_("realm checked by readiness")),
	ROW("keycloak", "admin_token", CONFIG_SECRET,
	    N_("admin API token; lets readiness read the MFA policy")),
	ROW("keycloak", "admin_client_id", CONFIG_STRING,
	    N_("service-account client of the realm; readiness gets an admin token with it each poll")),
	ROW("keycloak", "admin_client_secret", CONFIG_SECRET,
	    N_("secret of admin_client_id")),
	POLLING("keycloak"),
	ROW("keycloak", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	TLS_FILES(ROW, "keycloak"),

	ROW("caddy", "admin_url", CONFIG_URL,
	    N_("Caddy admin API URL")),
	POLLING("caddy"),
	TLS_FILES(ROW, "caddy"),

	ROW("uptime_kuma", "url", CONFIG_URL,
	    N_("Uptime Kuma base URL")),
	ROW("uptime_kuma", "status_page", CONFIG_STRING,
	    N_("slug of the status page whose monitors are shown")),
	POLLING("uptime_kuma"),
	TLS_FILES(ROW, "uptime_kuma"),

	ROW("tempo", "url", CONFIG_URL,
	    N_("Tempo base URL")),
	POLLING("tempo"),
	TLS_FILES(ROW, "tempo"),

	POLLING("readiness"),
	ROW("readiness", "dr_runbook", CONFIG_PATH,
	    N_("disaster-recovery runbook file readiness looks for")),

	ROW("audit", "conninfo", CONFIG_STRING,
	    N_("libpq connection string of the central audit database")),
	ROW("audit", "spool", CONFIG_PATH,
	    N_("file audit rows wait in while the database is unreachable")),

	NAMED("service", "kind", CONFIG_STRING,
	    N_("built-in kind (grafana, gitea, ...) or http")),
	NAMED("service", "url", CONFIG_URL,
	    N_("URL probed")),
	NAMED("service", "expect", CONFIG_INT,
	    N_("HTTP status code that means up (http kind)")),
	NAMED("service", "match", CONFIG_REGEX,
	    N_("PCRE2 pattern the body must match (http kind)")),
	NAMED("service", "interval", CONFIG_DOUBLE,
	    N_("poll interval in seconds")),
	NAMED("service", "timeout", CONFIG_DOUBLE,
	    N_("request timeout in seconds")),
	NAMED("service", "insecure", CONFIG_BOOL,
	    N_("do not verify the TLS certificate")),
	TLS_FILES(NAMED, "service"),
	NAMED("service", "token", CONFIG_SECRET,
	    N_("bearer token sent with the probe")),
	NAMED("service", "header", CONFIG_STRING,
	    N_("extra request header, \"Name: value\"")),
	NAMED("service", "repos", CONFIG_LIST,
	    N_("Gitea repositories of this service, for the incident view's changes")),
	NAMED("service", "projects", CONFIG_LIST,
	    N_("Redmine projects of this service, for the incident view's changes")),

	NAMED("webhook", "kind", CONFIG_STRING,
	    N_("mattermost, zulip, slack or generic")),
	NAMED("webhook", "url", CONFIG_SECRET,
	    N_("incoming webhook URL (a secret: it embeds the key)")),
	NAMED("webhook", "channel", CONFIG_STRING,
	    N_("channel or stream the test message goes to")),
	NAMED("webhook", "username", CONFIG_STRING,
	    N_("name the test message is posted as")),
	NAMED("webhook", "timeout", CONFIG_DOUBLE,
	    N_("seconds to wait for the receiver's answer (default 10)")),

	ROW("backup", "command", CONFIG_STRING,
	    N_("command run by the b key")),
	ROW("backup", "timeout", CONFIG_DOUBLE,
	    N_("seconds before the backup command is killed")),
	ROW("backup", "state_file", CONFIG_PATH,
	    N_("file recording the last backup run")),
	ROW("backup", "retention_days", CONFIG_INT,
	    N_("days backups are kept, shown by readiness")),
	ROW("backup", "restore_state_file", CONFIG_PATH,
	    N_("file recording the last restore test, written by the backup tooling")),

	ROW("incident", "log_selector", CONFIG_STRING,
	    N_("LogQL selector of an alert's logs, $label replaced by the escaped value")),
	ROW("incident", "labels", CONFIG_LIST,
	    N_("alert labels the default log selector is made of")),
	ROW("incident", "before", CONFIG_STRING,
	    N_("logs shown from this long before the alert started (default 15m)")),
	ROW("incident", "changes", CONFIG_STRING,
	    N_("changes shown from this long before the alert started (default 2h)")),
	ROW("incident", "report_dir", CONFIG_PATH,
	    N_("directory incident reports are written to (default: state dir incidents/)")),
	ROW("incident", "redmine_project", CONFIG_STRING,
	    N_("Redmine project incident issues are created in")),
	ROW("incident", "redmine_tracker", CONFIG_INT,
	    N_("Redmine tracker id of incident issues")),
	ROW("incident", "redmine_priority", CONFIG_INT,
	    N_("Redmine priority id of incident issues")),
	NAMED("incident_alert", "log_selector", CONFIG_STRING,
	    N_("LogQL selector for the alerts of this alertname")),
	NAMED("incident_label", "log_selector", CONFIG_STRING,
	    N_("LogQL selector for the alerts that carry this label")),

	{ NULL, NULL, CONFIG_STRING, false, NULL }
};

int
config_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* ~ and ~user at the start of a path.  NULL if there is no such home. */
char *
config_expand_path(const char *path)
{
	const char	*slash, *home = NULL;
	struct passwd	*pw;

	if (path[0] != '~')
		return xstrdup(path);
	slash = strchr(path, '/');
	if (slash == NULL)
		slash = path + strlen(path);
	if (slash == path + 1) {
		home = getenv("HOME");
		if ((home == NULL || *home == '\0') && (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
	} else {
		char	*user = xstrndup(path + 1, (size_t)(slash - path - 1));

		if ((pw = getpwnam(user)) != NULL)
			home = pw->pw_dir;
		free(user);
	}
	if (home == NULL || *home == '\0')
		return NULL;
	return xasprintf("%s%s", home, slash);
}

/* The secret part of a URL's user info: after the ':' of user:password@,
 * or all of it when there is no ':' (https://TOKEN@host). */
static bool
url_password_span(const char *u, size_t n, size_t *from, size_t *to)
{
	const char	*sep = memmem(u, n, "://", 3);
	size_t		 a, at = SIZE_MAX, colon = SIZE_MAX;

	if (sep == NULL)
		return false;
	for (a = (size_t)(sep - u) + 3; a < n && strchr("/?#", u[a]) == NULL; a++) {
		if (u[a] == '@')
			at = a;
	}
	if (at == SIZE_MAX)
		return false;
	for (a = (size_t)(sep - u) + 3; a < at; a++) {
		if (u[a] == ':') {
			colon = a;
			break;
		}
	}
	*from = colon != SIZE_MAX ? colon + 1 : (size_t)(sep - u) + 3;
	*to = at;
	return true;
}

/* Copy a space-separated URL list with the password of every user:pass@
 * replaced.  *had says whether there was one. */
static char *
url_redact_passwords(const char *v, bool *had)
{
	struct strbuf	 sb;
	const char	*p = v;

	*had = false;
	strbuf_init(&sb);
	while (*p != '\0') {
		size_t	n = strcspn(p, " \t"), from, to;

		if (url_password_span(p, n, &from, &to)) {
			*had = true;
			strbuf_add(&sb, p, from);
			strbuf_adds(&sb, REDACTED);
			strbuf_add(&sb, p + to, n - to);
		} else
			strbuf_add(&sb, p, n);
		p += n;
		n = strspn(p, " \t");
		strbuf_add(&sb, p, n);
		p += n;
	}
	return strbuf_detach(&sb);
}

/* A libpq conninfo with password=... (keyword or URI form) redacted.  If
 * the string cannot be parsed but mentions a password, all of it is. */
static char *
conninfo_redact(const char *v, bool *had)
{
	struct strbuf	 sb;
	const char	*p = v;

	*had = false;
	if (strncasecmp(v, "postgresql://", 13) == 0 || strncasecmp(v, "postgres://", 11) == 0) {
		char	*u = url_redact_passwords(v, had);
		char	*q = strchr(u, '?');

		if (q == NULL)
			return u;
		strbuf_init(&sb);
		strbuf_add(&sb, u, (size_t)(q - u));
		for (p = q; *p != '\0';) {
			size_t	n = strcspn(p + 1, "&") + 1;

			if (strncasecmp(p + 1, "password=", 9) == 0) {
				*had = true;
				strbuf_add(&sb, p, 10);
				strbuf_adds(&sb, REDACTED);
			} else
				strbuf_add(&sb, p, n);
			p += n;
		}
		free(u);
		return strbuf_detach(&sb);
	}
	strbuf_init(&sb);
	for (;;) {
		const char	*ks, *ke;

		ks = p + strspn(p, " \t\n");
		strbuf_add(&sb, p, (size_t)(ks - p));
		if (*ks == '\0')
			break;
		ke = ks + strcspn(ks, "= \t\n");
		p = ke + strspn(ke, " \t\n");
		if (*p != '=' || ke == ks)
			goto unparsable;
		p += 1 + strspn(p + 1, " \t\n");
		if (*p == '\'') {
			for (p++; *p != '\'' && *p != '\0'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
			if (*p++ != '\'')
				goto unparsable;
		} else {
			for (; *p != '\0' && !isspace((unsigned char)*p); p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
		}
		if (ke - ks == 8 && strncasecmp(ks, "password", 8) == 0) {
			*had = true;
			strbuf_adds(&sb, "password=" REDACTED);
		} else
			strbuf_add(&sb, ks, (size_t)(p - ks));
	}
	return strbuf_detach(&sb);

unparsable:
	strbuf_free(&sb);
	if (strcasestr(v, "password") != NULL) {
		*had = true;
		return xstrdup(REDACTED);
	}
	return xstrdup(v);
}

static bool
url_ok(const char *u, size_t n)
{
	if (n > 7 && strncasecmp(u, "http://", 7) == 0)
		return true;
	return n > 8 && strncasecmp(u, "https://", 8) == 0;
}

/* Each space-separated item is an http(s) URL.  *bad is the first that is
 * not (or NULL for an empty list). */
static bool
url_list_ok(const char *v, const char **bad, size_t *badlen)
{
	bool	any = false;

	for (const char *p = v + strspn(v, " \t"); *p != '\0'; p += strspn(p, " \t")) {
		size_t	n = strcspn(p, " \t");

		if (!url_ok(p, n)) {
			*bad = p;
			*badlen = n;
			return false;
		}
		any = true;
		p += n;
	}
	*bad = NULL;
	*badlen = 0;
	return any;
}

/* A copy of a value that is safe to show. */
char *
config_redact(const struct config_key *k, const char *v, bool *had)
{
	bool	dummy;

	if (had == NULL)
		had = &dummy;
	*had = false;
	if (k == NULL)
		return xstrdup(v);
	if (k->type == CONFIG_SECRET) {
		*had = true;
		return xstrdup(REDACTED);
	}
	if (k->type == CONFIG_URL)
		return url_redact_passwords(v, had);
	if (strcmp(k->key, "conninfo") == 0)
		return conninfo_redact(v, had);
	return xstrdup(v);
}

const struct config_key *
config_schema_section(const char *section)
{
	for (const struct config_key *k = config_schema; k->section != NULL; k++) {
		if (strcmp(k->section, section) == 0)
			return k;
	}
	return NULL;
}

const struct config_key *
config_schema_find(const char *section, const char *key)
{
	for (const struct config_key *k = config_schema; k->section != NULL; k++) {
		if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0)
			return k;
	}
	return NULL;
}

/* A file the console reads at run time (a CA bundle, a client
 * certificate): ~ expanded, and it must be there and readable now, so
 * that --check-config finds a typo before the first TLS handshake does. */
static char *
check_file(const char *key, const char *v, char **cause)
{
	struct stat	 st;
	char		*x;

	if (*v == '\0') {
		*cause = xasprintf(_("%s is empty"), key);
		return NULL;
	}
	if ((x = config_expand_path(v)) == NULL) {
		*cause = xasprintf(_("%s: cannot expand %s"), key, v);
		return NULL;
	}
	errno = 0;
	if (access(x, R_OK) != 0 || stat(x, &st) != 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf(_("%s: cannot read %s: %s"), key, x,
		    errno != 0 ? strerror(errno) : _("not a regular file"));
		free(x);
		return NULL;
	}
	return x;
}

/* Check a value against its key's type.  Returns the value to store (a
 * path with ~ expanded) or NULL and a message in *cause. */
char *
config_check_value(const struct config_key *k, const char *v, char **cause)
{
	const char	*bad, *key = k->key;
	size_t		 badlen, off;
	long		 l;
	double		 d;
	bool		 b;
	char		*x;
	int		 error;
	pcre2_code	*re;
	PCRE2_UCHAR	 msg[256];
	struct matcher_list ml;

	*cause = NULL;
	switch (k->type) {
	case CONFIG_STRING:
	case CONFIG_LIST:
		break;
	case CONFIG_SECRET:
		if (*v == '\0')
			*cause = xasprintf(_("%s is empty"), key);
		else if (strcmp(key, "url") == 0 && !url_list_ok(v, &bad, &badlen))
			*cause = xasprintf(_("%s is not an http:// or https:// URL"), key);
		break;
	case CONFIG_INT:
		if (parse_long(v, LONG_MIN, LONG_MAX, &l) != 0)
			*cause = xasprintf(_("%s: '%s' is not a whole number"), key, v);
		else if (strcmp(key, "expect") == 0 && (l < 100 || l > 599))
			*cause = xasprintf(_("%s: %ld is not an HTTP status code (100-599)"), key, l);
		else if (l < 0 || l > INT_MAX)
			*cause = xasprintf(_("%s: %ld is out of range (0-%d)"), key, l, INT_MAX);
		break;
	case CONFIG_DOUBLE:
		if (parse_double(v, &d) != 0 || !isfinite(d))
			*cause = xasprintf(_("%s: '%s' is not a number"), key, v);
		else if (d <= 0)
			*cause = xasprintf(_("%s must be greater than 0"), key);
		break;
	case CONFIG_BOOL:
		if (config_parse_bool(v, &b) != 0)
			*cause = xasprintf(_("%s: '%s' is not a boolean (use true or false)"), key, v);
		break;
	case CONFIG_URL:
		if (url_list_ok(v, &bad, &badlen))
			break;
		if (bad == NULL)
			*cause = xasprintf(_("%s is empty"), key);
		else {
			*cause = xasprintf(_("%s: '%.*s' is not an http:// or https:// URL"),
			    key, (int)badlen, bad);
		}
		break;
	case CONFIG_PATH:
		if (*v == '\0')
			*cause = xasprintf(_("%s is empty"), key);
		else if ((x = config_expand_path(v)) == NULL)
			*cause = xasprintf(_("%s: cannot expand %s"), key, v);
		else
			return x;
		break;
	case CONFIG_FILE:
		return check_file(key, v, cause);
	case CONFIG_MATCHERS:
		if (matcher_list_parse(v, &ml, &x) != 0) {
			*cause = xasprintf("%s: %s", key, x);
			free(x);
		}
		matcher_list_free(&ml);
		break;
	case CONFIG_HEADER:
		for (const char *c = v; *c != '\0'; c++) {
			/* HTTP allows a tab in a field value, nothing else. */
			if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f) {
				*cause = xasprintf(_("%s must not contain control characters"), key);
				break;
			}
		}
		break;
	case CONFIG_REGEX:
		re = pcre2_compile((PCRE2_SPTR)v, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
		    &error, &off, NULL);
		if (re == NULL) {
			if (pcre2_get_error_message(error, msg, sizeof msg) < 0)
				snprintf((char *)msg, sizeof msg, "error %d", error);
			*cause = xasprintf(_("%s: invalid regular expression at offset %zu: %s"),
			    key, off, (const char *)msg);
		}
		pcre2_code_free(re);
		break;
	}
	return *cause != NULL ? NULL : xstrdup(v);
}

