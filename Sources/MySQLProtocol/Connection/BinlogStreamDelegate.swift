import NIOCore

/// Carries the stream consumer's demand back to the channel handler on its event loop.
struct BinlogStreamDelegate: NIOAsyncSequenceProducerDelegate {
    let handler: NIOLoopBound<MySQLChannelHandler>

    func produceMore() {
        self.handler.eventLoop.execute { self.handler.value.binlogConsumerWantsMore() }
    }

    func didTerminate() {
        self.handler.eventLoop.execute { self.handler.value.binlogConsumerTerminated() }
    }
}
