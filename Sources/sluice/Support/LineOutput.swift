import ArgumentParser
import Foundation
import NIOCore

/// Buffers JSON lines and writes them to standard output in large writes.
struct LineOutput {
    var buffer = ByteBuffer()
    let flushThreshold = 1 << 16

    mutating func flushIfFull() throws {
        if buffer.readableBytes >= flushThreshold { try flush() }
    }

    mutating func flush() throws {
        guard buffer.readableBytes > 0 else { return }
        try buffer.readableBytesView.withContiguousStorageIfAvailable { bytes in
            var remaining = UnsafeRawBufferPointer(bytes)
            while !remaining.isEmpty {
                let written = Foundation.write(STDOUT_FILENO, remaining.baseAddress, remaining.count)
                if written < 0 {
                    if errno == EINTR { continue }
                    // The reader went away (e.g. `| head`): stop quietly, as other Unix tools do.
                    if errno == EPIPE { throw ExitCode.success }
                    throw CLIError("could not write to standard output: \(String(cString: strerror(errno)))")
                }
                remaining = UnsafeRawBufferPointer(rebasing: remaining[written...])
            }
        }
        buffer.clear()
    }
}

/// An error the command line reports as it is, without a stack of context.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
