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

int
file_read_regular(const char *path, size_t max, char **out, size_t *len, mode_t *mode, const char **why)
{
	struct stat	 st;
	struct strbuf	 sb;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd, saved;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		*why = strerror(saved);
		return saved;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = _("not a regular file");
		return EINVAL;
	}
	if (mode != NULL)
		*mode = st.st_mode;
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb.len + (size_t)n > max) {
			n = -1;
			errno = EFBIG;
			break;
		}
		strbuf_add(&sb, chunk, (size_t)n);
	}
	saved = errno;
	close(fd);
	/* The file may be a secret: nothing of it stays behind. */
	explicit_bzero(chunk, sizeof chunk);
	if (n < 0) {
		if (sb.buf != NULL)
			explicit_bzero(sb.buf, sb.len);
		strbuf_free(&sb);
		*why = saved == EFBIG ? _("file too large") : strerror(saved);
		return saved;
	}
	*len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

char *
file_read_small(const char *path, size_t max, size_t *len, char **cause)
{
	const char *why = NULL;
	char *buf;
	int rc;

	if (path == NULL) {
		*cause = xstrdup(_("no state directory: set HOME or [ceres] state_dir"));
		return NULL;
	}
	rc = file_read_regular(path, max, &buf, len, NULL, &why);
	if (rc == EFBIG)
		*cause = xasprintf(_("%s: larger than %zu bytes"), path, max);
	else if (rc != 0)
		*cause = xasprintf("%s: %s", path, why);
	return rc == 0 ? buf : NULL;
}
