/* Unit tests of the config module: the git-config syntax, the schema and
 * type checks, secrets from *_file and *_env, the file mode rule, [site]
 * overrides, the search order of config_load and the redacted dump.  Every
 * error message is asserted whole, file:line included. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceres/core/config.h"
#include "ceres/util/util.h"

static char	*tmpdir;

/* ---- helpers ------------------------------------------------------- */

static char *
tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
write_file_len(const char *path, const char *text, size_t len, mode_t mode)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	write_file_len(path, text, strlen(text), mode);
}

static struct config *
parse_site(const char *text, const char *site)
{
	char		*cause = NULL;
	struct config	*c = config_parse("t.conf", text, strlen(text), site, &cause);

	if (c == NULL)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
	return c;
}

static struct config *
parse(const char *text)
{
	return parse_site(text, NULL);
}

static void
expect_error_len(const char *text, size_t len, const char *site, const char *want)
{
	char		*cause = NULL;
	struct config	*c = config_parse("t.conf", text, len, site, &cause);

	assert_null(c);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
expect_error(const char *text, const char *site, const char *want)
{
	expect_error_len(text, strlen(text), site, want);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Every test starts from a private HOME and XDG_CONFIG_HOME and no
 * CERES_TOP_CONFIG, so config_load never finds the user's real config. */
static int
setup(void **state)
{
	char	*home, *xdg;

	(void)state;
	tmpdir = xstrdup("/tmp/test_config.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	home = tpath("home");
	xdg = tpath("xdg");
	if (mkdir(home, 0700) != 0 || mkdir(xdg, 0700) != 0)
		return -1;
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	unsetenv("CERES_TOP_CONFIG");
	free(home);
	free(xdg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

static const struct config_entry *
find_entry(const struct config *c, const char *section, const char *name, const char *key)
{
	for (size_t i = 0; i < c->nentries; i++) {
		const struct config_entry *e = &c->entries[i];

		if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0 &&
		    ((name == NULL && e->name == NULL) ||
		    (name != NULL && e->name != NULL && strcmp(e->name, name) == 0)))
			return e;
	}
	return NULL;
}

/* ---- syntax -------------------------------------------------------- */

static const char design_example[] =
	"[ceres]\n"
	"site = prod                 ; name shown in the title bar\n"
	"interval = 5                ; default poll interval, seconds\n"
	"timeout = 3                 ; per-request timeout, seconds\n"
	"read_only = false\n"
	"audit_log = ~/.local/state/ceres-top/audit.log\n"
	"\n"
	"[prometheus]\n"
	"url = http://127.0.0.1:9090\n"
	"\n"
	"[alertmanager]\n"
	"url = http://127.0.0.1:9093 http://127.0.0.1:9094   ; HA peers: first healthy answers,\n"
	"                                                    ; alerts de-duplicated by fingerprint\n"
	"[loki]\n"
	"url = http://127.0.0.1:3100\n"
	"query = {job=~\".+\"}\n"
	"limit = 500\n"
	"\n"
	"[gitea]\n"
	"url = http://127.0.0.1:3001\n"
	"token_env = TEST_CFG_GITEA\n"
	"repos = ceres/infra ceres/app\n"
	"\n"
	"[redmine]\n"
	"url = http://127.0.0.1:3002\n"
	"api_key_env = TEST_CFG_REDMINE\n"
	"\n"
	"[postgres]\n"
	"conninfo = host=127.0.0.1 port=5432 dbname=postgres user=ceres_monitor\n"
	"\n"
	"[redis]\n"
	"address = 127.0.0.1:6379       ; PING + INFO replication over a plain socket\n"
	"\n"
	"[keycloak]\n"
	"url = https://sso.ceres.example\n"
	"realm = ceres\n"
	"\n"
	"[caddy]\n"
	"admin_url = http://127.0.0.1:2019\n"
	"\n"
	"[uptime_kuma]\n"
	"url = http://127.0.0.1:3004\n"
	"status_page = ceres\n"
	"\n"
	"[tempo]\n"
	"url = http://127.0.0.1:3200\n"
	"\n"
	"[audit]\n"
	"conninfo = host=127.0.0.1 dbname=ceres_audit user=ceres_top   ; optional central audit\n"
	"\n"
	"[service \"grafana\"]            ; any number of services\n"
	"kind = grafana\n"
	"url = http://127.0.0.1:3000\n"
	"; plain HTTP checks: expect = 200 (status code), optional match = <PCRE2> on the body\n"
	"\n"
	"[webhook \"mattermost-ops\"]     ; notification routes, tested with the `w` key\n"
	"kind = mattermost              ; mattermost | zulip | slack | generic\n"
	"url_env = TEST_CFG_HOOK\n"
	"\n"
	"[backup]\n"
	"command = /usr/local/sbin/ceres-backup   ; run by the `b` key, output streamed\n"
	"\n"
	"[site \"staging\"]               ; overrides: any key as section.key\n"
	"alertmanager.url = http://10.0.1.5:9093\n";

static void
test_design_example(void **state)
{
	struct config	*c;
	char		*audit;

	(void)state;
	setenv("TEST_CFG_GITEA", "gitea-token", 1);
	setenv("TEST_CFG_REDMINE", "redmine-key", 1);
	setenv("TEST_CFG_HOOK", "https://mm.example/hooks/xyz", 1);
	c = parse(design_example);
	assert_string_equal(c->path, "t.conf");
	assert_false(c->defaults);
	assert_string_equal(c->site, "prod");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "prod");
	assert_int_equal(config_get_int(c, "loki", NULL, "limit", 0), 500);
	assert_true(config_get_double(c, "ceres", NULL, "interval", 0) == 5.0);
	assert_false(config_get_bool(c, "ceres", NULL, "read_only", true));
	assert_string_equal(config_get(c, "alertmanager", NULL, "url"),
	    "http://127.0.0.1:9093 http://127.0.0.1:9094");
	assert_string_equal(config_get(c, "loki", NULL, "query"), "{job=~\".+\"}");
	assert_string_equal(config_get(c, "gitea", NULL, "token"), "gitea-token");
	assert_string_equal(config_get(c, "redmine", NULL, "api_key"), "redmine-key");
	assert_string_equal(config_get(c, "webhook", "mattermost-ops", "url"),
	    "https://mm.example/hooks/xyz");
	assert_string_equal(config_get(c, "service", "grafana", "kind"), "grafana");
	assert_string_equal(config_get(c, "backup", NULL, "command"),
	    "/usr/local/sbin/ceres-backup");
	audit = xasprintf("%s/.local/state/ceres-top/audit.log", getenv("HOME"));
	assert_string_equal(config_get(c, "ceres", NULL, "audit_log"), audit);
	free(audit);
	/* [site "staging"] is not applied without --site. */
	assert_string_equal(config_get(c, "alertmanager", NULL, "url"),
	    "http://127.0.0.1:9093 http://127.0.0.1:9094");
	config_free(c);
	unsetenv("TEST_CFG_GITEA");
	unsetenv("TEST_CFG_REDMINE");
	unsetenv("TEST_CFG_HOOK");
}

/* -c /dev/null is an empty config: no keys, not the built-in layout. */
static void
test_dev_null(void **state)
{
	struct config *c;
	char *cause = NULL;

	(void)state;
	c = config_load("/dev/null", NULL, &cause);
	assert_non_null(c);
	assert_null(cause);
	assert_false(c->defaults);
	assert_int_equal(c->nentries, 0);
	assert_null(config_get(c, "prometheus", NULL, "url"));
	config_free(c);
	/* A character device other than /dev/null is still refused. */
	c = config_load("/dev/zero", NULL, &cause);
	assert_null(c);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
}

static void
test_case_rules(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[CeReS]\nSITE = Prod\n[Service \"Web\"]\nKIND = http\n"
	    "[service \"web\"]\nkind = grafana\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "Prod");
	assert_string_equal(config_get(c, "CERES", NULL, "Site"), "Prod");
	assert_non_null(find_entry(c, "ceres", NULL, "site"));
	assert_string_equal(config_get(c, "service", "Web", "kind"), "http");
	assert_string_equal(config_get(c, "service", "web", "kind"), "grafana");
	assert_null(config_get(c, "service", "WEB", "kind"));
	config_free(c);
}

static void
test_comments(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("; comment\n# comment\n   ; indented comment\n[ceres] ; after header\n"
	    "site = a ; trailing\ntheme = b # trailing\n[prometheus]\n"
	    "url = http://h/#frag\n[loki]\nquery = a;b#c\norg_id = x\t; after tab\n"
	    "user = ;only a comment\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "a");
	assert_string_equal(config_get(c, "ceres", NULL, "theme"), "b");
	assert_string_equal(config_get(c, "prometheus", NULL, "url"), "http://h/#frag");
	assert_string_equal(config_get(c, "loki", NULL, "query"), "a;b#c");
	assert_string_equal(config_get(c, "loki", NULL, "org_id"), "x");
	assert_string_equal(config_get(c, "loki", NULL, "user"), "");
	config_free(c);
}

static void
test_quoted_values(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\nsite = \"  spaced ; not a comment  \" ; comment\n"
	    "theme = \"a\\\"b\\\\c\\td\\ne\\x\"\n"
	    "[loki]\nquery = {app=\"a b ; c\"} |= \"x\" ; comment\n"
	    "org_id = \"a\" b\n"
	    "user = \"\"\n"
	    "[service \"s\"]\nmatch = \"status\":\\s*\"ok\"\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "  spaced ; not a comment  ");
	assert_string_equal(config_get(c, "ceres", NULL, "theme"), "a\"b\\c\td\ne\\x");
	assert_string_equal(config_get(c, "loki", NULL, "query"), "{app=\"a b ; c\"} |= \"x\"");
	assert_string_equal(config_get(c, "loki", NULL, "org_id"), "\"a\" b");
	assert_string_equal(config_get(c, "loki", NULL, "user"), "");
	assert_string_equal(config_get(c, "service", "s", "match"), "\"status\":\\s*\"ok\"");
	config_free(c);
}

static void
test_section_name_escapes(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ service   \"a \\\"quoted\\\" \\\\ name\" ]\nkind = http\n");
	assert_string_equal(config_get(c, "service", "a \"quoted\" \\ name", "kind"), "http");
	config_free(c);
}

static void
test_whitespace_trimmed(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("  [ceres]  \n\t site\t=\t prod \t\n   \n\t\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "prod");
	config_free(c);
}

static void
test_empty_string_value(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[service \"s\"]\nkind =\nheader=\n");
	assert_string_equal(config_get(c, "service", "s", "kind"), "");
	assert_string_equal(config_get(c, "service", "s", "header"), "");
	config_free(c);
}

static void
test_continuation(void **state)
{
	struct config			*c;
	const struct config_entry	*e;

	(void)state;
	c = parse("[alertmanager]\nurl = http://a:9093 \\\n    http://b:9093\n"
	    "[ceres]\nsite = \"pr\\\nod\"\ntheme = dark\n");
	assert_string_equal(config_get(c, "alertmanager", NULL, "url"),
	    "http://a:9093     http://b:9093");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "prod");
	e = find_entry(c, "ceres", NULL, "theme");
	assert_non_null(e);
	assert_int_equal(e->line, 7);
	assert_int_equal(find_entry(c, "ceres", NULL, "site")->line, 5);
	config_free(c);
}

static void
test_continuation_keeps_line_numbers(void **state)
{
	(void)state;
	expect_error("[ceres]\nsite = a \\\n  b\ninterval = x\n", NULL,
	    "t.conf:4: interval: 'x' is not a number");
}

static void
test_comment_ending_in_backslash(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\n; C:\\\nsite = a ; see C:\\\ntheme = b\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "a");
	assert_string_equal(config_get(c, "ceres", NULL, "theme"), "b");
	config_free(c);
}

static void
test_crlf_and_bom(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("\xef\xbb\xbf[ceres]\r\nsite = prod\r\n\r\ntheme = \"x\"\r\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "prod");
	assert_string_equal(config_get(c, "ceres", NULL, "theme"), "x");
	config_free(c);
	expect_error("[ceres]\r\nsite = a\r\ninterval = 0\r\n", NULL,
	    "t.conf:3: interval must be greater than 0");
}

static void
test_duplicate_key_later_wins(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\nsite = a\ntheme = t\nsite = b\n[ceres]\nSite = c\n");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "c");
	assert_int_equal(c->nentries, 2);
	assert_int_equal(find_entry(c, "ceres", NULL, "site")->line, 6);
	config_free(c);
}

static void
test_empty_input(void **state)
{
	struct config	*c;
	char		*cause = NULL;

	(void)state;
	c = parse("");
	assert_int_equal(c->nentries, 0);
	assert_null(c->site);
	config_free(c);
	c = parse("; nothing but comments\n\n# and blank lines");
	assert_int_equal(c->nentries, 0);
	config_free(c);
	c = config_parse(NULL, NULL, 0, NULL, &cause);
	assert_non_null(c);
	assert_int_equal(c->nentries, 0);
	config_free(c);
}

static void
test_no_newline_at_end(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\nsite = prod");
	assert_string_equal(config_get(c, "ceres", NULL, "site"), "prod");
	config_free(c);
}

/* ---- types --------------------------------------------------------- */

static void
test_bool_values(void **state)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "TRUE", "Yes" };
	static const char *const no[] = { "false", "no", "off", "0", "False", "OFF" };

	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		char		*t = xasprintf("[ceres]\nread_only = %s\n", yes[i]);
		struct config	*c = parse(t);

		assert_true(config_get_bool(c, "ceres", NULL, "read_only", false));
		config_free(c);
		free(t);
		t = xasprintf("[ceres]\nread_only = %s\n", no[i]);
		c = parse(t);
		assert_false(config_get_bool(c, "ceres", NULL, "read_only", true));
		config_free(c);
		free(t);
	}
}

static void
test_numbers(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\ninterval = 0.5\ntimeout = 2e0\n[loki]\nlimit = 0\n"
	    "buffer_lines = 10000\n[service \"s\"]\nexpect = 204\n[backup]\nretention_days = 30\n");
	assert_true(config_get_double(c, "ceres", NULL, "interval", 0) == 0.5);
	assert_true(config_get_double(c, "ceres", NULL, "timeout", 0) == 2.0);
	assert_int_equal(config_get_int(c, "loki", NULL, "limit", 7), 0);
	assert_int_equal(config_get_int(c, "loki", NULL, "buffer_lines", 7), 10000);
	assert_int_equal(config_get_int(c, "service", "s", "expect", 0), 204);
	assert_int_equal(config_get_int(c, "backup", NULL, "retention_days", 0), 30);
	config_free(c);
}

