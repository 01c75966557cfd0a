#ifndef SLUICE_CMALLOCTUNING_H
#define SLUICE_CMALLOCTUNING_H

/// Sets glibc malloc up for a long-running process with a few threads and large short-lived
/// buffers: two arenas, a fixed 256 KiB mmap threshold, a 1 MiB trim threshold. Does nothing on
/// other C libraries. The `sluice` executable applies it as it loads, for `run`, `capture` and `apply`.
void sluice_tune_malloc(void);

#endif
