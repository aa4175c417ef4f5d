/* Actions: things the operator does from the keyboard, separate from the
 * panes (silences, webhook tests, the backup, the audit trail view).
 * Their keys are added to the console (ui_key_add): `w`, `b` and `a` work
 * from any pane, `s`, `A` and `S` on the alerts pane.  State kept between runs (last webhook results, last
 * backup) lives in small JSON files the readiness checks read too. */
#ifndef CERES_ACTIONS_H
#define CERES_ACTIONS_H

#include "ceres/model/state.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct app;
struct cJSON;
struct strbuf;

/* The actions' life in the console: start adds their keys and header
 * fragment to the console (s A S on the alerts pane; w b a anywhere);
 * stop cancels what is in flight, ends a running backup, and removes
 * them. */
void actions_start(struct app *app);
void actions_stop(struct app *app);
/* Key handlers (false: not taken, the console's own binding applies). */
bool webhooks_menu_key(struct app *app, void *arg);
bool backup_key(struct app *app, void *arg);
bool backup_quit_guard(struct app *app, void *arg);
bool audit_view_key(struct app *app, void *arg);
bool silences_key_silence(struct app *app, void *arg);
bool silences_key_ack(struct app *app, void *arg);
bool silences_key_list(struct app *app, void *arg);

/* The state the actions keep while the console runs. */
struct webhooks;
struct backup;
struct audit_db;
struct alerts_action;
struct actions {
	struct webhooks		*webhooks;
	struct backup		*backup;
	struct audit_db		*audit_db;
	struct alerts_action	*silences;	/* silence requests in flight */
};

/* <state dir>/<name> (include/ceres/core/paths.h); NULL when there is
 * no home.  The caller frees the result. */
char *actions_state_path(struct app *app, const char *name);

/* ---- webhook tests (webhook.c, webhook_format.c) ---- */
enum webhook_kind {
	WEBHOOK_MATTERMOST,
	WEBHOOK_ZULIP,
	WEBHOOK_SLACK,
	WEBHOOK_GENERIC,
	WEBHOOK_GITEA,		/* a Gitea repository hook, tested through the API */
};
/* "mattermost" ... ; -1 for an unknown name. */
int webhook_kind_parse(const char *s);
const char *webhook_kind_name(enum webhook_kind k);

/* What a test message says. */
struct webhook_msg {
	const char	*route;
	const char	*site;
	const char	*sent_by;	/* user@host */
	const char	*time;		/* RFC 3339 */
	const char	*version;
	const char	*channel;	/* NULL: the hook's default */
	const char	*username;	/* NULL: "ceres-top" */
};
/* The JSON body of a test message in the chat's own format. */
char *webhook_payload(enum webhook_kind kind, const struct webhook_msg *m);
/* Did the receiver accept it?  Mattermost and Slack answer 200 "ok",
 * Zulip 200 {"result":"success"}, generic any 2xx, Gitea 204. */
bool webhook_accepted(enum webhook_kind kind, long status, const char *body, size_t len);
/* A one-line, terminal-safe summary of an answer body: "ok", the message
 * of a JSON error, the <title> of an HTML page, else the first non-empty
 * line.  Anything that looks like a piece of secret_url is masked.  At
 * most max bytes (whole characters). */
char *webhook_answer(const char *body, size_t len, const char *secret_url, size_t max);
/* Replace every part of secret_url that could carry a secret (the whole
 * URL, its path and query, long path segments and query values) in s by
 * "…".  Returns a new string. */
char *webhook_scrub(const char *s, const char *secret_url);

/* One hook of a Gitea repository (GET /repos/{o}/{r}/hooks). */
struct webhook_gitea_hook {
	long	 id;
	char	*type;		/* "gitea", "slack", "matrix" ... */
	char	*target;	/* url_redact() of config.url */
	bool	 active;
};
/* Parse the hooks list; *out is an array the caller frees with
 * webhook_gitea_hooks_free.  Returns 0, or -1 with *cause. */
int webhook_gitea_hooks_parse(const char *buf, size_t len, struct webhook_gitea_hook **out, size_t *n, char **cause);
void webhook_gitea_hooks_free(struct webhook_gitea_hook *h, size_t n);

/* The last result of a route: struct webhook_result and the webhooks.json
 * reader and writer are in ceres/model/state.h. */

struct webhooks *webhooks_new(struct app *app);
void webhooks_free(struct webhooks *w);

/* ---- backup (backup.c) ---- */
struct backup *backup_new(struct app *app);
void backup_free(struct backup *b);	/* ends a running backup first */
void backup_header(struct app *app, char *buf, size_t n);
/* The program of a command line (no leading VAR=value words, no "env"),
 * safe to show: never its arguments. */
char *backup_program(const char *cmd);
/* backup.json: backup_state_json() and backup_state_parse() in
 * ceres/model/state.h. */

/* ---- audit trail view and central audit (audit_view.c, audit_db.c) ---- */
/* The text of the audit view: the newest lines of a JSON-lines log,
 * newest first, one formatted line each (pure, for tests). */
char *audit_view_format(const char *buf, size_t len, size_t max_lines);

/* Actions call this first; in read-only mode it says so and returns false. */
bool app_action_allowed(struct app *app);

#endif
