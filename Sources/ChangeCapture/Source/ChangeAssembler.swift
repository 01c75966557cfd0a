import Binlog

/// Turns decoded binlog events into committed row changes with positions. Pure and synchronous: the
/// same code serves the replication stream and offline files.
///
/// Changes of a transaction are held until its commit, so a ROLLBACK (which MySQL writes when a
/// transaction touched a non-transactional table) drops them. A transaction larger than
/// `maxBufferedChanges`, or than `maxBufferedBytes` of rows events, is handed on in chunks as it
/// goes, so memory stays bounded; only the chunk that ends it carries the commit position.
public struct ChangeAssembler: Sendable {
    /// How many changes a transaction may hold before they are handed on without waiting for the commit.
    public var maxBufferedChanges: Int
    /// How many bytes of rows events a transaction may hold before its changes are handed on: wide
    /// rows reach it long before the count (measured with `scripts/bench-transaction`: 10,000 rows of
    /// 1 KB held at once took the pipeline to 110 MB of anonymous memory).
    public var maxBufferedBytes: Int

    /// The file being read; set by ROTATE.
    public private(set) var file: String
    /// The position after the last whole transaction: where a reconnect resumes.
    public private(set) var committed: ReplicationPosition
    /// MariaDB GTID state after the last whole transaction; nil when the start gave none.
    ///
    /// Only a start can give it: the GTIDs read since a start without one would make a partial state
    /// (a MySQL set without the transactions before the start, MariaDB positions without the domains
    /// not seen yet), from which another server would send old transactions again or refuse; and the
    /// versions would drop from file offsets to GTID sums after the first transaction, so later
    /// changes of its documents would be refused as stale. Such a reading keeps to file positions.
    private var mariaGTIDs: MariaGTIDPosition?
    /// MySQL GTID set after the last whole transaction; nil when the start gave none (see `mariaGTIDs`).
    private var mysqlGTIDs: GTIDSet?

    private var pending: [RowChange] = []
    /// Bytes of the rows events whose changes are in `pending`.
    private var pendingBytes = 0
    private var state = State.idle
    private var transactionGTID: String?
    /// MariaDB GTID of the open transaction, applied to the state at commit.
    private var pendingMariaGTID: MariaGTID?
    private var pendingMySQLGTID: MySQLGTID?
    /// The GTID sum of the open transaction, when the GTID state is known; see `DocumentVersion`.
    private var transactionGTIDSum: UInt64?
    /// Rows events so far in the open transaction.
    private var eventIndex = 0
    /// The sequence number of `file` (`mariadb-bin.000042` → 42), for versions without GTIDs.
    private var fileSequence: UInt64
    private enum State {
        case idle
        /// After a GTID event: a BEGIN follows, or a single statement (DDL) that is its own transaction.
        case afterGTID
        /// After BEGIN, until XID, COMMIT or ROLLBACK.
        case inTransaction
    }

    /// Per table id, its current TABLE_MAP and the layout all its changes share.
    private var layouts: [UInt64: KnownTable] = [:]
    /// So that `layouts` drops a table's entry under an id the server no longer uses; its layout
    /// carries over when the columns are the same, so that what is cached per layout downstream
    /// stays valid.
    private var currentTableIDs = CurrentTableIDs()
    /// The file and GTID the changes of the open transaction share; made anew when either changes.
    private var origin: ChangePosition.Origin?

    /// A class, so that looking a table up for every rows event retains one reference rather than
    /// each array and string of the TABLE_MAP (measured: retains and releases were the largest cost
    /// of assembling changes).
    private final class KnownTable: Sendable {
        let event: TableMapEvent
        let layout: TableLayout

        /// `previous`: the table's entry under its former id, whose layout is kept if the table
        /// is the same under the new id.
        init(_ table: TableMapEvent, previous: KnownTable?) {
            event = table
            if let previous {
                var renumbered = previous.event
                renumbered.tableID = table.tableID
                if renumbered == table {
                    layout = previous.layout
                    return
                }
            }
            let columns = table.columns.allSatisfy { $0.name != nil }
                ? ColumnLayout(table.columns.map { $0.name ?? "" }, descriptors: table.columns)
                : ColumnLayout(unknownCount: table.columns.count, descriptors: table.columns)
            layout = TableLayout(database: table.database, table: table.table, columns: columns, keyColumns: table.primaryKey?.map(\.column))
        }
    }

    /// - Parameters:
    ///   - start: the position reading starts from; its GTID set, when given, seeds the GTID state
    ///     that commit positions carry and versions are made from. Without one, they have none.
    public init(start: ReplicationPosition, isMariaDB: Bool, maxBufferedChanges: Int = 10_000, maxBufferedBytes: Int = 2 << 20) {
        self.file = start.file
        self.fileSequence = DocumentVersion.fileSequence(start.file)
        self.committed = start
        self.maxBufferedChanges = maxBufferedChanges
        self.maxBufferedBytes = maxBufferedBytes
        if let set = start.gtidSet {
            if isMariaDB {
                mariaGTIDs = try? MariaGTIDPosition(set)
            } else {
                mysqlGTIDs = try? GTIDSet(set)
            }
        }
    }

