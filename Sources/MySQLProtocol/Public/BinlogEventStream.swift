import NIOCore

/// The events of a binlog dump, one whole event per element (header, body and checksum, if
/// the server adds one), in server order. It ends when the server sends EOF (only with
/// `BinlogDumpRequest.stopAtEnd`) and throws a `MySQLError` when the server reports an error,
/// the connection drops, or the stream stalls.
///
/// Reading applies backpressure: while the consumer does not ask for more, the connection stops
/// reading from the socket, so a slow consumer holds at most a few events in memory. Only one
/// iterator may be made. Abandoning the iteration closes the connection, since the protocol has
/// no way to stop a dump.
public struct BinlogEventStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BinlogStreamDelegate
    >
    typealias Source = Producer.Source

    let producer: Producer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await self.base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.producer.makeAsyncIterator())
    }
}
