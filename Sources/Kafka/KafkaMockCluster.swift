import CRdKafka
import Logging

/// librdkafka's mock Kafka cluster: brokers that speak the real protocol on loopback ports, in this
/// process, reachable from others too. For tests and benchmarks; it keeps messages in memory.
///
/// Brokers are numbered from 1. Failing a broker (`setDown`) disconnects its clients and refuses
/// new connections, without moving leaders; `setLeader` moves one.
public final class KafkaMockCluster: Sendable {
    private let handle: KafkaHandle
    private let cluster: OpaquePointerBox

    /// Starts `brokers` brokers on loopback ports.
    public init(brokers: Int = 3, logger: Logger = Logger(label: "sluice.kafka.mock")) throws(KafkaError) {
        let configuration = try KafkaProperties().makeConfiguration()
        handle = try KafkaHandle(kind: RD_KAFKA_PRODUCER, configuration: configuration, callbacks: HandleCallbacks(logger: logger))
        guard let cluster = rd_kafka_mock_cluster_new(handle.pointer, Int32(brokers)) else {
            throw KafkaError("cannot start librdkafka's mock cluster")
        }
        self.cluster = OpaquePointerBox(cluster)
    }

    /// `bootstrap.servers` for clients: `127.0.0.1:PORT,…`.
    public var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster.pointer)) }

    /// Creates a topic (clients may also create topics by using them, with the mock's defaults).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        try check(rd_kafka_mock_topic_create(cluster.pointer, name, Int32(partitions), Int32(replicationFactor)), "create topic \(name)")
    }

    /// Disconnects broker `id` (-1: all) and refuses connections until `setUp`.
    public func setDown(broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster.pointer, id), "take broker \(id) down")
    }

    /// Lets broker `id` (-1: all) accept connections again.
    public func setUp(broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster.pointer, id), "bring broker \(id) up")
    }

    /// Makes broker `id` the leader of the partition (-1: no leader).
    public func setLeader(topic: String, partition: Int32, broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, id), "move the leader of \(topic)[\(partition)]")
    }

    private func check(_ error: rd_kafka_resp_err_t, _ what: String) throws(KafkaError) {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("mock cluster: cannot \(what)", error: error) }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        handle.destroy()
    }
}

/// A C object pointer whose object is safe to use from any thread.
struct OpaquePointerBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
