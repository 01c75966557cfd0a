import Foundation
import Pipeline
import Testing

@Suite struct ConfigurationTests {
    static let fullYAML = """
        source:
          url: mysql://repl:secret@db.example:3307?tls=verify-ca&ca=/etc/ca.pem
          server_id: 4242
          tables: ['shop\\..*', 'crm\\.customers']
          exclude: ['shop\\.tmp_.*']
        sink:
          elasticsearch:
            urls: [http://es1:9200, https://es2:9243]
            username: elastic
            password: hunter2
            tls: { verify: false }
            bulk: { max_documents: 500, max_bytes: 1048576, linger_ms: 0, concurrency: 2, max_bytes_in_flight: 8388608 }
            dead_letter: ./data/dead.jsonl
        positions:
          store: file
          path: ./data/positions.json
          interval_ms: 250
        start: mysql-bin.000003:1234
        snapshot: { chunk_size: 5000 }
        admin:
          listen: '[::1]:9200'
        rules:
          - table: shop.orders
            index: orders
            id: [id]
            include: [id, customer_id, total]
            rename: {customer_id: customer}
          - table: crm.customers
            exclude: [password_hash]

        """

    @Test func fullFileParsesToItsValues() throws {
        let configuration = try parse(Self.fullYAML)
        let source = configuration.source
        #expect(source.url.host == "db.example")
        #expect(source.url.port == 3307)
        #expect(source.url.user == "repl")
        #expect(source.url.password == "secret")
        #expect(source.url.tls == .verifyCA)
        #expect(source.url.caFile == "/etc/ca.pem")
        #expect(source.serverID == 4242)
        #expect(source.tables == ["shop\\..*", "crm\\.customers"])
        #expect(source.exclude == ["shop\\.tmp_.*"])
        #expect(source.filter.selects(database: "shop", table: "orders"))
        #expect(!source.filter.selects(database: "shop", table: "tmp_1"))
        #expect(!source.filter.selects(database: "crm", table: "leads"))
        #expect(source.start == .position(.filePosition(file: "mysql-bin.000003", position: 1234)))
        let binlog = source.binlogSource(startingAt: .latest, metrics: PipelineMetrics())
        #expect(binlog.serverID == 4242 && binlog.start == .latest && binlog.url == source.url)

        let es = configuration.elasticsearch
        #expect(es.urls.map(\.absoluteString) == ["http://es1:9200", "https://es2:9243"])
        #expect(es.credentials == .basic(username: "elastic", password: "hunter2"))
        #expect(es.tls == ElasticsearchTLS(caFile: nil, verify: false))
        #expect(es.bulk == BulkSettings(maxDocuments: 500, maxBytes: 1 << 20, linger: .zero, concurrency: 2, maxBytesInFlight: 8 << 20))
        #expect(es.deadLetterPath == "./data/dead.jsonl")

        #expect(configuration.positions.store == .file(path: "./data/positions.json"))
        #expect(configuration.positions.interval == .milliseconds(250))
        #expect(configuration.snapshot.chunkSize == 5000)
        #expect(configuration.admin.host == "::1" && configuration.admin.port == 9200)

        let orders = try #require(configuration.rule(for: "shop", table: "orders"))
        #expect(orders.index == "orders")
        #expect(orders.idColumns == ["id"])
        #expect(orders.columns == .only(["id", "customer_id", "total"]))
        #expect(orders.rename == ["customer_id": "customer"])
        let customers = try #require(configuration.rule(for: "crm", table: "customers"))
        #expect(customers.index == "crm.customers")
        #expect(customers.idColumns == nil)
        #expect(customers.columns == .allExcept(["password_hash"]))
        #expect(!customers.columns.keeps("password_hash") && customers.columns.keeps("email"))
        #expect(configuration.rules.map(\.table) == ["orders", "customers"])
        #expect(configuration.rule(for: "shop", table: "items") == nil)
        #expect(configuration.rule(for: "SHOP", table: "orders") == nil)
        #expect(TableRule.defaultIndex(database: "Shop", table: "Items") == "shop.items")
    }

