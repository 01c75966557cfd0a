import CMallocTuning

/// glibc malloc settings for the long-running `sluice run`, `capture` and `apply`: applied by the
/// loader before any thread starts (see `malloc_tuning.c`); `apply` sets them again, which also
/// keeps that object file, and its load-time constructor, linked into the executable.
///
/// Measured with `scripts/bench-memory` (BENCHMARKS.md): with glibc's defaults resident memory kept
/// climbing by about 10 MB as documents were sent (memory freed on other threads than it was
/// allocated on, in per-thread arenas, and 5 MB bulk bodies kept on the heap once the dynamic mmap
/// threshold had risen). With these it stays flat.
enum MallocTuning {
    static func apply() {
        sluice_tune_malloc()
    }
}
