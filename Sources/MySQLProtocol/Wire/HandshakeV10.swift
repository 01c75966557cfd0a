import NIOCore

/// The server's greeting, Protocol::HandshakeV10 (dev.mysql.com page_protocol_connection_phase_packets_protocol_handshake_v10),
/// with MariaDB's extended capabilities where the server puts them in the filler.
struct HandshakeV10: Sendable, Equatable {
    var serverVersion: String
    var connectionID: UInt32
    /// Both parts of the auth plugin data, without the trailing NUL: the nonce the first plugin signs.
    var authPluginData: [UInt8]
    var capabilities: CapabilityFlags
    var characterSet: UInt8
    var status: ServerStatusFlags
    /// Nil when the server does not announce CLIENT_PLUGIN_AUTH; such servers speak mysql_native_password.
    var authPluginName: String?
    /// MariaDB 10.2+ (bits 32–63 of its capabilities); nil for MySQL.
    var mariaDBExtendedCapabilities: UInt32?

    /// MariaDB 10+ prefixes its version with "5.5.5-" so that old replicas parse it; the flag
    /// and the version without the prefix are what callers want.
    var isMariaDB: Bool { self.serverVersion.contains("MariaDB") }
    var displayVersion: String {
        self.isMariaDB && self.serverVersion.hasPrefix("5.5.5-") ? String(self.serverVersion.dropFirst(6)) : self.serverVersion
    }

    init(decoding payload: ByteBuffer) throws {
        var buffer = payload
        func truncated(_ field: String) -> MySQLError {
            .protocolViolation(what: "greeting ends before its \(field)", where: "server greeting (HandshakeV10)")
        }
        guard let protocolVersion = buffer.readInteger(as: UInt8.self) else { throw truncated("protocol version") }
        guard protocolVersion == 10 else {
            throw MySQLError.protocolViolation(
                what: "greeting has protocol version \(protocolVersion); only version 10 (MySQL 4.1+, MariaDB) is supported",
                where: "server greeting (HandshakeV10)"
            )
        }
        guard let version = buffer.readNullTerminatedString() else { throw truncated("server version") }
        guard let connectionID = buffer.readInteger(endianness: .little, as: UInt32.self) else { throw truncated("connection id") }
        guard let part1 = buffer.readBytes(length: 8) else { throw truncated("auth plugin data") }
        guard buffer.readInteger(as: UInt8.self) != nil,
            let lowerCapabilities = buffer.readInteger(endianness: .little, as: UInt16.self)
        else { throw truncated("capability flags") }
        self.serverVersion = version
        self.connectionID = connectionID
        self.authPluginData = part1
        self.capabilities = CapabilityFlags(rawValue: UInt32(lowerCapabilities))
        self.characterSet = 0
        self.status = []
        self.authPluginName = nil
        self.mariaDBExtendedCapabilities = nil

        // Servers older than 4.1 stop here; everything else sends the rest.
        guard buffer.readableBytes > 0 else { return }
        guard let characterSet = buffer.readInteger(as: UInt8.self),
            let status = buffer.readInteger(endianness: .little, as: UInt16.self),
            let upperCapabilities = buffer.readInteger(endianness: .little, as: UInt16.self),
            let authPluginDataLength = buffer.readInteger(as: UInt8.self),
            buffer.readBytes(length: 6) != nil,
            let extended = buffer.readInteger(endianness: .little, as: UInt32.self)
        else { throw truncated("character set, status and upper capability flags") }
        self.characterSet = characterSet
        self.status = ServerStatusFlags(rawValue: status)
        self.capabilities.formUnion(CapabilityFlags(rawValue: UInt32(upperCapabilities) << 16))
        if !self.capabilities.contains(.longPassword) {
            self.mariaDBExtendedCapabilities = extended
        }

        if self.capabilities.contains(.secureConnection) {
            let length = max(13, Int(authPluginDataLength) - 8)
            guard var part2 = buffer.readBytes(length: length) else { throw truncated("auth plugin data part 2") }
            if part2.last == 0 { part2.removeLast() }
            self.authPluginData += part2
        }
        if self.capabilities.contains(.pluginAuth) {
            // Some 5.5 servers omit the closing NUL.
            self.authPluginName = buffer.readNullTerminatedString() ?? buffer.readString(length: buffer.readableBytes)
        }
    }
}
