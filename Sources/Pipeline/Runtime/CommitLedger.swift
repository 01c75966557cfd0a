/// Commit marks in source order, each held back until every item numbered before it is settled:
/// the bookkeeping that keeps a checkpoint from getting ahead of its sink, whatever the sink
/// (Elasticsearch for `WriteQueue`, Kafka deliveries for `sluice capture`).
struct CommitLedger<Mark> {
    /// Marks not yet durable, in order, each with the sequence number every earlier item is below.
    private var entries: [(before: UInt64, mark: Mark)] = []
    private var head = 0
    /// The latest mark all of whose items are settled.
    private(set) var durable: Mark?

    /// Records `mark`, which becomes durable once every item below `sequence` is settled.
    mutating func record(_ mark: Mark, before sequence: UInt64) {
        entries.append((sequence, mark))
    }

    /// Every item below `low` is settled; returns the marks that became durable, oldest first.
    @discardableResult
    mutating func advance(settledBelow low: UInt64) -> [Mark] {
        let first = head
        while head < entries.count, entries[head].before <= low {
            durable = entries[head].mark
            head += 1
        }
        let passed = entries[first..<head].map(\.mark)
        if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return passed
    }

    /// The marks not yet durable, oldest first.
    var pending: some Collection<Mark> { entries[head...].lazy.map(\.mark) }

    /// Forgets the marks not yet durable, after a failure: nothing after `durable` will be settled.
    mutating func discardPending() {
        entries.removeAll()
        head = 0
    }
}
