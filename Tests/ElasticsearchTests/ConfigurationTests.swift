import Testing

@testable import Elasticsearch

@Suite struct ConfigurationTests {
    @Test func nodeURLs() throws {
        let plain = try ElasticsearchNode(url: "http://127.0.0.1:9200")
        #expect(plain.baseURL == "http://127.0.0.1:9200")
        #expect(!plain.usesTLS)
        let prefixed = try ElasticsearchNode(url: "HTTPS://es.example.com/proxy/es/")
        #expect(prefixed.baseURL == "https://es.example.com:443/proxy/es")
        #expect(prefixed.usesTLS)
        let withCredentials = try ElasticsearchNode(url: "https://elastic:s%40cret@[::1]:9200")
        #expect(withCredentials.baseURL == "https://[::1]:9200")
        #expect(withCredentials.username == "elastic")
        #expect(withCredentials.password == "s@cret")
        for bad in ["127.0.0.1:9200", "ftp://host", "http://", "http://host:9200/?pretty", "http://user:pass@host:9200#x"] {
            #expect(throws: ElasticsearchError.self, "\(bad)") { try ElasticsearchNode(url: bad) }
        }
    }

    @Test func secretsStayOutOfDescriptions() throws {
        let configuration = ElasticsearchConfiguration(
            urls: ["https://elastic:hunter2-url@es1:9200", "https://es2:9200"],
            username: "elastic",
            password: "hunter2-password",
            apiKey: "hunter2-apikey"
        )
        for text in [configuration.description, configuration.debugDescription, String(reflecting: configuration), self.dumped(configuration)] {
            #expect(!text.contains("hunter2"), "\(text)")
            #expect(text.contains("es1:9200"))
        }
        // A bad URL is not quoted in the error, since it may hold a password.
        do {
            _ = try ElasticsearchNode(url: "ftp://elastic:hunter2@es1")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
        // Conflicting credentials are named without their values.
        do {
            _ = try ElasticsearchClient(configuration: configuration)
            Issue.record("conflicting credentials were accepted")
        } catch {
            #expect(error.kind == .configuration)
            #expect(!error.description.contains("hunter2"))
        }
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }

    @Test func credentialChecks() throws {
        #expect(throws: ElasticsearchError.self) {
            try ElasticsearchClient(configuration: .init(urls: ["http://h:9200"], username: "u", apiKey: "k"))
        }
        #expect(throws: ElasticsearchError.self) {
            try ElasticsearchClient(configuration: .init(urls: ["http://h:9200"], password: "p"))
        }
        #expect(throws: ElasticsearchError.self) {
            try ElasticsearchClient(configuration: .init(urls: ["http://a:b@h:9200", "http://a:c@h2:9200"]))
        }
        #expect(throws: ElasticsearchError.self) { try ElasticsearchClient(configuration: .init(urls: [])) }
        #expect(throws: ElasticsearchError.self) {
            try ElasticsearchClient(configuration: .init(caFile: "/nonexistent/ca.pem"))
        }
    }

    @Test func errorDescriptionsSayWhatAndWhere() {
        let error = ElasticsearchError(
            .status,
            "no such index [x]",
            request: "GET /x/_count",
            node: "https://es1:9200",
            status: 404,
            errorType: "index_not_found_exception"
        )
        #expect(
            error.description
                == "Elasticsearch GET /x/_count on https://es1:9200 failed with HTTP 404 (index_not_found_exception): no such index [x]"
        )
        let transport = ElasticsearchError(.transport, "connection refused", request: "POST /_bulk", node: "http://h:1", isRetryable: true)
        #expect(transport.description == "Elasticsearch POST /_bulk on http://h:1 failed: connection refused [retryable]")
    }

    @Test func serverInfo() throws {
        let elasticsearch = try ServerInfo(
            reply: JSON(
                parsing: .init(
                    string: #"{"name":"es01","cluster_name":"docker-cluster","cluster_uuid":"x","version":{"number":"8.15.1","build_flavor":"default","build_type":"docker","lucene_version":"9.11.1"},"tagline":"You Know, for Search"}"#
                )
            )
        )
        #expect(elasticsearch == ServerInfo(name: "es01", clusterName: "docker-cluster", distribution: .elasticsearch, version: "8.15.1"))
        #expect(elasticsearch.majorMinor == (8, 15))
        let opensearch = try ServerInfo(
            reply: JSON(parsing: .init(string: #"{"name":"n","cluster_name":"c","version":{"distribution":"opensearch","number":"3.0.0-beta1"}}"#))
        )
        #expect(opensearch.distribution == .opensearch)
        #expect(opensearch.majorMinor == (3, 0))
        #expect(opensearch.supportsUnsignedLong)
        #expect(throws: ElasticsearchError.self) { try ServerInfo(reply: JSON(parsing: .init(string: #"{"ok":true}"#))) }
    }

    @Test func pathSegmentsAreEncoded() {
        #expect(ElasticsearchClient.pathSegment("a/b?c d#é") == "a%2Fb%3Fc%20d%23%C3%A9")
        #expect(ElasticsearchClient.pathSegment("shop.orders-1_x~") == "shop.orders-1_x~")
    }
}
