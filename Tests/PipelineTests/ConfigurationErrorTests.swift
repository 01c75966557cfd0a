import Foundation
import Pipeline
import Testing

/// Each error names the file, the line where the value is (when it is in the file), the dotted key and
/// what was expected.
@Suite struct ConfigurationErrorTests {
    /// Unknown keys, with a hint when one is close.
    static let unknownKeysCases: [(yaml: String, message: String)] = [
        (minimalYAML(replacing: "    url: http", with: "    urll: http"),
         "test.yml:7: sink.elasticsearch.urll: unknown key; did you mean 'urls'?"),
        (minimalYAML(replacing: "source:", with: "sorce:"),
         "test.yml:1: sorce: unknown key; did you mean 'source'?"),
        (minimalYAML + "colour: blue\n",
         "test.yml:10: colour: unknown key"),
        (minimalYAML(replacing: "  store: memory", with: "  store: memory\n  intervall_ms: 5"),
         "test.yml:10: positions.intervall_ms: unknown key; did you mean 'interval_ms'?"),
    ]

    /// Wrong types.
    static let wrongTypesCases: [(yaml: String, message: String)] = [
        (minimalYAML(replacing: "server_id: 4242", with: "server_id: abc"),
         "test.yml:3: source.server_id: expected a whole number from 1 to 4294967295, got 'abc'"),
        (minimalYAML(replacing: "server_id: 4242", with: "server_id: 0"),
         "test.yml:3: source.server_id: expected a whole number from 1 to 4294967295, got '0'"),
        (minimalYAML(replacing: "server_id: 4242", with: "server_id: [1]"),
         "test.yml:3: source.server_id: expected a single value, got a list"),
        (minimalYAML(replacing: "tables: ['shop\\..*']", with: "tables: shop"),
         "test.yml:4: source.tables: expected a list such as [a, b], got 'shop'"),
        (minimalYAML(replacing: "tables: ['shop\\..*']", with: "tables: [{a: b}]"),
         "test.yml:4: source.tables[0]: expected a single value, got a mapping"),
        ("source: [1]\n",
         "test.yml:1: source: expected a mapping of settings, got a list"),
        ("just text\n",
         "test.yml:1: expected a mapping of settings, got 'just text'"),
        (minimalYAML + "snapshot: {chunk_size: 0}\n",
         "test.yml:10: snapshot.chunk_size: expected a whole number from 1 to 9223372036854775807, got '0'"),
        (minimalYAML + "sink2: {}\n",
         "test.yml:10: sink2: unknown key; did you mean 'sink'?"),
    ]

    /// Missing required values.
    static let missingValuesCases: [(yaml: String, message: String)] = [
        (minimalYAML(replacing: "  url: mysql://repl:secret@127.0.0.1:3307\n", with: ""),
         "test.yml: source.url: missing; the server to read, as mysql://USER:PASSWORD@HOST:PORT (or source.urls: [...] for several servers of one topology)"),
        (minimalYAML(replacing: "  server_id: 4242\n", with: ""),
         "test.yml: source.server_id: missing; a replica server id unique among the servers and their readers, e.g. 4242"),
        (minimalYAML(replacing: "  tables: ['shop\\..*']\n", with: ""),
         "test.yml: source.tables: missing; the tables to sync, as regular expressions on db.table, e.g. ['shop\\..*']"),
        (minimalYAML(replacing: "sink:\n  elasticsearch:\n    url: http://127.0.0.1:9200\n", with: ""),
         "test.yml: sink.elasticsearch.url: missing; the cluster to write to, e.g. http://127.0.0.1:9200 (or urls: [...] for several nodes)"),
        (minimalYAML(replacing: "positions:\n  store: memory\n", with: ""),
         "test.yml: positions.store: missing; where to keep the position: memory (forgotten on restart), file, zookeeper or etcd"),
        ("", "test.yml: has no settings; see examples/sluice.yml for a start"),
    ]

