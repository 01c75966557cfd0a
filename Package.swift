// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "Binlog", targets: ["Binlog"]),
        .library(name: "MySQLProtocol", targets: ["MySQLProtocol"]),
        .library(name: "ChangeCapture", targets: ["ChangeCapture"]),
        .library(name: "Elasticsearch", targets: ["Elasticsearch"]),
        .library(name: "Positions", targets: ["Positions"]),
        .library(name: "Coordination", targets: ["Coordination"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "Operations", targets: ["Operations"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // Debian's libzstd, for MySQL 8 TRANSACTION_PAYLOAD events.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Debian's librdkafka, with its mock cluster, for the Kafka transport.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        // Kafka: an idempotent producer with delivery reports, a consumer group with manual commits,
        // and librdkafka's mock cluster for tests and benchmarks.
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // CRC-32 by carry-less multiplication, for event checksums.
        .target(name: "CCRC32"),
        // Bytes in, values out: binlog events and column values. No I/O.
        .target(
            name: "Binlog",
            dependencies: [
                "CCRC32",
                "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        // The MySQL/MariaDB client/server protocol: handshake, auth, TLS, text queries, replication.
        .target(
            name: "MySQLProtocol",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The source: schema tracking, start positions, events to row changes.
        .target(
            name: "ChangeCapture",
            dependencies: [
                "Binlog",
                "MySQLProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The sink: bulk writes with external versions, index creation, retries.
        .target(
            name: "Elasticsearch",
            dependencies: [
                "Binlog",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Where the checkpoint is kept: memory or a file; the protocol the ZooKeeper and etcd stores implement.
        .target(name: "Positions", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // Debian's ZooKeeper C client, for the zookeeper position store (no pkg-config file in Debian).
        .systemLibrary(name: "CZooKeeper", providers: [.apt(["libzookeeper-mt-dev"])]),
        // Positions in ZooKeeper or etcd, leader election and fencing for hot standbys.
        .target(
            name: "Coordination",
            dependencies: [
                "CZooKeeper",
                "Positions",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        // The wiring: configuration, snapshot, coalescing, batching, checkpoints, metrics.
        .target(
            name: "Pipeline",
            dependencies: [
                "Binlog",
                "ChangeCapture",
                "Coordination",
                "Elasticsearch",
                "Kafka",
                "MySQLProtocol",
                "Positions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The admin HTTP API (metrics, health, readiness, status) and its client, `sluice status`.
        .target(
            name: "Admin",
            dependencies: [
                "ChangeCapture",
                "Coordination",
                "MySQLProtocol",
                "Pipeline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Operating a sync: `sluice doctor` (is it set up right?) and `sluice verify` (is the index right?).
        .target(
            name: "Operations",
            dependencies: [
                "Binlog",
                "ChangeCapture",
                "Elasticsearch",
                "Kafka",
                "MySQLProtocol",
                "Pipeline",
                "Positions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // mimalloc (Debian's libmimalloc-dev) as the executable's allocator, and its settings for
        // the long-running commands.
        .target(name: "CMallocTuning", linkerSettings: [.linkedLibrary("mimalloc")]),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "Admin",
                "Binlog",
                "CMallocTuning",
                "ChangeCapture",
                "Kafka",
                "Coordination",
                "Elasticsearch",
                "MySQLProtocol",
                "Operations",
                "Pipeline",
                "Positions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What more than one test target needs; not a test target itself, so it holds no tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BinlogTests", dependencies: ["Binlog", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "MySQLProtocolTests",
            dependencies: [
                "MySQLProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ChangeCaptureTests", dependencies: ["ChangeCapture"]),
        .testTarget(name: "ElasticsearchTests", dependencies: ["Elasticsearch"]),
        .testTarget(name: "PositionsTests", dependencies: ["Positions"]),
        .testTarget(name: "CoordinationTests", dependencies: ["Coordination"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "AdminTests", dependencies: ["Admin", "Pipeline"]),
        .testTarget(name: "OperationsTests", dependencies: ["Operations", "Binlog", "ChangeCapture", "Elasticsearch", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Admin",
                "ChangeCapture",
                "MySQLProtocol",
                "Binlog",
                "Coordination",
                "Elasticsearch",
                "Kafka",
                "Operations",
                "Pipeline",
                "Positions",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
