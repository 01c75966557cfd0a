#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A connection to a MySQL or MariaDB server speaking the text protocol and the replication
/// protocol. Commands are queued and run one at a time. Reconnecting is the caller's job: every
/// failure is a `MySQLError` that says what went wrong.
public final class MySQLConnection: Sendable {
    /// The server's version, without MariaDB's "5.5.5-" prefix, e.g. "10.11.6-MariaDB-0+deb12u1".
    public let serverVersion: String
    public let isMariaDB: Bool
    /// The server's id for this session, as in SHOW PROCESSLIST and KILL.
    public let connectionID: UInt32

    private let channel: Channel
    private let handler: NIOLoopBound<MySQLChannelHandler>
    private let logger: Logger
    private let configuration: MySQLConnectionConfiguration

    private init(
        channel: Channel, handler: NIOLoopBound<MySQLChannelHandler>, info: ConnectionInfo, configuration: MySQLConnectionConfiguration,
        logger: Logger
    ) {
        self.channel = channel
        self.handler = handler
        self.configuration = configuration
        self.serverVersion = info.serverVersion
        self.isMariaDB = info.isMariaDB
        self.connectionID = info.connectionID
        self.logger = logger
    }

    /// Connects, upgrades to TLS as configured, and logs in.
    public static func connect(
        _ configuration: MySQLConnectionConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> MySQLConnection {
        let sslContext = try configuration.makeSSLContext()
        let eventLoop = eventLoopGroup.next()
        let handshakeDone = eventLoop.makePromise(of: ConnectionInfo.self)
        var logger = logger
        logger[metadataKey: "mysql.server"] = "\(configuration.host):\(configuration.port)"
        let handlerLogger = logger

        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = MySQLChannelHandler(
                        configuration: configuration, sslContext: sslContext, logger: handlerLogger, handshakeDone: handshakeDone
                    )
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(MySQLPacketDecoder(maximumPayloadSize: configuration.maximumPacketSize)),
                        handler
                    )
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch let error as ChannelError where error == .connectTimeout(TimeAmount(configuration.connectTimeout)) {
            handshakeDone.fail(error)
            throw MySQLError.connectTimeout(host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout)
        } catch {
            handshakeDone.fail(error)
            throw MySQLError.connectionFailed(host: configuration.host, port: configuration.port, reason: Self.describe(connectError: error))
        }
        let info = try await handshakeDone.futureResult.get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: MySQLChannelHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return MySQLConnection(channel: channel, handler: handler, info: info, configuration: configuration, logger: logger)
    }

    /// Runs one SQL statement with the text protocol and collects its result.
    public func query(_ sql: String) async throws -> MySQLQueryResult {
        let promise = self.channel.eventLoop.makePromise(of: MySQLQueryResult.self)
        self.submit(.query(sql: sql, promise: promise))
        self.limitWait(for: promise.futureResult, during: "a query")
        return try await promise.futureResult.get()
    }

    /// Registers as a replica and starts streaming the binlog from `request.start`.
    ///
    /// Sets the session up first as a replica does: binlog checksums as the server writes them,
    /// the heartbeat period, MariaDB's GTID capability and start position. Throws if any of that
    /// or the registration fails (e.g. missing REPLICATION SLAVE privilege); errors after the
    /// dump started come out of the stream. The connection serves nothing else while streaming,
    /// and the server ends the session when the dump ends, so the connection closes with it.
    public func binlogStream(_ request: BinlogDumpRequest) async throws -> BinlogEventStream {
        for statement in try request.setupStatements(isMariaDB: self.isMariaDB) {
            _ = try await self.query(statement)
        }
        let producer = BinlogEventStream.Producer.makeSequence(
            elementType: ByteBuffer.self,
            failureType: (any Error).self,
            // A few events in hand keep the consumer busy. Each buffered event also pins the read
            // buffer it was sliced from: at 64, a 1,000-row insert workload held 7 MB of them
            // (heaptrack on scripts/bench-memory).
            backPressureStrategy: .init(lowWatermark: 4, highWatermark: 16),
            finishOnDeinit: false,
            delegate: BinlogStreamDelegate(handler: self.handler)
        )
        let registered = self.channel.eventLoop.makePromise(of: Void.self)
        self.submit(.binlogDump(BinlogDumpTask(
            register: request.registerCommand,
            dump: request.dumpCommand(isMariaDB: self.isMariaDB),
            registered: registered,
            stream: producer.source,
            stallTimeout: request.stallTimeout
        )))
        self.limitWait(for: registered.futureResult, during: "the replica registration (COM_REGISTER_SLAVE)")
        do {
            try await registered.futureResult.get()
        } catch {
            producer.source.finish(error)
            throw error
        }
        self.logger.debug("binlog dump started", metadata: ["server_id": "\(request.serverID)", "start": "\(request.start)"])
        return BinlogEventStream(producer: producer.sequence)
    }

    /// Sends COM_QUIT if idle and closes. Anything still running fails with
    /// `MySQLError.connectionAlreadyClosed`.
    public func close() async throws {
        do {
            try await self.channel.close()
        } catch ChannelError.alreadyClosed {
            // Closing twice, or after the server went away, leaves the connection closed as asked.
        } catch NIOSSLError.uncleanShutdown {
            // The server answers COM_QUIT by closing the socket without a TLS close_notify.
        }
    }

    /// NIO's connect errors nest the per-address failures; the user wants "Connection refused".
    private static func describe(connectError error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            let attempts = error.connectionErrors.map { "\($0.target): \(Self.describe(connectError: $0.error))" }
            let lookups = [error.dnsAError, error.dnsAAAAError].compactMap { $0.map { "address lookup failed (\($0))" } }
            return attempts.isEmpty ? (lookups.first ?? "no address found") : attempts.joined(separator: "; ")
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        default:
            return "\(error)"
        }
    }

    /// With a response timeout, closes the connection with `MySQLError.responseTimeout` if `future`
    /// is still waiting for the server when it runs out: the protocol cannot skip an answer that never
    /// came, so the connection is done, and every task on it fails with that error.
    private func limitWait<Value: Sendable>(for future: EventLoopFuture<Value>, during: String) {
        guard let timeout = self.configuration.responseTimeout else { return }
        let error = MySQLError.responseTimeout(host: self.configuration.host, port: self.configuration.port, during: during, timeout: timeout)
        let timer = self.channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [handler] in
            handler.value.responseTimedOut(error)
        }
        // Both on the event loop: an answer in time cancels the timer before it can run.
        future.whenComplete { _ in timer.cancel() }
    }

    private func submit(_ task: MySQLTask) {
        self.channel.writeAndFlush(task).whenFailure { _ in
            // The channel is gone before the handler saw the task.
            task.fail(.connectionAlreadyClosed)
        }
    }
}
