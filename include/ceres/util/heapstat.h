/* The bytes the program holds on the heap (allocated and not freed), for
 * measuring leaks apart from the allocator's keeping of freed memory. */
#ifndef CERES_UTIL_HEAPSTAT_H
#define CERES_UTIL_HEAPSTAT_H

/* Bytes allocated and not yet freed; -1 when the C library cannot say. */
long long heapstat_bytes(void);

/* With CERES_TOP_HEAP_STATS=FILE in the environment, replace FILE with
 * "heap_bytes N\n" at most once a second (a diagnostic for bench/soak);
 * without it, nothing.  Called from the event loop. */
void heapstat_tick(void);

#endif
