/* Where ceres-top keeps what outlives a run (backup and webhook test
 * state, the audit log, the audit spool), and where it finds the files it
 * ships (themes, runbooks).  One answer for every layer that reads or
 * writes them. */
#ifndef CERES_PATHS_H
#define CERES_PATHS_H

struct config;

/* [ceres] state_dir (with ~ expanded), else $XDG_STATE_HOME/ceres-top
 * when that is an absolute path, else ~/.local/state/ceres-top (HOME,
 * or the password database when HOME is unset).  NULL when there is no
 * home at all.  The caller frees the result. */
char *paths_state_dir(const struct config *c);
/* <state dir>/<name>, or NULL as above. */
char *paths_state_file(const struct config *c, const char *name);
/* Who a state file belongs to: the config that wrote it (its absolute
 * path, or "(built-in)") and the site, "<path>#<site>".  A state file
 * whose "owner" differs was written by another config or site and is
 * ignored.  The caller frees the result. */
char *paths_state_owner(const struct config *c);
/* [ceres] audit_log (with ~ expanded), else <state dir>/audit.log. */
char *paths_audit_log(const struct config *c);

/* The files ceres-top ships. */
enum paths_data {
	PATHS_THEMES,		/* themes: NAME.theme */
	PATHS_RUNBOOKS,		/* runbook pages, <id>.md */
	PATHS_LOCALE		/* <lang>/LC_MESSAGES/ceres-top.mo */
};
/* Where the shipped files of kind `what` are.  An installed binary uses
 * the directories of `make install` (PKGDATADIR/themes,
 * PKGDATADIR/runbooks, LOCALEDIR); a binary run from the build tree it
 * was built in (its executable is in that directory) uses the source
 * tree it was configured from (themes/, doc/runbooks/) and the build
 * tree's locale/, so the demo and a fresh build work before
 * `make install`.  Runbooks come from $CERES_TOP_DATADIR/runbooks when
 * that is set to an absolute path.  Never the current directory.  The
 * caller frees the result. */
char *paths_data_dir(enum paths_data what);
/* True when this process is the uninstalled binary of its build tree. */
int paths_uninstalled(void);

#endif
