/// Hands out nodes round-robin, passing over those that failed recently.
actor NodePool {
    private let nodes: [ElasticsearchNode]
    private let cooldown: Duration
    /// Until when each node is passed over; absent for healthy nodes.
    private var downUntil: [Int: ContinuousClock.Instant] = [:]
    private var next = 0

    init(nodes: [ElasticsearchNode], cooldown: Duration) {
        precondition(!nodes.isEmpty, "ElasticsearchClient checks for at least one node")
        self.nodes = nodes
        self.cooldown = cooldown
    }

    /// The next healthy node in turn; when every node is down, the one that comes back soonest,
    /// since giving up is not an option for a caller that retries.
    func pick() -> ElasticsearchNode {
        let now = ContinuousClock.now
        for step in 0..<self.nodes.count {
            let index = (self.next + step) % self.nodes.count
            if let until = self.downUntil[index], until > now { continue }
            self.downUntil[index] = nil
            self.next = index + 1
            return self.nodes[index]
        }
        let soonest = self.downUntil.min { $0.value < $1.value }?.key ?? 0
        self.next = soonest + 1
        return self.nodes[soonest]
    }

    /// Ends a node's cooldown early: it answered, though it was picked while every node was down.
    func markHealthy(_ node: ElasticsearchNode) {
        guard !self.downUntil.isEmpty, let index = self.nodes.firstIndex(of: node) else { return }
        self.downUntil[index] = nil
    }

    func markFailed(_ node: ElasticsearchNode) {
        guard let index = self.nodes.firstIndex(of: node) else { return }
        self.downUntil[index] = ContinuousClock.now + self.cooldown
    }
}
