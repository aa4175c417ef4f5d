/* The actions' entry points: the table of global action keys the console
 * consults after the focused pane, the lifetime of the actions' state,
 * the header fragment, and the small-file helpers (state directory,
 * atomic replace) the state files share. */
#include "ceres/actions.h"
#include "ceres/app.h"
#include "ceres/audit.h"
#include "ceres/i18n.h"
#include "ceres/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* `q` is guarded while a backup runs (quitting would end it); the guard
 * lets the key through otherwise, so it is not listed in the help. */
const struct action_key action_keys[] = {
	{ 'w', "w", N_("webhook test menu (every notification route)"), webhooks_menu_key },
	{ 'b', "b", N_("run the backup, or show the one running"), backup_key },
	{ 'a', "a", N_("audit trail (newest first)"), audit_view_key },
	{ 'q', "q", NULL, backup_quit_guard },
	{ 0, NULL, NULL, NULL },
};

bool
actions_key(struct app *app, int key)
{
	for (const struct action_key *k = action_keys; k->key != 0; k++)
		if (k->key == key && k->run(app))
			return true;
	return false;
}

void
actions_start(struct app *app)
{
	struct actions *a;

	if (app->actions != NULL)
		return;
	a = xcalloc(1, sizeof *a);
	app->actions = a;
	a->audit_db = audit_db_new(app);
	a->webhooks = webhooks_new(app);
	a->backup = backup_new(app);
}

void
actions_stop(struct app *app)
{
	struct actions *a = app->actions;

	if (a == NULL)
		return;
	/* The backup's end is audited, so it goes before the audit flush. */
	backup_free(a->backup);
	a->backup = NULL;
	webhooks_free(a->webhooks);
	a->webhooks = NULL;
	/* Give the central audit a moment to take what is spooled; what it
	 * does not take stays in the spool for the next run. */
	audit_db_free(a->audit_db, now_mono() + 2.0);
	a->audit_db = NULL;
	free(a);
	app->actions = NULL;
}

void
actions_header(struct app *app, char *buf, size_t n)
{
	backup_header(app, buf, n);
}

static char *
expand_home(const char *p)
{
	const char *home = getenv("HOME");

	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0') && home != NULL && *home != '\0')
		return xasprintf("%s%s", home, p + 1);
	return xstrdup(p);
}

char *
actions_state_dir(struct app *app)
{
	const char *v = config_get(app->config, "ceres", NULL, "state_dir");
	const char *xdg = getenv("XDG_STATE_HOME");

	if (v != NULL && *v != '\0')
		return expand_home(v);
	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/ceres-top", xdg);
	return expand_home("~/.local/state/ceres-top");
}

char *
actions_state_path(struct app *app, const char *name)
{
	char *dir = actions_state_dir(app);
	char *p = xasprintf("%s/%s", dir, name);

	free(dir);
	return p;
}

int
actions_make_parent(const char *path)
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
write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int
actions_write_file(const char *path, const char *data, size_t len, char **cause)
{
	char *tmp, *dcopy;
	int fd, dfd;

	actions_make_parent(path);
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	/* The rename itself is durable only once the directory is synced. */
	dcopy = xstrdup(path);
	dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dcopy);
	return 0;
}

char *
actions_read_file(const char *path, size_t max, size_t *len, char **cause)
{
	struct strbuf sb;
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("%s: %s", path, strerror(errno));
			close(fd);
			strbuf_free(&sb);
			return NULL;
		}
		if (sb.len + (size_t)n > max) {
			*cause = xasprintf(_("%s: larger than %zu bytes"), path, max);
			close(fd);
			strbuf_free(&sb);
			return NULL;
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	close(fd);
	*len = sb.len;
	return strbuf_detach(&sb);
}
