/* What the backup run (backup.c) and its window and keys (backup_view.c)
 * share.  Not a public header. */
#ifndef CERES_BACKUP_INTERNAL_H
#define CERES_BACKUP_INTERNAL_H

#include "ceres/core/loop.h"
#include "ceres/util/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RING_LINES	5000
#define LINE_BYTES	2048
#define READ_BUDGET	(256u << 10)	/* per wake-up, so keys stay responsive */
#define KILL_GRACE	5.0

struct bk_line {
	char	*text;
	bool	 err;
};

struct backup {
	struct app		*app;
	char			*command;	/* NULL: not configured */
	char			*program;	/* first word, safe to show */
	char			*state_path;
	char			*owner;		/* paths_state_owner() */
	bool			 configured;	/* a [backup] command or state_file */
	double			 timeout;
	/* the run */
	pid_t			 pid;
	bool			 running;
	bool			 cancelled;
	bool			 timed_out;
	const char		*cancel_reason;	/* N_() */
	int			 fds[2];	/* stdout, stderr; -1 when closed */
	struct strbuf		 partial[2];
	double			 started_mono;
	struct loop_timer	*kill_timer;
	struct loop_timer	*timeout_timer;
	/* output: a ring of sanitized lines */
	struct bk_line		*lines;
	size_t			 nlines;
	size_t			 head;
	size_t			 dropped;
	/* the window */
	bool			 window_open;
	size_t			 scroll;	/* lines up from the end; 0 follows */
	int			 height;
	/* the last run (backup.json) */
	double			 last_run;
	double			 last_success;
	double			 last_duration;
	int			 last_exit;
	char			*last_status;
};

/* Start the configured command (the caller confirmed and audited). */
void backup_start(struct backup *b);
/* Cancel a run: SIGTERM to its process group, SIGKILL after a grace. */
void backup_terminate(struct backup *b);
/* A line of our own in the output window. */
void backup_note(struct backup *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Open the output window. */
void backup_window(struct backup *b);

#endif
