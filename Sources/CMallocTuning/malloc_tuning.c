#include "CMallocTuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <string.h>

void sluice_tune_malloc(void) {
    // Two arenas for a handful of threads, rather than up to eight per core.
    mallopt(M_ARENA_MAX, 2);
    // Blocks from 256 KiB up (bulk bodies) are mapped and unmapped on their own; a fixed threshold
    // also stops glibc raising it after the first large free, which kept them on the heap.
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
    // Free memory at the top of the heap goes back to the system beyond 1 MiB.
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
}

// Run by the loader before main, so before the Swift runtime starts any thread: arenas made by
// earlier threads would outlive a later M_ARENA_MAX (measured: 66 MB peak when set from `run`,
// 62 MB when set first). Only for the long-running commands; glibc passes the arguments.
__attribute__((constructor)) static void sluice_tune_malloc_at_load(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2) return;
    const char *command = argv[1];
    if (strcmp(command, "run") == 0 || strcmp(command, "capture") == 0 || strcmp(command, "apply") == 0) {
        sluice_tune_malloc();
    }
}
#else
void sluice_tune_malloc(void) {}
#endif