    /// Consumes one event. `header` is the outer event's header: for events inside a
    /// TRANSACTION_PAYLOAD, the payload's, whose end position is where the transaction ends.
    ///
    /// Returns a chunk when changes are ready to hand on or a transaction ended.
    public mutating func consume(_ event: consuming BinlogEvent, header: BinlogEventHeader) -> ChangeChunk? {
        // Consumed, so that a rows event's row images can be moved into the changes; see `append`.
        switch consume event {
        case let .rotate(rotate):
            setFile(rotate.nextFile)
            if state == .idle {
                committed.file = rotate.nextFile
                committed.offset = rotate.position
            }
            return nil
        case let .gtid(gtid):
            state = .afterGTID
            pendingMySQLGTID = gtid.gtid
            transactionGTID = gtid.gtid?.description
            eventIndex = 0
            if var set = mysqlGTIDs, let gtid = gtid.gtid {
                set.add(gtid)
                transactionGTIDSum = DocumentVersion.sum(set)
            }
            return nil
        case let .mariaGTID(gtid):
            state = .afterGTID
            pendingMariaGTID = gtid.gtid
            transactionGTID = gtid.gtid.description
            eventIndex = 0
            if var position = mariaGTIDs {
                position.update(with: gtid.gtid)
                transactionGTIDSum = DocumentVersion.sum(position)
            }
            return nil
        case let .query(query):
            return consume(query: query, header: header)
        case .xid:
            return commit(header: header)
        case let .tableMap(table):
            if let known = layouts[table.tableID], known.event == table { return nil }
            let previous = currentTableIDs.record(table).flatMap { layouts.removeValue(forKey: $0) }
            layouts[table.tableID] = KnownTable(table, previous: previous)
            return nil
        case var .rows(rows):
            append(&rows, header: header)
            pendingBytes += Int(header.eventSize)
            if pending.count >= maxBufferedChanges || pendingBytes >= maxBufferedBytes {
                return ChangeChunk(changes: takePending(), commit: nil)
            }
            return nil
        case let .heartbeat(heartbeat):
            guard state == .idle, heartbeat.position > 0 else { return nil }
            // Heartbeats carry the end of the binlog: progress past events that were filtered out,
            // handed on so that an idle reader's position is known to be current.
            let before = committed
            setFile(heartbeat.logFile)
            committed.file = heartbeat.logFile
            committed.offset = max(heartbeat.position, committed.offset)
            return committed == before ? nil : ChangeChunk(changes: [], commit: committed)
        case .formatDescription, .skippedRows, .previousGTIDs, .transactionPayload, .rowsQuery, .stop,
             .mariaAnnotateRows, .mariaBinlogCheckpoint, .mariaGTIDList, .other, .ignored:
            return nil
        }
    }

    private mutating func consume(query: QueryEvent, header: BinlogEventHeader) -> ChangeChunk? {
        switch query.sql.utf8.count <= 8 ? query.sql.uppercased() : "" {
        case "BEGIN":
            if state == .idle { eventIndex = 0 }
            state = .inTransaction
            return nil
        case "COMMIT":
            return commit(header: header)
        case "ROLLBACK":
            pending.removeAll()
            return commit(header: header)
        default:
            // A statement outside BEGIN…COMMIT (DDL) is its own transaction.
            return state == .inTransaction ? nil : commit(header: header)
        }
    }

    private mutating func commit(header: BinlogEventHeader) -> ChangeChunk {
        if let gtid = pendingMariaGTID { mariaGTIDs?.update(with: gtid) }
        if let gtid = pendingMySQLGTID { mysqlGTIDs?.add(gtid) }
        committed = ReplicationPosition(
            file: file,
            offset: header.nextPosition > 0 ? UInt64(header.nextPosition) : committed.offset,
            gtidSet: mariaGTIDs?.description ?? mysqlGTIDs?.description
        )
        state = .idle
        transactionGTID = nil
        transactionGTIDSum = nil
        pendingMariaGTID = nil
        pendingMySQLGTID = nil
        return ChangeChunk(changes: takePending(), commit: committed)
    }

    /// The changes held so far, for a chunk. The chunk takes the array's storage, so the next changes
    /// start a new one, sized like this one (transactions of a workload tend to be alike).
    private mutating func takePending() -> [RowChange] {
        let changes = pending
        pending = []
        pendingBytes = 0
        pending.reserveCapacity(changes.count)
        return changes
    }

    private mutating func setFile(_ name: String) {
        file = name
        fileSequence = DocumentVersion.fileSequence(name)
    }

    private mutating func append(_ rows: inout RowsEvent, header: BinlogEventHeader) {
        let layout = layouts[rows.tableID]?.layout ?? TableLayout(
            database: rows.table.database, table: rows.table.table,
            columns: ColumnLayout(unknownCount: rows.table.columns.count), keyColumns: nil
        )
        let operation: RowChange.Operation = switch rows.kind {
        case .insert: .insert
        case .update: .update
        case .delete: .delete
        }
        let offset = header.nextPosition > header.eventSize ? UInt64(header.nextPosition - header.eventSize) : committed.offset
        eventIndex += 1
        let origin: ChangePosition.Origin
        if let shared = self.origin, shared.file == file, shared.gtid == transactionGTID {
            origin = shared
        } else {
            origin = ChangePosition.Origin(file: file, gtid: transactionGTID)
            self.origin = origin
        }
        let position = ChangePosition(
            origin: origin,
            offset: offset,
            version: transactionGTIDSum.map { DocumentVersion.gtid(sum: $0, eventIndex: eventIndex) }
                ?? DocumentVersion.file(sequence: fileSequence, offset: offset)
        )
        // No exact reserveCapacity here: a transaction of many rows events would reallocate the
        // array at each of them; appending grows it geometrically.
        // The images are moved out of the event, its only owner, rather than copied: no retain and
        // release of each image (measured: copying them was one of the largest sources of reference
        // counting in decoding).
        var images: [RowsEvent.Row] = []
        swap(&images, &rows.rows)
        for index in images.indices {
            pending.append(RowChange(
                operation: operation, layout: layout, before: images[index].before.take(), after: images[index].after.take(),
                position: position, timestamp: header.timestamp
            ))
        }
    }
}
