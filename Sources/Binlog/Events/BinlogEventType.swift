/// An event type code, as the 5th byte of every event header holds it.
///
/// A struct rather than an enum: the code comes from input, and an unknown code must survive to be
/// reported (or counted, when the server flagged the event ignorable).
public struct BinlogEventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let startV3 = Self(rawValue: 1)
    public static let query = Self(rawValue: 2)
    public static let stop = Self(rawValue: 3)
    public static let rotate = Self(rawValue: 4)
    public static let intvar = Self(rawValue: 5)
    public static let load = Self(rawValue: 6)
    public static let slave = Self(rawValue: 7)
    public static let createFile = Self(rawValue: 8)
    public static let appendBlock = Self(rawValue: 9)
    public static let execLoad = Self(rawValue: 10)
    public static let deleteFile = Self(rawValue: 11)
    public static let newLoad = Self(rawValue: 12)
    public static let rand = Self(rawValue: 13)
    public static let userVar = Self(rawValue: 14)
    public static let formatDescription = Self(rawValue: 15)
    public static let xid = Self(rawValue: 16)
    public static let beginLoadQuery = Self(rawValue: 17)
    public static let executeLoadQuery = Self(rawValue: 18)
    public static let tableMap = Self(rawValue: 19)
    public static let preGAWriteRows = Self(rawValue: 20)
    public static let preGAUpdateRows = Self(rawValue: 21)
    public static let preGADeleteRows = Self(rawValue: 22)
    public static let writeRowsV1 = Self(rawValue: 23)
    public static let updateRowsV1 = Self(rawValue: 24)
    public static let deleteRowsV1 = Self(rawValue: 25)
    public static let incident = Self(rawValue: 26)
    public static let heartbeat = Self(rawValue: 27)
    public static let ignorable = Self(rawValue: 28)
    public static let rowsQuery = Self(rawValue: 29)
    public static let writeRows = Self(rawValue: 30)
    public static let updateRows = Self(rawValue: 31)
    public static let deleteRows = Self(rawValue: 32)
    public static let gtid = Self(rawValue: 33)
    public static let anonymousGTID = Self(rawValue: 34)
    public static let previousGTIDs = Self(rawValue: 35)
    public static let transactionContext = Self(rawValue: 36)
    public static let viewChange = Self(rawValue: 37)
    public static let xaPrepare = Self(rawValue: 38)
    public static let partialUpdateRows = Self(rawValue: 39)
    public static let transactionPayload = Self(rawValue: 40)
    public static let heartbeatV2 = Self(rawValue: 41)
    public static let gtidTagged = Self(rawValue: 42)
    // MariaDB's events start at 160 (sql/log_event.h, `MARIA_EVENTS_BEGIN`).
    public static let mariaAnnotateRows = Self(rawValue: 160)
    public static let mariaBinlogCheckpoint = Self(rawValue: 161)
    public static let mariaGTID = Self(rawValue: 162)
    public static let mariaGTIDList = Self(rawValue: 163)
    public static let mariaStartEncryption = Self(rawValue: 164)
    public static let mariaQueryCompressed = Self(rawValue: 165)
    public static let mariaWriteRowsCompressedV1 = Self(rawValue: 166)
    public static let mariaUpdateRowsCompressedV1 = Self(rawValue: 167)
    public static let mariaDeleteRowsCompressedV1 = Self(rawValue: 168)
    public static let mariaWriteRowsCompressed = Self(rawValue: 169)
    public static let mariaUpdateRowsCompressed = Self(rawValue: 170)
    public static let mariaDeleteRowsCompressed = Self(rawValue: 171)

    private static let names: [UInt8: String] = [
        1: "START_V3", 2: "QUERY", 3: "STOP", 4: "ROTATE", 5: "INTVAR", 6: "LOAD", 7: "SLAVE",
        8: "CREATE_FILE", 9: "APPEND_BLOCK", 10: "EXEC_LOAD", 11: "DELETE_FILE", 12: "NEW_LOAD",
        13: "RAND", 14: "USER_VAR", 15: "FORMAT_DESCRIPTION", 16: "XID", 17: "BEGIN_LOAD_QUERY",
        18: "EXECUTE_LOAD_QUERY", 19: "TABLE_MAP", 20: "PRE_GA_WRITE_ROWS", 21: "PRE_GA_UPDATE_ROWS",
        22: "PRE_GA_DELETE_ROWS", 23: "WRITE_ROWS_V1", 24: "UPDATE_ROWS_V1", 25: "DELETE_ROWS_V1",
        26: "INCIDENT", 27: "HEARTBEAT", 28: "IGNORABLE", 29: "ROWS_QUERY", 30: "WRITE_ROWS",
        31: "UPDATE_ROWS", 32: "DELETE_ROWS", 33: "GTID", 34: "ANONYMOUS_GTID", 35: "PREVIOUS_GTIDS",
        36: "TRANSACTION_CONTEXT", 37: "VIEW_CHANGE", 38: "XA_PREPARE", 39: "PARTIAL_UPDATE_ROWS",
        40: "TRANSACTION_PAYLOAD", 41: "HEARTBEAT_V2", 42: "GTID_TAGGED", 160: "ANNOTATE_ROWS",
        161: "BINLOG_CHECKPOINT", 162: "MARIA_GTID", 163: "GTID_LIST", 164: "START_ENCRYPTION",
        165: "QUERY_COMPRESSED", 166: "WRITE_ROWS_COMPRESSED_V1", 167: "UPDATE_ROWS_COMPRESSED_V1",
        168: "DELETE_ROWS_COMPRESSED_V1", 169: "WRITE_ROWS_COMPRESSED", 170: "UPDATE_ROWS_COMPRESSED",
        171: "DELETE_ROWS_COMPRESSED",
    ]

    /// The server's name for the type and its code, e.g. `TABLE_MAP(19)`; `UNKNOWN(100)` otherwise.
    public var description: String { "\(Self.names[rawValue] ?? "UNKNOWN")(\(rawValue))" }
}
