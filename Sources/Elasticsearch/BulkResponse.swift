import NIOCore

/// Reads the `items` of a `_bulk` reply into outcomes, in request order.
enum BulkResponse {
    /// The reply fields ``parse(_:operations:)`` reads; asking for only these keeps large replies small.
    static let filterPath = "errors,items.*.status,items.*.error.type,items.*.error.reason"

    static func parse(_ body: ByteBuffer, operations: some Collection<BulkOperation>) throws(ElasticsearchError)
        -> [BulkItemOutcome]
    {
        let reply: JSON
        do {
            reply = try JSON(parsing: body)
        } catch {
            throw ElasticsearchError(.malformedResponse, "the bulk reply is not JSON: \(error)")
        }
        guard let items = reply["items"]?.arrayValue else {
            throw ElasticsearchError(.malformedResponse, "the bulk reply has no items array")
        }
        guard items.count == operations.count else {
            throw ElasticsearchError(
                .malformedResponse,
                "the bulk reply has \(items.count) items for \(operations.count) operations"
            )
        }
        var outcomes: [BulkItemOutcome] = []
        outcomes.reserveCapacity(items.count)
        for (position, (item, operation)) in zip(items, operations).enumerated() {
            // Each item is {"<action>": {...}}, the action being the operation's own.
            guard case .object(let actions) = item, actions.count == 1,
                let status = actions[0].value["status"]?.intValue
            else {
                throw ElasticsearchError(.malformedResponse, "bulk reply item \(position) has no status")
            }
            let error = actions[0].value["error"]
            outcomes.append(
                BulkItemOutcome(
                    status: status,
                    errorType: error?["type"]?.stringValue,
                    reason: error?["reason"]?.stringValue ?? error?.stringValue,
                    isDelete: operation.isDelete
                )
            )
        }
        return outcomes
    }
}
