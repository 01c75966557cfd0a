import CMallocTuning

/// glibc malloc settings for the long-running `sluice run`, applied as it starts, before the
/// pipeline and its NIO threads allocate anything much (see `sluice_tune_malloc`).
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
