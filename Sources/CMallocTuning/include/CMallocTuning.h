#ifndef SLUICE_CMALLOCTUNING_H
#define SLUICE_CMALLOCTUNING_H

/// Sets mimalloc, the executable's allocator, up for a long-running process: freed pages go back
/// to the system at once. The `sluice` executable applies it as it loads, for `run`, `capture`
/// and `apply`.
void sluice_tune_malloc(void);

#endif
