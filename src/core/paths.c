/* The state directory and the files in it, worked out in one place: the
 * actions write backup.json, webhooks.json and the audit log, the
 * readiness checks read them, and both must agree on where they are. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ceres/core/config.h"
#include "ceres/core/paths.h"
#include "ceres/util/util.h"

#include <limits.h>
#include <stdlib.h>

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
