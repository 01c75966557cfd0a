import CMallocTuning

/// mimalloc settings for the long-running `sluice run`, `capture` and `apply`: applied by the
/// loader before any thread starts (see `malloc_tuning.c`); `apply` sets them again, which also
/// keeps that object file, its load-time constructor and mimalloc linked into the executable.
/// What is set, and the measurements behind it, are in `malloc_tuning.c`.
enum MallocTuning {
    static func apply() {
        sluice_tune_malloc()
    }
}
