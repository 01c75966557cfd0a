import ChangeCapture
import Testing

@Suite struct SourceURLTests {
    @Test func parsesAllParts() throws {
        let url = try SourceURL(parsing: "mysql://repl:p%40ss%3Aword@db.local:3307?tls=verify-ca&ca=/etc/ca.pem")
        #expect(url.host == "db.local")
        #expect(url.port == 3307)
        #expect(url.user == "repl")
        #expect(url.password == "p@ss:word")
        #expect(url.tls == .verifyCA)
        #expect(url.caFile == "/etc/ca.pem")
    }

    @Test func defaultsPortAndTLS() throws {
        let url = try SourceURL(parsing: "mysql://root@127.0.0.1")
        #expect(url.port == 3306)
        #expect(url.password == "")
        #expect(url.tls == .preferred)
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let url = try SourceURL(parsing: "mysql://repl:secret@127.0.0.1:3307")
        #expect(!url.description.contains("secret"))
        #expect(url.description == "mysql://repl:***@127.0.0.1:3307?tls=preferred")
    }

    @Test(arguments: [
        ("http://u:p@h:1", "scheme 'http'"),
        ("mysql://h:1", "no user"),
        ("mysql://u:p@h:1?tls=maybe", "tls=maybe"),
        ("mysql://u:p@h:1?tls=verify-ca", "names no CA file"),
        ("mysql://u:p@h:1?colour=blue", "unknown parameter 'colour'"),
    ])
    func rejectsWithAReason(text: String, reason: String) {
        #expect {
            try SourceURL(parsing: text)
        } throws: { error in
            let message = (error as? ConfigurationError)?.message ?? ""
            return message.contains(reason) && !message.contains(":p@")
        }
    }
}

@Suite struct StartPositionTests {
    @Test func parsesEachForm() throws {
        #expect(try StartPosition(parsing: "earliest") == .earliest)
        #expect(try StartPosition(parsing: "latest") == .latest)
        #expect(try StartPosition(parsing: "mariadb-bin.000003:1234") == .filePosition(file: "mariadb-bin.000003", position: 1234))
        #expect(try StartPosition(parsing: "gtid:0-1-42,1-2-7") == .gtid("0-1-42,1-2-7"))
    }

    @Test(arguments: ["", "soon", "binlog.000001", "binlog.000001:x", "binlog.000001:2", "gtid:"])
    func rejects(text: String) {
        #expect(throws: ConfigurationError.self) { try StartPosition(parsing: text) }
    }
}

@Suite struct TableFilterTests {
    @Test func includeAndExclude() throws {
        let filter = try TableFilter(include: [#"shop\..*"#], exclude: [#"shop\.tmp_.*"#])
        #expect(filter.selects(database: "shop", table: "orders"))
        #expect(!filter.selects(database: "shop", table: "tmp_x"))
        #expect(!filter.selects(database: "shopping", table: "orders"))
        #expect(TableFilter.all.selects(database: "any", table: "thing"))
    }

    @Test func badPatternIsNamed() {
        #expect {
            try TableFilter(include: ["shop.("])
        } throws: { error in
            (error as? ConfigurationError)?.message.contains("shop.(") == true
        }
    }
}
