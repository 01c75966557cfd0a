import NIOCore

/// One entry of a PARTIAL_UPDATE_ROWS JSON diff (`binlog_row_value_options=PARTIAL_JSON`).
public struct JSONDiff: Sendable, Equatable {
    public enum Operation: UInt8, Sendable {
        case replace = 0
        case insert = 1
        case remove = 2
    }
    public var operation: Operation
    /// The JSON path the operation applies to, as MySQL wrote it (e.g. `$.a[2]`).
    public var path: String
    /// The new value; nil for `.remove`.
    public var value: JSONValue?

    public init(operation: Operation, path: String, value: JSONValue?) {
        self.operation = operation
        self.path = path
        self.value = value
    }

    /// Decodes the list of diffs that a partial JSON column value holds (the bytes after its length prefix).
    public static func decodeList(_ bytes: ByteBuffer) throws(BinlogError) -> [JSONDiff] {
        throw BinlogError(.unsupported, "partial JSON decoding is not implemented yet")
    }

    /// Applies diffs in order to the before image, giving the whole after image.
    public static func apply(_ diffs: [JSONDiff], to document: JSONValue) throws(BinlogError) -> JSONValue {
        throw BinlogError(.unsupported, "partial JSON decoding is not implemented yet")
    }
}
