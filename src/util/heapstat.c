/* Heap accounting for soak runs.  RSS alone cannot tell a leak from the
 * allocator: glibc keeps freed memory mapped (the top of the heap behind
 * a live block, and after a large free its mmap threshold rises), so RSS
 * climbs to the high-water mark of the largest answer and stays there.
 * What the program holds is the C library's count of allocated bytes
 * (mallinfo2: in use in the arenas plus mmap'd blocks) or, in a
 * sanitizer build, the sanitizer allocator's. */
#include "ceres/util/heapstat.h"
#include "ceres/util/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAPSTAT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HEAPSTAT_ASAN 1
#endif

#if defined(HEAPSTAT_ASAN)
#include <stddef.h>
/* From <sanitizer/allocator_interface.h>, which not every compiler ships. */
size_t __sanitizer_get_current_allocated_bytes(void);
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define HEAPSTAT_MALLINFO2 1
#include <malloc.h>
#endif

long long
heapstat_bytes(void)
{
#if defined(HEAPSTAT_ASAN)
	return (long long)__sanitizer_get_current_allocated_bytes();
#elif defined(HEAPSTAT_MALLINFO2)
	struct mallinfo2 mi = mallinfo2();

	return (long long)(mi.uordblks + mi.hblkhd);
#else
	return -1;
#endif
}

void
heapstat_tick(void)
{
	static int on = -1;
	static const char *path;
	static double next;
	char tmp[4096], line[64];
	double t;
	int fd, n;

	if (on < 0) {
		path = getenv("CERES_TOP_HEAP_STATS");
		on = path != NULL && *path != '\0' && strlen(path) + 5 < sizeof tmp;
	}
	if (!on || (t = now_mono()) < next)
		return;
	next = t + 1.0;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	n = snprintf(line, sizeof line, "heap_bytes %lld\n", heapstat_bytes());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) == n && close(fd) == 0)
		rename(tmp, path);
	else
		(void)unlink(tmp);
}
