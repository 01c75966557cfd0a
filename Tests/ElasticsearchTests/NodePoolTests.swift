import Testing

@testable import Elasticsearch

@Suite struct NodePoolTests {
    private let nodes = [
        try! ElasticsearchNode(url: "http://a:9200"), try! ElasticsearchNode(url: "http://b:9200"),
        try! ElasticsearchNode(url: "http://c:9200"),
    ]

    @Test func roundRobinPassingOverFailedNodes() async {
        let pool = NodePool(nodes: self.nodes, cooldown: .seconds(3600))
        var picked: [String] = []
        for _ in 0..<4 { picked.append(await pool.pick().description) }
        #expect(picked == ["http://a:9200", "http://b:9200", "http://c:9200", "http://a:9200"])
        await pool.markFailed(self.nodes[1])
        picked = []
        for _ in 0..<4 { picked.append(await pool.pick().description) }
        #expect(picked == ["http://c:9200", "http://a:9200", "http://c:9200", "http://a:9200"])
    }

    @Test func whenAllAreDownTheSoonestBackIsTried() async {
        let pool = NodePool(nodes: self.nodes, cooldown: .seconds(3600))
        await pool.markFailed(self.nodes[2])
        await pool.markFailed(self.nodes[0])
        await pool.markFailed(self.nodes[1])
        #expect(await pool.pick() == self.nodes[2])
        // It answered: it is healthy again, the others still cool down.
        await pool.markHealthy(self.nodes[2])
        #expect(await pool.pick() == self.nodes[2])
        #expect(await pool.pick() == self.nodes[2])
    }

    @Test func cooldownEnds() async throws {
        let pool = NodePool(nodes: self.nodes, cooldown: .milliseconds(20))
        await pool.markFailed(self.nodes[0])
        #expect(await pool.pick() == self.nodes[1])
        try await Task.sleep(for: .milliseconds(40))
        #expect(await pool.pick() == self.nodes[2])
        #expect(await pool.pick() == self.nodes[0])
    }
}
