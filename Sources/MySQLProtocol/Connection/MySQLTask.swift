import NIOCore

/// A command the connection runs for its user; written to the channel handler, which queues it.
enum MySQLTask: Sendable {
    case query(sql: String, promise: EventLoopPromise<MySQLQueryResult>)
    case binlogDump(BinlogDumpTask)

    func fail(_ error: MySQLError) {
        switch self {
        case .query(_, let promise): promise.fail(error)
        case .binlogDump(let task): task.registered.fail(error)
        }
    }
}
