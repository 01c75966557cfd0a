import Logging
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing

@testable import MySQLProtocol

/// Drives the real channel handler and packet decoder through scripted server exchanges.
@Suite struct MySQLChannelHandlerTests {
    /// Counts the reads that reach the socket end of the pipeline.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        var reads = 0

        func read(context: ChannelHandlerContext) {
            self.reads += 1
            context.read()
        }
    }

    struct Harness {
        let channel: NIOAsyncTestingChannel
        let handler: NIOLoopBound<MySQLChannelHandler>
        let handshakeDone: EventLoopFuture<ConnectionInfo>
        let reads: ReadCounter

        init(tls: MySQLConnectionConfiguration.TLSMode = .disabled) async throws {
            let channel = NIOAsyncTestingChannel()
            let configuration = MySQLConnectionConfiguration(host: "127.0.0.1", username: "repl", password: "secret", tls: tls)
            let sslContext = try configuration.makeSSLContext()
            let promise = channel.testingEventLoop.makePromise(of: ConnectionInfo.self)
            let reads = ReadCounter()
            self.handler = try await channel.testingEventLoop.executeInContext {
                let handler = MySQLChannelHandler(
                    configuration: configuration, sslContext: sslContext, logger: Logger(label: "test"), handshakeDone: promise
                )
                try channel.pipeline.syncOperations.addHandlers(
                    reads, ByteToMessageHandler(MySQLPacketDecoder(maximumPayloadSize: 1 << 30)), handler
                )
                return NIOLoopBound(handler, eventLoop: channel.testingEventLoop)
            }
            self.channel = channel
            self.handshakeDone = promise.futureResult
            self.reads = reads
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3306))
        }

        func send(_ payload: [UInt8], sequenceID: UInt8) async throws {
            try await self.channel.writeInbound(frame(payload, sequenceID: sequenceID))
        }

        /// The next packet the client wrote, unframed.
        func received() async throws -> MySQLPacket? {
            guard var wire = try await self.channel.readOutbound(as: ByteBuffer.self) else { return nil }
            var decoder = MySQLPacketDecoder(maximumPayloadSize: 1 << 30)
            return try decoder.decode(buffer: &wire)
        }

        func readCount() async throws -> Int {
            try await self.channel.testingEventLoop.executeInContext { self.reads.reads }
        }

        func handshake() async throws -> ConnectionInfo {
            var greeting = HandshakeTests.mariaDBGreeting
            try await self.channel.writeInbound(greeting)
            greeting.moveReaderIndex(forwardBy: 4)
            let response = try #require(try await self.received())
            #expect(response.sequenceID == 1)
            #expect(String(buffer: response.payload).contains("repl\0"))
            try await self.send(ServerPacket.ok(), sequenceID: 2)
            return try await self.handshakeDone.get()
        }
    }

    @Test func handshakeThenQuery() async throws {
        let harness = try await Harness()
        let info = try await harness.handshake()
        #expect(info.connectionID == 5)

        let promise = harness.channel.testingEventLoop.makePromise(of: MySQLQueryResult.self)
        try await harness.channel.writeAndFlush(MySQLTask.query(sql: "SELECT id, s FROM t", promise: promise))
        let command = try #require(try await harness.received())
        #expect(command.sequenceID == 0)
        #expect(command.payload.bytes == [0x03] + Array("SELECT id, s FROM t".utf8))

        let response = [[0x02], ServerPacket.columnDefinition(name: "id"), ServerPacket.columnDefinition(name: "s"),
                        ServerPacket.row(["1", nil]), ServerPacket.ok(header: 0xFE)]
        for (index, payload) in response.enumerated() { try await harness.send(payload, sequenceID: UInt8(index + 1)) }
        let result = try await promise.futureResult.get()
        #expect(result.columns == ["id", "s"])
        #expect(result.rows == [["1", nil]])

        try await harness.channel.close()
        let quit = try #require(try await harness.received())
        #expect(quit.payload.bytes == [0x01])
    }

    @Test func binlogStreamAppliesBackpressureAndEndsOnEOF() async throws {
        let harness = try await Harness()
        _ = try await harness.handshake()

        let handler = harness.handler
        let producer = BinlogEventStream.Producer.makeSequence(
            elementType: ByteBuffer.self, failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2), finishOnDeinit: false,
            delegate: BinlogStreamDelegate(handler: handler)
        )
        let registered = harness.channel.testingEventLoop.makePromise(of: Void.self)
        let request = BinlogDumpRequest(serverID: 9, start: .filePosition(file: "binlog.000001", position: 4))
        try await harness.channel.writeAndFlush(MySQLTask.binlogDump(BinlogDumpTask(
            register: request.registerCommand, dump: request.dumpCommand(isMariaDB: true), registered: registered,
            stream: producer.source, stallTimeout: request.stallTimeout
        )))
        #expect(try await harness.received()?.payload.getInteger(at: 0, as: UInt8.self) == 0x15)
        try await harness.send(ServerPacket.ok(), sequenceID: 1)
        let dump = try #require(try await harness.received())
        #expect(dump.sequenceID == 0)
        #expect(dump.payload.getInteger(at: 0, as: UInt8.self) == 0x12)
        try await registered.futureResult.get()

        // Three events in one read: the consumer has not asked for any, so the second fills the buffer.
        var wire = ByteBuffer()
        for sequenceID in UInt8(1)...3 { wire.writeImmutableBuffer(frame([0x00, sequenceID, 0xEE], sequenceID: sequenceID)) }
        try await harness.channel.writeInbound(wire)
        let readsBefore = try await harness.readCount()
        harness.channel.read()
        #expect(try await harness.readCount() == readsBefore, "reads are held back while the consumer is behind")

        var iterator = BinlogEventStream(producer: producer.sequence).makeAsyncIterator()
        for expected in UInt8(1)...3 {
            let event = try await iterator.next()
            #expect(event?.bytes == [expected, 0xEE])
        }
        await harness.channel.testingEventLoop.run()
        #expect(try await harness.readCount() == readsBefore + 1, "the held-back read goes out once the consumer catches up")

        try await harness.send(ServerPacket.eof(), sequenceID: 4)
        #expect(try await iterator.next() == nil)
        #expect(!harness.channel.isActive, "the server ends the session after a dump, so the client closes too")
    }

    @Test func silentBinlogStreamFailsAsStalled() async throws {
        let harness = try await Harness()
        _ = try await harness.handshake()
        let producer = BinlogEventStream.Producer.makeSequence(
            elementType: ByteBuffer.self, failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2), finishOnDeinit: false,
            delegate: BinlogStreamDelegate(handler: harness.handler)
        )
        let registered = harness.channel.testingEventLoop.makePromise(of: Void.self)
        try await harness.channel.writeAndFlush(MySQLTask.binlogDump(BinlogDumpTask(
            register: .registerReplica(serverID: 9, hostname: "", port: 0),
            dump: .binlogDump(position: 4, flags: [], serverID: 9, file: "binlog.000001"),
            registered: registered, stream: producer.source, stallTimeout: .seconds(3)
        )))
        _ = try await harness.received()
        try await harness.send(ServerPacket.ok(), sequenceID: 1)
        try await registered.futureResult.get()

        await harness.channel.testingEventLoop.advanceTime(by: .seconds(2))
        try await harness.send([0x00, 0x01], sequenceID: 1)  // a heartbeat resets the clock
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(2))
        #expect(harness.channel.isActive)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(1))

        var iterator = BinlogEventStream(producer: producer.sequence).makeAsyncIterator()
        #expect(try await iterator.next()?.bytes == [0x01])
        await #expect(throws: MySQLError.binlogStalled(silentFor: .seconds(3))) { try await iterator.next() }
        #expect(!harness.channel.isActive)
    }

    @Test func handshakeTimesOut() async throws {
        let harness = try await Harness()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(10))
        await #expect(throws: MySQLError.connectTimeout(host: "127.0.0.1", port: 3306, timeout: .seconds(10))) {
            try await harness.handshakeDone.get()
        }
    }

    @Test func requiredTLSSendsTheSSLRequestThenStartsTLS() async throws {
        let harness = try await Harness(tls: .required)
        try await harness.channel.writeInbound(HandshakeTests.mariaDBGreeting)
        let sslRequest = try #require(try await harness.received())
        #expect(sslRequest.sequenceID == 1)
        #expect(sslRequest.payload.readableBytes == 32)
        let clientHello = try #require(try await harness.channel.readOutbound(as: ByteBuffer.self))
        #expect(clientHello.getInteger(at: 0, as: UInt8.self) == 0x16, "a TLS handshake record")
        let hasTLSHandler = try await harness.channel.testingEventLoop.executeInContext {
            (try? harness.channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)) != nil
        }
        #expect(hasTLSHandler)
        // The handshake response waits inside TLS until its handshake completes.
        #expect(try await harness.channel.readOutbound(as: ByteBuffer.self) == nil)
        try await harness.channel.close()
        await #expect(throws: MySQLError.self) { try await harness.handshakeDone.get() }
    }

    @Test func serverClosingMidQueryFailsTheQuery() async throws {
        let harness = try await Harness()
        _ = try await harness.handshake()
        let promise = harness.channel.testingEventLoop.makePromise(of: MySQLQueryResult.self)
        try await harness.channel.writeAndFlush(MySQLTask.query(sql: "SELECT SLEEP(100)", promise: promise))
        _ = try await harness.received()
        harness.channel.pipeline.fireChannelInactive()
        await #expect(throws: MySQLError.connectionClosed(during: "a query")) { try await promise.futureResult.get() }
    }
}
