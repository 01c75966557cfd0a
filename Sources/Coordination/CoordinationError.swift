/// A coordination store (ZooKeeper, etcd) could not do what was asked. The message names the store, what
/// failed and what to do; `kind` says whether waiting can help.
public struct CoordinationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The store could not be reached or did not answer in time: retrying later may succeed.
        case unavailable
        /// The store answered no, for a reason retrying does not change (a bad path, a bad reply).
        case refused
        /// This instance is no longer the leader (its session or lease ended, or another instance took
        /// over): it must stop writing.
        case deposed
    }

    public var message: String
    public var kind: Kind

    public init(_ message: String, kind: Kind = .refused) {
        self.message = message
        self.kind = kind
    }

    public var description: String { message }
}
