/* The state files the actions write and the header and readiness read:
 * one reader and one writer each, so both sides agree on the format.
 *   backup.json    {"owner", "last_run", "last_status", "exit_code",
 *                   "duration_s", "last_success"}
 *   webhooks.json  {"routes": {"<name>": {"ok", "status", "latency_ms",
 *                   "time", "answer"}}}
 * Text from the files is made terminal-safe here. */
#ifndef CERES_MODEL_STATE_H
#define CERES_MODEL_STATE_H

#include <stdbool.h>
#include <stddef.h>

struct backup_state {
	char	*owner;		/* paths_state_owner() of the writer; NULL: none */
	double	 last_run;	/* wall clock; 0: never */
	double	 last_success;	/* 0: never */
	char	*last_status;	/* "success", "failed", ...; NULL: none */
	int	 exit_code;
	double	 duration;	/* seconds */
};
/* 0, or -1 with *cause when the text is not a JSON object.  Times may be
 * RFC 3339 strings or epoch seconds (the backup tooling writes either). */
int backup_state_parse(const char *buf, size_t len, struct backup_state *out, char **cause);
void backup_state_free(struct backup_state *st);
/* The file's text for a finished run.  last_success_prev is the previous
 * last_success (0: none); owner may be NULL. */
char *backup_state_json(double end, const char *status, int exit_code, double duration,
    double last_success_prev, const char *owner);

/* The last result of a webhook route. */
struct webhook_result {
	bool	 ok;
	long	 status;
	double	 latency_ms;
	double	 time;		/* wall clock; 0: never tested */
	char	*answer;	/* the answer's first line or the error, sanitized */
};
struct webhook_route_state {
	char			*name;	/* sanitized */
	int			 ok;	/* 1 ok, 0 failed, -1 not recorded */
	struct webhook_result	 r;
	char			*line;	/* the answer's first line, sanitized */
};
/* Every route of the file (at most max); 0, or -1 with *cause when the
 * text is not a JSON object. */
int webhook_state_parse(const char *buf, size_t len, size_t max, struct webhook_route_state **out,
    size_t *n, char **cause);
void webhook_state_free(struct webhook_route_state *routes, size_t n);
/* Merge one result into the file's text (NULL or unreadable text starts
 * a new one).  Returns the new text. */
char *webhook_state_update(const char *old, size_t len, const char *route, const struct webhook_result *r);
/* Look one route up in the file's text; 0 if found. */
int webhook_state_lookup(const char *text, size_t len, const char *route, struct webhook_result *r);

#endif
