import NIOCore

/// Carries the stream consumer's demand back to the connection.
struct BinlogStreamDelegate: NIOAsyncSequenceProducerDelegate {
    let onProduceMore: @Sendable () -> Void
    let onTerminate: @Sendable () -> Void

    /// Calls the handler on its event loop.
    init(handler: NIOLoopBound<MySQLChannelHandler>) {
        self.onProduceMore = { handler.eventLoop.execute { handler.value.binlogConsumerWantsMore() } }
        self.onTerminate = { handler.eventLoop.execute { handler.value.binlogConsumerTerminated() } }
    }

    init(onProduceMore: @escaping @Sendable () -> Void, onTerminate: @escaping @Sendable () -> Void) {
        self.onProduceMore = onProduceMore
        self.onTerminate = onTerminate
    }

    func produceMore() { self.onProduceMore() }

    func didTerminate() { self.onTerminate() }
}
