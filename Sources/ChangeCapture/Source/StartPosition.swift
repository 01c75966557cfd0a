/// Where to start reading when there is no saved position.
public enum StartPosition: Sendable, Equatable, CustomStringConvertible {
    /// The first binlog still on the server.
    case earliest
    /// The server's current end of binlog: only changes from now on.
    case latest
    case filePosition(file: String, position: UInt64)
    /// A GTID set: MariaDB's `domain-server-seq,…` or MySQL's `uuid:1-5,…`. Reading starts after it.
    case gtid(String)

    /// Parses `earliest`, `latest`, `FILE:POS` or `gtid:SET`.
    public init(parsing text: String) throws(ConfigurationError) {
        switch text {
        case "earliest": self = .earliest
        case "latest": self = .latest
        case _ where text.hasPrefix("gtid:"):
            let set = String(text.dropFirst(5))
            guard !set.isEmpty else { throw ConfigurationError("start position 'gtid:' has an empty GTID set; e.g. gtid:0-1-42") }
            self = .gtid(set)
        default:
            guard let colon = text.lastIndex(of: ":"),
                  let position = UInt64(text[text.index(after: colon)...]),
                  colon > text.startIndex
            else {
                throw ConfigurationError("start position '\(text)' is not one of earliest, latest, FILE:POS (e.g. mysql-bin.000003:4) or gtid:SET")
            }
            guard position >= 4 else {
                throw ConfigurationError("start position '\(text)': binlog offsets start at 4 (after the file's magic number)")
            }
            self = .filePosition(file: String(text[..<colon]), position: position)
        }
    }

    public var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case let .filePosition(file, position): "\(file):\(position)"
        case let .gtid(set): "gtid:\(set)"
        }
    }
}
