/* Local evidence: the backup and webhook-test state files other areas
 * write, the audit log, and whether the backup command can run.  Small
 * files only (capped), opened non-blocking so a FIFO planted at a state
 * path cannot stall the loop. */
#include "ceres/core/config.h"
#include "ceres/core/paths.h"
#include "ceres/util/json.h"
#include "ceres/util/file.h"
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAX	(1u << 20)
#define AUDIT_TAIL	8192

/* A state file: 0, 1 when it does not exist, -1 with *why. */
static int
read_small(const char *path, size_t max, char **buf, size_t *len, const char **why)
{
	int rc = file_read_regular(path, max, buf, len, NULL, why);

	return rc == 0 ? 0 : rc == ENOENT ? 1 : -1;
}

static void
refresh_backup(const struct config *c, struct rd_backup *b)
{
	const char *p = config_get(c, "backup", NULL, "state_file");
	const char *why = NULL;
	char *buf, *cause = NULL;
	size_t len;
	int rc;

	free(b->path);
	b->path = p != NULL ? xstrdup(p) : paths_state_file(c, "backup.json");
	if (b->path == NULL) {
		rd_fetch_err(&b->f, "%s", _("no state directory (HOME unset)"));
		return;
	}
	rc = read_small(b->path, STATE_MAX, &buf, &len, &why);
	b->exists = rc != 1;
	b->foreign = false;
	b->last_success = b->last_run = 0;
	if (rc == 1)
		rd_fetch_ok(&b->f);
	else if (rc < 0)
		rd_fetch_err(&b->f, "%s", why);
	else if (rd_parse_backup_state(buf, len, b, &cause) != 0) {
		rd_fetch_err(&b->f, "%s", cause);
		free(cause);
	} else {
		char *owner = paths_state_owner(c);

		/* Another config's or site's backups say nothing about ours. */
		b->foreign = b->owner != NULL && strcmp(b->owner, owner) != 0;
		free(owner);
		rd_fetch_ok(&b->f);
	}
	free(buf);
}

/* Can the first word of [backup] command be executed? */
static void
refresh_backup_command(const struct config *c, struct rd_backup *b)
{
	const char *cmd = config_get(c, "backup", NULL, "command");
	const char *path = getenv("PATH");
	char *word;
	struct stat st;

	free(b->command);
	b->command = NULL;
	free(b->command_why);
	b->command_why = NULL;
	if (cmd == NULL) {
		b->command_ok = -1;
		return;
	}
	cmd += strspn(cmd, " \t");
	word = xstrndup(cmd, strcspn(cmd, " \t"));
	b->command = sanitize_str(word);
	b->command_ok = 0;
	if (strchr(word, '/') != NULL) {
		if (stat(word, &st) != 0)
			b->command_why = xstrdup(strerror(errno));
		else if (!S_ISREG(st.st_mode))
			b->command_why = xstrdup(_("not a regular file"));
		else if (access(word, X_OK) != 0)
			b->command_why = xstrdup(strerror(errno));
		else
			b->command_ok = 1;
	} else {
		char *dirs = xstrdup(path != NULL ? path : "/usr/bin:/bin"), *save = NULL, *d;

		for (d = strtok_r(dirs, ":", &save); d != NULL && b->command_ok == 0; d = strtok_r(NULL, ":", &save)) {
			char *full = xasprintf("%s/%s", d, word);

			if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
				b->command_ok = 1;
			free(full);
		}
		free(dirs);
		if (b->command_ok == 0)
			b->command_why = xstrdup(_("not found in PATH"));
	}
	free(word);
}

static void
refresh_webhooks(const struct config *c, struct rd_webhooks *w)
{
	const char *why = NULL;
	char *buf, *cause = NULL;
	size_t len;
	int rc;

	free(w->path);
	w->path = paths_state_file(c, "webhooks.json");
	if (w->path == NULL) {
		rd_fetch_err(&w->f, "%s", _("no state directory (HOME unset)"));
		return;
	}
	rc = read_small(w->path, STATE_MAX, &buf, &len, &why);
	w->exists = rc != 1;
	if (rc == 1) {
		rd_webhooks_free_routes(w);
		rd_fetch_ok(&w->f);
	} else if (rc < 0)
		rd_fetch_err(&w->f, "%s", why);
	else if (rd_parse_webhook_state(buf, len, w, &cause) != 0) {
		rd_fetch_err(&w->f, "%s", cause);
		free(cause);
	} else
		rd_fetch_ok(&w->f);
	free(buf);
}

/* The nearest existing ancestor directory of path must be writable for
 * the log to be created there. */
