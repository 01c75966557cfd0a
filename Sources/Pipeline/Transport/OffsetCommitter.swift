import Foundation
import Kafka
import Logging

/// `sluice apply`'s offsets: how far it read each partition, and commits of how far the index
/// settled, for the partitions this member owns only, so that a late commit never moves another
/// member's partition backwards.
final class OffsetCommitter: @unchecked Sendable {
    private let lock = NSLock()
    private var read = ApplyPipeline.Offsets()
    private var owned: Set<KafkaTopicPartition> = []
    private var committed: [KafkaTopicPartition: Int64] = [:]
    private var stopped = false
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Notes `messages` as read; returns the offsets to commit once they are settled.
    func read(_ messages: [KafkaConsumedMessage]) -> ApplyPipeline.Offsets {
        lock.withLock {
            for message in messages { read.next[message.topicPartition] = message.offset + 1 }
            return read
        }
    }

    func assigned(_ partitions: [KafkaTopicPartition]) {
        lock.withLock { owned.formUnion(partitions) }
    }

    /// The partitions went to another member: their offsets are no longer this member's to commit.
    func revoked(_ partitions: [KafkaTopicPartition]) {
        lock.withLock {
            owned.subtract(partitions)
            for partition in partitions {
                read.next[partition] = nil
                committed[partition] = nil
            }
        }
    }

    /// After a failure: nothing more is settled, so nothing more is committed.
    func stop() {
        lock.withLock { stopped = true }
    }

    var isStopped: Bool { lock.withLock { stopped } }

    /// The owned partitions' committed offsets against their ends as the consumer last fetched
    /// them. Before this member's first commit of a partition, its lag counts from where the
    /// consumer reads, or from the partition's start before it read anything there; partitions
    /// not fetched yet are left out.
    func progress(_ consumer: KafkaConsumer) -> [PipelineStatus.Partition] {
        let (owned, committed) = lock.withLock { (self.owned, self.committed) }
        return owned.compactMap { partition -> PipelineStatus.Partition? in
            guard let progress = consumer.lastKnownProgress(partition) else { return nil }
            let done = committed[partition]
            return PipelineStatus.Partition(
                topic: partition.topic, partition: partition.partition, committed: done, end: progress.end,
                lag: max(0, progress.end - (done ?? progress.position ?? progress.low))
            )
        }
    }

    /// Commits the queue's settled offsets of the owned partitions that moved since the last commit.
    /// Waits for the broker's answer; a failed commit is logged and tried again next time.
    func commit(_ settled: ApplyPipeline.Offsets?, to consumer: KafkaConsumer) async {
        let due: [KafkaTopicPartition: Int64] = lock.withLock {
            guard !stopped, let settled else { return [:] }
            return settled.next.filter { owned.contains($0.key) && committed[$0.key] != $0.value }
        }
        guard !due.isEmpty else { return }
        do {
            try await consumer.commit(due)
            lock.withLock { committed.merge(due) { _, new in new } }
        } catch {
            logger.log(level: error.isRebalanceInProgress ? .debug : .warning, "cannot commit offsets; trying again", metadata: ["error": "\(error)"])
        }
    }
}
