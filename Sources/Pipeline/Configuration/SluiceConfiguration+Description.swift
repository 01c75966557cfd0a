extension SluiceConfiguration {
    /// The settings one per line, as dotted keys, with passwords and API keys shown as `***`: safe to log.
    public var redactedDescription: String {
        let es = elasticsearch
        var lines = [
            "source.url: \(source.url)" + (source.failover.isEmpty ? "" : ", failover \(Self.list(source.failover.map(\.description)))"),
            "source.server_id: \(source.serverID)",
            "source.tables: \(Self.list(source.tables))",
            "source.exclude: \(Self.list(source.exclude))",
            "start: \(source.start)",
            "sink.elasticsearch.urls: \(Self.list(es.urls.map(\.absoluteString)))",
            "sink.elasticsearch.credentials: \(es.credentials)",
            "sink.elasticsearch.tls: verify \(es.tls.verify), ca_file \(es.tls.caFile ?? "none")",
            "sink.elasticsearch.bulk: max_documents \(es.bulk.maxDocuments), max_bytes \(es.bulk.maxBytes), "
                + "linger_ms \(Self.milliseconds(es.bulk.linger)), concurrency \(es.bulk.concurrency), "
                + "max_bytes_in_flight \(es.bulk.maxBytesInFlight)",
            "sink.elasticsearch.dead_letter: \(es.deadLetterPath ?? "none (a rejected document stops Sluice)")",
            "positions: \(positions.store), interval_ms \(Self.milliseconds(positions.interval))",
            "snapshot.chunk_size: \(snapshot.chunkSize)",
            "admin.listen: \(admin.host.contains(":") ? "[\(admin.host)]" : admin.host):\(admin.port)",
        ]
        for (index, rule) in rules.enumerated() {
            var parts = ["\(rule.database).\(rule.table) -> index \(rule.index)"]
            parts.append("id \(rule.idColumns.map(Self.list) ?? "primary key")")
            switch rule.columns {
            case .all: break
            case let .only(columns): parts.append("include \(Self.list(columns))")
            case let .allExcept(columns): parts.append("exclude \(Self.list(columns))")
            }
            if !rule.rename.isEmpty {
                parts.append("rename {\(rule.rename.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}")
            }
            lines.append("rules[\(index)]: \(parts.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }

    public var description: String { redactedDescription }

    private static func list(_ items: [String]) -> String {
        "[\(items.joined(separator: ", "))]"
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
