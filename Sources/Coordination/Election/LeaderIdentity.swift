import Foundation

/// Who leads a pipeline, as the leader records it in the store: enough for a person to find the process.
public struct LeaderIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The host name of the leader's machine.
    public var host: String
    /// The leader's process id on that host.
    public var pid: Int32
    /// A random id per process start, so two runs with one pid (e.g. in containers) stay apart.
    public var instance: String

    public init(host: String, pid: Int32, instance: String) {
        self.host = host
        self.pid = pid
        self.instance = instance
    }

    /// This process.
    public static func current() -> LeaderIdentity {
        LeaderIdentity(host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier, instance: UUID().uuidString.lowercased())
    }

    public var description: String { "\(host) pid \(pid) (\(instance.prefix(8)))" }

    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Three plain fields cannot fail to encode.
        return try! encoder.encode(self)
    }

    init(json data: Data, from store: String) throws(CoordinationError) {
        do {
            self = try JSONDecoder().decode(LeaderIdentity.self, from: data)
        } catch {
            throw CoordinationError("the leader record in \(store) is not a Sluice leader identity: \(error)")
        }
    }
}
