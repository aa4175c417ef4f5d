/* Unit tests of the audit trail: the JSON line and its event_id, the
 * spool for the central database (append, consume only what was taken,
 * never from a file that changed), the audit view's formatting, and the
 * backup state file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"

struct fixture {
	char		*dir;
	struct app	 app;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char tmpl[] = "/tmp/ceres-test-audit.XXXXXX", *cause = NULL, *cfg;

	assert_non_null(mkdtemp(tmpl));
	f->dir = xstrdup(tmpl);
	cfg = xasprintf("[ceres]\nsite = unit\naudit_log = %s/log/audit.log\n"
	    "[audit]\nconninfo = hostaddr=127.0.0.1 port=1 dbname=x\n", f->dir);
	f->app.config = config_parse("test", cfg, strlen(cfg), NULL, &cause);
	if (f->app.config == NULL)
		fail_msg("%s", cause);
	free(cfg);
	f->app.site = xstrdup("unit");
	f->app.user_host = xstrdup("alice@ceres1");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	config_free(f->app.config);
	free(f->app.site);
	free(f->app.user_host);
	free(f->dir);
	free(f);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	char *cause = NULL, *s = file_read_small(path, 1 << 20, len, &cause);

	free(cause);
	return s;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static bool
is_uuid4(const char *s)
{
	if (strlen(s) != 36 || s[14] != '4' || strchr("89ab", s[19]) == NULL)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	}
	return true;
}

static void
test_record_line(void **state)
{
	struct fixture *f = *state;
	cJSON *params = cJSON_CreateObject(), *j;
	char *cause = NULL, *path = audit_path(&f->app), *spool = audit_spool_path(&f->app), *log, *sp;
	size_t len, slen;
	char id1[40];

	cJSON_AddStringToObject(params, "kind", "mattermost");
	assert_int_equal(audit_check(&f->app, &cause), 0);
	assert_int_equal(audit_record(&f->app, "webhook.test", "mm-ops", params, "ok: ok", &cause), 0);
	assert_int_equal(audit_record(&f->app, "backup.start", "/usr/sbin/ceres-backup", NULL, "started", &cause), 0);
	log = slurp(path, &len);
	assert_non_null(log);
	assert_int_equal(count_lines(log), 2);
	j = cJSON_ParseWithLength(log, strchr(log, '\n') - log);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "user")->valuestring, "alice");
	assert_string_equal(cJSON_GetObjectItem(j, "host")->valuestring, "ceres1");
	assert_string_equal(cJSON_GetObjectItem(j, "site")->valuestring, "unit");
	assert_string_equal(cJSON_GetObjectItem(j, "action")->valuestring, "webhook.test");
	assert_string_equal(cJSON_GetObjectItem(j, "target")->valuestring, "mm-ops");
	assert_string_equal(cJSON_GetObjectItem(j, "result")->valuestring, "ok: ok");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "parameters"), "kind")->valuestring,
	    "mattermost");
	assert_int_equal(strlen(cJSON_GetObjectItem(j, "time")->valuestring), 20);
	assert_true(is_uuid4(cJSON_GetObjectItem(j, "event_id")->valuestring));
	snprintf(id1, sizeof id1, "%s", cJSON_GetObjectItem(j, "event_id")->valuestring);
	cJSON_Delete(j);
	/* Each line has its own id; the spool holds the very same lines. */
	j = cJSON_Parse(strchr(log, '\n') + 1);
	assert_string_not_equal(cJSON_GetObjectItem(j, "event_id")->valuestring, id1);
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(j, "parameters")));
	cJSON_Delete(j);
	sp = slurp(spool, &slen);
	assert_non_null(sp);
	assert_string_equal(sp, log);
	free(sp);
	free(log);
	free(path);
	free(spool);
	cJSON_Delete(params);
}

static void
test_check_fails(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL, *cfg = xstrdup("[ceres]\naudit_log = /proc/nonexistent/audit.log\n");
	struct config *saved = f->app.config;

	f->app.config = config_parse("test", cfg, strlen(cfg), NULL, &cause);
	assert_non_null(f->app.config);
	assert_int_equal(audit_check(&f->app, &cause), -1);
	assert_non_null(strstr(cause, "/proc/nonexistent/audit.log"));
	free(cause);
	cause = NULL;
	assert_int_equal(audit_record(&f->app, "x", "y", NULL, "z", &cause), -1);
	free(cause);
	config_free(f->app.config);
	f->app.config = saved;
	free(cfg);
}

