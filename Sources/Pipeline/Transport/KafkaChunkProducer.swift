import ChangeCapture
import Kafka
import Logging
import NIOCore

/// Produces the source's chunks to Kafka, one message per document per chunk, and keeps the
/// ledger that says which commit positions Kafka has confirmed everything before.
/// `sluice capture` runs it on the binlog; `sluice bench kafka` on a file.
public struct KafkaChunkProducer {
    private var encoder: KafkaChangeEncoder
    private let producer: KafkaProducer
    private let ledger: DeliveryLedger
    /// What each change is encoded into: librdkafka copies a message as it is produced, so its key
    /// and value storage serves the next one, in this chunk and the ones after.
    private var message = KafkaOutgoingMessage(topic: "", key: nil, value: ByteBuffer())

    /// With a producer of its own, made from `properties`; `close()` releases it.
    public init(encoder: KafkaChangeEncoder, properties: KafkaProperties, logger: Logger) throws(KafkaError) {
        let ledger = DeliveryLedger()
        self.init(encoder: encoder, producer: try KafkaProducer(properties: properties, logger: logger, onNumberedDelivery: ledger.settle), ledger: ledger)
    }

    /// `producer`'s numbered deliveries must go to `ledger.settle`.
    init(encoder: KafkaChangeEncoder, producer: KafkaProducer, ledger: DeliveryLedger) {
        self.encoder = encoder
        self.producer = producer
        self.ledger = ledger
    }

    /// Produces the chunk's changes (the last of each document) and records its commit position,
    /// if it ends a transaction. Throws the first delivery Kafka refused.
    public mutating func produce(_ chunk: ChangeChunk) async throws {
        if let failure = ledger.failure {
            throw PipelineError.kafkaRefused(failure)
        }
        let kept = try encoder.lastChangePerDocument(chunk.changes)
        let firstNumber = ledger.reserve(kept.count)
        for (position, change) in kept.enumerated() {
            encoder.encode(chunk.changes[change.index], key: change.key, commit: position == kept.count - 1 ? chunk.commit : nil, into: &message)
            // Suspends only while librdkafka's queue is full, not once per message.
            while try !producer.tryProduce(message, number: firstNumber + UInt64(position)) {
                try await producer.waitForRoom()
            }
        }
        if let commit = chunk.commit {
            ledger.record(Checkpoint(position: commit, timestamp: chunk.changes.last?.timestamp ?? 0))
        }
    }

    /// Messages produced so far.
    public var produced: UInt64 { ledger.produced }

    /// Messages produced that Kafka has not confirmed yet.
    public var unconfirmed: UInt64 { ledger.unconfirmed }

    /// The first delivery Kafka refused, if any.
    public var failure: KafkaError? { ledger.failure }

    /// Flushes what is queued for up to `timeout`, and releases the producer.
    public func close(timeout: Duration = .seconds(10)) {
        producer.close(timeout: timeout)
    }
}
