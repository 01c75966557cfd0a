import Binlog
import Logging
import MySQLProtocol
import NIOCore

/// Reads committed row changes of the selected tables from a MySQL or MariaDB server, as a replica.
///
/// ```swift
/// let source = BinlogSource(configuration: configuration, logger: logger)
/// for try await chunk in source.changes() { … }
/// ```
/// A lost connection is retried with backoff, resuming just after the last whole transaction; the
/// changes of a half-read transaction that were already handed on are not handed on twice.
public struct BinlogSource: Sendable {
    public var configuration: BinlogSourceConfiguration
    public var logger: Logger

    public init(configuration: BinlogSourceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The committed changes, from `position` if given, else from `configuration.start`.
    public func changes(from position: ReplicationPosition? = nil) -> ChangeStream {
        ChangeStream(configuration: configuration, logger: logger, position: position)
    }
}

/// The chunks of committed changes a `BinlogSource` reads. Reading is pulled: a slow consumer
/// stops the socket reads, so memory stays bounded however far behind it is.
public struct ChangeStream: AsyncSequence, Sendable {
    public typealias Element = ChangeChunk

    let configuration: BinlogSourceConfiguration
    let logger: Logger
    let position: ReplicationPosition?

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: ChangeReader(configuration: configuration, logger: logger, position: position))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let reader: ChangeReader

        public mutating func next() async throws -> ChangeChunk? {
            try await reader.next()
        }
    }
}

/// The state of one reading: connections, decoder, transaction assembly and the resume position.
final class ChangeReader {
    let configuration: BinlogSourceConfiguration
    let logger: Logger

    private var connection: MySQLConnection?
    /// A second connection for `information_schema`, since the first is busy streaming.
    private var metadata: MySQLConnection?
    private var events: BinlogEventStream.AsyncIterator?
    private var decoder = BinlogEventDecoder()
    private var assembler: ChangeAssembler?
    private let catalog = SchemaCatalog()
    private var payload: PayloadCursor?
    /// Given by the caller or resolved at first connect; nil until then.
    private var start: ReplicationPosition?
    private var resumeByGTID = false
    private var isMariaDB = false
    private var hasStreamed = false
    private var failedAttempts = 0
    /// Changes of the open transaction already handed on (it outgrew `maxBufferedChanges`).
    private var handedOnInOpenTransaction = 0
    /// After a reconnect: how many changes of the re-read open transaction to drop.
    private var replayedToSkip = 0
    /// Events and bytes read since the last chunk handed on.
    private var eventsRead = 0
    private var bytesRead = 0
    /// `configuration.url`, then the failover servers.
    private let servers: [SourceURL]
    /// The index in `servers` of the server read now.
    private var serverIndex = 0
    private var url: SourceURL { servers[serverIndex] }

    init(configuration: BinlogSourceConfiguration, logger: Logger, position: ReplicationPosition?) {
        self.configuration = configuration
        self.logger = logger
        self.start = position
        self.servers = [configuration.url] + configuration.failover
        // A position with a GTID set but no file can only be resumed by GTID. With several servers, a
        // file and offset may be another server's, so the GTID set is the position whenever there is one.
        self.resumeByGTID = position.map { $0.gtidSet != nil && ($0.file.isEmpty || !configuration.failover.isEmpty) } ?? false
    }

    deinit {
        let connections = [connection, metadata].compactMap { $0 }
        Task { for connection in connections { try? await connection.close() } }
    }

    func next() async throws -> ChangeChunk? {
        while true {
            do {
                if events == nil { try await connect() }
                if let chunk = try await step(), var handedOn = account(chunk) {
                    failedAttempts = 0
                    (handedOn.events, handedOn.bytes) = (eventsRead, bytesRead)
                    (eventsRead, bytesRead) = (0, 0)
                    return handedOn
                }
            } catch {
                guard Self.isTransient(error), hasStreamed || servers.count > 1 else { throw error }
                await disconnect()
                failedAttempts += 1
                if servers.count > 1, failedAttempts >= configuration.attemptsPerServer || !hasStreamed {
                    try switchServer(after: error)
                    try await Task.sleep(for: configuration.reconnectBackoff.lowerBound)
                    continue
                }
                let wait = backoff()
                logger.warning("source connection lost; reconnecting", metadata: [
                    "error": "\(error)", "attempt": "\(failedAttempts)", "wait": "\(wait)",
                    "resume": "\(assembler?.committed.description ?? "-")",
                ])
                try await Task.sleep(for: wait)
            }
        }
    }

    // MARK: Reading

