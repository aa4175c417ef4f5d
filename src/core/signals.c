/* Signals go through a self-pipe into the loop: the handlers only write
 * one byte.  Fatal signals restore the terminal with async-signal-safe
 * calls (saved termios, a reset sequence) and then die as they would. */
#include "ceres/core/app.h"
#include "ceres/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t sig_fd = -1;
static volatile sig_atomic_t tty_restore;
static struct termios saved_tios;
static volatile sig_atomic_t have_tios;

static void
on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (sig_fd >= 0)
		(void)!write(sig_fd, &b, 1);
	errno = saved;
}

static void
on_fatal(int signo)
{
	static const char reset[] = "\033[0m\033[?1049l\033[?25h\033[?1000l\r\n";

	if (tty_restore) {
		if (have_tios)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
		(void)!write(STDOUT_FILENO, reset, sizeof reset - 1);
	}
	signal(signo, SIG_DFL);
	raise(signo);
}

void
signals_set_tty_restore(bool on)
{
	tty_restore = on;
}

static void
sig_read(int fd, int events, void *arg)
{
	struct app *app = arg;
	unsigned char buf[64];
	ssize_t n;

	(void)events;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGTERM:
			case SIGINT:
			case SIGHUP:
				app->quit = true;
				break;
			case SIGCHLD:
				/* Listeners may remove themselves while we walk. */
				for (size_t j = 0; j < app->nchild_cbs; j++) {
					size_t before = app->nchild_cbs;

					app->child_cbs[j].fn(app, app->child_cbs[j].arg);
					if (app->nchild_cbs < before)
						j--;
				}
				break;
			default:
				/* SIGWINCH, SIGCONT (the size may have changed
				 * while stopped): the console, when there is one. */
				if (app->on_signal != NULL)
					app->on_signal(app, buf[i]);
				break;
			}
		}
	}
}

int
signals_init(struct app *app, char **cause)
{
	struct sigaction sa;
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	static const int caught[] = { SIGTERM, SIGINT, SIGHUP, SIGWINCH, SIGCHLD, SIGCONT };

	if (pipe2(app->sigpipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	sig_fd = app->sigpipe[1];
	if (tcgetattr(STDIN_FILENO, &saved_tios) == 0)
		have_tios = 1;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaction(caught[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	loop_fd_set(app->loop, app->sigpipe[0], LOOP_READ, sig_read, app);
	return 0;
}

void
signals_fini(struct app *app)
{
	if (app->sigpipe[0] > 0) {
		loop_fd_del(app->loop, app->sigpipe[0]);
		sig_fd = -1;
		close(app->sigpipe[0]);
		close(app->sigpipe[1]);
		app->sigpipe[0] = app->sigpipe[1] = 0;
	}
}

