import NIOCore
import NIOPosix
import Testing

@testable import MySQLProtocol

@Suite struct ConnectionStateMachineTests {
    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    static func configuration(tls: ConnectionStateMachine.TLSRequirement = .disabled, database: String? = nil) -> ConnectionStateMachine.Configuration {
        .init(
            host: "db.example", port: 3306, username: "repl", password: "secret", database: database, tls: tls,
            serverRSAPublicKeyPEM: nil, maximumPacketSize: 1 << 30
        )
    }

    static func packet(_ bytes: [UInt8], sequenceID: UInt8 = 1) -> MySQLPacket {
        MySQLPacket(sequenceID: sequenceID, payload: ByteBuffer(bytes: bytes))
    }

    static var mariaDBGreeting: MySQLPacket {
        var wire = HandshakeTests.mariaDBGreeting
        wire.moveReaderIndex(forwardBy: 4)
        return MySQLPacket(sequenceID: 0, payload: wire)
    }

    /// A machine that has finished the handshake with the MariaDB greeting.
    static func authenticated() -> ConnectionStateMachine {
        var machine = ConnectionStateMachine(configuration: configuration())
        _ = machine.packetReceived(mariaDBGreeting)
        _ = machine.packetReceived(packet(ServerPacket.ok(), sequenceID: 2))
        return machine
    }