    /// Reads and assembles one event; returns a chunk when one is ready.
    private func step() async throws -> ChangeChunk? {
        if let payload {
            if let inner = try payload.reader.next() {
                let event = try await decode(inner, inPayload: true)
                return assembler?.consume(event, header: payload.header)
            }
            self.payload = nil
        }
        let next: ByteBuffer?
        do {
            next = try await events?.next()
        } catch let MySQLError.server(error) where error.code == 1236 {
            // MariaDB refuses a dump from a missing file with its first packet, after the request.
            let position = assembler?.committed.description ?? start?.description ?? "the requested position"
            throw SourceError.explaining(error, doing: "to stream its binlog from \(position)", user: url.user, server: serverName)
        }
        guard let buffer = next else {
            throw MySQLError.connectionClosed(during: "the binlog stream (the server ended it)")
        }
        let header = try BinlogEventHeader(buffer)
        eventsRead += 1
        bytesRead += buffer.readableBytes
        let event = try await decode(buffer, inPayload: false)
        switch event {
        case let .transactionPayload(transaction):
            payload = PayloadCursor(reader: try TransactionPayloadReader(transaction), header: header)
            return nil
        case .other(.incident):
            let file = decoder.fileName ?? "?"
            throw SourceError(
                "the source wrote an INCIDENT event at \(file):\(header.nextPosition &- header.eventSize): it lost changes "
                    + "it could not log, so the index may miss them. Take a new snapshot, or continue after it with "
                    + "--from \(file):\(header.nextPosition) if you know what was lost."
            )
        case let .query(query) where Self.isDDL(query.sql):
            catalog.invalidate()
            decoder.forgetTables()
        default:
            break
        }
        return assembler?.consume(event, header: header)
    }

    /// Decodes one event; a TABLE_MAP of a selected table whose schema is not loaded yet is decoded
    /// again once it is, so its rows get names, labels and JSON columns.
    private func decode(_ buffer: ByteBuffer, inPayload: Bool) async throws -> BinlogEvent {
        let event = inPayload ? try decoder.decodePayloadEvent(buffer) : try decoder.decode(buffer)
        guard case let .tableMap(table) = event,
              configuration.filter.selects(database: table.database, table: table.table),
              !catalog.contains(database: table.database, table: table.table)
        else { return event }
        try await catalog.load(database: table.database, table: table.table, isMariaDB: isMariaDB, from: metadataConnection())
        decoder.forgetTables()
        return inPayload ? try decoder.decodePayloadEvent(buffer) : try decoder.decode(buffer)
    }

    /// Drops changes handed on before a reconnect, and counts those of an open transaction.
    private func account(_ chunk: ChangeChunk) -> ChangeChunk? {
        var chunk = chunk
        if replayedToSkip > 0 {
            let dropped = min(replayedToSkip, chunk.changes.count)
            chunk.changes.removeFirst(dropped)
            replayedToSkip -= dropped
        }
        if chunk.commit == nil {
            handedOnInOpenTransaction += chunk.changes.count
            return chunk.changes.isEmpty ? nil : chunk
        }
        handedOnInOpenTransaction = 0
        replayedToSkip = 0
        return chunk
    }

    // MARK: Connecting

    /// Moves on to the next server of `source.urls`, resuming by GTID; refuses without GTIDs, since a
    /// binlog file and offset name nothing on another server.
    private func switchServer(after error: any Error) throws {
        let failed = url
        let next = servers[(serverIndex + 1) % servers.count]
        // Before any reading, every server was tried once: they all fail, so say so rather than loop.
        guard hasStreamed || serverIndex + 1 < servers.count else { throw error }
        if let committed = assembler?.committed ?? start {
            guard committed.gtidSet != nil else {
                throw SourceError(
                    "the source \(failed.host):\(failed.port) failed (\(error)) and Sluice cannot switch servers without GTIDs, so it "
                        + "stopped instead of reading \(next.host):\(next.port): the position \(committed) has no GTID set (it was "
                        + "saved without one, or reading started from a binlog file and offset whose GTID state was not known), "
                        + "and a binlog file and offset mean nothing on another server. Bring \(failed.host):\(failed.port) back "
                        + "and run Sluice again to continue from this position. To be able to fail over, save a position with its "
                        + "GTID set: on MariaDB `sluice position set FILE:POS` looks it up; on MySQL turn gtid_mode=ON and use "
                        + "`sluice position set gtid:SET` or `latest`."
                )
            }
            resumeByGTID = true
        }
        serverIndex = (serverIndex + 1) % servers.count
        failedAttempts = 0
        logger.warning("source failed; switching to the next server", metadata: [
            "failed": "\(failed)", "next": "\(url)", "error": "\(error)", "resume": "\((assembler?.committed ?? start)?.description ?? "configured start")",
        ])
    }

