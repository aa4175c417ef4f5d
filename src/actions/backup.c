/* The backup (`b`): [backup] command runs as a child of /bin/sh in its own
 * session, its stdout and stderr stream through non-blocking pipes into a
 * bounded window, SIGCHLD arrives through the loop's self-pipe, and
 * nothing ever waits for it.  Cancel is SIGTERM to the process group, then
 * SIGKILL after a grace period.  The end (status, exit code, duration,
 * last success) goes to backup.json for the header and readiness, and to
 * the audit trail. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/core/paths.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"
#include "backup_internal.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void on_child(struct app *app, void *arg);

/* ---- state file ---- */

static void
state_load(struct backup *b)
{
	char *cause = NULL, *text;
	struct backup_state st;
	size_t len;

	text = file_read_small(b->state_path, 1u << 20, &len, &cause);
	free(cause);
	cause = NULL;
	if (text == NULL)
		return;
	if (backup_state_parse(text, len, &st, &cause) != 0) {
		free(cause);
		free(text);
		return;
	}
	free(text);
	/* Written by another config or site: not ours to show. */
	if (st.owner == NULL || strcmp(st.owner, b->owner) == 0) {
		b->last_run = st.last_run;
		b->last_success = st.last_success;
		b->last_exit = st.exit_code;
		b->last_duration = st.duration;
		b->last_status = st.last_status;
		st.last_status = NULL;
	}
	backup_state_free(&st);
}

/* ---- output ring ---- */

static void
ring_add(struct backup *b, const char *s, size_t len, bool err)
{
	struct bk_line *l;

	if (b->lines == NULL)
		b->lines = xcalloc(RING_LINES, sizeof *b->lines);
	if (b->nlines == RING_LINES) {
		l = &b->lines[b->head];
		free(l->text);
		b->head = (b->head + 1) % RING_LINES;
		b->nlines--;
		b->dropped++;
	}
	l = &b->lines[(b->head + b->nlines) % RING_LINES];
	l->text = sanitize_text(s, len);
	l->err = err;
	b->nlines++;
	if (b->scroll > 0 && b->scroll < b->nlines)
		b->scroll++;	/* a reader scrolled back keeps his place */
	app_dirty(b->app);
}

void
backup_note(struct backup *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	ring_add(b, s, strlen(s), false);
	free(s);
}

static void
ring_clear(struct backup *b)
{
	for (size_t i = 0; i < b->nlines; i++)
		free(b->lines[(b->head + i) % RING_LINES].text);
	b->nlines = b->head = b->dropped = 0;
	b->scroll = 0;
}

/* Split output into lines: "\n" ends one, a lone "\r" starts it over (a
 * progress counter rewriting itself), overlong lines are cut. */
static void
feed(struct backup *b, int idx, const char *buf, size_t n)
{
	struct strbuf *p = &b->partial[idx];

	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n') {
			if (p->len > 0 && p->buf[p->len - 1] == '\r')
				p->len--;
			ring_add(b, p->buf != NULL ? p->buf : "", p->len, idx == 1);
			p->len = 0;
			continue;
		}
		if (p->len > 0 && p->buf[p->len - 1] == '\r')
			p->len = 0;
		strbuf_addc(p, c);
		if (p->len >= LINE_BYTES) {
			ring_add(b, p->buf, p->len, idx == 1);
			p->len = 0;
		}
	}
}

static void
stream_close(struct backup *b, int idx)
{
	struct strbuf *p = &b->partial[idx];

	if (b->fds[idx] < 0)
		return;
	loop_fd_del(b->app->loop, b->fds[idx]);
	close(b->fds[idx]);
	b->fds[idx] = -1;
	if (p->len > 0)
		ring_add(b, p->buf, p->len, idx == 1);
	strbuf_free(p);
}

static void
drain(struct backup *b, int idx)
{
	char buf[16384];
	size_t total = 0;

	while (b->fds[idx] >= 0 && total < READ_BUDGET) {
		ssize_t n = read(b->fds[idx], buf, sizeof buf);

		if (n > 0) {
			feed(b, idx, buf, (size_t)n);
			total += (size_t)n;
		} else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		else
			stream_close(b, idx);	/* EOF or error */
	}
}

/* ---- the end of a run ---- */

