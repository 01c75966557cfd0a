import NIOCore

/// The connection's protocol logic: handshake, TLS upgrade, authentication, and one command at
/// a time from a queue. Pure: the channel handler feeds it packets and events and carries out
/// the actions it returns.
struct ConnectionStateMachine {
    struct Configuration: Sendable {
        var host: String
        var port: Int
        var username: String
        var password: String
        var database: String?
        var tls: TLSRequirement
        var serverRSAPublicKeyPEM: String?
        /// Announced in the handshake response; the decoder enforces it on what arrives.
        var maximumPacketSize: UInt32
    }

    enum TLSRequirement: Sendable, Equatable {
        case disabled
        case preferred
        case required
    }

    enum Action {
        case none
        /// Send the next packet of the current exchange (sequence id continues).
        case sendPacket(ByteBuffer)
        /// Send a command, which starts a new exchange at sequence id 0.
        case sendCommand(ByteBuffer)
        /// Send the SSLRequest in the clear, start TLS, then send the handshake response, which
        /// the TLS handler holds until its handshake is done.
        case sendSSLRequestAndStartTLS(ByteBuffer, handshakeResponse: ByteBuffer)
        case authenticated(ConnectionInfo)
        case succeedQuery(EventLoopPromise<MySQLQueryResult>, MySQLQueryResult)
        /// The task failed but the connection is fine: fail it and start the next one.
        case failTask(MySQLTask, MySQLError)
        /// The registration was accepted: send the dump command, succeed the task, stream.
        case startBinlogDump(ByteBuffer, BinlogDumpTask)
        case forwardBinlogEvent(ByteBuffer)
        /// The dump ended, successfully (nil) or with the server's error. The server ends the
        /// session after a dump, so close the channel and fail these queued tasks.
        case endBinlogStream(MySQLError?, failing: [MySQLTask])
        /// Send COM_QUIT; the caller then closes the channel.
        case sendQuit(ByteBuffer)
        /// Fail the handshake, the stream and these tasks with the error, and close the channel.
        case closeConnection(MySQLError, failing: [MySQLTask])
    }

    private enum State {
        case awaitingGreeting
        case authenticating(AuthenticationStateMachine, ConnectionInfo)
        case ready
        case query(TextResultSetStateMachine, sql: String, promise: EventLoopPromise<MySQLQueryResult>)
        case registeringReplica(BinlogDumpTask)
        case dumping
        case closed
        /// Only while a case's value is changed in place: without it, the value would be shared
        /// with `state` and copied on each change (a result set's rows on every row).
        case modifying
    }

    private let configuration: Configuration
    private var state: State = .awaitingGreeting
    private var queue = CircularBuffer<MySQLTask>()
    private var info: ConnectionInfo?

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    var isStreamingBinlog: Bool {
        if case .dumping = self.state { return true }
        return false
    }

    // MARK: Events

    mutating func packetReceived(_ packet: MySQLPacket) -> Action {
        let payload = packet.payload
        switch self.state {
        case .awaitingGreeting:
            return self.greetingReceived(payload)
        case .authenticating(var authentication, let info):
            switch authentication.packetReceived(payload) {
            case .sendAuthData(let bytes):
                self.state = .authenticating(authentication, info)
                return .sendPacket(ByteBuffer(bytes: bytes))
            case .wait:
                self.state = .authenticating(authentication, info)
                return .none
            case .authenticated:
                var info = info
                info.authPluginName = authentication.pluginName
                self.info = info
                self.state = .ready
                return .authenticated(info)
            case .fail(let error):
                return self.close(error)
            }
        case .ready:
            return self.close(.protocolViolation(what: "server sent a packet while no command was running", where: "command phase"))
        case .query(var resultSet, let sql, let promise):
            self.state = .modifying
            switch resultSet.packetReceived(payload) {
            case .wait:
                self.state = .query(resultSet, sql: sql, promise: promise)
                return .none
            case .succeed(let result):
                self.state = .ready
                return .succeedQuery(promise, result)
            case .fail(let error):
                // An ERR ends the command and leaves the connection usable; anything else does not.
                guard case .server = error else {
                    self.state = .query(resultSet, sql: sql, promise: promise)
                    return self.close(error)
                }
                self.state = .ready
                return .failTask(.query(sql: sql, promise: promise), error)
            }
        case .registeringReplica(let task):
            return self.registrationResponse(payload, task: task)
        case .dumping:
            return self.binlogPacketReceived(payload)
        case .closed:
            return .none
        case .modifying:
            preconditionFailure("a packet arrived while the state was being changed")
        }
    }

