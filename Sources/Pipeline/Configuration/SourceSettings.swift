import ChangeCapture
import Logging
import MySQLProtocol

/// The server to read (`source` and `start` in the configuration file).
public struct SourceSettings: Sendable {
    /// The server read first (`source.url`, or the first of `source.urls`).
    public var url: SourceURL
    /// The other servers of the same topology (the rest of `source.urls`), switched to by GTID when
    /// the one read fails.
    public var failover: [SourceURL]
    /// This reader's replica server id: unique among the servers and every other reader of them.
    public var serverID: UInt32
    /// The `db.table` patterns to include, as written (`source.tables`).
    public var tables: [String]
    /// The `db.table` patterns to leave out, as written (`source.exclude`).
    public var exclude: [String]
    /// `tables` and `exclude`, compiled.
    public var filter: TableFilter
    /// Where to begin when no position is saved.
    public var start: StartMode

    /// The binlog reader's configuration, starting at `position`: the configured start, or where a
    /// snapshot was taken. `metrics` learn the server each time reading (re)starts on one.
    public func binlogSource(startingAt position: StartPosition, metrics: PipelineMetrics) -> BinlogSourceConfiguration {
        var configuration = BinlogSourceConfiguration(url: url, serverID: serverID, start: position, filter: filter)
        configuration.failover = failover
        configuration.readingFrom = { [metrics] in metrics.readingFrom($0) }
        return configuration
    }

    /// A connection to the first server (`url`, then `failover`) that answers, for reading the
    /// schema, which every server of the topology has alike: a restart while the first server is
    /// down goes on with another (the binlog reader then picks its server by GTID, or says why not).
    public func connectToAnyServer(logger: Logger) async throws -> MySQLConnection {
        var failures: [String] = []
        for server in [url] + failover {
            do {
                return try await MySQLConnection.connect(server.connectionConfiguration, logger: logger)
            } catch {
                if failover.isEmpty { throw error }
                logger.warning("cannot connect to a source server; trying the next", metadata: ["server": "\(server)", "error": "\(error)"])
                failures.append("\(server): \(error)")
            }
        }
        throw PipelineError("no server of source.urls answers: " + failures.joined(separator: "; "))
    }

    static let keys = ["url", "urls", "server_id", "tables", "exclude"]

    /// Reads `source` and the top-level `start`.
    init(_ source: ConfigurationMapping, start: StartMode) throws(ConfigurationError) {
        let urls = try source.list("urls", SourceURL.init(parsing:)) ?? []
        if source.contains("url"), !urls.isEmpty {
            throw source.error("urls", "both source.url and source.urls are set; list every server in source.urls")
        }
        guard let url = try source.value("url", SourceURL.init(parsing:)) ?? urls.first else {
            throw source.missing("url", "the server to read, as mysql://USER:PASSWORD@HOST:PORT (or source.urls: [...] for several servers of one topology)")
        }
        // A guessed id could equal another reader's, and the server then silently disconnects one of them.
        guard let serverID = try source.integer("server_id", atLeast: UInt32(1)) else {
            throw source.missing("server_id", "a replica server id unique among the servers and their readers, e.g. 4242")
        }
        guard let tables = try source.strings("tables") else {
            throw source.missing("tables", "the tables to sync, as regular expressions on db.table, e.g. ['shop\\..*']")
        }
        guard !tables.isEmpty else {
            throw source.error("tables", "is empty; list at least one pattern, or '.*\\..*' for every table")
        }
        let exclude = try source.strings("exclude") ?? []
        // Compiled list by list, so that a bad pattern is reported under its own key.
        for (name, patterns) in [("tables", tables), ("exclude", exclude)] {
            do {
                _ = try TableFilter(include: patterns)
            } catch {
                throw source.error(name, error.message)
            }
        }
        self.url = url
        self.failover = Array(urls.dropFirst())
        self.serverID = serverID
        self.tables = tables
        self.exclude = exclude
        // Both lists compiled above.
        self.filter = try! TableFilter(include: tables, exclude: exclude)
        self.start = start
    }
}