static void
finish(struct backup *b, int wstatus, bool status_known)
{
	struct app *app = b->app;
	double duration = now_mono() - b->started_mono, end = now_wall();
	const char *status;
	int code = -1;
	char *text, *cause = NULL, *result, dur[32];
	cJSON *params;

	/* Whatever is still in the pipes belongs to this run. */
	for (int i = 0; i < 2; i++) {
		drain(b, i);
		stream_close(b, i);
	}
	app_off_sigchld(app, on_child, b);
	if (status_known && WIFEXITED(wstatus))
		code = WEXITSTATUS(wstatus);
	else if (status_known && WIFSIGNALED(wstatus))
		code = 128 + WTERMSIG(wstatus);
	if (b->cancelled)
		status = "cancelled";
	else if (!b->timed_out && status_known && WIFEXITED(wstatus) && code == 0)
		status = "success";
	else
		status = "failed";
	b->running = false;
	b->pid = 0;
	loop_timer_cancel(app->loop, b->kill_timer);
	loop_timer_cancel(app->loop, b->timeout_timer);
	b->kill_timer = b->timeout_timer = NULL;
	snprintf(dur, sizeof dur, "%.1f s", duration);
	if (status_known && WIFSIGNALED(wstatus))
		backup_note(b, _("── backup %s: killed by signal %d after %s"), status, WTERMSIG(wstatus), dur);
	else
		backup_note(b, _("── backup %s: exit code %d after %s"), status, code, dur);
	text = backup_state_json(end, status, code, duration, b->last_success, b->owner);
	if (file_write_atomic(b->state_path, text, strlen(text), &cause) != 0) {
		backup_note(b, _("── cannot record the result: %s"), cause);
		free(cause);
		cause = NULL;
	}
	free(text);
	b->last_run = end;
	b->last_duration = duration;
	b->last_exit = code;
	if (strcmp(status, "success") == 0)
		b->last_success = end;
	str_set(&b->last_status, status);
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "exit_code", code);
	cJSON_AddNumberToObject(params, "duration_s", round_to(duration, 1000));
	if (b->timed_out)
		cJSON_AddNumberToObject(params, "timeout_s", b->timeout);
	if (b->cancelled && b->cancel_reason != NULL)
		cJSON_AddStringToObject(params, "reason", b->cancel_reason);
	result = xasprintf("%s (exit %d, %s)", status, code, dur);
	if (audit_record(app, "backup.end", b->program, params, result, &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("audit: %s"), cause);
		free(cause);
	} else
		ui_message(app, strcmp(status, "success") == 0 ? UI_MSG_INFO : UI_MSG_ERROR,
		    _("backup %s (exit %d) after %s"), status, code, dur);
	cJSON_Delete(params);
	free(result);
	app_dirty(app);
}

static void
on_child(struct app *app, void *arg)
{
	struct backup *b = arg;
	int st = 0;
	pid_t r;

	(void)app;
	if (!b->running)
		return;
	do
		r = waitpid(b->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == b->pid)
		finish(b, st, true);
	else if (r < 0 && errno == ECHILD)
		finish(b, 0, false);	/* reaped elsewhere: the status is lost */
}

static void
on_output(int fd, int events, void *arg)
{
	struct backup *b = arg;

	(void)events;
	drain(b, fd == b->fds[0] ? 0 : 1);
	/* Both pipes closed: the child is probably gone; SIGCHLD may be
	 * behind us in the self-pipe, so ask now as well. */
	if (b->running && b->fds[0] < 0 && b->fds[1] < 0)
		on_child(b->app, b);
}

/* ---- starting and stopping ---- */

static void
kill_now(void *arg)
{
	struct backup *b = arg;

	b->kill_timer = NULL;
	if (!b->running)
		return;
	backup_note(b, _("── still running after %.0f s: sending SIGKILL"), KILL_GRACE);
	kill(-b->pid, SIGKILL);
}

void
backup_terminate(struct backup *b)
{
	if (!b->running)
		return;
	kill(-b->pid, SIGTERM);
	if (b->kill_timer == NULL)
		b->kill_timer = loop_timer_add(b->app->loop, KILL_GRACE, kill_now, b);
}

static void
on_timeout(void *arg)
{
	struct backup *b = arg;

	b->timeout_timer = NULL;
	if (!b->running)
		return;
	b->timed_out = true;
	backup_note(b, _("── timeout after %.0f s: sending SIGTERM"), b->timeout);
	backup_terminate(b);
}