static void
test_spool_consume(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/spool", f->dir), *cause = NULL, *s;
	struct stat st;
	size_t len;

	assert_int_equal(audit_spool_append(path, "one\n", 4, &cause), 0);
	assert_int_equal(audit_spool_append(path, "two\n", 4, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	/* Appended after the batch was read: must survive the consume. */
	assert_int_equal(audit_spool_append(path, "three\n", 6, &cause), 0);
	assert_int_equal(audit_spool_consume(path, st.st_dev, st.st_ino, 4, &cause), 0);
	s = slurp(path, &len);
	assert_string_equal(s, "two\nthree\n");
	free(s);
	/* The file was replaced: an old (dev, ino) drops nothing. */
	assert_int_equal(audit_spool_consume(path, st.st_dev, st.st_ino, 4, &cause), 1);
	s = slurp(path, &len);
	assert_string_equal(s, "two\nthree\n");
	free(s);
	/* More than the file holds: someone else took lines; drop nothing. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(audit_spool_consume(path, st.st_dev, st.st_ino, 100, &cause), 1);
	/* Everything taken: the spool goes away. */
	assert_int_equal(audit_spool_consume(path, st.st_dev, st.st_ino, 10, &cause), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(audit_spool_consume(path, st.st_dev, st.st_ino, 10, &cause), 1);
	/* Appending after that creates it again. */
	assert_int_equal(audit_spool_append(path, "four\n", 5, &cause), 0);
	s = slurp(path, &len);
	assert_string_equal(s, "four\n");
	free(s);
	free(path);
}

static void
test_uuid(void **state)
{
	char a[40], b[40];

	(void)state;
	audit_uuid(a, sizeof a);
	audit_uuid(b, sizeof b);
	assert_true(is_uuid4(a));
	assert_true(is_uuid4(b));
	assert_string_not_equal(a, b);
}

static void
test_view_format(void **state)
{
	const char log[] =
	    "{\"time\":\"2026-11-26T10:00:00Z\",\"user\":\"alice\",\"host\":\"h1\",\"site\":\"prod\","
	    "\"action\":\"webhook.test\",\"target\":\"mm-ops\",\"parameters\":{\"kind\":\"mattermost\",\"status\":200},"
	    "\"result\":\"ok: ok\",\"event_id\":\"x\"}\n"
	    "not json at all\n"
	    "{\"time\":\"2026-11-26T11:00:00Z\",\"user\":\"bob\",\"host\":\"h2\",\"site\":\"prod\","
	    "\"action\":\"silence.create\",\"target\":\"Disk\\u001b[2Jfull\\nforged line\",\"parameters\":{},"
	    "\"result\":\"ok\"}\n";
	char *s = audit_view_format(log, sizeof log - 1, 100), *first, *second, *third;

	(void)state;
	/* Newest first. */
	first = strstr(s, "2026-11-26T11:00:00Z");
	second = strstr(s, "(unreadable line)");
	third = strstr(s, "2026-11-26T10:00:00Z");
	assert_non_null(first);
	assert_non_null(second);
	assert_non_null(third);
	assert_true(first < second && second < third);
	assert_non_null(strstr(s, "2026-11-26T11:00:00Z  silence.create  → ok\n"));
	assert_non_null(strstr(s, "by bob@h2 · site prod"));
	assert_non_null(strstr(s, "webhook.test  → ok: ok\n      target mm-ops"));
	assert_non_null(strstr(s, "kind=mattermost status=200"));
	/* A hostile target cannot clear the screen or forge a line. */
	assert_null(strchr(s, '\x1b'));
	assert_null(strstr(s, "\nforged line"));
	free(s);
	s = audit_view_format(log, sizeof log - 1, 1);
	assert_int_equal(count_lines(s), 2);	/* one entry: action line, target line */
	assert_non_null(strstr(s, "bob@h2"));
	free(s);
	s = audit_view_format("", 0, 10);
	assert_string_equal(s, "");
	free(s);
}

static void
test_backup_state(void **state)
{
	char *s;
	cJSON *j;

	(void)state;
	s = backup_state_json(1795000000, "success", 0, 12.3456, 0, NULL);
	j = cJSON_Parse(s);
	assert_string_equal(cJSON_GetObjectItem(j, "last_run")->valuestring, "2026-11-18T11:06:40Z");
	assert_string_equal(cJSON_GetObjectItem(j, "last_status")->valuestring, "success");
	assert_int_equal(cJSON_GetObjectItem(j, "exit_code")->valueint, 0);
	assert_true(cJSON_GetObjectItem(j, "duration_s")->valuedouble == 12.346);
	assert_string_equal(cJSON_GetObjectItem(j, "last_success")->valuestring, "2026-11-18T11:06:40Z");
	cJSON_Delete(j);
	free(s);
	/* A failure keeps the previous success... */
	s = backup_state_json(1795000600, "failed", 1, 2, 1795000000, NULL);
	j = cJSON_Parse(s);
	assert_string_equal(cJSON_GetObjectItem(j, "last_status")->valuestring, "failed");
	assert_int_equal(cJSON_GetObjectItem(j, "exit_code")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(j, "last_success")->valuestring, "2026-11-18T11:06:40Z");
	cJSON_Delete(j);
	free(s);
	/* ...and without one it is null. */
	s = backup_state_json(1795000600, "cancelled", 143, 2, 0, NULL);
	j = cJSON_Parse(s);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "last_success")));
	assert_int_equal(cJSON_GetObjectItem(j, "exit_code")->valueint, 143);
	assert_null(cJSON_GetObjectItem(j, "owner"));
	cJSON_Delete(j);
	free(s);
	/* The file names the config and site that wrote it. */
	s = backup_state_json(1795000600, "success", 0, 2, 0, "/etc/ceres-top/config#prod");
	j = cJSON_Parse(s);
	assert_string_equal(cJSON_GetObjectItem(j, "owner")->valuestring, "/etc/ceres-top/config#prod");
	cJSON_Delete(j);
	free(s);
}

static void
test_backup_program(void **state)
{
	static const char *const cases[][2] = {
		{ "/usr/local/sbin/ceres-backup", "/usr/local/sbin/ceres-backup" },
		{ "  PGPASSWORD=s3cret PGHOST=db /usr/sbin/ceres-backup -d /x db1", "/usr/sbin/ceres-backup" },
		{ "env PGPASSWORD=s3cret ceres-backup --password=s3cret", "ceres-backup" },
		{ "A=1", "?" },
		{ "", "?" },
		{ "sh -c 'pg_dump --password=s3cret'", "sh" },
		{ "1A=b prog", "1A=b" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = backup_program(cases[i][0]);

		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_consume, setup, teardown),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_view_format),
		cmocka_unit_test(test_backup_state),
		cmocka_unit_test(test_backup_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
