/// How a `BinlogSource` reads a server.
public struct BinlogSourceConfiguration: Sendable {
    public var url: SourceURL
    /// This reader's replica server id; it must differ from every server's and replica's.
    public var serverID: UInt32
    /// Where to start when no position is given to `BinlogSource.changes(from:)`.
    public var start: StartPosition
    public var filter: TableFilter
    /// How often the server sends a heartbeat when idle; three missed ones count as a stall.
    public var heartbeat: Duration
    /// Waits between reconnect attempts after a lost connection: doubling from the first to the last.
    public var reconnectBackoff: ClosedRange<Duration>
    /// Changes a transaction may hold before they are handed on without waiting for its commit.
    public var maxBufferedChanges: Int
    /// Other servers of the same replication topology (`source.urls` after the first), tried in turn when
    /// `url` fails. Switching needs GTIDs: reading resumes at the GTID state of the last whole transaction.
    public var failover: [SourceURL] = []
    /// Failed reconnects to one server before the next server is tried.
    public var attemptsPerServer = 3
    /// How long a query or the replica registration may go unanswered before the connection counts
    /// as lost (and is retried, or the next server tried). Once streaming, heartbeats take over.
    public var responseTimeout: Duration = .seconds(30)
    /// Told the server each time reading (re)starts on one, e.g. after a failover: for status pages.
    public var readingFrom: (@Sendable (SourceURL) -> Void)?

    public init(
        url: SourceURL,
        serverID: UInt32 = 4242,
        start: StartPosition = .latest,
        filter: TableFilter = .all,
        heartbeat: Duration = .seconds(5),
        reconnectBackoff: ClosedRange<Duration> = .milliseconds(200) ... .seconds(30),
        maxBufferedChanges: Int = 10_000
    ) {
        self.url = url
        self.serverID = serverID
        self.start = start
        self.filter = filter
        self.heartbeat = heartbeat
        self.reconnectBackoff = reconnectBackoff
        self.maxBufferedChanges = maxBufferedChanges
    }
}
