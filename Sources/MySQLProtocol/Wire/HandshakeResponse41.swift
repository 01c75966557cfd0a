import NIOCore

/// Protocol::HandshakeResponse41 (dev.mysql.com page_protocol_connection_phase_packets_protocol_handshake_response).
struct HandshakeResponse41: Sendable, Equatable {
    /// Already narrowed to what both sides support: it decides which fields follow.
    var capabilities: CapabilityFlags
    var maxPacketSize: UInt32
    var characterSet: UInt8
    var username: String
    var authResponse: [UInt8]
    var database: String?
    var authPluginName: String

    func encode(into buffer: inout ByteBuffer) {
        SSLRequest(capabilities: self.capabilities, maxPacketSize: self.maxPacketSize, characterSet: self.characterSet)
            .encode(into: &buffer)
        buffer.writeNullTerminatedString(self.username)
        if self.capabilities.contains(.pluginAuthLengthEncodedClientData) {
            buffer.writeLengthEncodedBytes(self.authResponse)
        } else {
            // Without the length-encoded form the length is one byte; every supported plugin's
            // first response (20, 32 or 64 bytes) fits.
            buffer.writeInteger(UInt8(truncatingIfNeeded: self.authResponse.count))
            buffer.writeBytes(self.authResponse)
        }
        if self.capabilities.contains(.connectWithDB), let database = self.database {
            buffer.writeNullTerminatedString(database)
        }
        if self.capabilities.contains(.pluginAuth) {
            buffer.writeNullTerminatedString(self.authPluginName)
        }
    }
}