static bool
creatable(const char *path, const char **why)
{
	char *d = xstrdup(path), *slash;
	bool ok = false;

	while ((slash = strrchr(d, '/')) != NULL) {
		struct stat st;

		*slash = '\0';
		if (stat(d[0] != '\0' ? d : "/", &st) != 0)
			continue;
		if (!S_ISDIR(st.st_mode))
			*why = _("a parent is not a directory");
		else if (access(d[0] != '\0' ? d : "/", W_OK | X_OK) != 0)
			*why = strerror(errno);
		else
			ok = true;
		break;
	}
	free(d);
	return ok;
}

/* The time of the last complete line of the log's tail. */
static double
last_entry(int fd, off_t size)
{
	char buf[AUDIT_TAIL + 1], *end, *start;
	off_t from = size > AUDIT_TAIL ? size - AUDIT_TAIL : 0;
	ssize_t n = pread(fd, buf, AUDIT_TAIL, from);
	cJSON *j;
	double t = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	end = buf + n;
	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	start = strrchr(buf, '\n');
	start = start != NULL ? start + 1 : buf;
	j = json_parse_bounded(start, (size_t)(end - start), NULL);
	t = rd_json_time(cJSON_GetObjectItemCaseSensitive(j, "time"));
	cJSON_Delete(j);
	return t;
}

static void
refresh_audit(const char *path, struct rd_audit *a)
{
	const char *why = NULL;
	struct stat st;
	int fd;

	free(a->path);
	a->path = path != NULL ? sanitize_str(path) : NULL;
	free(a->why);
	a->why = NULL;
	a->last = 0;
	a->writable = false;
	if (path == NULL) {
		rd_fetch_err(&a->f, "%s", _("no audit log path"));
		return;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		a->writable = creatable(path, &why);
		if (!a->writable)
			a->why = xstrdup(why != NULL ? why : _("no parent directory"));
	} else if (fd < 0) {
		a->why = xstrdup(strerror(errno));
	} else {
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
			a->why = xstrdup(_("not a regular file"));
		else if (access(path, W_OK) != 0)
			a->why = xstrdup(strerror(errno));
		else {
			a->writable = true;
			a->last = last_entry(fd, st.st_size);
		}
		close(fd);
	}
	rd_fetch_ok(&a->f);
}

/* The restore test state: the backup state's format, parsed alike. */
static void
refresh_restore(const struct config *c, struct rd_restore *r)
{
	const char *p = config_get(c, "backup", NULL, "restore_state_file");
	const char *why = NULL;
	struct rd_backup b;
	char *buf, *cause = NULL;
	size_t len;
	int rc;

	free(r->path);
	r->path = p != NULL ? xstrdup(p) : paths_state_file(c, "restore_test.json");
	if (r->path == NULL) {
		rd_fetch_err(&r->f, "%s", _("no state directory (HOME unset)"));
		return;
	}
	rc = read_small(r->path, STATE_MAX, &buf, &len, &why);
	r->exists = rc != 1;
	r->last_success = r->last_run = 0;
	free(r->last_status);
	r->last_status = NULL;
	memset(&b, 0, sizeof b);
	if (rc == 1)
		rd_fetch_ok(&r->f);
	else if (rc < 0)
		rd_fetch_err(&r->f, "%s", why);
	else if (rd_parse_backup_state(buf, len, &b, &cause) != 0) {
		rd_fetch_err(&r->f, "%s", cause);
		free(cause);
	} else {
		r->last_success = b.last_success;
		r->last_run = b.last_run;
		r->last_status = b.last_status;
		b.last_status = NULL;
		rd_fetch_ok(&r->f);
	}
	free(b.last_status);
	free(buf);
}

/* The disaster-recovery runbook: present, a regular file, not empty. */
static void
refresh_dr(const struct config *c, struct rd_dr *d)
{
	const char *p = config_get(c, "readiness", NULL, "dr_runbook");
	struct stat st;

	free(d->path);
	free(d->why);
	d->path = NULL;
	d->why = NULL;
	d->exists = false;
	d->size = 0;
	d->mtime = 0;
	rd_fetch_clear(&d->f);
	if (p == NULL) {
		d->f.avail = RD_OFF;
		return;
	}
	d->path = xstrdup(p);
	if (stat(d->path, &st) != 0) {
		d->why = xstrdup(strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		d->why = xstrdup(_("not a regular file"));
	} else if (access(d->path, R_OK) != 0) {
		d->why = xstrdup(strerror(errno));
	} else {
		d->exists = true;
		d->size = (long long)st.st_size;
		d->mtime = (double)st.st_mtime;
	}
	rd_fetch_ok(&d->f);
}

void
rd_files_refresh(const struct config *c, const char *audit_path, struct rd_data *d)
{
	refresh_backup(c, &d->backup);
	refresh_backup_command(c, &d->backup);
	refresh_webhooks(c, &d->webhooks);
	refresh_audit(audit_path, &d->audit);
	refresh_restore(c, &d->restore);
	refresh_dr(c, &d->dr);
	d->generation++;
}
