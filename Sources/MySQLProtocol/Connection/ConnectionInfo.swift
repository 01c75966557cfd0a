/// What the handshake established about the server and the session.
struct ConnectionInfo: Sendable, Equatable {
    /// Without MariaDB's "5.5.5-" compatibility prefix.
    var serverVersion: String
    var isMariaDB: Bool
    var connectionID: UInt32
    /// The capabilities both sides agreed on.
    var capabilities: CapabilityFlags
    var mariaDBExtendedCapabilities: UInt32?
    var authPluginName: String
}
