/// The checksum trailer an event carries (`binlog_checksum`), as the FORMAT_DESCRIPTION announces it.
public enum BinlogChecksum: Sendable, Hashable {
    /// No trailer.
    case none
    /// A 4-byte little-endian CRC-32 of the rest of the event.
    case crc32

    /// Bytes the trailer takes.
    public var trailerLength: Int { self == .crc32 ? 4 : 0 }
}
