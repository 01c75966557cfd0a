import NIOCore

/// What the handler needs to start a binlog dump: register as a replica, then dump.
struct BinlogDumpTask: Sendable {
    var register: MySQLCommand
    var dump: MySQLCommand
    /// Succeeded once the server accepted the registration and the dump command is sent.
    var registered: EventLoopPromise<Void>
    /// Where events go, and how long silence may last before the stream is declared stalled.
    var stream: BinlogEventStream.Source
    var stallTimeout: Duration?
}
