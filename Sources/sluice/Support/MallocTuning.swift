import CMallocTuning

/// mimalloc settings for the long-running `sluice run`, `capture` and `apply`: applied by the
/// loader before any thread starts (see `malloc_tuning.c`); `apply` sets them again, which also
/// keeps that object file, its load-time constructor and mimalloc linked into the executable.
///
/// Measured with `scripts/bench-memory` (BENCHMARKS.md): with mimalloc's default 25 ms before
/// freed pages are given back, the peak was 62.9 MB; giving them back at once, 58.8 MB.
enum MallocTuning {
    static func apply() {
        sluice_tune_malloc()
    }
}
