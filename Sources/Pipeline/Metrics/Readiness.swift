import Foundation

/// Whether the pipeline is ready for traffic to depend on it: connected to the source and the sink,
/// not in an initial snapshot, and no further behind than a threshold. Pure, so the rule is tested
/// with known values.
public struct Readiness: Sendable, Equatable {
    /// Why not; empty when ready.
    public var reasons: [String]
    public var isReady: Bool { reasons.isEmpty }

    public init(
        started: Bool, sourceError: String?, sinkError: String?, snapshot: (done: Int, total: Int)?,
        lagSeconds: Double, threshold: Double
    ) {
        var reasons: [String] = []
        if !started { reasons.append("not started: connecting to the source and the sink") }
        if let sourceError { reasons.append("the source is not reachable: \(sourceError)") }
        if let sinkError { reasons.append("the sink is not accepting writes: \(sinkError)") }
        if let snapshot { reasons.append("the initial snapshot is running: \(snapshot.done) of \(snapshot.total) tables copied") }
        if lagSeconds > threshold {
            reasons.append("\(Self.format(lagSeconds)) s behind the source, more than admin.ready_lag_seconds (\(Self.format(threshold)))")
        }
        self.reasons = reasons
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
