/* Small files: the state files and the audit log's neighbours. */
#ifndef CERES_FILE_H
#define CERES_FILE_H

#include <stddef.h>

/* mkdir -p of the directory part of path (mode 0700); 0 or -1. */
int file_make_parent(const char *path);
/* Replace path atomically (temporary file, fsync, rename, fsync of the
 * directory).  Returns 0, or -1 with *cause.  A NULL path (no state
 * directory) is an error. */
int file_write_atomic(const char *path, const char *data, size_t len, char **cause);
/* Read a whole small file (at most max bytes, NUL-terminated); NULL with
 * *cause (a NULL path too). */
char *file_read_small(const char *path, size_t max, size_t *len, char **cause);

#endif
