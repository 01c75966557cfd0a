#include "CMallocTuning.h"

#include <mimalloc.h>
#include <string.h>

// Linking this file links mimalloc, which the loader then finds before the C library: every
// malloc of the process (Swift's runtime, librdkafka, libzookeeper) is mimalloc's. Measured
// (BENCHMARKS.md, session 6): decoding 8–11% faster than with glibc malloc, and no lock between
// the thread that makes Kafka messages and the one that frees them once delivered.

void sluice_tune_malloc(void) {
    // Pages freed are given back to the system at once rather than after 25 ms, so resident
    // memory follows what is in use (scripts/bench-memory with mimalloc preloaded: peak 62.9 MB
    // with the delay, 58.8 MB without; linked as here, 58.1 and 58.5 MB).
    mi_option_set(mi_option_decommit_delay, 0);
}

// Run by the loader before main. Only for the long-running commands; glibc passes the arguments.
__attribute__((constructor)) static void sluice_tune_malloc_at_load(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2) return;
    const char *command = argv[1];
    if (strcmp(command, "run") == 0 || strcmp(command, "capture") == 0 || strcmp(command, "apply") == 0) {
        sluice_tune_malloc();
    }
}
