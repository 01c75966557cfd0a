import ChangeCapture

/// Where to begin when no position is saved: copy the tables first, or stream from a binlog position.
public enum StartMode: Sendable, Equatable, CustomStringConvertible {
    /// Copy every selected table, then stream the binlog from the position the copy was taken at.
    case snapshot
    /// Stream the binlog from here, without copying what is already in the tables.
    case position(StartPosition)

    /// Parses `snapshot`, `earliest`, `latest`, `FILE:POS` or `gtid:SET`.
    public init(parsing text: String) throws(ConfigurationError) {
        if text == "snapshot" {
            self = .snapshot
        } else {
            do {
                self = .position(try StartPosition(parsing: text))
            } catch {
                throw ConfigurationError("\(error.message); or snapshot, to copy the tables first")
            }
        }
    }

    public var description: String {
        switch self {
        case .snapshot: "snapshot"
        case let .position(position): position.description
        }
    }
}
