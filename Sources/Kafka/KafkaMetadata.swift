import CRdKafka

/// What a cluster says about itself: its brokers and its topics, each with its partition count.
public struct KafkaMetadata: Sendable, Equatable {
    /// `host:port` of each broker.
    public var brokers: [String]
    /// Partitions per topic, for the topics the cluster could describe.
    public var topics: [String: Int]
}

extension KafkaHandle {
    /// Asks the cluster (any broker it reaches) for its brokers and every topic; waits up to `timeout`.
    func metadata(timeout: Duration) throws(KafkaError) -> KafkaMetadata {
        var pointer: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(self.pointer, 1, nil, &pointer, timeout.kafkaTimeout)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata = pointer?.pointee else {
            throw KafkaError("no broker answered a metadata request within \(timeout)", error: error)
        }
        defer { rd_kafka_metadata_destroy(pointer) }
        let brokers = (0..<Int(metadata.broker_cnt)).map { index in
            let broker = metadata.brokers[index]
            return "\(String(cString: broker.host)):\(broker.port)"
        }
        var topics: [String: Int] = [:]
        for index in 0..<Int(metadata.topic_cnt) where metadata.topics[index].err == RD_KAFKA_RESP_ERR_NO_ERROR {
            topics[String(cString: metadata.topics[index].topic)] = Int(metadata.topics[index].partition_cnt)
        }
        return KafkaMetadata(brokers: brokers, topics: topics)
    }
}