    static func makeStream() -> NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BinlogStreamDelegate
    >.NewSequence {
        BinlogEventStream.Producer.makeSequence(
            elementType: ByteBuffer.self, failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2), finishOnDeinit: false,
            delegate: BinlogStreamDelegate(onProduceMore: {}, onTerminate: {})
        )
    }

    static func bytes(_ command: MySQLCommand) -> [UInt8] {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        return buffer.bytes
    }

    @Test func plainHandshakeSendsTheResponseAndAuthenticates() {
        var machine = ConnectionStateMachine(configuration: Self.configuration(database: "shop"))
        guard case .sendPacket(let response) = machine.packetReceived(Self.mariaDBGreeting) else {
            Issue.record("expected the handshake response")
            return
        }
        var expected = ByteBuffer()
        HandshakeResponse41(
            capabilities: [.longFlag, .connectWithDB, .protocol41, .transactions, .secureConnection, .multiResults, .pluginAuth,
                           .pluginAuthLengthEncodedClientData, .deprecateEOF],
            maxPacketSize: 1 << 30, characterSet: 45, username: "repl",
            authResponse: AuthPlugin.nativePassword.initialResponse(password: "secret", nonce: HandshakeTests.mariaDBNonce),
            database: "shop", authPluginName: "mysql_native_password"
        ).encode(into: &expected)
        #expect(response == expected)

        guard case .authenticated(let info) = machine.packetReceived(Self.packet(ServerPacket.ok(), sequenceID: 2)) else {
            Issue.record("expected authentication to finish")
            return
        }
        #expect(info.serverVersion == "10.11.19-MariaDB-0+deb12u1-log")
        #expect(info.isMariaDB)
        #expect(info.connectionID == 5)
        #expect(info.mariaDBExtendedCapabilities == 0x1D)
        #expect(info.authPluginName == "mysql_native_password")
    }

    @Test func preferredTLSUpgradesWhenTheServerOffersIt() {
        var machine = ConnectionStateMachine(configuration: Self.configuration(tls: .preferred))
        guard case .sendSSLRequestAndStartTLS(let sslRequest, let response) = machine.packetReceived(Self.mariaDBGreeting) else {
            Issue.record("expected the SSL request")
            return
        }
        #expect(sslRequest.readableBytes == 32)
        let capabilities = CapabilityFlags(rawValue: sslRequest.getInteger(at: 0, endianness: .little, as: UInt32.self) ?? 0)
        #expect(capabilities.contains(.ssl))
        #expect(response.getSlice(at: 0, length: 32) == sslRequest)
    }

    @Test func preferredTLSStaysPlainWhenNotOffered() {
        var machine = ConnectionStateMachine(configuration: Self.configuration(tls: .preferred))
        guard case .sendPacket(let response) = machine.packetReceived(Self.packet(ServerPacket.mysql8Greeting(nonce: Array(1...20), ssl: false), sequenceID: 0)) else {
            Issue.record("expected a plain handshake response")
            return
        }
        let capabilities = CapabilityFlags(rawValue: response.getInteger(at: 0, endianness: .little, as: UInt32.self) ?? 0)
        #expect(!capabilities.contains(.ssl))
        #expect(response.getInteger(at: 8, as: UInt8.self) == 255, "utf8mb4_0900_ai_ci on MySQL 8")
    }

    @Test func requiredTLSFailsWhenNotOffered() {
        var machine = ConnectionStateMachine(configuration: Self.configuration(tls: .required))
        guard case .closeConnection(let error, let failing) = machine.packetReceived(Self.packet(ServerPacket.mysql8Greeting(nonce: Array(1...20), ssl: false), sequenceID: 0)) else {
            Issue.record("expected the connection to close")
            return
        }
        #expect(error == .tlsNotOffered(host: "db.example", port: 3306))
        #expect(failing.isEmpty)
    }

    @Test func anERRInsteadOfTheGreetingFailsTheConnection() {
        var machine = ConnectionStateMachine(configuration: Self.configuration())
        let tooMany: [UInt8] = [0xFF, 0x10, 0x04] + Array("Too many connections".utf8)
        guard case .closeConnection(.server(let error), _) = machine.packetReceived(Self.packet(tooMany, sequenceID: 0)) else {
            Issue.record("expected a server error")
            return
        }
        #expect(error == MySQLServerError(code: 1040, sqlState: nil, message: "Too many connections"))
    }

    @Test func authenticationFailureClosesTheConnection() {
        var machine = ConnectionStateMachine(configuration: Self.configuration())
        _ = machine.packetReceived(Self.mariaDBGreeting)
        guard case .closeConnection(.authenticationFailed(let user, let plugin, _, _), _) = machine.packetReceived(
            Self.packet(ServerPacket.err(code: 1045, sqlState: "28000", message: "Access denied"), sequenceID: 2)
        ) else {
            Issue.record("expected authentication to fail")
            return
        }
        #expect(user == "repl")
        #expect(plugin == "mysql_native_password")
    }

    @Test func queriesRunOneAtATime() async throws {
        var machine = Self.authenticated()
        let first = Self.loop.makePromise(of: MySQLQueryResult.self)
        let second = Self.loop.makePromise(of: MySQLQueryResult.self)
        guard case .sendCommand(let command) = machine.enqueue(.query(sql: "SELECT 1", promise: first)) else {
            Issue.record("expected COM_QUERY")
            return
        }
        #expect(command.bytes == Self.bytes(.query("SELECT 1")))
        guard case .none = machine.enqueue(.query(sql: "SELECT 2", promise: second)) else {
            Issue.record("the second query must wait")
            return
        }
        for payload in [[0x01], ServerPacket.columnDefinition(name: "1"), ServerPacket.row(["1"])] {
            guard case .none = machine.packetReceived(Self.packet(payload)) else {
                Issue.record("expected to wait for more")
                return
            }
        }
        guard case .succeedQuery(let promise, let result) = machine.packetReceived(Self.packet(ServerPacket.ok(header: 0xFE))) else {
            Issue.record("expected the result")
            return
        }
        #expect(promise.futureResult === first.futureResult)
        #expect(result.rows == [["1"]])
        guard case .sendCommand(let next) = machine.startNextTask() else {
            Issue.record("expected the second query to start")
            return
        }
        #expect(next.bytes == Self.bytes(.query("SELECT 2")))
        // A server error ends only the query.
        guard case .failTask(.query(_, let failed), .server) = machine.packetReceived(Self.packet(ServerPacket.err(code: 1146, sqlState: "42S02", message: "no table"))) else {
            Issue.record("expected the query to fail")
            return
        }
        #expect(failed.futureResult === second.futureResult)
        guard case .none = machine.startNextTask() else {
            Issue.record("nothing is queued")
            return
        }
        first.succeed(result)
        second.fail(MySQLError.connectionAlreadyClosed)
    }

    @Test func binlogDumpRegistersThenStreamsUntilEOF() async throws {
        var machine = Self.authenticated()
        let stream = Self.makeStream()
        let registered = Self.loop.makePromise(of: Void.self)
        let request = BinlogDumpRequest(serverID: 77, start: .mariaGTID("0-1-5"))
        let task = BinlogDumpTask(
            register: request.registerCommand, dump: request.dumpCommand(isMariaDB: true), registered: registered,
            stream: stream.source, stallTimeout: request.stallTimeout
        )
        guard case .sendCommand(let register) = machine.enqueue(.binlogDump(task)) else {
            Issue.record("expected COM_REGISTER_SLAVE")
            return
        }
        #expect(register.bytes == Self.bytes(.registerReplica(serverID: 77, hostname: "", port: 0)))
        guard case .startBinlogDump(let dump, _) = machine.packetReceived(Self.packet(ServerPacket.ok())) else {
            Issue.record("expected COM_BINLOG_DUMP")
            return
        }
        #expect(dump.bytes == Self.bytes(.binlogDump(position: 4, flags: [.sendAnnotateRows], serverID: 77, file: "")))
        #expect(machine.isStreamingBinlog)

        let event: [UInt8] = [0x00, 0xAA, 0xBB, 0xCC]
        guard case .forwardBinlogEvent(let forwarded) = machine.packetReceived(Self.packet(event)) else {
            Issue.record("expected the event")
            return
        }
        #expect(forwarded.bytes == [0xAA, 0xBB, 0xCC])

        let query = Self.loop.makePromise(of: MySQLQueryResult.self)
        guard case .failTask(_, .invalidRequest) = machine.enqueue(.query(sql: "SELECT 1", promise: query)) else {
            Issue.record("a query cannot run during a dump")
            return
        }
        guard case .endBinlogStream(nil, let failing) = machine.packetReceived(Self.packet(ServerPacket.eof())) else {
            Issue.record("expected the stream to end")
            return
        }
        #expect(failing.isEmpty)
        guard case .failTask(_, .connectionAlreadyClosed) = machine.enqueue(.query(sql: "SELECT 1", promise: query)) else {
            Issue.record("the server ends the session after a dump")
            return
        }
        registered.succeed()
        query.fail(MySQLError.connectionAlreadyClosed)
        stream.source.finish()
    }

    @Test func binlogErrorsEndTheStream() {
        var machine = Self.authenticated()
        let stream = Self.makeStream()
        let registered = Self.loop.makePromise(of: Void.self)
        let task = BinlogDumpTask(
            register: .registerReplica(serverID: 1, hostname: "", port: 0), dump: .binlogDump(position: 4, flags: [], serverID: 1, file: "x"),
            registered: registered, stream: stream.source, stallTimeout: nil
        )
        _ = machine.enqueue(.binlogDump(task))
        _ = machine.packetReceived(Self.packet(ServerPacket.ok()))
        let err = ServerPacket.err(code: 1236, sqlState: "HY000", message: "Could not find first log file name in binary log index file")
        guard case .endBinlogStream(.server(let error)?, _) = machine.packetReceived(Self.packet(err)) else {
            Issue.record("expected the server's error")
            return
        }
        #expect(error.code == 1236)
        registered.succeed()
        stream.source.finish()
    }

    @Test func registrationErrorFailsTheTaskOnly() {
        var machine = Self.authenticated()
        let stream = Self.makeStream()
        let registered = Self.loop.makePromise(of: Void.self)
        let task = BinlogDumpTask(
            register: .registerReplica(serverID: 1, hostname: "", port: 0), dump: .binlogDump(position: 4, flags: [], serverID: 1, file: "x"),
            registered: registered, stream: stream.source, stallTimeout: nil
        )
        _ = machine.enqueue(.binlogDump(task))
        let denied = ServerPacket.err(code: 1227, sqlState: "42000", message: "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s)")
        guard case .failTask(.binlogDump, .server(let error)) = machine.packetReceived(Self.packet(denied)) else {
            Issue.record("expected the registration to fail")
            return
        }
        #expect(error.code == 1227)
        #expect(!machine.isStreamingBinlog)
        registered.fail(MySQLError.server(error))
        stream.source.finish()
    }

    @Test func stallAndDisconnectFailWhatIsRunning() {
        var machine = Self.authenticated()
        let promise = Self.loop.makePromise(of: MySQLQueryResult.self)
        _ = machine.enqueue(.query(sql: "SELECT SLEEP(10)", promise: promise))
        guard case .none = machine.binlogStalled(silentFor: .seconds(30)) else {
            Issue.record("a stall only matters while streaming")
            return
        }
        guard case .closeConnection(.connectionClosed(let during), let failing) = machine.channelInactive() else {
            Issue.record("expected the connection to close")
            return
        }
        #expect(during == "a query")
        #expect(failing.count == 1)
        guard case .none = machine.channelInactive() else {
            Issue.record("closing twice does nothing")
            return
        }
        promise.fail(MySQLError.connectionAlreadyClosed)
    }

    @Test func closeWhenIdleSendsQuit() {
        var machine = Self.authenticated()
        guard case .sendQuit(let quit) = machine.closeRequested() else {
            Issue.record("expected COM_QUIT")
            return
        }
        #expect(quit.bytes == [0x01])
        guard case .none = machine.channelInactive() else {
            Issue.record("an expected close is not an error")
            return
        }
    }
}
