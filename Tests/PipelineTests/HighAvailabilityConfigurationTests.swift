import Pipeline
import Testing

@Suite struct HighAvailabilityConfigurationTests {
    @Test func zookeeperStoreWithTheTopLevelNameAndDefaults() throws {
        let configuration = try parse("name: orders\n" + minimalYAML(replacing: "store: memory", with: "store: zookeeper\n  zookeeper: 10.0.0.1:2181, 10.0.0.2:2181"))
        #expect(configuration.positions.store == .zookeeper(
            ensemble: "10.0.0.1:2181,10.0.0.2:2181", .init(prefix: "/sluice", pipeline: "orders", takeover: .seconds(10))
        ))
    }

    @Test func etcdStoreWithItsOwnPipelineNamePrefixAndTakeover() throws {
        let yaml = "ha:\n  takeover_seconds: 4\n" + minimalYAML(
            replacing: "store: memory", with: "store: etcd\n  etcd: [http://127.0.0.1:2379/, http://127.0.0.1:22379]\n  prefix: /prod/sluice/\n  pipeline: orders-eu"
        )
        #expect(try parse(yaml).positions.store == .etcd(
            endpoints: ["http://127.0.0.1:2379", "http://127.0.0.1:22379"], .init(prefix: "/prod/sluice", pipeline: "orders-eu", takeover: .seconds(4))
        ))
    }

    @Test func severalSourceServersReadTheFirstAndFailOverToTheRest() throws {
        let yaml = minimalYAML(
            replacing: "url: mysql://repl:secret@127.0.0.1:3307", with: "urls: [mysql://repl:secret@127.0.0.1:3307, mysql://repl:secret@127.0.0.1:3308]"
        )
        let source = try parse(yaml).source
        #expect(source.url.port == 3307)
        #expect(source.failover.map(\.port) == [3308])
        #expect(source.binlogSource(startingAt: .latest, metrics: PipelineMetrics()).failover.map(\.port) == [3308])
    }
}
