import NIOCore

/// Decodes MySQL's binary JSON format (the JSON column type).
public enum JSONBinaryDecoder {
    /// Decodes one whole binary JSON value (the column's bytes after their length prefix).
    public static func decode(_ bytes: ByteBuffer) throws(BinlogError) -> JSONValue {
        throw BinlogError(.unsupported, "binary JSON decoding is not implemented yet")
    }
}