static int
spawn(struct backup *b, char **cause)
{
	static const int defaults[] = { SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT,
	    SIGWINCH, SIGUSR1, SIGUSR2, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	int outp[2], errp[2], rc;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	char *argv[] = { (char *)"sh", (char *)"-c", b->command, NULL };

	/* Only our read ends are non-blocking: the write ends are the
	 * child's stdout and stderr and must block like any pipe. */
	if (pipe2(outp, O_CLOEXEC) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(errp, O_CLOEXEC) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		close(outp[0]);
		close(outp[1]);
		return -1;
	}
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Sockets of libcurl and libpq are not the backup's business. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&def);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		sigaddset(&def, defaults[i]);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	/* A session of its own: no controlling terminal to scribble on or
	 * prompt from, and one process group to signal on cancel. */
#ifdef POSIX_SPAWN_SETSID
	flags |= POSIX_SPAWN_SETSID;
#else
	flags |= POSIX_SPAWN_SETPGROUP;
	posix_spawnattr_setpgroup(&at, 0);
#endif
	posix_spawnattr_setflags(&at, flags);
	rc = posix_spawn(&b->pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(outp[1]);
	close(errp[1]);
	if (rc != 0) {
		*cause = xasprintf("/bin/sh: %s", strerror(rc));
		close(outp[0]);
		close(errp[0]);
		return -1;
	}
	b->fds[0] = outp[0];
	b->fds[1] = errp[0];
	loop_fd_set(b->app->loop, b->fds[0], LOOP_READ, on_output, b);
	loop_fd_set(b->app->loop, b->fds[1], LOOP_READ, on_output, b);
	return 0;
}

void
backup_start(struct backup *b)
{
	struct app *app = b->app;
	char *cause = NULL, ts[40];
	cJSON *params = cJSON_CreateObject();

	cJSON_AddStringToObject(params, "command", b->program);
	/* An action that cannot be recorded does not happen. */
	if (audit_record(app, "backup.start", b->program, params, "started", &cause) != 0) {
		ui_message(app, UI_MSG_ERROR, _("backup not started: %s"), cause);
		free(cause);
		cJSON_Delete(params);
		return;
	}
	cJSON_Delete(params);
	ring_clear(b);
	b->cancelled = b->timed_out = false;
	b->cancel_reason = NULL;
	b->started_mono = now_mono();
	backup_note(b, _("── %s: starting %s"), fmt_rfc3339(now_wall(), ts, sizeof ts), b->program);
	app_on_sigchld(app, on_child, b);
	b->running = true;
	if (spawn(b, &cause) != 0) {
		backup_note(b, _("── cannot start: %s"), cause);
		free(cause);
		finish(b, 127 << 8, true);
	} else if (b->timeout > 0)
		b->timeout_timer = loop_timer_add(app->loop, b->timeout, on_timeout, b);
	backup_window(b);
}

/* Only the program is shown or audited: the arguments, and variables set
 * in front of it (PGPASSWORD=...), may carry a password. */
char *
backup_program(const char *cmd)
{
	const char *p = cmd;

	for (;;) {
		size_t n, name;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		name = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
		if (n == 0)
			return xstrdup("?");
		if (name > 0 && name < n && p[name] == '=' && !(p[0] >= '0' && p[0] <= '9')) {
			p += n;
			continue;
		}
		if (n == 3 && strncmp(p, "env", 3) == 0) {
			p += n;
			continue;
		}
		return sanitize_text(p, n);
	}
}

struct backup *
backup_new(struct app *app)
{
	struct backup *b = xcalloc(1, sizeof *b);
	const char *cmd = config_get(app->config, "backup", NULL, "command");
	const char *path = config_get(app->config, "backup", NULL, "state_file");

	b->app = app;
	b->fds[0] = b->fds[1] = -1;
	if (cmd != NULL && *cmd != '\0') {
		b->command = xstrdup(cmd);
		b->program = backup_program(cmd);
	}
	b->timeout = config_get_double(app->config, "backup", NULL, "timeout", 0);
	b->state_path = path != NULL ? xstrdup(path) : actions_state_path(app, "backup.json");
	b->owner = paths_state_owner(app->config);
	b->configured = b->command != NULL || path != NULL;
	state_load(b);
	return b;
}

void
backup_free(struct backup *b)
{
	if (b == NULL)
		return;
	if (b->running) {
		/* The console is going away: end the backup the same way a
		 * cancel does, through the loop, within the grace period. */
		double deadline = now_mono() + KILL_GRACE;

		b->cancelled = true;
		b->cancel_reason = "console quit";
		backup_note(b, "%s", _("── the console quits: sending SIGTERM"));
		backup_terminate(b);
		while (b->running && now_mono() < deadline)
			loop_run_once(b->app->loop, 0.1);
		if (b->running) {
			int st = 0;

			kill(-b->pid, SIGKILL);
			while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR)
				;
			finish(b, st, true);
		}
	}
	app_off_sigchld(b->app, on_child, b);
	ring_clear(b);
	free(b->lines);
	free(b->command);
	free(b->program);
	free(b->state_path);
	free(b->owner);
	free(b->last_status);
	free(b);
}

