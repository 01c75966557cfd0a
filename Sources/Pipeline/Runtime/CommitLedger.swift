/// Commit marks in source order, each held back until every item numbered before it is settled:
/// the bookkeeping that keeps a checkpoint from getting ahead of its sink, whatever the sink
/// (Elasticsearch for `WriteQueue`, Kafka deliveries for `sluice capture`).
struct CommitLedger<Mark> {
    /// Marks not yet durable, in order, each with the sequence number every earlier item is below.
    private var pending: [(before: UInt64, mark: Mark)] = []
    private var head = 0
    /// The latest mark all of whose items are settled.
    private(set) var durable: Mark?

    /// Records `mark`, which becomes durable once every item below `sequence` is settled.
    mutating func record(_ mark: Mark, before sequence: UInt64) {
        pending.append((sequence, mark))
    }

    /// Every item below `low` is settled.
    mutating func advance(settledBelow low: UInt64) {
        while head < pending.count, pending[head].before <= low {
            durable = pending[head].mark
            head += 1
        }
        if head > 1024, head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
    }

    /// Forgets the marks not yet durable, after a failure: nothing after `durable` will be settled.
    mutating func discardPending() {
        pending.removeAll()
        head = 0
    }
}