    @Test func defaultsFillWhatIsLeftOut() throws {
        let configuration = try parse(minimalYAML)
        #expect(configuration.source.exclude.isEmpty)
        #expect(configuration.source.start == .snapshot)
        #expect(configuration.source.url.tls == .preferred)
        let es = configuration.elasticsearch
        #expect(es.urls.map(\.absoluteString) == ["http://127.0.0.1:9200"])
        #expect(es.credentials == .anonymous)
        #expect(es.tls == ElasticsearchTLS(caFile: nil, verify: true))
        #expect(es.bulk == BulkSettings(maxDocuments: 1000, maxBytes: 5_242_880, linger: .milliseconds(50), concurrency: 4, maxBytesInFlight: 8_388_608))
        #expect(es.deadLetterPath == nil)
        #expect(configuration.positions.store == .memory)
        #expect(configuration.positions.interval == .seconds(1))
        #expect(configuration.snapshot.chunkSize == 1000)
        #expect(configuration.admin.host == "127.0.0.1" && configuration.admin.port == 9108)
        #expect(configuration.rules.isEmpty)
    }

    @Test(arguments: [
        ("snapshot", StartMode.snapshot),
        ("earliest", .position(.earliest)),
        ("latest", .position(.latest)),
        ("gtid:0-1-42,1-2-7", .position(.gtid("0-1-42,1-2-7"))),
    ])
    func startModes(text: String, mode: StartMode) throws {
        #expect(try parse(minimalYAML + "start: '\(text)'\n").source.start == mode)
    }

    @Test func apiKeyCredentials() throws {
        let yaml = minimalYAML.replacingOccurrences(of: "url: http://127.0.0.1:9200", with: "url: http://127.0.0.1:9200\n    api_key: c2VjcmV0")
        #expect(try parse(yaml).elasticsearch.credentials == .apiKey("c2VjcmV0"))
    }

    @Test func readableCAFileIsAccepted() throws {
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-ca-\(UUID().uuidString).pem").path
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: URL(fileURLWithPath: ca))
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let yaml = minimalYAML.replacingOccurrences(of: "url: http://127.0.0.1:9200", with: "url: https://127.0.0.1:9200\n    tls: {ca_file: \(ca)}")
        #expect(try parse(yaml).elasticsearch.tls == ElasticsearchTLS(caFile: ca, verify: true))
    }

    @Test func positionsSettingsMakeTheirStore() throws {
        #expect(try parse(minimalYAML).positions.makeStore().description.hasPrefix("memory"))
        let yaml = minimalYAML.replacingOccurrences(of: "store: memory", with: "store: file\n  path: /var/lib/sluice/positions.json")
        #expect(try parse(yaml).positions.makeStore().description == "file /var/lib/sluice/positions.json")
    }

    @Test func descriptionNeverShowsSecrets() throws {
        let configuration = try parse(Self.fullYAML)
        let text = configuration.redactedDescription
        #expect(!text.contains("secret") && !text.contains("hunter2"))
        #expect(text.contains("source.url: mysql://repl:***@db.example:3307"))
        #expect(text.contains("sink.elasticsearch.credentials: basic as elastic, password ***"))
        #expect(text.contains("positions: file ./data/positions.json, interval_ms 250"))
        #expect(text.contains("admin.listen: [::1]:9200"))
        #expect(text.contains("rules[0]: shop.orders -> index orders, id [id], include [id, customer_id, total], rename {customer_id: customer}"))
        #expect("\(configuration)" == text)
        let apiKey = try parse(minimalYAML.replacingOccurrences(of: "url: http://127.0.0.1:9200", with: "url: http://127.0.0.1:9200\n    api_key: c2VjcmV0"))
        #expect(!apiKey.redactedDescription.contains("c2VjcmV0"))
    }

    @Test func loadsFromAFileAndNamesAMissingOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(UUID().uuidString).yml").path
        try Data(minimalYAML.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SluiceConfiguration.load(path: path, environment: [:]).source.serverID == 4242)

        for (path, reason) in [("/nonexistent/sluice.yml", "there is no such file"), ("/", "it is a directory")] {
            do {
                _ = try SluiceConfiguration.load(path: path, environment: [:])
                Issue.record("loaded \(path)")
            } catch {
                #expect(error.message == "cannot read the configuration file \(path): \(reason)")
            }
        }
    }
}
