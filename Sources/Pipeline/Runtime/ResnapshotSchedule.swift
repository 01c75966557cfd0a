import ChangeCapture
import Logging
import MySQLProtocol
import Positions

/// `sluice resnapshot` while no pipeline runs: records the tables to copy again in the saved
/// position, where the next `sluice run` finds them and copies them while it streams.
public struct ResnapshotSchedule {
    public let configuration: SluiceConfiguration
    public let logger: Logger

    public init(configuration: SluiceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Adds `tables` (or, with `all`, every selected table) to the saved position's re-snapshot.
    /// With `fromLatest` the position moves to the source's current end first: the way back after
    /// the binlogs at the saved position were purged. Returns what was saved.
    public func schedule(_ tables: [String], all: Bool, fromLatest: Bool) async throws -> SavedPosition {
        try ResnapshotRequests.check(tables, filter: configuration.source.filter)
        let store = configuration.positions.makeStore()
        var saved = try await store.load()
        var chosen = tables
        if all || fromLatest {
            let connection = try await MySQLConnection.connect(configuration.source.url.connectionConfiguration, logger: logger)
            defer { Task { try? await connection.close() } }
            if all { chosen = try await InitialSnapshot(configuration: configuration, logger: logger).selectedTables(on: connection) }
            if fromLatest {
                let latest = try await PositionResolver(url: configuration.source.url, logger: logger).resolve(.latest, on: connection)
                saved = SavedPosition(file: latest.file, offset: latest.offset, gtidSet: latest.gtidSet, timestamp: 0, resnapshot: saved?.resnapshot)
            }
        }
        guard var position = saved else {
            throw PipelineError(
                "no saved position in \(store), so the next run starts from `start` (\(configuration.source.start)); "
                    + "use start: snapshot to copy every table, or add --from-latest to start at the source's current end"
            )
        }
        guard position.snapshot == nil else {
            throw PipelineError("the initial snapshot saved in \(store) is unfinished; the next run completes it, copying every table")
        }
        guard !chosen.isEmpty else { throw PipelineError("name the tables to copy again (db.table), or pass --all") }
        var progress = position.resnapshot ?? ResnapshotProgress(tables: [])
        progress.add(chosen)
        position.resnapshot = progress
        try await store.save(position)
        return position
    }
}
