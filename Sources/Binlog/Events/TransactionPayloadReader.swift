import CZstd
import NIOCore

/// Streams the inner events out of a TRANSACTION_PAYLOAD, one at a time.
///
/// Decompression is incremental (`ZSTD_decompressStream`), so a transaction of any size never has to
/// be decompressed whole: memory holds one inner event plus a small window.
///
/// ```swift
/// var reader = try TransactionPayloadReader(payload)
/// while let inner = try reader.next() {
///     let event = try decoder.decodePayloadEvent(inner)
/// }
/// ```
public struct TransactionPayloadReader: ~Copyable {
    private let payload: ByteBuffer
    private let compression: TransactionPayloadEvent.Compression
    private let stream: OpaquePointer?
    /// Input consumed so far, from the payload's reader index.
    private var inputOffset = 0
    /// Decompressed bytes not yet handed out (always less than an event header when refilled).
    private var pending = ByteBuffer()
    /// Uncompressed bytes not yet produced, per the event's header: bounds every allocation.
    private var uncompressedLeft: UInt64
    private var frameFinished = false
    /// Most bytes decompressed in one step into an event's buffer.
    private static let chunk = 1 << 20

    public init(_ event: TransactionPayloadEvent) throws(BinlogError) {
        payload = event.payload
        compression = event.compression
        uncompressedLeft = event.uncompressedSize
        if event.compression == .zstd {
            guard let stream = ZSTD_createDStream() else {
                throw BinlogError(.decompression, "zstd could not allocate a decompression stream")
            }
            self.stream = stream
        } else {
            stream = nil
        }
    }

    deinit {
        if let stream { ZSTD_freeDStream(stream) }
    }

    /// The next inner event (header, body, no checksum), or nil after the last one.
    public mutating func next() throws(BinlogError) -> ByteBuffer? {
        while pending.readableBytes < BinlogEventHeader.length {
            if try refill() == 0 {
                guard pending.readableBytes == 0 else {
                    throw BinlogError(.truncated, "TRANSACTION_PAYLOAD ends inside an event header")
                }
                return nil
            }
        }
        let size = Int(pending.getInteger(at: pending.readerIndex + 9, endianness: .little, as: UInt32.self) ?? 0)
        guard size >= BinlogEventHeader.length, UInt64(max(0, size - pending.readableBytes)) <= uncompressedLeft else {
            throw BinlogError(.malformed, "TRANSACTION_PAYLOAD holds an inner event of \(size) bytes, beyond its uncompressed size")
        }
        // The buffer grows as bytes arrive, so a corrupt size cannot make it allocate more than the
        // payload really holds.
        var event = ByteBuffer()
        event.reserveCapacity(min(size, Self.chunk))
        if var head = pending.readSlice(length: min(size, pending.readableBytes)) {
            event.writeBuffer(&head)
        }
        while event.readableBytes < size {
            let wanted = min(size - event.readableBytes, Self.chunk)
            var produced = 0
            var failure: BinlogError?
            event.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { target in
                do throws(BinlogError) {
                    produced = try produce(into: UnsafeMutableRawBufferPointer(rebasing: target[..<wanted]))
                } catch {
                    failure = error
                }
                return produced
            }
            if let failure { throw failure }
            guard produced > 0 else {
                throw BinlogError(.truncated, "TRANSACTION_PAYLOAD ends inside an inner event of \(size) bytes")
            }
        }
        return event
    }

    /// Decompresses the next window into `pending`; returns how many bytes it added.
    private mutating func refill() throws(BinlogError) -> Int {
        // Moved out while written, so that `produce` may mutate self meanwhile.
        var buffer = pending
        pending = ByteBuffer()
        buffer.discardReadBytes()
        let window = compression == .zstd ? ZSTD_DStreamOutSize() : 64 * 1024
        var produced = 0
        var failure: BinlogError?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: window) { target in
            do throws(BinlogError) {
                produced = try produce(into: UnsafeMutableRawBufferPointer(rebasing: target[..<window]))
            } catch {
                failure = error
            }
            return produced
        }
        pending = buffer
        if let failure { throw failure }
        return produced
    }

    /// Fills `target` as far as the input allows; 0 only at the end of the payload.
    private mutating func produce(into target: UnsafeMutableRawBufferPointer) throws(BinlogError) -> Int {
        let limit = Int(min(UInt64(target.count), uncompressedLeft))
        guard limit > 0 else { return 0 }
        let produced: Int
        switch compression {
        case .none:
            produced = min(limit, payload.readableBytes - inputOffset)
            payload.withUnsafeReadableBytes { input in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[inputOffset..<(inputOffset + produced)]))
            }
            inputOffset += produced
        case .zstd:
            produced = try decompress(into: UnsafeMutableRawBufferPointer(rebasing: target[..<limit]))
        }
        uncompressedLeft -= UInt64(produced)
        return produced
    }

    private mutating func decompress(into target: UnsafeMutableRawBufferPointer) throws(BinlogError) -> Int {
        guard !frameFinished else { return 0 }
        var output = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
        var status = 0
        let offset = inputOffset
        let stream = self.stream
        let consumed = payload.withUnsafeReadableBytes { input in
            var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: offset)
            // Loop until some output appears: zstd may consume input (a block header) without
            // producing any.
            repeat {
                status = ZSTD_decompressStream(stream, &output, &source)
            } while ZSTD_isError(status) == 0 && status != 0 && output.pos == 0 && source.pos < source.size
            return source.pos
        }
        inputOffset = consumed
        if ZSTD_isError(status) != 0 {
            let name = String(cString: ZSTD_getErrorName(status))
            throw BinlogError(.decompression, "zstd failed inside TRANSACTION_PAYLOAD: \(name)")
        }
        if status == 0 { frameFinished = true }
        return output.pos
    }
}
