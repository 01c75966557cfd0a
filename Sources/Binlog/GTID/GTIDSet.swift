import NIOCore

/// A set of MySQL GTIDs, e.g. `gtid_executed`: per source (server UUID, optionally tagged), a sorted
/// list of disjoint transaction-number ranges.
///
/// Text form: `3e11fa47-…:1-5:7,b9b88c66-…:1-3:mytag:1-2` (MySQL's own, as `gtid_executed` prints it).
/// Binary form: as PREVIOUS_GTIDS events and `COM_BINLOG_DUMP_GTID` carry it.
public struct GTIDSet: Sendable, Hashable, CustomStringConvertible {
    /// One source of transactions: a server UUID and an optional tag (MySQL calls this a TSID).
    public struct Source: Sendable, Hashable, Comparable {
        public var uuid: ServerUUID
        public var tag: String?

        public init(uuid: ServerUUID, tag: String? = nil) {
            self.uuid = uuid
            self.tag = tag
        }

        /// Untagged before tagged, then by tag: MySQL's order.
        public static func < (lhs: Source, rhs: Source) -> Bool {
            if lhs.uuid != rhs.uuid { return lhs.uuid < rhs.uuid }
            switch (lhs.tag, rhs.tag) {
            case let (left?, right?): return left < right
            case (nil, .some): return true
            default: return false
            }
        }
    }

    /// Per source, sorted disjoint non-adjacent closed ranges of transaction numbers.
    public private(set) var ranges: [Source: [ClosedRange<UInt64>]]

    public init() {
        ranges = [:]
    }

