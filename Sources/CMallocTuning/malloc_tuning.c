#include "CMallocTuning.h"

#if defined(__GLIBC__)
#include <malloc.h>

void sluice_tune_malloc(void) {
    // Two arenas for a handful of threads, rather than up to eight per core.
    mallopt(M_ARENA_MAX, 2);
    // Blocks from 256 KiB up (bulk bodies) are mapped and unmapped on their own; a fixed threshold
    // also stops glibc raising it after the first large free, which kept them on the heap.
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
    // Free memory at the top of the heap goes back to the system beyond 1 MiB.
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
}
#else
void sluice_tune_malloc(void) {}
#endif