    private func connect() async throws {
        let connection = try await open()
        self.connection = connection
        isMariaDB = connection.isMariaDB
        let settings = try await ServerSettings.read(from: connection, url: url)
        if settings.rowImage.uppercased() != "FULL" {
            logger.warning("binlog_row_image is not FULL: changes will lack the columns the server leaves out, listed as missing", metadata: [
                "binlog_row_image": "\(settings.rowImage)",
            ])
        }
        let position: ReplicationPosition
        let dumpStart: BinlogDumpRequest.Start
        if let committed = assembler?.committed ?? start {
            position = committed
            dumpStart = try self.dumpStart(for: committed)
        } else {
            position = try await PositionResolver(url: url, logger: logger).resolve(configuration.start, on: connection)
            if case .gtid = configuration.start { resumeByGTID = true }
            dumpStart = try self.dumpStart(for: position)
            start = position
        }
        let request = BinlogDumpRequest(
            serverID: configuration.serverID,
            start: dumpStart,
            heartbeatPeriod: configuration.heartbeat,
            replicaHostname: "sluice"
        )
        let stream: BinlogEventStream
        do {
            stream = try await connection.binlogStream(request)
        } catch let MySQLError.server(error) {
            throw SourceError.explaining(error, doing: "to stream its binlog from \(position)", user: url.user, server: serverName)
        }
        events = stream.makeAsyncIterator()
        decoder = BinlogEventDecoder(checksum: settings.checksum)
        let filter = configuration.filter
        let catalog = catalog
        decoder.prepareTable = { table in
            guard filter.selects(database: table.database, table: table.table) else { return false }
            catalog.enrich(&table)
            return true
        }
        assembler = ChangeAssembler(start: position, isMariaDB: isMariaDB, maxBufferedChanges: configuration.maxBufferedChanges)
        payload = nil
        replayedToSkip = handedOnInOpenTransaction
        handedOnInOpenTransaction = 0
        hasStreamed = true
        configuration.readingFrom?(url)
        logger.info("reading binlog", metadata: ["source": "\(url)", "from": "\(position)", "server": "\(connection.serverVersion)"])
    }

    private func open() async throws -> MySQLConnection {
        var connection = url.connectionConfiguration
        // A server that hangs without closing its socket must count as failed, or reading (and a
        // switch to the next server) would wait on it forever.
        connection.responseTimeout = configuration.responseTimeout
        return try await MySQLConnection.connect(connection, logger: logger)
    }

    private func metadataConnection() async throws -> MySQLConnection {
        if let metadata { return metadata }
        let connection = try await open()
        metadata = connection
        return connection
    }

    private func disconnect() async {
        for connection in [connection, metadata].compactMap({ $0 }) {
            try? await connection.close()
        }
        connection = nil
        metadata = nil
        events = nil
    }

    private var serverName: String { "\(url.host):\(url.port)" }

    /// Where to resume: by GTID when reading started from one (it survives a switch of server),
    /// else by file and offset.
    private func dumpStart(for position: ReplicationPosition) throws -> BinlogDumpRequest.Start {
        guard resumeByGTID, let set = position.gtidSet else {
            return .filePosition(file: position.file, position: position.offset)
        }
        if isMariaDB { return .mariaGTID(set) }
        var encoded = ByteBuffer()
        try GTIDSet(set).encode(into: &encoded)
        return .mysqlGTIDSet(encoded: Array(encoded.readableBytesView))
    }

    private func backoff() -> Duration {
        let range = configuration.reconnectBackoff
        let doubled = range.lowerBound * (1 << min(failedAttempts - 1, 16))
        let capped = min(doubled, range.upperBound)
        // Jitter, so several readers of one server do not reconnect in step.
        return capped * Double.random(in: 0.5...1.0)
    }

    // MARK: Classification

    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? MySQLError else { return false }
        switch error {
        case .connectionFailed, .connectTimeout, .connectionClosed, .connectionAlreadyClosed, .binlogStalled, .responseTimeout:
            return true
        case let .server(serverError):
            // Server shutting down, too many connections, connection killed, server gone away.
            return [1040, 1053, 1077, 1152, 1927, 2006, 2013].contains(serverError.code)
        default:
            return false
        }
    }

    /// Whether a statement may change a table's layout, so cached schemas must be dropped.
    static func isDDL(_ sql: String) -> Bool {
        let head = sql.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.prefix(8)
        let word = String(decoding: head, as: UTF8.self).uppercased()
        return ["ALTER", "CREATE", "DROP", "RENAME", "TRUNCATE"].contains { word.hasPrefix($0) }
    }
}

extension MySQLConnection: MetadataQuerying {
    public func rows(_ sql: String) async throws -> [[String?]] {
        try await query(sql).rows
    }
}