    /// Parses MySQL's text form. Whitespace (MySQL prints `,\n`) is ignored; an empty string is the
    /// empty set.
    public init(_ text: String) throws(BinlogError) {
        self.init()
        let compact = text.filter { !$0.isWhitespace }
        for element in compact.split(separator: ",") {
            let parts = element.split(separator: ":", omittingEmptySubsequences: false)
            guard let uuid = ServerUUID(parts[0]) else {
                throw BinlogError(.malformed, "GTID set '\(text)': '\(parts[0])' is not a server UUID")
            }
            var source = Source(uuid: uuid)
            for part in parts.dropFirst() {
                if let first = part.first, first.isLetter || first == "_" {
                    source.tag = try GTIDTag.normalize(part)
                    continue
                }
                let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count), let lower = UInt64(bounds[0]), let upper = UInt64(bounds[bounds.count - 1]),
                      lower > 0, lower <= upper, upper < UInt64(Int64.max)
                else { throw BinlogError(.malformed, "GTID set '\(text)': '\(part)' is not a range of transaction numbers") }
                insert(lower...upper, for: source)
            }
        }
    }

    /// No transaction in any source.
    public var isEmpty: Bool { ranges.isEmpty }

    /// The sources in MySQL's order.
    public var sources: [Source] { ranges.keys.sorted() }

    /// Adds one transaction, merging it into its neighbouring ranges.
    public mutating func add(_ gtid: MySQLGTID) {
        insert(gtid.gno...gtid.gno, for: Source(uuid: gtid.uuid, tag: gtid.tag))
    }

    /// Adds a range of transaction numbers (each 1 or more) for one source.
    public mutating func insert(_ range: ClosedRange<UInt64>, for source: Source) {
        var list = ranges[source] ?? []
        // First range that ends at or after range.lower - 1 (the first one that can touch it).
        var low = 0
        var high = list.count
        let touchFrom = range.lowerBound == 0 ? 0 : range.lowerBound - 1
        while low < high {
            let mid = (low + high) / 2
            if list[mid].upperBound < touchFrom { low = mid + 1 } else { high = mid }
        }
        var merged = range
        var end = low
        while end < list.count, list[end].lowerBound <= merged.upperBound &+ 1 || merged.upperBound == .max {
            merged = min(merged.lowerBound, list[end].lowerBound)...max(merged.upperBound, list[end].upperBound)
            end += 1
        }
        list.replaceSubrange(low..<end, with: [merged])
        ranges[source] = list
    }

    /// Whether the set holds this transaction (tags must match as well as UUIDs).
    public func contains(_ gtid: MySQLGTID) -> Bool {
        guard let list = ranges[Source(uuid: gtid.uuid, tag: gtid.tag)] else { return false }
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].upperBound < gtid.gno { low = mid + 1 } else { high = mid }
        }
        return low < list.count && list[low].contains(gtid.gno)
    }

    /// MySQL's text form, sources sorted, untagged ranges before tagged ones.
    public var description: String {
        var elements: [String] = []
        var current: ServerUUID?
        var text = ""
        for source in sources {
            if source.uuid != current {
                if current != nil { elements.append(text) }
                current = source.uuid
                text = source.uuid.description
            }
            if let tag = source.tag { text += ":\(tag)" }
            for range in ranges[source] ?? [] {
                text += range.count == 1 ? ":\(range.lowerBound)" : ":\(range.lowerBound)-\(range.upperBound)"
            }
        }
        if current != nil { elements.append(text) }
        return elements.joined(separator: ",")
    }

    // MARK: Binary form

    /// Appends the binary form: the untagged layout unless a source has a tag (MySQL 8.3+ layout).
    public func encode(into buffer: inout ByteBuffer) {
        let sorted = sources
        let tagged = sorted.contains { $0.tag != nil }
        let count = UInt64(sorted.count)
        buffer.writeInteger(tagged ? (1 << 56) | (count << 8) | 1 : count, endianness: .little)
        for source in sorted {
            buffer.writeBytes(source.uuid.bytes)
            if tagged {
                let tag = Array((source.tag ?? "").utf8)
                SerializedInteger.write(UInt64(tag.count), into: &buffer)
                buffer.writeBytes(tag)
            }
            let list = ranges[source] ?? []
            buffer.writeInteger(UInt64(list.count), endianness: .little)
            for range in list {
                buffer.writeInteger(range.lowerBound, endianness: .little)
                // The wire form's end is exclusive.
                buffer.writeInteger(range.upperBound &+ 1, endianness: .little)
            }
        }
    }

    /// Decodes the binary form (a PREVIOUS_GTIDS body, or what `encode` wrote).
    public init(binary: ByteBuffer) throws(BinlogError) {
        self = try binary.withByteCursor { (cursor) throws(BinlogError) in try Self(from: &cursor) }
    }

    init(from cursor: inout ByteCursor) throws(BinlogError) {
        self.init()
        let header: UInt64 = try cursor.readLE()
        let tagged: Bool
        let count: UInt64
        switch header >> 56 {
        case 0:
            tagged = false
            count = header
        case 1:
            tagged = true
            count = (header >> 8) & 0xFFFF_FFFF_FFFF
        case let format:
            throw BinlogError(.malformed, "GTID set has unknown format \(format)")
        }
        // Each source takes at least 24 bytes, which bounds a corrupt count.
        guard count <= UInt64(cursor.remaining / 24) else {
            throw BinlogError(.truncated, "GTID set announces \(count) sources, more than its \(cursor.remaining) bytes can hold")
        }
        for _ in 0..<count {
            guard let uuid = ServerUUID(bytes: try cursor.readBytes(16)) else {
                throw BinlogError(.malformed, "GTID set source without a 16-byte UUID")
            }
            var source = Source(uuid: uuid)
            if tagged {
                let length = try cursor.readSerializedUInt()
                guard length <= 32 else { throw BinlogError(.malformed, "GTID tag of \(length) bytes") }
                if length > 0 { source.tag = try GTIDTag.normalize(try cursor.readString(Int(length))) }
            }
            let intervals: UInt64 = try cursor.readLE()
            guard intervals <= UInt64(cursor.remaining / 16) else {
                throw BinlogError(.truncated, "GTID set announces \(intervals) intervals, more than its \(cursor.remaining) bytes can hold")
            }
            for _ in 0..<intervals {
                let start: UInt64 = try cursor.readLE()
                let end: UInt64 = try cursor.readLE()
                guard start > 0, start < end else {
                    throw BinlogError(.malformed, "GTID interval [\(start), \(end)) is empty or starts at 0")
                }
                insert(start...(end - 1), for: source)
            }
        }
    }
}
