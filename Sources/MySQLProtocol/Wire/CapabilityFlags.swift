/// Capability flags exchanged in the handshake (dev.mysql.com group__group__cs__capabilities__flags).
struct CapabilityFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    /// MariaDB reads this bit as CLIENT_MYSQL: a server that clears it carries MariaDB's extended
    /// capabilities in the greeting's filler.
    static let longPassword = CapabilityFlags(rawValue: 1 << 0)
    static let longFlag = CapabilityFlags(rawValue: 1 << 2)
    static let connectWithDB = CapabilityFlags(rawValue: 1 << 3)
    static let protocol41 = CapabilityFlags(rawValue: 1 << 9)
    static let ssl = CapabilityFlags(rawValue: 1 << 11)
    static let transactions = CapabilityFlags(rawValue: 1 << 13)
    static let secureConnection = CapabilityFlags(rawValue: 1 << 15)
    static let multiResults = CapabilityFlags(rawValue: 1 << 17)
    static let pluginAuth = CapabilityFlags(rawValue: 1 << 19)
    static let pluginAuthLengthEncodedClientData = CapabilityFlags(rawValue: 1 << 21)
    static let deprecateEOF = CapabilityFlags(rawValue: 1 << 24)

    /// What Sluice asks for; the handshake keeps the part the server also offers.
    static let clientDefault: CapabilityFlags = [
        .longPassword, .longFlag, .protocol41, .transactions, .secureConnection, .multiResults,
        .pluginAuth, .pluginAuthLengthEncodedClientData, .deprecateEOF,
    ]
}
