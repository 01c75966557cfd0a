/// An error the server reported in an ERR packet.
public struct MySQLServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server's error number, e.g. 1045 for "access denied" (see the server's error reference).
    public var code: UInt16
    /// The five-character SQLSTATE, e.g. "28000"; nil when the server sent the error before the
    /// handshake settled which format to use.
    public var sqlState: String?
    /// The server's own message.
    public var message: String

    public init(code: UInt16, sqlState: String?, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        "server error \(self.code)\(self.sqlState.map { " (\($0))" } ?? ""): \(self.message)"
    }
}