    /// Queues a task; returns the command to send if the connection was idle.
    mutating func enqueue(_ task: MySQLTask) -> Action {
        switch self.state {
        case .closed:
            return .failTask(task, .connectionAlreadyClosed)
        case .registeringReplica, .dumping:
            // A dump holds the session until it ends, and then the server closes it: the task would never run.
            return .failTask(task, .invalidRequest("the connection is streaming the binlog; use another connection for other commands"))
        default:
            break
        }
        self.queue.append(task)
        return self.startNextTask()
    }

    /// Starts the next queued task if the connection is idle.
    mutating func startNextTask() -> Action {
        guard case .ready = self.state, let task = self.queue.popFirst() else { return .none }
        var buffer = ByteBuffer()
        switch task {
        case .query(let sql, let promise):
            MySQLCommand.query(sql).encode(into: &buffer)
            let deprecateEOF = self.info?.capabilities.contains(.deprecateEOF) ?? false
            self.state = .query(TextResultSetStateMachine(deprecateEOF: deprecateEOF), sql: sql, promise: promise)
        case .binlogDump(let dump):
            dump.register.encode(into: &buffer)
            self.state = .registeringReplica(dump)
        }
        return .sendCommand(buffer)
    }

    mutating func errorCaught(_ error: MySQLError) -> Action {
        self.close(error)
    }

    /// A socket error (reset, broken pipe) ended the connection.
    mutating func transportFailed(reason: String) -> Action {
        self.close(.connectionClosed(during: "\(self.activity): \(reason)"))
    }

    mutating func channelInactive() -> Action {
        self.close(.connectionClosed(during: self.activity))
    }

    /// The user asked to close: say goodbye if idle, otherwise fail what is in flight.
    mutating func closeRequested() -> Action {
        guard case .ready = self.state, self.queue.isEmpty else { return self.close(.connectionAlreadyClosed) }
        self.state = .closed
        var buffer = ByteBuffer()
        MySQLCommand.quit.encode(into: &buffer)
        return .sendQuit(buffer)
    }

    mutating func binlogStalled(silentFor: Duration) -> Action {
        guard case .dumping = self.state else { return .none }
        return self.close(.binlogStalled(silentFor: silentFor))
    }

    // MARK: Steps

    private mutating func greetingReceived(_ payload: ByteBuffer) -> Action {
        do {
            if ERRPacket.isERR(payload) {
                // E.g. "Host '…' is not allowed to connect" or "Too many connections".
                return self.close(.server(try ERRPacket.decode(payload)))
            }
            let greeting = try HandshakeV10(decoding: payload)
            guard greeting.capabilities.contains(.protocol41), greeting.capabilities.contains(.secureConnection) else {
                return self.close(.protocolViolation(
                    what: "server \(greeting.serverVersion) lacks CLIENT_PROTOCOL_41/CLIENT_SECURE_CONNECTION; MySQL 4.1 or later is required",
                    where: "server greeting"
                ))
            }
            let useTLS: Bool
            switch self.configuration.tls {
            case .disabled: useTLS = false
            case .preferred: useTLS = greeting.capabilities.contains(.ssl)
            case .required:
                guard greeting.capabilities.contains(.ssl) else {
                    return self.close(.tlsNotOffered(host: self.configuration.host, port: self.configuration.port))
                }
                useTLS = true
            }
            var wanted = CapabilityFlags.clientDefault
            if self.configuration.database != nil { wanted.insert(.connectWithDB) }
            if useTLS { wanted.insert(.ssl) }
            let capabilities = wanted.intersection(greeting.capabilities)

            let authentication = AuthenticationStateMachine(
                credentials: .init(
                    username: self.configuration.username, password: self.configuration.password,
                    serverRSAPublicKeyPEM: self.configuration.serverRSAPublicKeyPEM, isTLS: useTLS
                ),
                serverPluginName: greeting.authPluginName ?? AuthPlugin.nativePassword.rawValue,
                nonce: greeting.authPluginData
            )
            let response = HandshakeResponse41(
                capabilities: capabilities,
                maxPacketSize: self.configuration.maximumPacketSize,
                characterSet: Self.utf8mb4CollationID(for: greeting),
                username: self.configuration.username,
                authResponse: authentication.initialResponse,
                database: self.configuration.database,
                authPluginName: authentication.pluginName
            )
            let info = ConnectionInfo(
                serverVersion: greeting.displayVersion, isMariaDB: greeting.isMariaDB, connectionID: greeting.connectionID,
                capabilities: capabilities, mariaDBExtendedCapabilities: greeting.mariaDBExtendedCapabilities,
                authPluginName: authentication.pluginName
            )
            self.state = .authenticating(authentication, info)
            var buffer = ByteBuffer()
            response.encode(into: &buffer)
            if useTLS {
                var sslRequest = ByteBuffer()
                SSLRequest(capabilities: capabilities, maxPacketSize: response.maxPacketSize, characterSet: response.characterSet)
                    .encode(into: &sslRequest)
                return .sendSSLRequestAndStartTLS(sslRequest, handshakeResponse: buffer)
            }
            return .sendPacket(buffer)
        } catch {
            return self.close(error as? MySQLError ?? .protocolViolation(what: "\(error)", where: "server greeting"))
        }
    }

