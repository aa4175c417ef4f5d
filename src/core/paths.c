/* The state directory and the files in it, worked out in one place: the
 * actions write backup.json, webhooks.json and the audit log, the
 * readiness checks read them, and both must agree on where they are.
 * Also where the shipped themes, runbooks and translations are: installed,
 * or the source and build trees of an uninstalled binary. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ceres/core/config.h"
#include "ceres/core/paths.h"
#include "ceres/util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/ceres-top"
#endif
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

char *
paths_state_dir(const struct config *c)
{
	const char *v = c != NULL ? config_get(c, "ceres", NULL, "state_dir") : NULL;
	const char *xdg = getenv("XDG_STATE_HOME");

	if (v != NULL && *v != '\0')
		return config_expand_path(v);
	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/ceres-top", xdg);
	return config_expand_path("~/.local/state/ceres-top");
}

char *
paths_state_file(const struct config *c, const char *name)
{
	char *dir = paths_state_dir(c), *p;

	if (dir == NULL)
		return NULL;
	p = xasprintf("%s/%s", dir, name);
	free(dir);
	return p;
}

char *
paths_audit_log(const struct config *c)
{
	const char *v = c != NULL ? config_get(c, "ceres", NULL, "audit_log") : NULL;

	if (v != NULL && *v != '\0')
		return config_expand_path(v);
	return paths_state_file(c, "audit.log");
}

char *
paths_state_owner(const struct config *c)
{
	char abs[PATH_MAX];
	const char *path = "(built-in)";

	if (c != NULL && c->path != NULL)
		path = realpath(c->path, abs) != NULL ? abs : c->path;
	return xasprintf("%s#%s", path, c != NULL && c->site != NULL ? c->site : "");
}

/* The directory of the running executable (resolved), or NULL. */
static char *
exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(buf[0] != '\0' ? buf : "/");
}

int
paths_uninstalled(void)
{
#if defined(CERES_ABS_BUILDDIR) && defined(CERES_ABS_SRCDIR)
	static int known = -1;

	if (known < 0) {
		char *dir = exe_dir(), *build = realpath(CERES_ABS_BUILDDIR, NULL);

		known = dir != NULL && build != NULL && strcmp(dir, build) == 0;
		free(dir);
		free(build);
	}
	return known;
#else
	return 0;
#endif
}

char *
paths_data_dir(enum paths_data what)
{
	const char *env = getenv("CERES_TOP_DATADIR");

	/* Runbook pages from another directory (tests, a packaged copy). */
	if (what == PATHS_RUNBOOKS && env != NULL && *env == '/')
		return xasprintf("%s/runbooks", env);
#if defined(CERES_ABS_BUILDDIR) && defined(CERES_ABS_SRCDIR)
	if (paths_uninstalled()) {
		/* resolved: a VPATH build's abs_top_srcdir is "<build>/.." */
		char *top = realpath(what == PATHS_LOCALE ? CERES_ABS_BUILDDIR : CERES_ABS_SRCDIR, NULL);
		char *p = NULL;

		if (top != NULL)
			p = xasprintf("%s/%s", top, what == PATHS_THEMES ? "themes" :
			    what == PATHS_RUNBOOKS ? "doc/runbooks" : "locale");
		free(top);
		if (p != NULL)
			return p;
	}
#endif
	switch (what) {
	case PATHS_THEMES:
		return xstrdup(PKGDATADIR "/themes");
	case PATHS_RUNBOOKS:
		return xstrdup(PKGDATADIR "/runbooks");
	case PATHS_LOCALE:
		break;
	}
	return xstrdup(LOCALEDIR);
}
