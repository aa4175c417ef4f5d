/* The audit trail: one JSON line per action, written with O_APPEND and
 * fsync'd before the action is reported done.  The path comes from
 * [ceres] audit_log (default <state dir>/audit.log: core/paths.h).  With
 * [audit] conninfo the same line also goes to a spool file that
 * audit_db.c drains into PostgreSQL; each line carries a random event_id
 * so that a re-sent line is never inserted twice. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/core/paths.h"
#include "ceres/actions/audit.h"
#include "ceres/util/i18n.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

char *
audit_path(struct app *app)
{
	return paths_audit_log(app->config);
}

static int
audit_open(struct app *app, char **cause)
{
	char *path = audit_path(app);
	int fd;

	if (path == NULL) {
		*cause = xstrdup(_("no place for the audit log: set HOME or [ceres] audit_log"));
		return -1;
	}
	file_make_parent(path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		*cause = xasprintf(_("audit log %s: %s"), path, strerror(errno));
	free(path);
	return fd;
}

int
audit_check(struct app *app, char **cause)
{
	int fd = audit_open(app, cause);

	if (fd < 0)
		return -1;
	close(fd);
	if (config_get(app->config, "audit", NULL, "conninfo") != NULL) {
		char *spool = audit_spool_path(app);

		file_make_parent(spool);
		fd = open(spool, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			*cause = xasprintf(_("audit spool %s: %s"), spool, strerror(errno));
			free(spool);
			return -1;
		}
		close(fd);
		free(spool);
	}
	return 0;
}

char *
audit_spool_path(struct app *app)
{
	const char *v = config_get(app->config, "audit", NULL, "spool");
	char *log, *p;

	if (v != NULL && *v != '\0')
		return config_expand_path(v);
	if ((log = audit_path(app)) == NULL)
		return NULL;
	p = xasprintf("%s.spool", log);
	free(log);
	return p;
}

char *
audit_uuid(char *buf, size_t n)
{
	unsigned char r[16];
	size_t got = 0;

	while (got < sizeof r) {
		ssize_t k = getrandom(r + got, sizeof r - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			abort();	/* no entropy: no way to make ids unique */
		got += (size_t)k;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);	/* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(buf, n, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	    r[14], r[15]);
	return buf;
}

static int
write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t k = write(fd, data + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		off += (size_t)k;
	}
	return 0;
}

static int
lock_ex(int fd)
{
	int rc;

	while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
		;
	return rc;
}

/* Is fd still the file at path?  A consumer may have replaced it. */
static bool
still_there(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
audit_spool_append(const char *path, const char *line, size_t len, char **cause)
{
	for (int tries = 0; tries < 10; tries++) {
		int fd;

		file_make_parent(path);
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			break;
		if (lock_ex(fd) != 0) {
			close(fd);
			break;
		}
		if (!still_there(fd, path)) {
			close(fd);
			continue;
		}
		if (write_all(fd, line, len) != 0 || fsync(fd) != 0) {
			close(fd);
			break;
		}
		close(fd);
		return 0;
	}
	*cause = xasprintf(_("audit spool %s: %s"), path, strerror(errno));
	return -1;
}

int
audit_spool_consume(const char *path, dev_t dev, ino_t ino, off_t bytes, char **cause)
{
	struct stat st;
	int fd, out;
	char *tmp, buf[16384];
	off_t off = bytes;
	ssize_t k;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : (*cause = xasprintf("%s: %s", path, strerror(errno)), -1);
	if (lock_ex(fd) != 0 || fstat(fd, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_dev != dev || st.st_ino != ino || !still_there(fd, path) || st.st_size < bytes) {
		close(fd);
		return 1;
	}
	if (st.st_size == bytes) {
		unlink(path);
		close(fd);
		return 0;
	}
	/* Keep what was appended after the lines that were taken. */
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		close(fd);
		return -1;
	}
	while ((k = pread(fd, buf, sizeof buf, off)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || write_all(out, buf, (size_t)k) != 0)
			goto fail;
		off += k;
	}
	if (fsync(out) != 0 || rename(tmp, path) != 0)
		goto fail;
	close(out);
	close(fd);
	free(tmp);
	return 0;
fail:
	*cause = xasprintf("%s: %s", path, strerror(errno));
	close(out);
	unlink(tmp);
	free(tmp);
	close(fd);
	return -1;
}

int
audit_record(struct app *app, const char *action, const char *target,
    const cJSON *params, const char *result, char **cause)
{
	cJSON *o = cJSON_CreateObject();
	char ts[40], host[256], id[40], *line, *user, *at;
	int fd, rc = 0;
	size_t len, off = 0;

	user = xstrdup(app->user_host);
	at = strchr(user, '@');
	if (at != NULL)
		*at = '\0';
	snprintf(host, sizeof host, "%s", at != NULL ? at + 1 : "");
	cJSON_AddStringToObject(o, "time", fmt_rfc3339(now_wall(), ts, sizeof ts));
	cJSON_AddStringToObject(o, "user", user);
	cJSON_AddStringToObject(o, "host", host);
	cJSON_AddStringToObject(o, "site", app->site);
	cJSON_AddStringToObject(o, "action", action);
	cJSON_AddStringToObject(o, "target", target != NULL ? target : "");
	if (params != NULL)
		cJSON_AddItemToObject(o, "parameters", cJSON_Duplicate(params, 1));
	else
		cJSON_AddObjectToObject(o, "parameters");
	cJSON_AddStringToObject(o, "result", result != NULL ? result : "");
	cJSON_AddStringToObject(o, "event_id", audit_uuid(id, sizeof id));
	free(user);
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (line == NULL)
		abort();
	fd = audit_open(app, cause);
	if (fd < 0) {
		cJSON_free(line);
		return -1;
	}
	len = strlen(line);
	line[len] = '\n';	/* replaces the NUL; written with its length */
	while (off < len + 1) {
		ssize_t n = write(fd, line + off, len + 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xasprintf(_("audit log: %s"), strerror(errno));
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	if (rc == 0 && fsync(fd) != 0) {
		*cause = xasprintf(_("audit log: fsync: %s"), strerror(errno));
		rc = -1;
	}
	close(fd);
	/* The central copy goes through the spool, so that nothing is lost
	 * while the database is away. */
	if (rc == 0 && config_get(app->config, "audit", NULL, "conninfo") != NULL) {
		char *spool = audit_spool_path(app);

		rc = audit_spool_append(spool, line, len + 1, cause);
		free(spool);
		if (rc == 0 && app->actions != NULL)
			audit_db_kick(app);
	}
	cJSON_free(line);
	return rc;
}
