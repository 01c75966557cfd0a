#if canImport(Glibc)
import Glibc
#endif

/// glibc malloc settings for the long-running `sluice run`, applied as it starts, before the
/// pipeline and its NIO threads allocate anything much.
///
/// Measured with `sluice run` streaming 30,000 rows into a slow sink (BENCHMARKS.md): with glibc's
/// defaults resident memory kept climbing by about 10 MB as documents were sent, memory freed on
/// other threads than it was allocated on, in per-thread arenas, and 5 MB bulk bodies taken from the
/// heap once the dynamic mmap threshold had risen, and kept there. With these it stays flat.
enum MallocTuning {
    static func apply() {
        #if canImport(Glibc)
        // Two arenas for a handful of threads, rather than up to eight per core.
        _ = mallopt(M_ARENA_MAX, 2)
        // Bulk bodies and other blocks from 256 KiB up are mapped and unmapped on their own; a
        // fixed threshold also stops glibc raising it after the first large free.
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 10)
        // Free memory at the top of the heap goes back to the system beyond 1 MiB.
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 20)
        #endif
    }
}
