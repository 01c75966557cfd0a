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
        .library(name: "Pipeline", targets: ["Pipeline"]),
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
    ],
    targets: [
        // Debian's libzstd, for MySQL 8 TRANSACTION_PAYLOAD events.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
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
        // Where the checkpoint is kept: memory or a file (ZooKeeper and etcd later).
        .target(name: "Positions", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // The wiring: configuration, snapshot, coalescing, batching, checkpoints.
        .target(
            name: "Pipeline",
            dependencies: [
                "Binlog",
                "ChangeCapture",
                "Elasticsearch",
                "MySQLProtocol",
                "Positions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // glibc malloc settings for `sluice run`.
        .target(name: "CMallocTuning"),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "Binlog",
                "CMallocTuning",
                "ChangeCapture",
                "Pipeline",
                "Positions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BinlogTests", dependencies: ["Binlog"], resources: [.copy("Fixtures")]),
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
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ChangeCapture",
                "MySQLProtocol",
                "Binlog",
                "Elasticsearch",
                "Pipeline",
                "Positions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
