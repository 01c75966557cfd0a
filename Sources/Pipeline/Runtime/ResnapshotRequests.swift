import ChangeCapture
import NIOConcurrencyHelpers

/// Tables to copy again while the pipeline runs (`sluice resnapshot`, or the admin API): the running
/// reader takes them between transactions.
public final class ResnapshotRequests: Sendable {
    private let filter: TableFilter
    private let waiting = NIOLockedValueBox<[String]>([])

    public init(filter: TableFilter) {
        self.filter = filter
    }

    /// Asks for `tables` (each `db.table`) to be copied again. Throws, naming the table, when one is
    /// not written like that or not selected by `source.tables`.
    public func request(_ tables: [String]) throws(PipelineError) {
        try Self.check(tables, filter: filter)
        waiting.withLockedValue { $0 += tables }
    }

    static func check(_ tables: [String], filter: TableFilter) throws(PipelineError) {
        for name in tables {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw PipelineError("cannot re-snapshot \(name): name a table as db.table")
            }
            guard filter.selects(database: parts[0], table: parts[1]) else {
                throw PipelineError("cannot re-snapshot \(name): source.tables does not select it; add it there and restart first")
            }
        }
    }

    /// The tables asked for since the last call.
    func take() -> [String] {
        waiting.withLockedValue { taken in
            defer { taken.removeAll() }
            return taken
        }
    }
}
