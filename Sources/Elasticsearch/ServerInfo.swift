/// What `GET /` says about the cluster.
public struct ServerInfo: Sendable, Equatable, CustomStringConvertible {
    public enum Distribution: String, Sendable, Equatable {
        case elasticsearch
        case opensearch
    }

    /// The node's name.
    public var name: String
    public var clusterName: String
    public var distribution: Distribution
    /// The version as reported, e.g. `8.15.1` or `2.17.0`.
    public var version: String

    public init(name: String, clusterName: String, distribution: Distribution, version: String) {
        self.name = name
        self.clusterName = clusterName
        self.distribution = distribution
        self.version = version
    }

    /// Reads the reply of `GET /`. OpenSearch says `"distribution": "opensearch"` in `version`;
    /// Elasticsearch says nothing there.
    init(reply: JSON) throws(ElasticsearchError) {
        guard let version = reply["version"]?["number"]?.stringValue else {
            throw ElasticsearchError(
                .malformedResponse,
                "GET / did not report version.number; is this Elasticsearch or OpenSearch?"
            )
        }
        self.name = reply["name"]?.stringValue ?? ""
        self.clusterName = reply["cluster_name"]?.stringValue ?? ""
        self.distribution = reply["version"]?["distribution"]?.stringValue == "opensearch" ? .opensearch : .elasticsearch
        self.version = version
    }

    /// Major and minor version; 0 for parts that are not numbers.
    public var majorMinor: (major: Int, minor: Int) {
        let parts = self.version.split(separator: ".", maxSplits: 2)
        func number(_ index: Int) -> Int {
            guard index < parts.count else { return 0 }
            return Int(parts[index].prefix { $0.isASCII && $0.isNumber }) ?? 0
        }
        return (number(0), number(1))
    }

    /// `unsigned_long` came in Elasticsearch 7.10 and OpenSearch 2.8.
    public var supportsUnsignedLong: Bool {
        let (major, minor) = self.majorMinor
        switch self.distribution {
        case .elasticsearch: return (major, minor) >= (7, 10)
        case .opensearch: return (major, minor) >= (2, 8)
        }
    }

    public var description: String {
        let product = self.distribution == .opensearch ? "OpenSearch" : "Elasticsearch"
        return "\(product) \(self.version) (node \(self.name), cluster \(self.clusterName))"
    }
}
