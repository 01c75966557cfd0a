import Pipeline
import Testing

@Suite struct ConfigurationEnvironmentTests {
    @Test func variablesAreExpandedBeforeValuesAreTyped() throws {
        let yaml = minimalYAML(replacing: "repl:secret@", with: "repl:${MYSQL_PASSWORD}@")
            .replacingOccurrences(of: "server_id: 4242", with: "server_id: ${SERVER_ID}")
            .replacingOccurrences(of: "tables: ['shop\\..*']", with: "tables: ['${DB}\\..*']")
        let configuration = try parse(yaml, environment: ["MYSQL_PASSWORD": "s3cr3t", "SERVER_ID": "77", "DB": "crm"])
        #expect(configuration.source.url.password == "s3cr3t")
        #expect(configuration.source.serverID == 77)
        #expect(configuration.source.tables == ["crm\\..*"])
    }

    @Test func doubledDollarIsALiteralAndOtherDollarsStay() throws {
        let yaml = minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://127.0.0.1:9200\n    username: u\n    password: 'a$${B}c$d${E}$'")
        let configuration = try parse(yaml, environment: ["B": "not used", "E": "e$${x}"])
        // A substituted value is not expanded again.
        #expect(configuration.elasticsearch.credentials == .basic(username: "u", password: "a${B}c$de$${x}$"))
    }

    @Test(arguments: [
        (minimalYAML(replacing: "repl:secret@", with: "repl:${MYSQL_PASSWORD}@"),
         "test.yml:2: source.url: uses ${MYSQL_PASSWORD}, but the environment variable MYSQL_PASSWORD is not set"),
        (minimalYAML(replacing: "server_id: 4242", with: "server_id: ${ID"),
         "test.yml:3: source.server_id: '${' has no closing '}'; write '$${' for a literal '${'"),
        (minimalYAML(replacing: "server_id: 4242", with: "server_id: ${1D}"),
         "test.yml:3: source.server_id: '${1D}' is not a variable name (letters, digits and _); write '$${' for a literal '${'"),
        (minimalYAML(replacing: "tables: ['shop\\..*']", with: "tables: [a, '${DB}']"),
         "test.yml:4: source.tables[1]: uses ${DB}, but the environment variable DB is not set"),
    ])
    func expansionErrorsNameTheVariableAndKey(yaml: String, message: String) {
        #expect(failure(yaml) == message)
    }

    @Test func overridesReplaceScalarsAndLists() throws {
        let yaml = minimalYAML(replacing: "store: memory", with: "store: file\n  path: ./from-file.json")
        let configuration = try parse(yaml, environment: [
            "SLUICE_SOURCE_URL": "mysql://other:pw@10.0.0.1:3306",
            "SLUICE_SOURCE_SERVER_ID": "99",
            "SLUICE_SOURCE_TABLES": "crm\\..*, shop\\.orders ,",
            "SLUICE_START": "latest",
            "SLUICE_POSITIONS_PATH": "/var/lib/sluice/positions.json",
            "SLUICE_SINK_ELASTICSEARCH_USERNAME": "elastic",
            // Taken literally: overrides are not expanded.
            "SLUICE_SINK_ELASTICSEARCH_PASSWORD": "p${W}",
            "SLUICE_SINK_ELASTICSEARCH_BULK_MAX_BYTES_IN_FLIGHT": "10485760",
            "SLUICE_SNAPSHOT_CHUNK_SIZE": "10",
            "SLUICE_ADMIN_LISTEN": "0.0.0.0:9999",
            // Not keys of the schema: ignored.
            "SLUICE_MYSQL_PASSWORD": "x",
            "SLUICE_RULES": "x",
            "SLUICE_SINK_ELASTICSEARCH_TLS": "x",
        ])
        #expect(configuration.source.url.host == "10.0.0.1" && configuration.source.url.user == "other")
        #expect(configuration.source.serverID == 99)
        #expect(configuration.source.tables == ["crm\\..*", "shop\\.orders"])
        #expect(configuration.source.start == .position(.latest))
        #expect(configuration.positions.store == .file(path: "/var/lib/sluice/positions.json"))
        #expect(configuration.elasticsearch.credentials == .basic(username: "elastic", password: "p${W}"))
        #expect(configuration.elasticsearch.bulk.maxBytesInFlight == 10 << 20)
        #expect(configuration.snapshot.chunkSize == 10)
        #expect(configuration.admin.host == "0.0.0.0" && configuration.admin.port == 9999)
    }

    @Test func overrideSuppliesAMissingKeyAndSection() throws {
        let yaml = minimalYAML(replacing: "  url: mysql://repl:secret@127.0.0.1:3307\n", with: "")
            .replacingOccurrences(of: "sink:\n  elasticsearch:\n    url: http://127.0.0.1:9200\n", with: "")
        let configuration = try parse(yaml, environment: [
            "SLUICE_SOURCE_URL": "mysql://repl:pw@127.0.0.1:3307",
            "SLUICE_SINK_ELASTICSEARCH_URLS": "http://a:9200,http://b:9200",
        ])
        #expect(configuration.source.url.port == 3307)
        #expect(configuration.elasticsearch.urls.map(\.absoluteString) == ["http://a:9200", "http://b:9200"])
    }

    @Test func overridingOneURLSpellingReplacesTheOther() throws {
        let yaml = minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "urls: [http://a:9200, http://b:9200]")
        let configuration = try parse(yaml, environment: ["SLUICE_SINK_ELASTICSEARCH_URL": "http://c:9200"])
        #expect(configuration.elasticsearch.urls.map(\.absoluteString) == ["http://c:9200"])
        let back = try parse(minimalYAML, environment: ["SLUICE_SINK_ELASTICSEARCH_URLS": "http://d:9200"])
        #expect(back.elasticsearch.urls.map(\.absoluteString) == ["http://d:9200"])
    }

    @Test(arguments: [
        (["SLUICE_SOURCE_SERVER_ID": "abc"],
         "test.yml: source.server_id (from SLUICE_SOURCE_SERVER_ID): expected a whole number from 1 to 4294967295, got 'abc'"),
        (["SLUICE_SINK_ELASTICSEARCH_URLS": "http://a:9200,nope"],
         "test.yml: sink.elasticsearch.urls[1] (from SLUICE_SINK_ELASTICSEARCH_URLS): 'nope' is not an Elasticsearch URL; expected http://HOST:PORT or https://HOST:PORT"),
        (["SLUICE_POSITIONS_STORE": "etcd"],
         "test.yml: positions.etcd: missing; etcd's client URLs, e.g. [http://127.0.0.1:2379]"),
        (["SLUICE_SOURCE_TABLES": ""],
         "test.yml: source.tables (from SLUICE_SOURCE_TABLES): is empty; list at least one pattern, or '.*\\..*' for every table"),
    ])
    func overrideErrorsNameTheVariable(environment: [String: String], message: String) {
        #expect(failure(minimalYAML, environment: environment) == message)
    }
}
