import Logging
import NIOCore
import NIOSSL

/// Carries out the `ConnectionStateMachine`'s actions on the channel: frames and sends packets,
/// upgrades to TLS, completes promises, feeds the binlog stream, and holds socket reads back
/// while the stream's consumer is not asking for more.
final class MySQLChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = MySQLPacket
    typealias OutboundIn = MySQLTask
    typealias OutboundOut = ByteBuffer

    private var stateMachine: ConnectionStateMachine
    private let sslContext: NIOSSLContext?
    private let host: String
    private let port: Int
    private let connectTimeout: Duration
    private let logger: Logger
    /// Succeeded after authentication; failed if the handshake fails.
    let handshakeDone: EventLoopPromise<ConnectionInfo>

    private var context: ChannelHandlerContext?
    private var nextSequenceID: UInt8 = 0
    private var handshakeTimeout: Scheduled<Void>?

    /// The running binlog stream, if any.
    private var stream: BinlogEventStream.Source?
    private var stallTimeout: Duration?
    /// Armed while the consumer wants more; it checks `lastPacketAt` rather than being
    /// rescheduled for every packet.
    private var stallTimer: Scheduled<Void>?
    private var lastPacketAt = NIODeadline.uptimeNanoseconds(0)
    /// False while the consumer has enough buffered events; reads are then held back.
    private var consumerWantsMore = true
    private var readHeldBack = false

    init(
        configuration: MySQLConnectionConfiguration, sslContext: NIOSSLContext?, logger: Logger,
        handshakeDone: EventLoopPromise<ConnectionInfo>
    ) {
        self.stateMachine = ConnectionStateMachine(configuration: configuration.stateMachineConfiguration)
        self.sslContext = sslContext
        self.host = configuration.host
        self.port = configuration.port
        self.connectTimeout = configuration.connectTimeout
        self.logger = logger
        self.handshakeDone = handshakeDone
    }

    // MARK: Inbound

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { self.startHandshakeTimer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startHandshakeTimer(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = self.unwrapInboundIn(data)
        self.nextSequenceID = packet.sequenceID &+ 1
        self.logger.trace("received packet", metadata: ["sequence": "\(packet.sequenceID)", "bytes": "\(packet.payload.readableBytes)"])
        if self.stream != nil { self.lastPacketAt = context.eventLoop.now }
        self.run(self.stateMachine.packetReceived(packet), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let action: ConnectionStateMachine.Action
        switch error {
        case let error as MySQLError: action = self.stateMachine.errorCaught(error)
        // The server (or the network) dropped a TLS connection without a close_notify: a lost connection,
        // to be retried like any other, not a certificate problem.
        case NIOSSLError.uncleanShutdown: action = self.stateMachine.transportFailed(reason: "the connection was closed without a TLS close_notify")
        case let error as NIOSSLError: action = self.stateMachine.errorCaught(.tlsFailed(reason: "\(error)"))
        case let error as BoringSSLError: action = self.stateMachine.errorCaught(.tlsFailed(reason: "\(error)"))
        default: action = self.stateMachine.transportFailed(reason: "\(error)")
        }
        self.run(action, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.handshakeTimeout?.cancel()
        self.stallTimer?.cancel()
        self.run(self.stateMachine.channelInactive(), context: context)
        context.fireChannelInactive()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let task = self.unwrapOutboundIn(data)
        promise?.succeed()
        self.run(self.stateMachine.enqueue(task), context: context)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all else {
            context.close(mode: mode, promise: promise)
            return
        }
        // Closed below with the caller's promise, not by `run`.
        let action = self.stateMachine.closeRequested()
        if case .closeConnection(let error, let failing) = action {
            self.failEverything(error, tasks: failing)
        } else {
            self.run(action, context: context)
        }
        context.close(mode: .all, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        guard self.stream == nil || self.consumerWantsMore else {
            self.readHeldBack = true
            return
        }
        context.read()
    }

    // MARK: Binlog stream demand, called by `BinlogStreamDelegate` on the event loop

    func binlogConsumerWantsMore() {
        guard self.stream != nil, !self.consumerWantsMore, let context = self.context else { return }
        self.consumerWantsMore = true
        self.lastPacketAt = context.eventLoop.now
        self.armStallTimer(context: context)
        if self.readHeldBack {
            self.readHeldBack = false
            context.read()
        }
    }

    func binlogConsumerTerminated() {
        guard self.stream != nil, let context = self.context else { return }
        self.logger.debug("binlog stream consumer stopped; closing the connection")
        self.stream = nil
        context.close(promise: nil)
    }

    /// A command went unanswered for too long (see `MySQLConnection.limitWait`): fail it and close.
    func responseTimedOut(_ error: MySQLError) {
        guard let context = self.context else { return }
        self.run(self.stateMachine.errorCaught(error), context: context)
    }

    // MARK: Actions

    private func run(_ action: ConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .sendPacket(let payload):
            self.send(payload, context: context)
        case .sendCommand(let payload):
            self.nextSequenceID = 0
            self.send(payload, context: context)
        case .sendSSLRequestAndStartTLS(let sslRequest, let handshakeResponse):
            self.send(sslRequest, context: context)
            if self.startTLS(context: context) {
                self.send(handshakeResponse, context: context)
            }
        case .authenticated(let info):
            self.handshakeTimeout?.cancel()
            self.logger.debug(
                "authenticated",
                metadata: ["server": "\(info.serverVersion)", "connection_id": "\(info.connectionID)", "plugin": "\(info.authPluginName)"]
            )
            self.handshakeDone.succeed(info)
            self.run(self.stateMachine.startNextTask(), context: context)
        case .succeedQuery(let promise, let result):
            promise.succeed(result)
            self.run(self.stateMachine.startNextTask(), context: context)
        case .failTask(let task, let error):
            task.fail(error)
            self.run(self.stateMachine.startNextTask(), context: context)
        case .startBinlogDump(let payload, let task):
            self.stream = task.stream
            self.stallTimeout = task.stallTimeout
            self.consumerWantsMore = true
            self.nextSequenceID = 0
            self.send(payload, context: context)
            task.registered.succeed()
            self.lastPacketAt = context.eventLoop.now
            self.armStallTimer(context: context)
        case .forwardBinlogEvent(let event):
            guard let stream = self.stream else { return }
            switch stream.yield(event) {
            case .produceMore:
                break
            case .stopProducing:
                self.consumerWantsMore = false
                // Silence is expected while reads are held back.
                self.stallTimer?.cancel()
                self.stallTimer = nil
            case .dropped:
                break
            }
        case .endBinlogStream(let error, let failing):
            self.endStream(error: error)
            for task in failing { task.fail(.connectionAlreadyClosed) }
            context.close(promise: nil)
        case .sendQuit(let payload):
            self.nextSequenceID = 0
            self.send(payload, context: context)
        case .closeConnection(let error, let failing):
            self.logger.debug("closing connection", metadata: ["error": "\(error)"])
            self.failEverything(error, tasks: failing)
            if context.channel.isActive { context.close(promise: nil) }
        }
    }

    private func failEverything(_ error: MySQLError, tasks: [MySQLTask]) {
        self.handshakeTimeout?.cancel()
        // A no-op once the handshake has succeeded.
        self.handshakeDone.fail(error)
        self.endStream(error: error)
        for task in tasks { task.fail(error) }
    }

    private func send(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        var framed = context.channel.allocator.buffer(capacity: payload.readableBytes + 4)
        MySQLPacketEncoder.encode(payload, sequenceID: &self.nextSequenceID, into: &framed)
        context.writeAndFlush(self.wrapOutboundOut(framed), promise: nil)
    }

    /// Puts TLS under the framing; returns false, having failed the connection, if it cannot.
    private func startTLS(context: ChannelHandlerContext) -> Bool {
        guard let sslContext = self.sslContext else {
            self.run(self.stateMachine.errorCaught(.tlsFailed(reason: "TLS was negotiated without a TLS context")), context: context)
            return false
        }
        do {
            // SNI takes a host name only; an IP address is sent without it.
            let isIPAddress = (try? SocketAddress(ipAddress: self.host, port: 0)) != nil
            let tlsHandler = try NIOSSLClientHandler(context: sslContext, serverHostname: isIPAddress ? nil : self.host)
            try context.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
            return true
        } catch {
            self.run(self.stateMachine.errorCaught(.tlsFailed(reason: "\(error)")), context: context)
            return false
        }
    }

    private func endStream(error: MySQLError?) {
        guard let stream = self.stream else { return }
        self.stream = nil
        self.stallTimer?.cancel()
        self.stallTimer = nil
        if let error { stream.finish(error) } else { stream.finish() }
    }

    private func startHandshakeTimer(context: ChannelHandlerContext) {
        guard self.handshakeTimeout == nil else { return }
        let timeout = self.connectTimeout
        self.handshakeTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.run(self.stateMachine.errorCaught(.connectTimeout(host: self.host, port: self.port, timeout: timeout)), context: context)
        }
    }

    private func armStallTimer(context: ChannelHandlerContext) {
        guard self.stallTimer == nil, let timeout = self.stallTimeout, self.consumerWantsMore else { return }
        self.stallTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: self.lastPacketAt + TimeAmount(timeout)) {
            self.stallTimer = nil
            guard context.eventLoop.now - self.lastPacketAt >= TimeAmount(timeout) else {
                self.armStallTimer(context: context)
                return
            }
            self.run(self.stateMachine.binlogStalled(silentFor: timeout), context: context)
        }
    }
}

@available(*, unavailable)
extension MySQLChannelHandler: Sendable {}
