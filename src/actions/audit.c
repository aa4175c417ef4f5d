/* The audit trail: one JSON line per action, written with O_APPEND and
 * fsync'd before the action is reported done.  The path comes from
 * [ceres] audit_log (default ~/.local/state/ceres-top/audit.log). */
#include "ceres/app.h"
#include "ceres/audit.h"
#include "ceres/i18n.h"
#include "ceres/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *
expand_home(const char *p)
{
	const char *home = getenv("HOME");

	if (p[0] == '~' && p[1] == '/' && home != NULL)
		return xasprintf("%s%s", home, p + 1);
	return xstrdup(p);
}

char *
audit_path(struct app *app)
{
	const char *v = config_get(app->config, "ceres", NULL, "audit_log");
	char *p;

	if (v == NULL) {
		const char *state = getenv("XDG_STATE_HOME");

		p = state != NULL && *state != '\0' ? xasprintf("%s/ceres-top/audit.log", state) :
		    expand_home("~/.local/state/ceres-top/audit.log");
	} else
		p = expand_home(v);
	return p;
}

/* mkdir -p for the directory part of path. */
static int
make_parent(const char *path)
{
	char *d = xstrdup(path), *p;

	for (p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST) {
			free(d);
			return -1;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

static int
audit_open(struct app *app, char **cause)
{
	char *path = audit_path(app);
	int fd;

	make_parent(path);
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
	return 0;
}

int
audit_record(struct app *app, const char *action, const char *target,
    const cJSON *params, const char *result, char **cause)
{
	cJSON *o = cJSON_CreateObject();
	char ts[40], host[256], *line, *user, *at;
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
	cJSON_free(line);
	return rc;
}
