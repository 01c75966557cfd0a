import Binlog
import NIOCore

/// Column names as JSON object keys, quoted and escaped once per table layout rather than for every
/// value of every change: `"name":` for each column, one after another in one array.
public struct JSONMemberNames: Sendable {
    /// `"a":"b":…`, each name quoted, escaped and followed by a colon.
    private let bytes: [UInt8]
    /// Where each column's key starts in `bytes`, and its end as the last entry.
    private let starts: [Int]

    public init(_ names: [String]) {
        var buffer = ByteBuffer()
        var starts = [0]
        starts.reserveCapacity(names.count + 1)
        for name in names {
            buffer.writeJSONKey(name)
            starts.append(buffer.readableBytes)
        }
        bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        self.starts = starts
    }

    public var count: Int { starts.count - 1 }

    /// The bytes of every key, colons included: at most what all the names take as a JSON array.
    public var totalLength: Int { bytes.count }

    /// The length of column `index`'s key, `"name":`.
    public func length(_ index: Int) -> Int { starts[index + 1] - starts[index] }

    /// Runs `body` with the keys' bytes, which `put(_:from:into:)` takes.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeBytes(body)
    }

    /// Puts column `index`'s key, `"name":`, or with `colon: false` just the quoted name.
    public func put(_ index: Int, from bytes: UnsafeRawBufferPointer, colon: Bool = true, into output: inout RawJSONOutput) {
        let end = starts[index + 1] - (colon ? 0 : 1)
        output.put(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[starts[index]..<end]))
    }
}
