import NIOCore

/// Protocol::SSLRequest: the first 32 bytes of a handshake response, sent in the clear to ask
/// for TLS. The full response then follows over TLS.
struct SSLRequest: Sendable, Equatable {
    var capabilities: CapabilityFlags
    var maxPacketSize: UInt32
    var characterSet: UInt8

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(self.capabilities.rawValue, endianness: .little)
        buffer.writeInteger(self.maxPacketSize, endianness: .little)
        buffer.writeInteger(self.characterSet)
        // Reserved; MariaDB reads its extended client capabilities from the last 4, which Sluice leaves at 0.
        buffer.writeRepeatingByte(0, count: 23)
    }
}