static void
test_url_lists(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[alertmanager]\nurl = HTTP://a:1   https://b:2/x\n[keycloak]\n"
	    "url = https://sso\nhealth_url = http://sso:9000\n");
	assert_string_equal(config_get(c, "alertmanager", NULL, "url"), "HTTP://a:1   https://b:2/x");
	assert_string_equal(config_get(c, "keycloak", NULL, "health_url"), "http://sso:9000");
	config_free(c);
}

static void
test_path_tilde(void **state)
{
	struct config	*c;
	char		*want;

	(void)state;
	c = parse("[ceres]\nstate_dir = ~\naudit_log = ~/a.log\n[audit]\nspool = /abs/spool\n"
	    "[backup]\nstate_file = rel/file\n");
	assert_string_equal(config_get(c, "ceres", NULL, "state_dir"), getenv("HOME"));
	want = xasprintf("%s/a.log", getenv("HOME"));
	assert_string_equal(config_get(c, "ceres", NULL, "audit_log"), want);
	free(want);
	assert_string_equal(config_get(c, "audit", NULL, "spool"), "/abs/spool");
	assert_string_equal(config_get(c, "backup", NULL, "state_file"), "rel/file");
	config_free(c);
}

static void
test_path_tilde_user(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\nstate_dir = ~root/x\n");
	assert_true(strncmp(config_get(c, "ceres", NULL, "state_dir"), "/", 1) == 0);
	assert_true(strstr(config_get(c, "ceres", NULL, "state_dir"), "/x") != NULL);
	config_free(c);
	expect_error("[ceres]\nstate_dir = ~no-such-user-here/x\n", NULL,
	    "t.conf:2: state_dir: cannot expand ~no-such-user-here/x");
}

