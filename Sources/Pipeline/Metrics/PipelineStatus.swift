import Coordination
import Foundation

/// What `/status` answers and `sluice status` prints: where the pipeline is, how far behind, what it
/// wrote per table and the last thing that went wrong. Encoded with snake_case keys.
public struct PipelineStatus: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        /// The source URL without its password (`source.url`, or the first of `source.urls`).
        public var url: String
        /// The server being read, as its URL without the password, once reading started: another of
        /// `source.urls` after a failover.
        public var inUse: String?
        /// The replica server id Sluice reads as.
        public var serverID: UInt32
        /// The source's own `@@server_id`, once the lag probe has asked.
        public var sourceServerID: UInt32?

        // Spelled as the snake_case strategies turn `server_id` back and forth.
        enum CodingKeys: String, CodingKey {
            case url
            case inUse
            case serverID = "serverId"
            case sourceServerID = "sourceServerId"
        }
    }

    /// The saved position: where a restart resumes.
    public struct Position: Codable, Sendable, Equatable {
        public var file: String
        public var offset: UInt64
        public var gtidSet: String?
        /// The commit time of the transaction it ends, seconds since the epoch; 0 when unknown.
        public var timestamp: UInt64
    }

    public struct Lag: Codable, Sendable, Equatable {
        /// Now minus the commit time of the oldest transaction read but not yet acknowledged.
        public var seconds: Double
        /// The source's binlog end (from its last probe) minus the saved position; nil until known.
        public var bytes: UInt64?
    }

    /// Commit-to-acknowledgement times of recently acknowledged transactions, in seconds.
    public struct Freshness: Codable, Sendable, Equatable {
        public var p50: Double
        public var p99: Double
        /// How many transactions the quantiles are over.
        public var samples: Int

        /// Nearest-rank quantiles of `samples`; nil when there are none.
        public init?(samples: [Double]) {
            guard !samples.isEmpty else { return nil }
            let sorted = samples.sorted()
            func quantile(_ q: Double) -> Double {
                sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
            }
            self.p50 = quantile(0.5)
            self.p99 = quantile(0.99)
            self.samples = sorted.count
        }
    }

    public struct Table: Codable, Sendable, Equatable {
        /// `db.table`.
        public var name: String
        public var inserts: UInt64 = 0
        public var updates: UInt64 = 0
        public var deletes: UInt64 = 0
        /// Documents the index acknowledged (written, deleted, or refused as stale by a 409).
        public var documents: UInt64 = 0
        public var deadLetters: UInt64 = 0
        /// Rows the initial snapshot copied, and the table's estimated size where known.
        public var snapshotRows: UInt64 = 0
        public var snapshotEstimate: UInt64?
    }

    public struct Problem: Codable, Sendable, Equatable {
        public var time: Date
        /// The log level: warning, error or critical.
        public var level: String
        public var message: String
    }

    public struct Snapshot: Codable, Sendable, Equatable {
        public var tablesDone: Int
        public var tablesTotal: Int
    }

    /// This instance's part in its pipeline (see `HighAvailabilityStatus`).
    public struct Role: Codable, Sendable, Equatable {
        /// `single` (memory or file positions), `standby` or `leader`.
        public var role: String
        /// The leader as last seen, when there is an election.
        public var leader: String?

        public init(_ status: HighAvailabilityStatus) {
            let snapshot = status.snapshot
            role = snapshot.role.rawValue
            leader = snapshot.leader?.description
        }
    }

    /// `sluice capture`'s and `sluice apply`'s side of Kafka.
    public struct Kafka: Codable, Sendable, Equatable {
        /// capture: messages produced, and those of them Kafka has not confirmed yet.
        public var produced: UInt64?
        public var unconfirmed: UInt64?
        /// apply: the partitions this member owns.
        public var partitions: [Partition]?
    }

    /// One partition an `apply` member owns.
    public struct Partition: Codable, Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        /// The group's committed offset: the next message to apply after a restart; nil before the
        /// first commit.
        public var committed: Int64?
        /// The partition's end as last fetched: the offset the next message will get.
        public var end: Int64
        /// Messages between the committed offset (or the partition's start) and the end.
        public var lag: Int64
    }

    public var source: Source
    /// Set for `sluice capture` and `sluice apply`.
    public var kafka: Kafka?
    /// Set by the admin API from the instance's `HighAvailabilityStatus`.
    public var highAvailability: Role?
    public var position: Position?
    public var lag: Lag
    public var freshness: Freshness?
    /// While an initial snapshot runs.
    public var snapshot: Snapshot?
    public var tables: [Table]
    public var lastError: Problem?
    public var ready: Bool
    /// Why it is not ready; empty when ready.
    public var notReady: [String]

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