    /// Values that do not mean anything.
    static let meaninglessValuesCases: [(yaml: String, message: String)] = [
        (minimalYAML(replacing: "mysql://repl:secret@127.0.0.1:3307", with: "http://repl:secret@127.0.0.1:3307"),
         "test.yml:2: source.url: source URL has scheme 'http', not mysql://; expected mysql://USER:PASSWORD@HOST:PORT[?tls=disabled|preferred|required|verify-ca&ca=FILE]"),
        (minimalYAML(replacing: "tables: ['shop\\..*']", with: "tables: ['shop\\..*']\n  exclude: ['tmp[']"),
         "test.yml:5: source.exclude: table pattern 'tmp[' is not a valid regular expression: expected custom character class members"),
        (minimalYAML(replacing: "tables: ['shop\\..*']", with: "tables: []"),
         "test.yml:4: source.tables: is empty; list at least one pattern, or '.*\\..*' for every table"),
        (minimalYAML + "start: mysql-bin.000001:2\n",
         "test.yml:10: start: start position 'mysql-bin.000001:2': binlog offsets start at 4 (after the file's magic number); or snapshot, to copy the tables first"),
        (minimalYAML + "start: now\n",
         "test.yml:10: start: start position 'now' is not one of earliest, latest, FILE:POS (e.g. mysql-bin.000003:4) or gtid:SET; or snapshot, to copy the tables first"),
        (minimalYAML(replacing: "http://127.0.0.1:9200", with: "127.0.0.1:9200"),
         "test.yml:7: sink.elasticsearch.url: '127.0.0.1:9200' is not an Elasticsearch URL; expected http://HOST:PORT or https://HOST:PORT"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "urls: [http://a:9200, 'ftp://b']"),
         "test.yml:7: sink.elasticsearch.urls[1]: 'ftp://b' is not an Elasticsearch URL; expected http://HOST:PORT or https://HOST:PORT"),
        (minimalYAML(replacing: "http://127.0.0.1:9200", with: "http://elastic:pw@127.0.0.1:9200"),
         "test.yml:7: sink.elasticsearch.url: the URL carries credentials; give them as username and password (or api_key) instead"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    urls: [http://b:9200]"),
         "test.yml: sink.elasticsearch: give url or urls, not both"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "urls: []"),
         "test.yml:7: sink.elasticsearch.urls: is empty; give at least one URL"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    username: elastic"),
         "test.yml: sink.elasticsearch.password: missing; username is set, so a password is needed"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    password: pw\n    api_key: k"),
         "test.yml:9: sink.elasticsearch.api_key: give api_key or username and password, not both"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    tls: {ca_file: /nonexistent/ca.pem}"),
         "test.yml:8: sink.elasticsearch.tls.ca_file: cannot read the CA file '/nonexistent/ca.pem'"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    tls: {verify: maybe}"),
         "test.yml:8: sink.elasticsearch.tls.verify: expected true or false, got 'maybe'"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    bulk: {max_bytes: 0}"),
         "test.yml:8: sink.elasticsearch.bulk.max_bytes: expected a whole number from 1 to 9223372036854775807, got '0'"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    bulk: {max_bytes: 100, max_bytes_in_flight: 99}"),
         "test.yml:8: sink.elasticsearch.bulk.max_bytes_in_flight: 99 is less than max_bytes (100), so no bulk request could be sent"),
        (minimalYAML(replacing: "url: http://127.0.0.1:9200", with: "url: http://a:9200\n    dead_letter: ''"),
         "test.yml:8: sink.elasticsearch.dead_letter: is empty; give a file path, or leave the key out"),
        (minimalYAML(replacing: "store: memory", with: "store: zookeeper"),
         "test.yml: positions.zookeeper: missing; the ZooKeeper ensemble as HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181"),
        (minimalYAML(replacing: "store: memory", with: "store: etcd"),
         "test.yml: positions.etcd: missing; etcd's client URLs, e.g. [http://127.0.0.1:2379]"),
        (minimalYAML(replacing: "store: memory", with: "store: zookeeper\n  zookeeper: 127.0.0.1:2181"),
         "test.yml: positions.pipeline: missing; a name for this pipeline (or `name:` at the top level): every instance with the same name shares one position and one leader, e.g. orders"),
        (minimalYAML(replacing: "store: memory", with: "store: zookeeper\n  zookeeper: 127.0.0.1:2181,zk2\n  pipeline: orders"),
         "test.yml:10: positions.zookeeper: 'zk2' is not a ZooKeeper server; expected HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181"),
        (minimalYAML(replacing: "store: memory", with: "store: etcd\n  etcd: [127.0.0.1:2379]\n  pipeline: orders"),
         "test.yml:10: positions.etcd[0]: '127.0.0.1:2379' is not an etcd client URL; expected http://HOST:PORT, e.g. http://127.0.0.1:2379"),
        (minimalYAML(replacing: "store: memory", with: "store: etcd\n  etcd: [http://127.0.0.1:2379]\n  pipeline: orders\n  prefix: sluice"),
         "test.yml:12: positions.prefix: 'sluice' is not a path prefix; expected an absolute path such as /sluice"),
        (minimalYAML(replacing: "store: memory", with: "store: etcd\n  etcd: [http://127.0.0.1:2379]\n  pipeline: orders/eu"),
         "test.yml:11: positions.pipeline: 'orders/eu' is not a pipeline name; use letters, digits, '.', '_' and '-', e.g. orders"),
        ("name: billing\n" + minimalYAML(replacing: "store: memory", with: "store: etcd\n  etcd: [http://127.0.0.1:2379]\n  pipeline: orders"),
         "test.yml:12: positions.pipeline: 'orders' differs from the top-level name 'billing'; give the pipeline one name"),
        ("ha: {takeover_seconds: 1}\n" + minimalYAML(replacing: "store: memory", with: "store: etcd\n  etcd: [http://127.0.0.1:2379]\n  pipeline: orders"),
         "test.yml:1: ha.takeover_seconds: expected a whole number from 2 to 9223372036854775807, got '1'"),
        (minimalYAML(replacing: "server_id: 4242", with: "server_id: 4242\n  urls: [mysql://repl:secret@127.0.0.1:3308]"),
         "test.yml:4: source.urls: both source.url and source.urls are set; list every server in source.urls"),
        (minimalYAML(replacing: "store: memory", with: "store: disk"),
         "test.yml:9: positions.store: 'disk' is not a position store; use memory (forgotten on restart), file, zookeeper or etcd"),
        (minimalYAML(replacing: "store: memory", with: "store: file"),
         "test.yml: positions.path: missing; the file store needs a file, e.g. ./sluice-data/positions.json"),
        (minimalYAML(replacing: "store: memory", with: "store: memory\n  interval_ms: -5"),
         "test.yml:10: positions.interval_ms: expected a whole number from 1 to 9223372036854775807, got '-5'"),
        (minimalYAML + "admin: {listen: localhost}\n",
         "test.yml:10: admin.listen: 'localhost' is not an address to listen on; expected HOST:PORT, e.g. 127.0.0.1:9108 or [::1]:9108"),
        (minimalYAML + "admin: {listen: '::1:9108'}\n",
         "test.yml:10: admin.listen: '::1:9108' has an IPv6 host without brackets; expected HOST:PORT, e.g. 127.0.0.1:9108 or [::1]:9108"),
        (minimalYAML + "admin: {listen: ':9108'}\n",
         "test.yml:10: admin.listen: ':9108' has no host; expected HOST:PORT, e.g. 127.0.0.1:9108 or [::1]:9108 (0.0.0.0 for every interface)"),
        (minimalYAML + "admin: {listen: '127.0.0.1:70000'}\n",
         "test.yml:10: admin.listen: '127.0.0.1:70000' is not an address to listen on; expected HOST:PORT, e.g. 127.0.0.1:9108 or [::1]:9108"),
    ]

    /// Rules.
    static let rulesCases: [(yaml: String, message: String)] = [
        (minimalYAML + "rules:\n  - table: orders\n",
         "test.yml:11: rules[0].table: 'orders' is not db.table"),
        (minimalYAML + "rules:\n  - index: orders\n",
         "test.yml: rules[0].table: missing; the table this rule is for, as db.table"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    idx: orders\n",
         "test.yml:12: rules[0].idx: unknown key; did you mean 'id'?"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    include: [a]\n    exclude: [b]\n",
         "test.yml: rules[0]: give include or exclude, not both"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    include: []\n",
         "test.yml:12: rules[0].include: is empty, so no column would be kept"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    id: []\n",
         "test.yml:12: rules[0].id: is empty; name the id columns, or leave the key out to use the primary key"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    rename: {a: x, b: x}\n",
         "test.yml:12: rules[0].rename: 'a' and 'b' both become 'x'"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    exclude: [a]\n    rename: {a: x}\n",
         "test.yml:13: rules[0].rename: renames 'a', which include/exclude leaves out"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    rename: [a]\n",
         "test.yml:12: rules[0].rename: expected a mapping such as {old: new}, got a list"),
        (minimalYAML + "rules:\n  - table: shop.orders\n    index: Orders\n",
         "test.yml:12: rules[0].index: 'Orders' is not a valid index name: index names are lowercase, at most 255 bytes, do not start with -, _ or +, and contain none of \\ / * ? \" < > | , # : or spaces"),
        (minimalYAML + "rules:\n  - table: crm.customers\n",
         "test.yml:11: rules[0].table: crm.customers is not selected by source.tables and source.exclude, so this rule would never apply"),
        (minimalYAML + "rules:\n  - table: shop.orders\n  - table: shop.orders\n",
         "test.yml:12: rules[1].table: an earlier rule is for shop.orders too; give each table one rule"),
        (minimalYAML + "rules: {table: shop.orders}\n",
         "test.yml:10: rules: expected a list, got a mapping"),
        (minimalYAML + "rules: [shop.orders]\n",
         "test.yml:10: rules[0]: expected a mapping of settings, got 'shop.orders'"),
    ]

    @Test(arguments: unknownKeysCases)
    func unknownKeys(yaml: String, message: String) {
        #expect(failure(yaml) == message)
    }

    @Test(arguments: wrongTypesCases)
    func wrongTypes(yaml: String, message: String) {
        #expect(failure(yaml) == message)
    }

    @Test(arguments: missingValuesCases)
    func missingValues(yaml: String, message: String) {
        #expect(failure(yaml) == message)
    }

    @Test(arguments: meaninglessValuesCases)
    func meaninglessValues(yaml: String, message: String) {
        #expect(failure(yaml) == message)
    }

    @Test(arguments: rulesCases)
    func rules(yaml: String, message: String) {
        #expect(failure(yaml) == message)
    }

    @Test func yamlSyntaxErrorPointsAtTheLine() {
        let message = failure("source:\n  url: [unclosed\n")
        #expect(message.hasPrefix("test.yml:3:1: not valid YAML: "), "\(message)")
    }

    @Test func duplicateKeyIsAnError() {
        let message = failure(minimalYAML + "positions: {store: file}\n")
        #expect(message == "test.yml:8: 'positions' appears twice in one mapping")
    }
}