static void
test_regex_valid(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[service \"s\"]\nmatch = \"database\":\\s*\"ok\"\n[loki]\n"
	    "levels_error = (?i)\\b(err(or)?|fatal|crit)\\b\nlevels_warn = warn|\xc3\xa9\n");
	assert_string_equal(config_get(c, "loki", NULL, "levels_error"),
	    "(?i)\\b(err(or)?|fatal|crit)\\b");
	config_free(c);
}

static void
test_list_and_string_free_form(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[gitea]\nrepos = ceres/infra   ceres/app\nfeeds_user = ops\n"
	    "[postgres]\nconninfo = host=/run/postgresql dbname=x\n");
	assert_string_equal(config_get(c, "gitea", NULL, "repos"), "ceres/infra   ceres/app");
	config_free(c);
}

static void
test_schema_complete(void **state)
{
	static const char *const keys[][3] = {
		{ "ceres", "site", "" }, { "ceres", "theme", "" }, { "ceres", "state_dir", "" },
		{ "prometheus", "insecure", "" }, { "alertmanager", "password", "s" },
		{ "loki", "org_id", "" }, { "loki", "buffer_lines", "" }, { "loki", "token", "s" },
		{ "loki", "levels_debug", "" }, { "gitea", "feeds_user", "" },
		{ "redmine", "api_key", "s" }, { "redmine", "project", "" },
		{ "postgres", "conninfo", "" }, { "redis", "password", "s" },
		{ "keycloak", "admin_token", "s" }, { "caddy", "admin_url", "" },
		{ "uptime_kuma", "status_page", "" }, { "tempo", "url", "" },
		{ "audit", "spool", "" }, { "service", "header", "" }, { "service", "token", "s" },
		{ "webhook", "url", "s" }, { "webhook", "username", "" },
		{ "backup", "retention_days", "" },
		{ "incident", "log_selector", "" }, { "incident", "report_dir", "" },
		{ "incident_alert", "log_selector", "" }, { "incident_label", "log_selector", "" },
		{ "service", "repos", "" }, { "service", "projects", "" },
	};
	size_t	n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const struct config_key *k = config_schema_find(keys[i][0], keys[i][1]);

		assert_non_null(k);
		assert_int_equal(k->type == CONFIG_SECRET, keys[i][2][0] == 's');
	}
	for (const struct config_key *k = config_schema; k->section != NULL; k++, n++) {
		assert_non_null(k->key);
		assert_non_null(k->help);
		assert_true(strlen(k->help) > 0);
		assert_int_equal(k->named, strcmp(k->section, "service") == 0 ||
		    strcmp(k->section, "webhook") == 0 || strcmp(k->section, "incident_alert") == 0 ||
		    strcmp(k->section, "incident_label") == 0);
	}
	assert_true(n > 80);
	assert_null(config_schema_find("service", "nope"));
	assert_null(config_schema_section("site"));
	assert_true(config_schema_section("webhook")->named);
}

/* ---- look-ups ------------------------------------------------------ */

static void
test_get_defaults(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[ceres]\nsite = x\n[loki]\n");
	assert_null(config_get(c, "loki", NULL, "url"));
	assert_null(config_get(c, "nosuch", NULL, "url"));
	assert_null(config_get(c, "ceres", "named", "site"));
	assert_string_equal(config_get_default(c, "loki", NULL, "url", "http://d"), "http://d");
	assert_string_equal(config_get_default(c, "ceres", NULL, "site", "d"), "x");
	assert_int_equal(config_get_int(c, "loki", NULL, "limit", 42), 42);
	assert_int_equal(config_get_int(c, "ceres", NULL, "site", 42), 42);
	assert_true(config_get_double(c, "ceres", NULL, "interval", 2.5) == 2.5);
	assert_true(config_get_bool(c, "ceres", NULL, "read_only", true));
	assert_false(config_get_bool(c, "ceres", NULL, "site", false));
	config_free(c);
	assert_null(config_get(NULL, "ceres", NULL, "site"));
	assert_int_equal(config_get_int(NULL, "ceres", NULL, "x", 3), 3);
	assert_false(config_has_section(NULL, "ceres", NULL));
	config_free(NULL);
}

static void
test_has_section(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[prometheus]\n[service \"a\"]\n[ceres]\nsite = x\n");
	assert_true(config_has_section(c, "prometheus", NULL));
	assert_true(config_has_section(c, "ceres", NULL));
	assert_false(config_has_section(c, "loki", NULL));
	assert_true(config_has_section(c, "service", "a"));
	assert_false(config_has_section(c, "service", "b"));
	assert_true(config_has_section(c, "service", NULL));
	assert_false(config_has_section(c, "webhook", NULL));
	config_free(c);
}

static void
test_names(void **state)
{
	struct config	*c;
	const char	**names;
	size_t		  n;

	(void)state;
	c = parse("[service \"b\"]\n[webhook \"w\"]\n[service \"a\"]\n[service \"b\"]\nkind = x\n"
	    "[service \"C\"]\n");
	n = config_names(c, "service", &names);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "b");
	assert_string_equal(names[1], "a");
	assert_string_equal(names[2], "C");
	assert_null(names[3]);
	free(names);
	n = config_names(c, "webhook", &names);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "w");
	free(names);
	n = config_names(c, "ceres", &names);
	assert_int_equal(n, 0);
	free(names);
	assert_int_equal(config_names(c, "service", NULL), 3);
	config_free(c);
}

/* ---- secrets ------------------------------------------------------- */

static void
test_secret_inline(void **state)
{
	struct config			*c;
	const struct config_entry	*e;

	(void)state;
	c = parse("[gitea]\ntoken = abc123\n");
	e = find_entry(c, "gitea", NULL, "token");
	assert_non_null(e);
	assert_true(e->secret);
	assert_string_equal(e->secret_origin, "inline");
	assert_string_equal(config_get(c, "gitea", NULL, "token"), "abc123");
	config_free(c);
}

static void
test_secret_file(void **state)
{
	struct config			*c;
	const struct config_entry	*e;
	char				*p = tpath("tok"), *t, *origin;

	(void)state;
	write_file(p, "file-secret\n\n", 0600);
	t = xasprintf("[gitea]\ntoken_file = %s\n", p);
	c = parse(t);
	e = find_entry(c, "gitea", NULL, "token");
	assert_non_null(e);
	assert_true(e->secret);
	assert_string_equal(e->value, "file-secret\n");
	origin = xasprintf("file %s", p);
	assert_string_equal(e->secret_origin, origin);
	assert_null(find_entry(c, "gitea", NULL, "token_file"));
	config_free(c);
	free(origin);
	free(t);

	/* One newline only, CRLF too; a world-readable secret file is fine. */
	write_file(p, "s3\r\n", 0644);
	t = xasprintf("[redis]\npassword_file = \"%s\"\n", p);
	c = parse(t);
	assert_string_equal(config_get(c, "redis", NULL, "password"), "s3");
	config_free(c);
	free(t);
	free(p);
}

static void
test_secret_file_tilde(void **state)
{
	struct config	*c;
	char		*p = xasprintf("%s/tok", getenv("HOME"));

	(void)state;
	write_file(p, "home-secret", 0600);
	c = parse("[loki]\ntoken_file = ~/tok\n");
	assert_string_equal(config_get(c, "loki", NULL, "token"), "home-secret");
	config_free(c);
	free(p);
}

static void
test_secret_env(void **state)
{
	struct config			*c;
	const struct config_entry	*e;

	(void)state;
	setenv("TEST_CFG_SECRET", "env-secret", 1);
	c = parse("[keycloak]\nadmin_token_env = TEST_CFG_SECRET\n");
	e = find_entry(c, "keycloak", NULL, "admin_token");
	assert_non_null(e);
	assert_true(e->secret);
	assert_string_equal(e->value, "env-secret");
	assert_string_equal(e->secret_origin, "env TEST_CFG_SECRET");
	config_free(c);
	unsetenv("TEST_CFG_SECRET");
}

static void
test_secret_later_form_wins(void **state)
{
	struct config	*c;

	(void)state;
	setenv("TEST_CFG_SECRET", "from-env", 1);
	c = parse("[redis]\npassword = inline\npassword_env = TEST_CFG_SECRET\n");
	assert_string_equal(config_get(c, "redis", NULL, "password"), "from-env");
	assert_int_equal(c->nentries, 1);
	config_free(c);
	c = parse("[redis]\npassword_env = TEST_CFG_SECRET\npassword = inline\n");
	assert_string_equal(config_get(c, "redis", NULL, "password"), "inline");
	config_free(c);
	unsetenv("TEST_CFG_SECRET");
}

