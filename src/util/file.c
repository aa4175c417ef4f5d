/* Small files: read one whole (with a cap), replace one atomically, make
 * the directories above a path. */
#include "ceres/util/file.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
file_make_parent(const char *path)
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
file_write_atomic(const char *path, const char *data, size_t len, char **cause)
{
	char *tmp, *dcopy;
	int fd, dfd;

	if (path == NULL) {
		*cause = xstrdup(_("no state directory: set HOME or [ceres] state_dir"));
		return -1;
	}
	file_make_parent(path);
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
file_read_small(const char *path, size_t max, size_t *len, char **cause)
{
	struct strbuf sb;
	char buf[8192];
	int fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n;

	if (path == NULL) {
		*cause = xstrdup(_("no state directory: set HOME or [ceres] state_dir"));
		return NULL;
	}
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
