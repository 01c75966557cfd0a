import NIOCore

@testable import Binlog

/// Renders with `write` into a fresh buffer and returns the text.
func jsonText(_ write: (inout ByteBuffer) -> Void) -> String {
    var buffer = ByteBuffer()
    write(&buffer)
    return String(buffer: buffer)
}
