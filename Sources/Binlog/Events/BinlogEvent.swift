/// One decoded binlog event.
public enum BinlogEvent: Sendable {
    case formatDescription(FormatDescriptionEvent)
    case rotate(RotateEvent)
    /// QUERY, or MariaDB's QUERY_COMPRESSED, decompressed.
    case query(QueryEvent)
    /// XID (16): the transaction committed; the value is the storage engine's transaction id.
    case xid(UInt64)
    case tableMap(TableMapEvent)
    case rows(RowsEvent)
    /// Row events of a table that `BinlogEventDecoder.prepareTable` declined: not decoded.
    case skippedRows(RowsEvent.Kind, TableMapEvent)
    /// GTID, ANONYMOUS_GTID and GTID_TAGGED.
    case gtid(GTIDEvent)
    /// PREVIOUS_GTIDS (35): every GTID in earlier binlog files.
    case previousGTIDs(GTIDSet)
    case transactionPayload(TransactionPayloadEvent)
    /// ROWS_QUERY (29): the statement behind the next row events (`binlog_rows_query_log_events`).
    case rowsQuery(String)
    case heartbeat(HeartbeatEvent)
    /// STOP (3): the server shut down; the file ends here.
    case stop
    /// MariaDB's ANNOTATE_ROWS (160): the statement behind the next row events.
    case mariaAnnotateRows(String)
    /// MariaDB's BINLOG_CHECKPOINT (161): the oldest binlog file crash recovery still needs.
    case mariaBinlogCheckpoint(String)
    case mariaGTID(MariaGTIDEvent)
    /// MariaDB's GTID_LIST (163).
    case mariaGTIDList([MariaGTID])
    /// An event this decoder knows but that carries nothing for row capture (statement-based
    /// helpers such as USER_VAR, INTVAR, RAND, LOAD events, INCIDENT, XA_PREPARE…).
    case other(BinlogEventType)
    /// An event of a type this decoder does not know, which the server flagged ignorable.
    case ignored(BinlogEventType)
}