static void
test_secret_webhook_url_from_file(void **state)
{
	struct config	*c;
	char		*p = tpath("hook"), *t;

	(void)state;
	write_file(p, "https://chat.example/hooks/SECRETKEY\n", 0600);
	t = xasprintf("[webhook \"ops\"]\nkind = slack\nurl_file = %s\n", p);
	c = parse(t);
	assert_string_equal(config_get(c, "webhook", "ops", "url"),
	    "https://chat.example/hooks/SECRETKEY");
	config_free(c);
	free(t);
	free(p);
}

static void
test_err_secret_file_missing(void **state)
{
	char	*p = tpath("missing"), *t, *want;

	(void)state;
	t = xasprintf("[gitea]\nurl = http://g\ntoken_file = %s\n", p);
	want = xasprintf("t.conf:3: cannot read token_file %s: No such file or directory", p);
	expect_error(t, NULL, want);
	free(want);
	free(t);
	free(p);
}

static void
test_err_secret_file_directory(void **state)
{
	char	*t, *want;

	(void)state;
	t = xasprintf("[gitea]\ntoken_file = %s\n", tmpdir);
	want = xasprintf("t.conf:2: cannot read token_file %s: not a regular file", tmpdir);
	expect_error(t, NULL, want);
	free(want);
	free(t);
}

static void
test_err_secret_file_unreadable(void **state)
{
	char	*p = tpath("noread"), *t, *want;

	(void)state;
	if (geteuid() == 0) {
		free(p);
		skip();
	}
	write_file(p, "x", 0000);
	t = xasprintf("[gitea]\ntoken_file = %s\n", p);
	want = xasprintf("t.conf:2: cannot read token_file %s: Permission denied", p);
	expect_error(t, NULL, want);
	free(want);
	free(t);
	free(p);
}

static void
test_err_secret_file_empty(void **state)
{
	char	*p = tpath("empty"), *t, *want;

	(void)state;
	write_file(p, "\n", 0600);
	t = xasprintf("[redmine]\napi_key_file = %s\n", p);
	want = xasprintf("t.conf:2: api_key_file %s is empty", p);
	expect_error(t, NULL, want);
	free(want);
	free(t);
	free(p);
}

static void
test_err_secret_file_nul(void **state)
{
	char	*p = tpath("nul"), *t, *want;

	(void)state;
	write_file_len(p, "ab\0cd\n", 6, 0600);
	t = xasprintf("[redmine]\napi_key_file = %s\n", p);
	want = xasprintf("t.conf:2: api_key_file %s contains a NUL byte", p);
	expect_error(t, NULL, want);
	free(want);
	free(t);
	free(p);
}

static void
test_err_secret_file_too_large(void **state)
{
	char	*p = tpath("big"), *t, *want, *big = xmalloc(70000);

	(void)state;
	memset(big, 'a', 70000);
	write_file_len(p, big, 70000, 0600);
	t = xasprintf("[redmine]\napi_key_file = %s\n", p);
	want = xasprintf("t.conf:2: cannot read api_key_file %s: file too large", p);
	expect_error(t, NULL, want);
	free(big);
	free(want);
	free(t);
	free(p);
}

static void
test_err_secret_env_unset(void **state)
{
	(void)state;
	unsetenv("TEST_CFG_UNSET");
	expect_error("[redis]\naddress = h:1\npassword_env = TEST_CFG_UNSET\n", NULL,
	    "t.conf:3: password_env: environment variable TEST_CFG_UNSET is not set");
}

static void
test_err_secret_env_empty(void **state)
{
	(void)state;
	setenv("TEST_CFG_EMPTY", "", 1);
	expect_error("[redis]\npassword_env = TEST_CFG_EMPTY\n", NULL,
	    "t.conf:2: password_env: environment variable TEST_CFG_EMPTY is empty");
	unsetenv("TEST_CFG_EMPTY");
}

static void
test_err_webhook_url_file_not_url(void **state)
{
	char	*p = tpath("badhook"), *t, *want, *cause = NULL;

	(void)state;
	write_file(p, "SECRET-NOT-A-URL\n", 0600);
	t = xasprintf("[webhook \"w\"]\nurl_file = %s\n", p);
	want = xasprintf("t.conf:2: url from file %s is not an http:// or https:// URL", p);
	assert_null(config_parse("t.conf", t, strlen(t), NULL, &cause));
	assert_string_equal(cause, want);
	assert_null(strstr(cause, "SECRET"));
	free(cause);
	free(want);
	free(t);
	free(p);
}

/* ---- the file mode rule -------------------------------------------- */

