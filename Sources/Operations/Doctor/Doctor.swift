import ChangeCapture
import Elasticsearch
import Foundation
import Kafka
import Logging
import MySQLProtocol
import Pipeline
import Positions

/// `sluice doctor`: checks everything a sync depends on (the source's reachability, login,
/// privileges and binlog settings, the saved position, the tables, Elasticsearch, the position
/// store, and Kafka for `capture` and `apply`), each with the remedy when it fails. It reads only:
/// the saved position is not moved.
public struct Doctor: Sendable {
    public let configuration: SluiceConfiguration
    public let logger: Logger

    public init(configuration: SluiceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async -> DoctorReport {
        var checks: [DoctorCheck] = []
        let saved: SavedPosition?
        do {
            let store = try configuration.positions.makeStore()
            saved = try await store.load()
            checks.append(.pass("position store readable", "\(store): " + (saved.map { "saved \($0.file):\($0.offset)" + ($0.snapshot != nil ? " (snapshot unfinished)" : "") } ?? "no position saved yet")))
        } catch {
            saved = nil
            checks.append(.fail(
                "position store readable", "\(configuration.positions.store): \(error)",
                remedy: "make it reachable, or repair or remove the saved position: sluice position reset --config FILE (the next run then uses start)"
            ))
        }
        checks.append(storeWritable())
        let server = await elasticsearch(into: &checks)
        await source(saved: saved, server: server?.info, client: server?.client, into: &checks)
        try? await server?.client.shutdown()
        if let kafka = configuration.kafka { checks += await Self.kafka(kafka, logger: logger) }
        return DoctorReport(checks: checks)
    }

    // MARK: - Kafka

    /// The brokers answer, and topics for `apply` to read exist.
    static func kafka(_ kafka: KafkaSettings, logger: Logger) async -> [DoctorCheck] {
        let reachable = "kafka brokers reachable"
        let metadata: KafkaMetadata
        do {
            let client = try KafkaProducer(properties: kafka.properties, logger: logger)
            defer { client.close(timeout: .zero) }
            metadata = try await client.metadata(timeout: .seconds(10))
        } catch {
            return [
                .fail(
                    reachable, "\(kafka.properties["bootstrap.servers"] ?? "no kafka.brokers"): \(error)",
                    remedy: "check kafka.brokers and, for a secured cluster, kafka.properties (security.protocol, sasl.*, ssl.*); is a broker listening there?"
                ),
                .skip("kafka topics", because: "no broker answered"),
            ]
        }
        var checks: [DoctorCheck] = [.pass(reachable, "\(metadata.brokers.count) brokers: \(metadata.brokers.joined(separator: ", "))")]
        let subscription = kafka.subscription
        let matching = metadata.topics.filter { topic, _ in
            subscription.hasPrefix("^") ? topic.range(of: subscription, options: .regularExpression) != nil : topic == subscription
        }.sorted { $0.key < $1.key }
        if matching.isEmpty {
            checks.append(.warn(
                "kafka topics", "no topic matches \(subscription) yet: capture's first message creates one only if the brokers auto-create topics",
                remedy: "create the topics with as many partitions as you want apply processes (kafka-topics.sh --create --topic NAME --partitions N), "
                    + "or enable auto.create.topics.enable on the brokers; apply finds new topics within topic.metadata.refresh.interval.ms"
            ))
        } else {
            let listed = matching.prefix(5).map { "\($0.key) (\($0.value) partitions)" }.joined(separator: ", ")
            checks.append(.pass("kafka topics", "\(matching.count) match \(subscription): \(listed)\(matching.count > 5 ? ", …" : "")"))
        }
        return checks
    }

    // MARK: - Position store

    /// Whether the store can be written, tried beside the saved position so that it does not move.
    private func storeWritable() -> DoctorCheck {
        let name = "position store writable"
        switch configuration.positions.store {
        case .memory:
            return .pass(name, "memory: kept in this process only, forgotten on exit")
        case .zookeeper, .etcd:
            // Its writes are compare-and-sets under the leadership, which doctor does not take.
            return .warn(
                name, "\(configuration.positions.store): not tried, since only the leader writes there",
                remedy: "give the sluice account create/write permission under positions.prefix; sluice run logs a refused write"
            )
        case let .file(path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                // The first save creates the directory: its nearest existing parent must take it.
                var parent = directory.deletingLastPathComponent()
                while !FileManager.default.fileExists(atPath: parent.path), parent.path != "/" { parent = parent.deletingLastPathComponent() }
                return FileManager.default.isWritableFile(atPath: parent.path)
                    ? .pass(name, "\(directory.path) will be created in \(parent.path) on the first save")
                    : .fail(name, "cannot create \(directory.path): \(parent.path) is not writable", remedy: "mkdir -p \(directory.path) and let the user running sluice write it (chown/chmod)")
            }
            let probe = directory.appendingPathComponent(".sluice-doctor-\(getpid())")
            guard FileManager.default.createFile(atPath: probe.path, contents: Data("probe".utf8)) else {
                return .fail(name, "cannot create a file in \(directory.path)", remedy: "let the user running sluice write \(directory.path) (chown/chmod)")
            }
            try? FileManager.default.removeItem(at: probe)
            return .pass(name, "\(directory.path) takes new files (the saved position was not touched)")
        }
    }

    // MARK: - Elasticsearch

    private func elasticsearch(into checks: inout [DoctorCheck]) async -> (client: ElasticsearchClient, info: ServerInfo)? {
        let urls = configuration.elasticsearch.clientConfiguration.urls.joined(separator: ", ")
        let client: ElasticsearchClient
        do {
            client = try ElasticsearchClient(configuration: configuration.elasticsearch.clientConfiguration, logger: logger)
        } catch {
            checks.append(.fail("Elasticsearch reachable", "\(error)", remedy: "fix sink.elasticsearch in the configuration"))
            checks.append(.skip("Elasticsearch health", because: "no client"))
            return nil
        }
        let info: ServerInfo
        do {
            info = try await client.info()
            checks.append(.pass("Elasticsearch reachable", "\(urls): \(info)"))
        } catch {
            checks.append(.fail(
                "Elasticsearch reachable", "\(urls): \(error)",
                remedy: "start it or fix sink.elasticsearch.url and its credentials; try: curl -s \(configuration.elasticsearch.clientConfiguration.urls.first ?? "URL")/"
            ))
            checks.append(.skip("Elasticsearch health", because: "Elasticsearch is not reachable"))
            try? await client.shutdown()
            return nil
        }
        do {
            switch try await client.clusterHealth() {
            case "green": checks.append(.pass("Elasticsearch health", "green"))
            case "yellow": checks.append(.pass("Elasticsearch health", "yellow: every primary shard is allocated (replicas are not, as on a single node)"))
            case let status:
                checks.append(.fail("Elasticsearch health", status, remedy: "find the unassigned shards: GET _cluster/allocation/explain"))
            }
        } catch {
            checks.append(.fail("Elasticsearch health", "\(error)", remedy: "grant the user the cluster privilege monitor"))
        }
        return (client, info)
    }

    // MARK: - Source

    private func source(saved: SavedPosition?, server: ServerInfo?, client: ElasticsearchClient?, into checks: inout [DoctorCheck]) async {
        let url = configuration.source.url
        let address = "\(url.host):\(url.port)"
        let sourceChecks = [
            "replication privileges", "SELECT on the selected tables", "log_bin", "binlog_format", "binlog_row_image",
            "binlog_row_metadata", "GTIDs", "server_id", "replica binlog", "saved position on the server", "binlog retention",
            "tables have ids", "index mappings",
        ]
        let connection: MySQLConnection
        do {
            connection = try await MySQLConnection.connect(url.connectionConfiguration, logger: logger)
        } catch {
            let (failed, check) = Self.connectionFailure(error, url: url)
            let names = ["source reachable", "source TLS", "source login"]
            for (position, name) in names.enumerated() {
                if position < failed {
                    checks.append(.pass(name, address))
                } else if position == failed {
                    checks.append(check)
                } else {
                    checks.append(.skip(name, because: "\(names[failed]) failed"))
                }
            }
            checks += sourceChecks.map { DoctorCheck.skip($0, because: "no connection to the source") }
            return
        }
        defer { Task { try? await connection.close() } }
        checks.append(.pass("source reachable", "\(address), \(connection.isMariaDB ? "MariaDB" : "MySQL") \(connection.serverVersion)"))
        checks.append(await tls(connection))
        let account = (try? await connection.query("SELECT CURRENT_USER()").rows.first?.first ?? nil) ?? "\(url.user)@%"
        let grantee = Self.grantee(account)
        checks.append(.pass("source login", "as \(grantee)"))

        let grants = (try? await connection.query("SHOW GRANTS").rows.compactMap { $0.first ?? nil }) ?? []
        let missing = GlobalPrivileges(grants: grants).missing(isMariaDB: connection.isMariaDB)
        checks.append(missing.isEmpty
            ? .pass("replication privileges", connection.isMariaDB ? "REPLICATION SLAVE and BINLOG MONITOR" : "REPLICATION SLAVE and REPLICATION CLIENT")
            : .fail("replication privileges", "missing \(missing.joined(separator: ", "))", remedy: "GRANT \(missing.joined(separator: ", ")) ON *.* TO \(grantee);"))

        let tableKeys = (try? await InitialSnapshot(configuration: configuration, logger: logger).selectedTableKeys(on: connection)) ?? []
        checks.append(await selectPrivilege(tableKeys.map(\.name), grantee: grantee, on: connection))

        var variables = ServerVariables([:], isMariaDB: connection.isMariaDB)
        do {
            let list = ServerVariables.names.map { "'\($0)'" }.joined(separator: ",")
            let rows = try await connection.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN (\(list))").rows
            variables = ServerVariables(Dictionary(rows.compactMap { row in row.count >= 2 ? row[0].map { ($0, row[1] ?? "") } : nil }, uniquingKeysWith: { a, _ in a }), isMariaDB: connection.isMariaDB)
        } catch {
            logger.warning("cannot read the server's variables", metadata: ["error": "\(error)"])
        }
        checks += [variables.logBin, variables.binlogFormat, variables.rowImage, variables.rowMetadata, variables.gtid]
        let monitor = connection.isMariaDB ? "REPLICATION MASTER ADMIN" : "REPLICATION SLAVE"
        checks.append(variables.serverID(
            ours: configuration.source.serverID, replicas: await registeredReplicas(on: connection),
            listRemedy: "GRANT \(monitor) ON *.* TO \(grantee); to compare with them (SHOW \(connection.isMariaDB ? "SLAVE HOSTS" : "REPLICAS"))"
        ))
        checks.append(variables.replicaUpdates(
            isReplica: await isReplica(connection),
            statusRemedy: "GRANT \(connection.isMariaDB ? "SLAVE MONITOR" : "REPLICATION CLIENT") ON *.* TO \(grantee); so doctor can read the replica status"
        ))
        checks.append(await savedPosition(saved, on: connection, server: address))
        checks.append(variables.retention(lagSeconds: saved.map { saved in
            let since = saved.timestamp > 0 ? Date(timeIntervalSince1970: Double(saved.timestamp)) : saved.savedAt
            return max(0, Date().timeIntervalSince(since))
        }))
        checks.append(tableIDs(tableKeys))
        if let server, let client {
            checks.append(await mappings(tableKeys, server: server, client: client, on: connection))
        } else {
            checks.append(.skip("index mappings", because: "Elasticsearch is not reachable"))
        }
    }

    /// Which of reachable (0), TLS (1), login (2) failed, and how to fix it.
    static func connectionFailure(_ error: any Error, url: SourceURL) -> (Int, DoctorCheck) {
        let address = "\(url.host):\(url.port)"
        switch error as? MySQLError {
        case .tlsNotOffered?, .tlsFailed?:
            return (1, .fail(
                "source TLS", "\(error)",
                remedy: "enable TLS on the server (ssl_cert=…, ssl_key=… under [mysqld] in my.cnf), or fix ?tls=…&ca=… in source.url"
            ))
        case .authenticationFailed?, .unsupportedAuthenticationPlugin?:
            return (2, .fail(
                "source login", "\(error)",
                remedy: "check the user and password in source.url, or create the account: CREATE USER '\(url.user)'@'<sluice host>' IDENTIFIED BY '…'; "
                    + "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO '\(url.user)'@'<sluice host>';"
            ))
        default:
            return (0, .fail("source reachable", "\(address): \(error)", remedy: "start the server, or fix the host and port in source.url; try: mysql -h \(url.host) -P \(url.port) -u \(url.user) -p"))
        }
    }

    /// `'user'@'host'` from CURRENT_USER()'s `user@host`.
    static func grantee(_ account: String) -> String {
        guard let at = account.lastIndex(of: "@") else { return "'\(account)'@'%'" }
        return "'\(account[..<at])'@'\(account[account.index(after: at)...])'"
    }

    private func tls(_ connection: MySQLConnection) async -> DoctorCheck {
        let cipher = (try? await connection.query("SHOW SESSION STATUS LIKE 'Ssl_version'").rows.first?.last ?? nil) ?? ""
        switch configuration.source.url.tls {
        case .disabled:
            return .warn("source TLS", "off (tls=disabled in source.url): the password and the rows cross the network in clear", remedy: "use ?tls=verify-ca&ca=/path/to/ca.pem in source.url")
        case _ where cipher.isEmpty:
            return .fail(
                "source TLS", "the server offers no TLS, so the connection is not encrypted",
                remedy: "add ssl_cert=… and ssl_key=… under [mysqld] in my.cnf and restart, or set ?tls=disabled in source.url to accept it"
            )
        case .verifyCA:
            return .pass("source TLS", "\(cipher), certificate verified")
        default:
            return .pass("source TLS", "\(cipher) (certificate not verified; ?tls=verify-ca&ca=FILE checks it)")
        }
    }

    private func selectPrivilege(_ tables: [String], grantee: String, on connection: MySQLConnection) async -> DoctorCheck {
        let name = "SELECT on the selected tables"
        var refused: [String] = []
        for table in tables {
            let (database, name) = InitialSnapshot.split(table)
            let sql = "SELECT 1 FROM \(InformationSchema.quotedIdentifier(database)).\(InformationSchema.quotedIdentifier(name)) LIMIT 0"
            do {
                _ = try await connection.query(sql)
            } catch let MySQLError.server(error) where [1142, 1143, 1044].contains(error.code) {
                refused.append(table)
            } catch {
                refused.append("\(table) (\(error))")
            }
        }
        guard !refused.isEmpty else { return .pass(name, "\(tables.count) tables") }
        let databases = Set(refused.map { InitialSnapshot.split($0).0 }).sorted()
        let grants = databases.map { "GRANT SELECT ON \(InformationSchema.quotedIdentifier($0)).* TO \(grantee);" }.joined(separator: " ")
        return .fail(name, "refused on \(refused.joined(separator: ", "))", remedy: grants)
    }

    /// The replicas registered with the server; nil when they cannot be listed.
    private func registeredReplicas(on connection: MySQLConnection) async -> [(serverID: UInt32, host: String)]? {
        for statement in connection.isMariaDB ? ["SHOW SLAVE HOSTS"] : ["SHOW REPLICAS", "SHOW SLAVE HOSTS"] {
            if let rows = try? await connection.query(statement).rows {
                return rows.compactMap { row in (row.first ?? nil).flatMap { UInt32($0) }.map { ($0, row.count > 1 ? row[1] ?? "" : "") } }
            }
        }
        return nil
    }

    /// Whether the server replicates from another; nil when its replica status cannot be read.
    private func isReplica(_ connection: MySQLConnection) async -> Bool? {
        for statement in connection.isMariaDB ? ["SHOW ALL SLAVES STATUS"] : ["SHOW REPLICA STATUS", "SHOW SLAVE STATUS"] {
            if let rows = try? await connection.query(statement).rows { return !rows.isEmpty }
        }
        return nil
    }

    private func savedPosition(_ saved: SavedPosition?, on connection: MySQLConnection, server: String) async -> DoctorCheck {
        let name = "saved position on the server"
        guard let saved else { return .pass(name, "no position saved: the next run starts from start (\(configuration.source.start))") }
        guard !saved.file.isEmpty else { return .pass(name, "saved by GTID only (\(saved.gtidSet ?? "")): the server finds the file") }
        let files: [String]
        do {
            files = try await connection.query("SHOW BINARY LOGS").rows.compactMap { $0.first ?? nil }
        } catch {
            return .fail(name, "cannot list the binary logs: \(error)", remedy: "GRANT \(connection.isMariaDB ? "BINLOG MONITOR" : "REPLICATION CLIENT") ON *.* TO the account")
        }
        guard files.contains(saved.file) else {
            return .fail(
                name, "\(saved.file):\(saved.offset) is not on \(server), whose binlogs are \(files.first ?? "?") … \(files.last ?? "?"): it was purged (or is from another server)",
                remedy: "the changes in it are lost to the binlog: take a new snapshot (sluice position reset --config FILE, with start: snapshot), "
                    + "or accept the gap: sluice position set earliest --config FILE"
            )
        }
        return .pass(name, "\(saved.file):\(saved.offset) is on the server (binlogs \(files.first ?? "?") … \(files.last ?? "?"))")
    }

    private func tableIDs(_ tables: [(name: String, hasID: Bool)]) -> DoctorCheck {
        let name = "tables have ids"
        guard !tables.isEmpty else {
            return .fail(name, "source.tables selects no table on the server", remedy: "fix the patterns in source.tables (regular expressions on db.table)")
        }
        let keyless = tables.filter { !$0.hasID }.map(\.name)
        guard !keyless.isEmpty else { return .pass(name, "\(tables.count) tables, each with a primary key or a rule's id") }
        let table = keyless[0]
        return .fail(
            name, "no primary key and no rules[].id: \(keyless.joined(separator: ", "))",
            remedy: "ALTER TABLE \(table) ADD PRIMARY KEY (…); or add a rule {table: \(table), id: [columns]}, or list it in source.exclude"
        )
    }

    private func mappings(_ tables: [(name: String, hasID: Bool)], server: ServerInfo, client: ElasticsearchClient, on connection: MySQLConnection) async -> DoctorCheck {
        let name = "index mappings"
        var problems: [String] = []
        var existing = 0
        for (table, hasID) in tables where hasID {
            let (database, tableName) = InitialSnapshot.split(table)
            do {
                let reader = try await TableReader.load(database: database, table: tableName, rules: configuration.rules, chunkSize: 1, on: connection)
                guard let actual = try await client.fieldTypes(index: reader.plan.index) else { continue }
                existing += 1
                let descriptors = reader.query.columnNames.descriptors
                let expected = IndexMapping(columns: reader.plan.fields.map { (name: $0.name, column: descriptors[$0.column]) }, server: server)
                let conflicts = MappingCompatibility.conflicts(expected: expected, actual: actual)
                if !conflicts.isEmpty { problems.append("\(reader.plan.index) (\(table)): \(conflicts.joined(separator: "; "))") }
            } catch {
                problems.append("\(table): \(error)")
            }
        }
        guard !problems.isEmpty else {
            return .pass(name, "\(existing) existing indexes fit their columns; \(tables.count - existing) will be created on first write")
        }
        return .fail(
            name, problems.joined(separator: " | "),
            remedy: "write to a new index (rules[].index) or delete the index so that sluice creates it with mappings from the columns, then take a snapshot (sluice position reset)"
        )
    }
}
