import Foundation

extension SavedPosition {
    /// The position as every store keeps it: pretty-printed JSON with sorted keys and ISO-8601 times, so a
    /// person can read and diff it wherever it lives (a file, a znode, an etcd key).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads what `json()` wrote. The error says what is wrong and where, e.g. "'offset' is missing".
    public init(json data: Data) throws(PositionStoreError) {
        let decoder = JSONDecoder()
        // Foundation's own .iso8601 reports a bad date without saying which key holds it.
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO-8601 time such as 2024-05-01T12:00:00Z, got '\(text)'")
            }
            return date
        }
        do {
            self = try decoder.decode(SavedPosition.self, from: data)
        } catch let error as DecodingError {
            throw PositionStoreError(Self.explain(error))
        } catch {
            throw PositionStoreError("\(error)")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func key(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(missing, context):
            return "'\(key(context.codingPath + [missing]))' is missing"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "'\(key(context.codingPath))' is not a valid \(type)"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                return "it is not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))"
            }
            return "'\(key(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
