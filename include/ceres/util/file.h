/* Small files: the state files and the audit log's neighbours. */
#ifndef CERES_FILE_H
#define CERES_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p of the directory part of path (mode 0700); 0 or -1. */
int file_make_parent(const char *path);
/* Replace path atomically (temporary file, fsync, rename, fsync of the
 * directory).  Returns 0, or -1 with *cause.  A NULL path (no state
 * directory) is an error. */
int file_write_atomic(const char *path, const char *data, size_t len, char **cause);
/* Read a whole regular file of at most max bytes, NUL-terminated, opened
 * without blocking (a FIFO planted at the path cannot stall the loop) and
 * wiped from the stack (it may be a secret).  Returns 0, or an errno
 * value (ENOENT: it does not exist; EINVAL: not a regular file; EFBIG:
 * over max) with a message in *why.  mode may be NULL. */
int file_read_regular(const char *path, size_t max, char **out, size_t *len, mode_t *mode, const char **why);
/* The same for the state files: NULL with *cause naming the path (a NULL
 * path too: no state directory). */
char *file_read_small(const char *path, size_t max, size_t *len, char **cause);

#endif