static void
expect_load_error(const char *path, const char *site, const char *want)
{
	char		*cause = NULL;
	struct config	*c = config_load(path, site, &cause);

	assert_null(c);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
test_inline_secret_group_readable_refused(void **state)
{
	char	*p = tpath("conf644"), *want;

	(void)state;
	write_file(p, "[gitea]\nurl = http://g\ntoken = inline-secret\n", 0644);
	want = xasprintf("%s: contains an inline secret (token) but is readable by "
	    "group/other; chmod 600 it or use token_file", p);
	expect_load_error(p, NULL, want);
	free(want);
	write_file(p, "[gitea]\ntoken = inline-secret\n", 0620);
	want = xasprintf("%s: contains an inline secret (token) but is readable by "
	    "group/other; chmod 600 it or use token_file", p);
	expect_load_error(p, NULL, want);
	free(want);
	free(p);
}

/* ---- one read for every site (the fleet) ----------------------------- */

/* config_site(base, x) must give what config_load(path, x) gives: the
 * same values (secrets read per site), the same site list, the same
 * errors; and hold only its own site's overrides. */
static void
test_config_site_same_as_load(void **state)
{
	char		*p = tpath("fleetconf"), *tok = tpath("fleettok"), *tokb = tpath("fleettokb");
	char		*t, *cause = NULL, *cause2 = NULL;
	struct config	*base, *a, *b;
	const char	**names = NULL;
	const char	*sites[] = { NULL, "alpha", "beta" };

	(void)state;
	write_file(tok, "base-token\n", 0600);
	write_file(tokb, "beta-token\n", 0600);
	t = xasprintf("[ceres]\ninterval = 5\n[gitea]\nurl = http://g\ntoken_file = %s\n"
	    "[service \"web\"]\nurl = http://w/\n"
	    "[site \"alpha\"]\nceres.interval = 7\nservice.web.url = http://alpha/\n"
	    "[site \"beta\"]\ngitea.token_file = %s\nservice.web.url = http://beta/\n", tok, tokb);
	write_file(p, t, 0600);
	base = config_load_base(p, &cause);
	assert_non_null(base);
	for (size_t i = 0; i < 3; i++) {
		a = config_load(p, sites[i], &cause);
		b = config_site(base, sites[i], &cause);
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(config_get(a, "ceres", NULL, "interval"),
		    config_get(b, "ceres", NULL, "interval"));
		assert_string_equal(config_get(a, "service", "web", "url"),
		    config_get(b, "service", "web", "url"));
		assert_string_equal(config_get(a, "gitea", NULL, "token"),
		    config_get(b, "gitea", NULL, "token"));
		assert_int_equal(config_names(b, "site", &names), 2);
		assert_string_equal(names[0], "alpha");
		assert_string_equal(names[1], "beta");
		free(names);
		if (sites[i] != NULL) {
			assert_string_equal(b->site, sites[i]);
			/* Only its own site's overrides came along. */
			for (size_t j = 0; j < b->nentries; j++)
				if (strcmp(b->entries[j].section, "site") == 0)
					assert_string_equal(b->entries[j].name, sites[i]);
			assert_true(b->nentries < a->nentries);
		} else
			assert_int_equal(b->nentries, a->nentries);
		config_free(a);
		config_free(b);
	}
	b = config_site(base, "beta", &cause);
	assert_string_equal(config_get(b, "gitea", NULL, "token"), "beta-token");
	assert_string_equal(config_get(b, "service", "web", "url"), "http://beta/");
	config_free(b);
	/* The same error as a load with an unknown --site. */
	assert_null(config_load(p, "gamma", &cause));
	assert_null(config_site(base, "gamma", &cause2));
	assert_string_equal(cause, cause2);
	free(cause);
	free(cause2);
	/* A secret file that went missing fails the site that reads it. */
	unlink(tokb);
	assert_null(config_site(base, "beta", &cause));
	assert_non_null(strstr(cause, "cannot read token_file"));
	free(cause);
	b = config_site(base, "alpha", &cause);
	assert_non_null(b);
	config_free(b);
	config_free(base);
	unlink(tok);
	unlink(p);
	free(t);
	free(tok);
	free(tokb);
	free(p);
}

static void
test_inline_secret_mode_600_accepted(void **state)
{
	char		*p = tpath("conf600"), *cause = NULL;
	struct config	*c;

	(void)state;
	write_file(p, "[gitea]\ntoken = inline-secret\n", 0600);
	c = config_load(p, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(c->path, p);
	assert_string_equal(config_get(c, "gitea", NULL, "token"), "inline-secret");
	config_free(c);
	free(p);
}

static void
test_no_inline_secret_mode_644_accepted(void **state)
{
	char		*p = tpath("conf644ok"), *tok = tpath("tok644"), *t, *cause = NULL;
	struct config	*c;

	(void)state;
	write_file(tok, "t\n", 0644);
	t = xasprintf("[gitea]\nurl = http://g\ntoken_file = %s\n", tok);
	write_file(p, t, 0644);
	c = config_load(p, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(config_get(c, "gitea", NULL, "token"), "t");
	config_free(c);
	free(t);
	free(tok);
	free(p);
}

static void
test_inline_secret_in_site_refused(void **state)
{
	char	*p = tpath("confsite"), *want;

	(void)state;
	write_file(p, "[alertmanager]\nurl = http://a\n[site \"s\"]\n"
	    "alertmanager.password = pw\n", 0640);
	want = xasprintf("%s: contains an inline secret (alertmanager.password) but is "
	    "readable by group/other; chmod 600 it or use alertmanager.password_file", p);
	expect_load_error(p, NULL, want);
	free(want);
	free(p);
}

static void
test_conninfo_password_refused(void **state)
{
	char	*p = tpath("confpg"), *want;

	(void)state;
	write_file(p, "[postgres]\nconninfo = host=db user=u password=pgsecret\n", 0644);
	want = xasprintf("%s: contains an inline secret (conninfo) but is readable by "
	    "group/other; chmod 600 it or use a ~/.pgpass file", p);
	expect_load_error(p, NULL, want);
	free(want);
	free(p);
}

static void
test_url_password_refused(void **state)
{
	char	*p = tpath("confurl"), *want;

	(void)state;
	write_file(p, "[prometheus]\nurl = https://admin:pw@prom\n", 0604);
	want = xasprintf("%s: contains an inline secret (url) but is readable by "
	    "group/other; chmod 600 it or take the password out of the URL", p);
	expect_load_error(p, NULL, want);
	free(want);
	free(p);
}

/* ---- sites --------------------------------------------------------- */

static const char site_conf[] =
	"[ceres]\nsite = production\n"
	"[alertmanager]\nurl = http://prod:9093\n"
	"[service \"grafana\"]\nkind = grafana\nurl = http://prod:3000\n"
	"[site \"staging\"]\n"
	"alertmanager.url = http://10.0.1.5:9093\n"
	"service.grafana.url = http://stage:3000\n"
	"service.grafana.token_env = TEST_CFG_STAGE\n"
	"service.extra.url = http://stage:8080\n"
	"ceres.interval = 10\n"
	"[site \"dev\"]\n"
	"service.grafana.token_file = /nonexistent/token\n";

static void
test_site_overrides(void **state)
{
	struct config			*c;
	const struct config_entry	*e;
	const char			**names;

	(void)state;
	setenv("TEST_CFG_STAGE", "stage-token", 1);
	c = parse_site(site_conf, "staging");
	assert_string_equal(c->site, "staging");
	assert_string_equal(config_get(c, "alertmanager", NULL, "url"), "http://10.0.1.5:9093");
	assert_string_equal(config_get(c, "service", "grafana", "url"), "http://stage:3000");
	assert_string_equal(config_get(c, "service", "grafana", "kind"), "grafana");
	assert_string_equal(config_get(c, "service", "grafana", "token"), "stage-token");
	assert_string_equal(config_get(c, "service", "extra", "url"), "http://stage:8080");
	assert_true(config_get_double(c, "ceres", NULL, "interval", 0) == 10.0);
	assert_true(config_has_section(c, "service", "extra"));
	e = find_entry(c, "alertmanager", NULL, "url");
	assert_int_equal(e->line, 9);
	assert_int_equal(config_names(c, "service", &names), 2);
	assert_string_equal(names[0], "grafana");
	assert_string_equal(names[1], "extra");
	free(names);
	assert_int_equal(config_names(c, "site", &names), 2);
	free(names);
	config_free(c);
	unsetenv("TEST_CFG_STAGE");
}

static void
test_site_not_selected(void **state)
{
	struct config	*c;

	(void)state;
	/* Without --site, [site] secrets are not resolved (the env variable
	 * and the dev token file do not exist) and nothing is overridden. */
	unsetenv("TEST_CFG_STAGE");
	c = parse(site_conf);
	assert_string_equal(c->site, "production");
	assert_string_equal(config_get(c, "alertmanager", NULL, "url"), "http://prod:9093");
	assert_null(config_get(c, "service", "grafana", "token"));
	assert_false(config_has_section(c, "service", "extra"));
	config_free(c);
}

static void
test_site_secret_resolved_when_selected(void **state)
{
	(void)state;
	expect_error(site_conf, "dev",
	    "t.conf:15: cannot read token_file /nonexistent/token: No such file or directory");
}

static void
test_site_without_ceres_site(void **state)
{
	struct config	*c;

	(void)state;
	c = parse("[site \"a\"]\nloki.limit = 5\n");
	assert_null(c->site);
	assert_null(config_get(c, "loki", NULL, "limit"));
	config_free(c);
	c = parse_site("[site \"a\"]\nloki.limit = 5\n[site \"b\"]\nloki.limit = 6\n", "b");
	assert_string_equal(c->site, "b");
	assert_int_equal(config_get_int(c, "loki", NULL, "limit", 0), 6);
	config_free(c);
}

static void
test_site_name_case_sensitive(void **state)
{
	(void)state;
	expect_error("[site \"Staging\"]\nloki.limit = 5\n", "staging", "t.conf: unknown site staging");
}

static void
test_err_unknown_site(void **state)
{
	(void)state;
	expect_error("[ceres]\nsite = prod\n[site \"staging\"]\n", "prod", "t.conf: unknown site prod");
}

static void
test_err_unknown_site_no_file(void **state)
{
	(void)state;
	if (access("/etc/ceres-top/config", F_OK) == 0)
		skip();
	expect_load_error(NULL, "staging", "unknown site staging: there is no config file");
}

/* ---- config_load ---------------------------------------------------- */

static void
test_load_defaults(void **state)
{
	struct config	*c;
	char		*cause = NULL, *d;

	(void)state;
	if (access("/etc/ceres-top/config", F_OK) == 0)
		skip();
	c = config_load(NULL, NULL, &cause);
	assert_non_null(c);
	assert_null(cause);
	assert_true(c->defaults);
	assert_null(c->path);
	assert_null(c->site);
	assert_int_equal(c->nentries, 0);
	assert_false(config_has_section(c, "prometheus", NULL));
	d = config_dump(c);
	assert_non_null(strstr(d, "built-in defaults"));
	free(d);
	config_free(c);
}

static void
test_load_defaults_home_config(void **state)
{
	struct config	*c;
	char		*cause = NULL, *dir, *p;

	(void)state;
	/* XDG_CONFIG_HOME unset: ~/.config/ceres-top/config. */
	unsetenv("XDG_CONFIG_HOME");
	dir = xasprintf("%s/.config", getenv("HOME"));
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	dir = xasprintf("%s/.config/ceres-top", getenv("HOME"));
	assert_int_equal(mkdir(dir, 0700), 0);
	p = xasprintf("%s/config", dir);
	write_file(p, "[ceres]\nsite = home\n", 0644);
	c = config_load(NULL, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(c->path, p);
	assert_string_equal(c->site, "home");
	assert_false(c->defaults);
	config_free(c);
	free(p);
	free(dir);
}

static void
test_load_xdg(void **state)
{
	struct config	*c;
	char		*cause = NULL, *dir = tpath("xdg/ceres-top"), *p;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	p = xasprintf("%s/config", dir);
	write_file(p, "[ceres]\nsite = xdg\n", 0644);
	c = config_load(NULL, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(c->path, p);
	assert_string_equal(c->site, "xdg");
	config_free(c);

	/* $CERES_TOP_CONFIG comes before XDG, and the argument before both. */
	free(p);
	p = tpath("envconf");
	write_file(p, "[ceres]\nsite = env\n", 0600);
	setenv("CERES_TOP_CONFIG", p, 1);
	c = config_load(NULL, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(c->site, "env");
	config_free(c);
	free(p);
	p = tpath("argconf");
	write_file(p, "[ceres]\nsite = arg\n", 0600);
	c = config_load(p, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(c->site, "arg");
	config_free(c);
	unsetenv("CERES_TOP_CONFIG");
	free(p);
	free(dir);
}

static void
test_load_with_site(void **state)
{
	struct config	*c;
	char		*cause = NULL, *p = tpath("siteconf");

	(void)state;
	write_file(p, "[loki]\nlimit = 1\n[site \"x\"]\nloki.limit = 2\n", 0644);
	c = config_load(p, "x", &cause);
	assert_non_null(c);
	assert_string_equal(c->site, "x");
	assert_int_equal(config_get_int(c, "loki", NULL, "limit", 0), 2);
	config_free(c);
	free(p);
}

static void
test_err_load_explicit_missing(void **state)
{
	char	*p = tpath("nope"), *want;

	(void)state;
	want = xasprintf("%s: No such file or directory", p);
	expect_load_error(p, NULL, want);
	free(want);
	free(p);
}

static void
test_err_load_env_missing(void **state)
{
	char	*p = tpath("nope-env"), *want;

	(void)state;
	setenv("CERES_TOP_CONFIG", p, 1);
	want = xasprintf("%s: No such file or directory", p);
	expect_load_error(NULL, NULL, want);
	unsetenv("CERES_TOP_CONFIG");
	free(want);
	free(p);
}

static void
test_err_load_directory(void **state)
{
	char	*want;

	(void)state;
	want = xasprintf("%s: not a regular file", tmpdir);
	expect_load_error(tmpdir, NULL, want);
	free(want);
}

static void
test_err_load_search_path_not_a_file(void **state)
{
	char	*dir = tpath("xdg/ceres-top"), *p, *want;

	(void)state;
	p = xasprintf("%s/config", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	want = xasprintf("%s: not a regular file", p);
	expect_load_error(NULL, NULL, want);
	free(want);
	free(p);
	free(dir);
}

static void
test_err_load_parse_error(void **state)
{
	char	*p = tpath("bad"), *want;

	(void)state;
	write_file(p, "[ceres]\n\nsite prod\n", 0600);
	want = xasprintf("%s:3: missing '=' after 'site'", p);
	expect_load_error(p, NULL, want);
	free(want);
	free(p);
}

/* ---- dump ---------------------------------------------------------- */

static void
test_dump_redacts_secrets(void **state)
{
	struct config	*c;
	char		*p = tpath("dumptok"), *t, *d, *line;

	(void)state;
	write_file(p, "FILESECRET\n", 0600);
	setenv("TEST_CFG_DUMP", "ENVSECRET", 1);
	t = xasprintf("[gitea]\nurl = http://g\ntoken_file = %s\n[redmine]\napi_key_env = TEST_CFG_DUMP\n"
	    "[redis]\npassword = INLINESECRET\n"
	    "[postgres]\nconninfo = host=db password='PG SECRET\\'x' user=u\n"
	    "[audit]\nconninfo = postgresql://u:URIPASS@db/audit?sslmode=require&password=QPASS\n"
	    "[service \"s\"]\nurl = https://user:USERPASS@h/x\ntoken = SVCSECRET\n"
	    "[webhook \"w\"]\nurl = https://hooks/HOOKSECRET\n"
	    "[site \"x\"]\nloki.password = SITESECRET\nloki.token_file = /some/path\n", p);
	c = parse(t);
	d = config_dump(c);
	assert_null(strstr(d, "SECRET"));
	assert_null(strstr(d, "URIPASS"));
	assert_null(strstr(d, "QPASS"));
	assert_null(strstr(d, "USERPASS"));
	line = xasprintf("token = <redacted> ; from file %s\n", p);
	assert_non_null(strstr(d, line));
	free(line);
	assert_non_null(strstr(d, "api_key = <redacted> ; from env TEST_CFG_DUMP\n"));
	assert_non_null(strstr(d, "password = <redacted> ; inline\n"));
	assert_non_null(strstr(d, "conninfo = host=db password=<redacted> user=u\n"));
	assert_non_null(strstr(d,
	    "conninfo = postgresql://u:<redacted>@db/audit?sslmode=require&password=<redacted>\n"));
	assert_non_null(strstr(d, "url = https://user:<redacted>@h/x\n"));
	assert_non_null(strstr(d, "[webhook \"w\"]\nurl = <redacted> ; inline\n"));
	assert_non_null(strstr(d, "loki.password = <redacted> ; inline\n"));
	assert_non_null(strstr(d, "loki.token = <redacted> ; from file /some/path\n"));
	free(d);
	config_free(c);
	unsetenv("TEST_CFG_DUMP");
	free(t);
	free(p);
}

static void
test_dump_conninfo_unparsable(void **state)
{
	struct config	*c;
	char		*d;

	(void)state;
	c = parse("[postgres]\nconninfo = host=db password='unterminated\n");
	d = config_dump(c);
	assert_null(strstr(d, "unterminated"));
	assert_non_null(strstr(d, "conninfo = <redacted>\n"));
	free(d);
	config_free(c);
}

static void
test_dump_layout(void **state)
{
	struct config	*c;
	char		*d;

	(void)state;
	setenv("TEST_CFG_STAGE", "stage-token", 1);
	c = parse_site("[loki]\nlimit = 5\n[ceres]\nsite = s\n[loki]\nquery = {a=\"b\"}\n"
	    "[service \"q\\\"x\"]\nkind = http\n[prometheus]\n[site \"st\"]\nloki.limit = 9\n"
	    "service.q\"x.token_env = TEST_CFG_STAGE\n", "st");
	d = config_dump(c);
	assert_string_equal(d,
	    "; ceres-top configuration from t.conf\n"
	    "; site st (its overrides are applied)\n"
	    "\n[loki]\nlimit = 9 ; site st\nquery = {a=\"b\"}\n"
	    "\n[ceres]\nsite = s\n"
	    "\n[service \"q\\\"x\"]\nkind = http\n"
	    "token = <redacted> ; from env TEST_CFG_STAGE, site st\n"
	    "\n[prometheus]\n"
	    "\n[site \"st\"]\nloki.limit = 9\n"
	    "service.q\"x.token = <redacted> ; from env TEST_CFG_STAGE\n");
	free(d);
	config_free(c);
	unsetenv("TEST_CFG_STAGE");
	d = config_dump(NULL);
	assert_string_equal(d, "");
	free(d);
}

static void
test_dump_round_trip(void **state)
{
	static const char text[] =
		"[ceres]\nsite = \"  spaced  \"\ntheme = \"ends with \\\\\"\n"
		"[loki]\nquery = \"{x=\\\"a;b\\\"} # not a comment\"\norg_id = \"tab\\there\"\n"
		"user = \"odd \\\" quote\"\n[service \"a \\\\ b\"]\nheader = \"X: 1\\nY: 2\"\n"
		"match = \"a\\\\\\\\b ; c\"\nkind = \"\"\n"
		"[site \"z\"]\nloki.user = \"#x\"\n";
	struct config	*c = parse(text), *c2;
	char		*d;

	(void)state;
	d = config_dump(c);
	c2 = parse(d);
	assert_int_equal(c->nentries, c2->nentries);
	for (size_t i = 0; i < c->nentries; i++) {
		const struct config_entry *a = &c->entries[i], *b = &c2->entries[i];

		assert_string_equal(a->section, b->section);
		assert_string_equal(a->key, b->key);
		assert_string_equal(a->value, b->value);
		assert_int_equal(a->name == NULL, b->name == NULL);
		if (a->name != NULL)
			assert_string_equal(a->name, b->name);
	}
	free(d);
	config_free(c);
	config_free(c2);
}

static void
test_redact_api(void **state)
{
	const struct config_key	*k = config_schema_find("prometheus", "url");
	bool			 had;
	char			*r;

	(void)state;
	/* User info without a password is redacted too: it is often a token. */
	r = config_redact(k, "http://a:b@h http://h2 https://u@h3", &had);
	assert_string_equal(r, "http://a:<redacted>@h http://h2 https://<redacted>@h3");
	assert_true(had);
	free(r);
	r = config_redact(config_schema_find("postgres", "conninfo"), "dbname = x password = 'a b'", &had);
	assert_string_equal(r, "dbname = x password=<redacted>");
	free(r);
	r = config_redact(config_schema_find("gitea", "token"), "tok", NULL);
	assert_string_equal(r, "<redacted>");
	free(r);
	r = config_redact(config_schema_find("ceres", "site"), "plain", &had);
	assert_string_equal(r, "plain");
	assert_false(had);
	free(r);
}

/* ---- robustness ---------------------------------------------------- */

static void
test_huge_line(void **state)
{
	size_t		 n = 4 * 1024 * 1024;
	char		*t = xmalloc(n + 64), *p;
	struct config	*c;

	(void)state;
	p = t + snprintf(t, 64, "[ceres]\ntheme = ");
	memset(p, 'x', n);
	memcpy(p + n, "\n", 2);
	c = parse(t);
	assert_int_equal(strlen(config_get(c, "ceres", NULL, "theme")), n);
	config_free(c);
	free(t);
}

static void
test_many_sections(void **state)
{
	struct strbuf	 sb;
	struct config	*c;
	const char	**names;

	(void)state;
	strbuf_init(&sb);
	for (int i = 0; i < 20000; i++)
		strbuf_addf(&sb, "[service \"s%d\"]\nkind = http\nurl = http://h/%d\n", i, i);
	c = parse(sb.buf);
	assert_int_equal(config_names(c, "service", &names), 20000);
	assert_string_equal(names[19999], "s19999");
	free(names);
	assert_int_equal(c->nentries, 40000);
	config_free(c);
	strbuf_free(&sb);
}

/* Random bytes and random mutations of a valid file: an answer (config
 * or error), never a crash; valgrind and the sanitizers watch the rest. */
static void
test_garbage(void **state)
{
	static const char alphabet[] = "[]\"\\=;# \t\nab.\r\x01_fileurl";
	uint32_t	 seed = 12345;
	char		 buf[512];

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t		 len = round % 2 == 0 ? sizeof design_example - 1 : (size_t)(round % 400) + 1;
		char		*cause = NULL;
		struct config	*c;

		if (round % 2 == 0) {
			char *t = xstrdup(design_example);

			for (int m = 0; m < 4; m++) {
				seed = seed * 1103515245 + 12345;
				t[(seed >> 8) % len] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
			}
			c = config_parse("g", t, len, round % 4 == 0 ? "staging" : NULL, &cause);
			free(t);
		} else {
			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245 + 12345;
				buf[i] = (round % 3 == 0) ? (char)(seed >> 16) :
				    alphabet[(seed >> 16) % (sizeof alphabet - 1)];
			}
			c = config_parse("g", buf, len, NULL, &cause);
		}
		assert_true((c == NULL) != (cause == NULL));
		if (c != NULL) {
			char *d = config_dump(c);

			free(d);
		}
		config_free(c);
		free(cause);
	}
}

/* ---- one test per syntax and type error ---------------------------- */

#define ERROR_TEST(fn, text, want)					\
	static void fn(void **state) { (void)state; expect_error(text, NULL, want); }

static void
test_err_nul_byte(void **state)
{
	static const char text[] = "[ceres]\nsite = a\nsi\0te = b\n";

	(void)state;
	expect_error_len(text, sizeof text - 1, NULL, "t.conf:3: NUL byte");
}

ERROR_TEST(test_err_missing_bracket, "[ceres]\n\n[loki\n",
    "t.conf:3: missing ']' in section header")
ERROR_TEST(test_err_missing_bracket_after_name, "[service \"x\"\n",
    "t.conf:1: missing ']' in section header")
ERROR_TEST(test_err_empty_section_name, "\n[]\n", "t.conf:2: empty section name")
ERROR_TEST(test_err_bad_char_in_section, "[!ceres]\n",
    "t.conf:1: invalid character '!' in section name")
ERROR_TEST(test_err_unexpected_in_header, "[ceres.site]\n",
    "t.conf:1: unexpected '.' in section header")
ERROR_TEST(test_err_unterminated_section_quote, "[service \"x]\n",
    "t.conf:1: unterminated quote in section name")
ERROR_TEST(test_err_control_in_section_name, "[service \"a\x01z\"]\n",
    "t.conf:1: control character in section name")
ERROR_TEST(test_err_empty_subsection, "[service \"\"]\n",
    "t.conf:1: empty name in [service \"\"]")
ERROR_TEST(test_err_text_after_header, "[ceres] site = x\n",
    "t.conf:1: unexpected text after ']'")
ERROR_TEST(test_err_unknown_section, "[ceres]\n[grafana]\n",
    "t.conf:2: unknown section [grafana]")
ERROR_TEST(test_err_named_without_name, "[service]\nurl = http://x\n",
    "t.conf:1: section [service] needs a name: [service \"NAME\"]")
ERROR_TEST(test_err_site_without_name, "[site]\n",
    "t.conf:1: section [site] needs a name: [site \"NAME\"]")
ERROR_TEST(test_err_plain_with_name, "[ceres \"x\"]\n",
    "t.conf:1: section [ceres] takes no name")
ERROR_TEST(test_err_key_outside_section, "; c\nsite = x\n",
    "t.conf:2: key 'site' outside of any section")
ERROR_TEST(test_err_missing_equals, "[prometheus]\nurl http://x\n",
    "t.conf:2: missing '=' after 'url'")
ERROR_TEST(test_err_missing_equals_at_eol, "[ceres]\nread_only\n",
    "t.conf:2: missing '=' after 'read_only'")
ERROR_TEST(test_err_missing_key, "[ceres]\n = 5\n", "t.conf:2: missing key before '='")
ERROR_TEST(test_err_control_in_key, "[ceres]\nsi\x01te = x\n", "t.conf:2: unexpected \\x01")
ERROR_TEST(test_err_invalid_key_name, "[ceres]\n1site = x\n",
    "t.conf:2: invalid key name '1site'")
ERROR_TEST(test_err_unknown_key, "[ceres]\ncolour = red\n",
    "t.conf:2: unknown key 'colour' in [ceres]")
ERROR_TEST(test_err_unknown_key_named, "[service \"g\"]\nport = 3\n",
    "t.conf:2: unknown key 'port' in [service \"g\"]")
ERROR_TEST(test_err_file_suffix_on_plain_key, "[prometheus]\nurl_file = /x\n",
    "t.conf:2: unknown key 'url_file' in [prometheus]")
ERROR_TEST(test_err_unterminated_quoted_value, "[ceres]\nsite = \"prod\n",
    "t.conf:2: unterminated quote")
ERROR_TEST(test_err_unterminated_literal_quote, "[loki]\nquery = {job=\"x}\n",
    "t.conf:2: unterminated quote")
ERROR_TEST(test_err_unterminated_after_continuation, "[ceres]\nsite = \"a\\\nb\n",
    "t.conf:3: unterminated quote")
ERROR_TEST(test_err_continuation_at_eof, "[ceres]\nsite = \"a\\\n",
    "t.conf:2: unterminated quote")
ERROR_TEST(test_err_control_in_value, "[ceres]\nsite = a\x1b[31m\n",
    "t.conf:2: control character in value")
ERROR_TEST(test_err_control_in_quoted_value, "[ceres]\nsite = \"a\x07\"\n",
    "t.conf:2: control character in value")
ERROR_TEST(test_err_int, "[loki]\nlimit = many\n", "t.conf:2: limit: 'many' is not a whole number")
ERROR_TEST(test_err_int_negative, "[loki]\nlimit = -5\n",
    "t.conf:2: limit: -5 is out of range (0-2147483647)")
ERROR_TEST(test_err_expect_range, "[service \"s\"]\nexpect = 99\n",
    "t.conf:2: expect: 99 is not an HTTP status code (100-599)")
ERROR_TEST(test_err_double, "[ceres]\ninterval = soon\n",
    "t.conf:2: interval: 'soon' is not a number")
ERROR_TEST(test_err_double_nan, "[ceres]\ninterval = nan\n",
    "t.conf:2: interval: 'nan' is not a number")
ERROR_TEST(test_err_interval_zero, "[ceres]\ninterval = 0\n",
    "t.conf:2: interval must be greater than 0")
ERROR_TEST(test_err_timeout_negative, "[prometheus]\ntimeout = -1\n",
    "t.conf:2: timeout must be greater than 0")
ERROR_TEST(test_err_bool, "[ceres]\nread_only = maybe\n",
    "t.conf:2: read_only: 'maybe' is not a boolean (use true or false)")
ERROR_TEST(test_err_url, "[prometheus]\nurl = 127.0.0.1:9090\n",
    "t.conf:2: url: '127.0.0.1:9090' is not an http:// or https:// URL")
ERROR_TEST(test_err_url_second_item, "[alertmanager]\nurl = http://a:9093 ftp://b\n",
    "t.conf:2: url: 'ftp://b' is not an http:// or https:// URL")
ERROR_TEST(test_err_url_scheme_only, "[prometheus]\nurl = http://\n",
    "t.conf:2: url: 'http://' is not an http:// or https:// URL")
ERROR_TEST(test_err_url_empty, "[prometheus]\nurl =\n", "t.conf:2: url is empty")
ERROR_TEST(test_err_path_empty, "[ceres]\naudit_log = \"\"\n", "t.conf:2: audit_log is empty")
ERROR_TEST(test_err_regex, "[service \"s\"]\nmatch = a(b\n",
    "t.conf:2: match: invalid regular expression at offset 3: missing closing parenthesis")
ERROR_TEST(test_err_regex_class, "[loki]\nlimit = 1\nlevels_error = \"[z-a]\"\n",
    "t.conf:3: levels_error: invalid regular expression at offset 3: "
    "range out of order in character class")
ERROR_TEST(test_err_secret_empty, "[gitea]\ntoken =\n", "t.conf:2: token is empty")
ERROR_TEST(test_err_secret_file_empty_path, "[gitea]\ntoken_file =\n",
    "t.conf:2: token_file is empty")
ERROR_TEST(test_err_secret_env_empty_name, "[gitea]\ntoken_env = \"\"\n",
    "t.conf:2: token_env is empty")
ERROR_TEST(test_err_webhook_inline_not_url, "[webhook \"w\"]\nurl = mattermost\n",
    "t.conf:2: url is not an http:// or https:// URL")
ERROR_TEST(test_err_override_no_dot, "[site \"s\"]\nurl = http://x\n",
    "t.conf:2: invalid override 'url' in [site \"s\"]: use section.key or section.name.key")
ERROR_TEST(test_err_override_empty_name, "[site \"s\"]\nservice..url = http://x\n",
    "t.conf:2: invalid override 'service..url' in [site \"s\"]: use section.key or "
    "section.name.key")
ERROR_TEST(test_err_override_unknown_section, "[site \"s\"]\ngrafana.url = http://x\n",
    "t.conf:2: unknown section 'grafana' in override 'grafana.url'")
ERROR_TEST(test_err_override_of_site, "[site \"s\"]\nsite.t.url = http://x\n",
    "t.conf:2: unknown section 'site' in override 'site.t.url'")
ERROR_TEST(test_err_override_needs_name, "[site \"s\"]\nservice.url = http://x\n",
    "t.conf:2: section [service] needs a name in override 'service.url': use "
    "service.NAME.url")
ERROR_TEST(test_err_override_takes_no_name, "[site \"s\"]\nalertmanager.a.url = http://x\n",
    "t.conf:2: section [alertmanager] takes no name in override 'alertmanager.a.url'")
ERROR_TEST(test_err_override_unknown_key, "[site \"s\"]\nalertmanager.port = 1\n",
    "t.conf:2: unknown key 'port' in override 'alertmanager.port'")
ERROR_TEST(test_err_override_bad_value, "[site \"s\"]\n\nloki.limit = x\n",
    "t.conf:3: limit: 'x' is not a whole number")

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_design_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dev_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_section_name_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whitespace_trimmed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_string_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_continuation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_continuation_keeps_line_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comment_ending_in_backslash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_and_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key_later_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_newline_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bool_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_tilde, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_tilde_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regex_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_and_string_free_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_has_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_inline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_file_tilde, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_later_form_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_webhook_url_from_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_file_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_file_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_file_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_file_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_file_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_file_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_env_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_secret_env_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_webhook_url_file_not_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_secret_group_readable_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_secret_mode_600_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_site_same_as_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_inline_secret_mode_644_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_secret_in_site_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conninfo_password_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_password_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_not_selected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_secret_resolved_when_selected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_without_ceres_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_name_case_sensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_unknown_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_unknown_site_no_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_defaults_home_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_xdg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_with_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_load_explicit_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_load_env_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_load_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_load_search_path_not_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_load_parse_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_redacts_secrets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_conninfo_unparsable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redact_api, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test(test_err_nul_byte),
		cmocka_unit_test(test_err_missing_bracket),
		cmocka_unit_test(test_err_missing_bracket_after_name),
		cmocka_unit_test(test_err_empty_section_name),
		cmocka_unit_test(test_err_bad_char_in_section),
		cmocka_unit_test(test_err_unexpected_in_header),
		cmocka_unit_test(test_err_unterminated_section_quote),
		cmocka_unit_test(test_err_control_in_section_name),
		cmocka_unit_test(test_err_empty_subsection),
		cmocka_unit_test(test_err_text_after_header),
		cmocka_unit_test(test_err_unknown_section),
		cmocka_unit_test(test_err_named_without_name),
		cmocka_unit_test(test_err_site_without_name),
		cmocka_unit_test(test_err_plain_with_name),
		cmocka_unit_test(test_err_key_outside_section),
		cmocka_unit_test(test_err_missing_equals),
		cmocka_unit_test(test_err_missing_equals_at_eol),
		cmocka_unit_test(test_err_missing_key),
		cmocka_unit_test(test_err_control_in_key),
		cmocka_unit_test(test_err_invalid_key_name),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_unknown_key_named),
		cmocka_unit_test(test_err_file_suffix_on_plain_key),
		cmocka_unit_test(test_err_unterminated_quoted_value),
		cmocka_unit_test(test_err_unterminated_literal_quote),
		cmocka_unit_test(test_err_unterminated_after_continuation),
		cmocka_unit_test(test_err_continuation_at_eof),
		cmocka_unit_test(test_err_control_in_value),
		cmocka_unit_test(test_err_control_in_quoted_value),
		cmocka_unit_test(test_err_int),
		cmocka_unit_test(test_err_int_negative),
		cmocka_unit_test(test_err_expect_range),
		cmocka_unit_test(test_err_double),
		cmocka_unit_test(test_err_double_nan),
		cmocka_unit_test(test_err_interval_zero),
		cmocka_unit_test(test_err_timeout_negative),
		cmocka_unit_test(test_err_bool),
		cmocka_unit_test(test_err_url),
		cmocka_unit_test(test_err_url_second_item),
		cmocka_unit_test(test_err_url_scheme_only),
		cmocka_unit_test(test_err_url_empty),
		cmocka_unit_test(test_err_path_empty),
		cmocka_unit_test(test_err_regex),
		cmocka_unit_test(test_err_regex_class),
		cmocka_unit_test(test_err_secret_empty),
		cmocka_unit_test(test_err_secret_file_empty_path),
		cmocka_unit_test(test_err_secret_env_empty_name),
		cmocka_unit_test(test_err_webhook_inline_not_url),
		cmocka_unit_test(test_err_override_no_dot),
		cmocka_unit_test(test_err_override_empty_name),
		cmocka_unit_test(test_err_override_unknown_section),
		cmocka_unit_test(test_err_override_of_site),
		cmocka_unit_test(test_err_override_needs_name),
		cmocka_unit_test(test_err_override_takes_no_name),
		cmocka_unit_test(test_err_override_unknown_key),
		cmocka_unit_test(test_err_override_bad_value),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