    /// utf8mb4 with the server's default collation: utf8mb4_0900_ai_ci (255) on MySQL 8+,
    /// utf8mb4_general_ci (45) on older MySQL and on MariaDB, which lacks 255.
    static func utf8mb4CollationID(for greeting: HandshakeV10) -> UInt8 {
        guard !greeting.isMariaDB,
            let major = greeting.serverVersion.split(separator: ".").first.flatMap({ Int($0) }), major >= 8
        else { return 45 }
        return 255
    }

    private mutating func registrationResponse(_ payload: ByteBuffer, task: BinlogDumpTask) -> Action {
        do {
            if ERRPacket.isERR(payload) {
                self.state = .ready
                return .failTask(.binlogDump(task), .server(try ERRPacket.decode(payload)))
            }
            _ = try OKPacket(decoding: payload)
            self.state = .dumping
            var buffer = ByteBuffer()
            task.dump.encode(into: &buffer)
            return .startBinlogDump(buffer, task)
        } catch {
            return self.close(error as? MySQLError ?? .protocolViolation(what: "\(error)", where: "COM_REGISTER_SLAVE response"))
        }
    }

    private mutating func binlogPacketReceived(_ payload: ByteBuffer) -> Action {
        switch payload.getInteger(at: payload.readerIndex, as: UInt8.self) {
        case 0x00:
            // The binlog event follows the OK marker byte.
            return .forwardBinlogEvent(payload.getSlice(at: payload.readerIndex + 1, length: payload.readableBytes - 1) ?? ByteBuffer())
        case 0xFE where EOFPacket.isEOF(payload):
            return self.endBinlogStream(nil)
        case 0xFF:
            do {
                return self.endBinlogStream(.server(try ERRPacket.decode(payload)))
            } catch {
                return self.close(error as? MySQLError ?? .protocolViolation(what: "\(error)", where: "binlog stream"))
            }
        case let header:
            return self.close(.protocolViolation(
                what: "packet with header \(header.map { "0x" + String($0, radix: 16) } ?? "(empty)") where a binlog event, EOF or ERR was expected",
                where: "binlog stream"
            ))
        }
    }

    private mutating func endBinlogStream(_ error: MySQLError?) -> Action {
        let queued = Array(self.queue)
        self.queue.removeAll()
        self.state = .closed
        return .endBinlogStream(error, failing: queued)
    }

    /// Moves to `.closed` and collects everything that must now fail.
    private mutating func close(_ error: MySQLError) -> Action {
        var failing: [MySQLTask] = []
        switch self.state {
        case .query(_, let sql, let promise): failing.append(.query(sql: sql, promise: promise))
        case .registeringReplica(let task): failing.append(.binlogDump(task))
        case .closed: return .none
        default: break
        }
        failing.append(contentsOf: self.queue)
        self.queue.removeAll()
        self.state = .closed
        return .closeConnection(error, failing: failing)
    }

    /// What the connection was doing, for error messages.
    private var activity: String {
        switch self.state {
        case .awaitingGreeting: return "the handshake (waiting for the server's greeting)"
        case .authenticating(let authentication, _):
            return "authentication as '\(self.configuration.username)' (plugin \(authentication.pluginName))"
        case .ready: return "idle time (check the server's wait_timeout)"
        case .query: return "a query"
        case .registeringReplica: return "replica registration (COM_REGISTER_SLAVE)"
        case .dumping: return "the binlog stream"
        case .closed: return "close"
        case .modifying: return "a change of state"
        }
    }
}
