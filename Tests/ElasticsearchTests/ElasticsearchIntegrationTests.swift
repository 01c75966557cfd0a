import Binlog
import NIOCore
import Testing

@testable import Elasticsearch

/// Against the server in SLUICE_ES_URL (see ``TestCluster``). Each test uses its own indices.
@Suite struct ElasticsearchIntegrationTests {
    private func index(_ index: String, _ id: String, _ version: UInt64, _ source: String) -> BulkOperation {
        .index(index: index, id: id, version: version, source: ByteBuffer(string: source))
    }

    @Test func info() async throws {
        try await TestCluster.withClient { _, info in
            #expect(!info.version.isEmpty)
            #expect(info.majorMinor.major >= 1)
        }
    }

    @Test func bulkIndexThenCountAndGet() async throws {
        try await TestCluster.withClient { client, info in
            let name = TestCluster.uniqueIndex("bulk")
            // Dynamic mapping would make `u` a long, too small for it.
            let mapping = IndexMapping(columns: [("u", ColumnDescriptor(type: .longlong, isUnsigned: true))], server: info)
            #expect(try await client.ensureIndex(name, mappings: mapping.json))
            let outcomes = try await client.bulk([
                self.index(name, "1", 10, #"{"id":1,"d":-12.340,"u":18446744073709551615,"s":"a\"b\nc é"}"#),
                self.index(name, "2/x?y", 11, #"{"id":2}"#),
                self.index(name, "3", 12, #"{"id":3}"#),
            ])
            #expect(outcomes == [.applied, .applied, .applied])
            try await client.refresh(index: name)
            #expect(try await client.count(index: name) == 3)
            let document = try await client.get(index: name, id: "1")
            #expect(document?.version == 10)
            #expect(document?.source?.description == #"{"id":1,"d":-12.340,"u":18446744073709551615,"s":"a\"b\nc é"}"#)
            #expect(try await client.get(index: name, id: "2/x?y")?.version == 11)
            #expect(try await client.get(index: name, id: "absent") == nil)
            // A missing index is an error, not an empty one.
            await #expect {
                _ = try await client.get(index: name + "-missing", id: "1")
            } throws: { error in
                (error as? ElasticsearchError)?.errorType == "index_not_found_exception"
            }
            await #expect(throws: ElasticsearchError.self) { try await client.count(index: name + "-missing") }
        }
    }

    @Test func externalVersionsOnlyMoveForward() async throws {
        try await TestCluster.withClient { client, _ in
            let name = TestCluster.uniqueIndex("versions")
            let outcomes = try await client.bulk([
                self.index(name, "1", 5, #"{"v":5}"#),
                self.index(name, "1", 3, #"{"v":3}"#),
                self.index(name, "1", 5, #"{"v":55}"#),
                self.index(name, "1", 7, #"{"v":7}"#),
            ])
            #expect(outcomes == [.applied, .staleVersion, .staleVersion, .applied])
            let document = try await client.get(index: name, id: "1")
            #expect(document?.version == 7)
            #expect(document?.source == .object([("v", .number("7"))]))
        }
    }

    @Test func deletesWithVersions() async throws {
        try await TestCluster.withClient { client, _ in
            let name = TestCluster.uniqueIndex("deletes")
            #expect(try await client.bulk([self.index(name, "1", 5, "{}")]) == [.applied])
            let outcomes = try await client.bulk([
                .delete(index: name, id: "1", version: 4),
                .delete(index: name, id: "1", version: 6),
                // The delete left a tombstone at version 6: an older write cannot bring the document back.
                self.index(name, "1", 6, "{}"),
                .delete(index: name, id: "never-existed", version: 1),
            ])
            #expect(outcomes == [.staleVersion, .applied, .staleVersion, .applied])
            #expect(try await client.get(index: name, id: "1") == nil)
        }
    }

    @Test func aValueItsFieldCannotHoldIsRejected() async throws {
        try await TestCluster.withClient { client, _ in
            let name = TestCluster.uniqueIndex("rejected")
            #expect(try await client.ensureIndex(name, mappings: ByteBuffer(string: #"{"properties":{"n":{"type":"long"}}}"#)))
            let outcomes = try await client.bulk([self.index(name, "1", 1, #"{"n":"not a number"}"#), self.index(name, "2", 1, #"{"n":2}"#)])
            #expect(outcomes[1] == .applied)
            guard case .rejected(let status, let type, let reason) = outcomes[0] else {
                Issue.record("expected a rejection, got \(outcomes[0])")
                return
            }
            #expect(status == 400)
            // Elasticsearch 8.8+ says document_parsing_exception, older versions and OpenSearch mapper_parsing_exception.
            #expect(["mapper_parsing_exception", "document_parsing_exception"].contains(type))
            #expect(reason.contains("[n]"))
        }
    }

    @Test func operationsTheServerWouldRefuseWholesaleAreRejectedAlone() async throws {
        try await TestCluster.withClient { client, _ in
            let name = TestCluster.uniqueIndex("invalid")
            let outcomes = try await client.bulk([
                self.index(name, String(repeating: "x", count: 513), 1, "{}"),
                self.index(name, "ok", 1, "{}"),
            ])
            #expect(outcomes.map { if case .rejected = $0 { true } else { false } } == [true, false])
            #expect(outcomes[1] == .applied)
        }
    }

    @Test func ensureIndexCreatesOnceWithTheMappings() async throws {
        try await TestCluster.withClient { client, info in
            let name = TestCluster.uniqueIndex("ensure")
            let columns: [(name: String, column: ColumnDescriptor)] = [
                ("id", ColumnDescriptor(type: .longlong)),
                ("price", ColumnDescriptor(type: .newdecimal, metadata: 12 << 8 | 4)),
                ("title", ColumnDescriptor(type: .varchar, collation: 45)),
                ("at", ColumnDescriptor(type: .datetime2, metadata: 6)),
            ]
            let mapping = IndexMapping(columns: columns, server: info)
            #expect(try await client.ensureIndex(name, mappings: mapping.json))
            #expect(try await client.ensureIndex(name, mappings: mapping.json) == false)
            let reply = try await client.send(.GET, "/\(name)/_mapping").decodeJSON()
            let properties = reply[name]?["mappings"]?["properties"]
            #expect(properties?["price"]?["type"]?.stringValue == "scaled_float")
            #expect(properties?["title"]?["fields"]?["keyword"]?["type"]?.stringValue == "keyword")
            #expect(properties?["at"]?["format"]?.stringValue == "strict_date_optional_time")
            let outcomes = try await client.bulk([
                self.index(name, "1", 1, #"{"id":1,"price":-12.3400,"title":"x","at":"2024-02-29T23:59:59.123456"}"#)
            ])
            #expect(outcomes == [.applied])

            // An alias of that name counts as existing.
            let alias = name + "-alias"
            var actions = ByteBuffer()
            actions.writeString(#"{"actions":[{"add":{"index":"\#(name)","alias":"\#(alias)"}}]}"#)
            try await client.send(.POST, "/_aliases", body: actions).expectSuccess()
            #expect(try await client.ensureIndex(alias, mappings: mapping.json) == false)
        }
    }

    @Test(arguments: ["_index_template", "_template"])
    func ensureIndexLeavesIndicesToAMatchingTemplate(api: String) async throws {
        try await TestCluster.withClient { client, _ in
            let prefix = TestCluster.uniqueIndex("templated")
            var template = ByteBuffer()
            if api == "_index_template" {
                template.writeString(#"{"index_patterns":["\#(prefix)-*"],"priority":500,"template":{"mappings":{"properties":{"n":{"type":"keyword"}}}}}"#)
            } else {
                template.writeString(#"{"index_patterns":["\#(prefix)-*"],"order":5,"mappings":{"properties":{"n":{"type":"keyword"}}}}"#)
            }
            try await client.send(.PUT, "/\(api)/\(prefix)", body: template).expectSuccess()
            do {
                let name = "\(prefix)-orders"
                #expect(try await client.ensureIndex(name, mappings: ByteBuffer(string: #"{"properties":{"n":{"type":"long"}}}"#)) == false)
                #expect(try await client.send(.HEAD, "/\(name)").status == 404)
                // The first write creates the index from the template: a long would refuse this value.
                #expect(try await client.bulk([self.index(name, "1", 1, #"{"n":"text"}"#)]) == [.applied])
                // A name the template does not match is created.
                #expect(try await client.ensureIndex(prefix + "x", mappings: ByteBuffer(string: #"{"properties":{}}"#)))
            } catch {
                _ = try? await client.send(.DELETE, "/\(api)/\(prefix)")
                throw error
            }
            try await client.send(.DELETE, "/\(api)/\(prefix)").expectSuccess()
        }
    }

    @Test func scanReadsEveryDocumentInPages() async throws {
        try await TestCluster.withClient { client, _ in
            let name = TestCluster.uniqueIndex("scan")
            let operations = (1...25).map { self.index(name, "\($0)", UInt64(100 + $0), #"{"n":\#($0)}"#) }
            #expect(try await client.bulk(operations).allSatisfy { $0 == .applied })
            try await client.refresh(index: name)
            var pages: [[StoredDocument]] = []
            try await client.scan(index: name, pageSize: 10) { pages.append($0) }
            #expect(pages.map(\.count) == [10, 10, 5])
            let documents = pages.flatMap { $0 }.sorted { Int($0.id) ?? 0 < Int($1.id) ?? 0 }
            #expect(documents.map(\.id) == (1...25).map { "\($0)" })
            #expect(documents.map(\.version) == (1...25).map { UInt64(100 + $0) })
            #expect(documents.last?.source == .object([("n", .number("25"))]))
        }
    }

    @Test func bulkWriterSettlesAgainstTheServer() async throws {
        try await TestCluster.withClient { client, _ in
            let name = TestCluster.uniqueIndex("writer")
            try await client.ensureIndex(name, mappings: ByteBuffer(string: #"{"properties":{"n":{"type":"long"}}}"#))
            let writer = BulkWriter(client: client)
            let outcomes = try await writer.write([
                self.index(name, "1", 2, #"{"n":1}"#),
                self.index(name, "1", 1, #"{"n":0}"#),
                self.index(name, "2", 1, #"{"n":"x"}"#),
                .delete(index: name, id: "3", version: 1),
            ])
            #expect(outcomes.count == 4)
            #expect(Array(outcomes[0...1]) == [.applied, .staleVersion])
            #expect(outcomes[3] == .applied)
            if case .rejected = outcomes[2] {} else { Issue.record("expected a rejection, got \(outcomes[2])") }
        }
    }

    @Test func anUnreachableNodeIsNamedAndPassedOver() async throws {
        var configuration = TestCluster.configuration
        // Nothing listens on port 1; the real server is second in turn.
        configuration.urls = ["http://127.0.0.1:1"] + configuration.urls
        if !TestCluster.url.contains("@") { configuration.apiKey = "c2VjcmV0LWtleQ==" }
        let client = try ElasticsearchClient(configuration: configuration)
        do {
            _ = try await client.count(index: "whatever")
            Issue.record("port 1 answered")
        } catch let error as ElasticsearchError {
            #expect(error.kind == .transport)
            #expect(error.isRetryable)
            #expect(error.node == "http://127.0.0.1:1")
            #expect(error.description.hasPrefix("Elasticsearch GET /whatever/_count on http://127.0.0.1:1 failed: Connection refused"))
            #expect(!error.description.contains("c2VjcmV0LWtleQ"))
        }
        // Both later requests go to the live node while the dead one cools down.
        for _ in 0..<2 {
            do {
                _ = try await client.info()
            } catch {
                Issue.record("the live node was not used: \(error). Is the server up? (`scripts/services up`)")
            }
        }
        try await client.shutdown()
    }
}
