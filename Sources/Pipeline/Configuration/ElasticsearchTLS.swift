import ChangeCapture
import Foundation

/// How `https://` Elasticsearch URLs are checked (`sink.elasticsearch.tls`).
public struct ElasticsearchTLS: Sendable, Equatable {
    /// A PEM file of the CA that signed the cluster's certificate, trusted besides the system's CAs.
    public var caFile: String?
    /// Whether the certificate and host name are verified. Turn off only for throwaway test clusters.
    public var verify: Bool

    public init(caFile: String? = nil, verify: Bool = true) {
        self.caFile = caFile
        self.verify = verify
    }

    static let keys = ["ca_file", "verify"]

    init(_ tls: ConfigurationMapping) throws(ConfigurationError) {
        let caFile = try tls.value("ca_file") { path throws(ConfigurationError) in
            // Checked now rather than at the first connection, which may be long after startup.
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError("cannot read the CA file '\(path)'")
            }
            return path
        }
        let defaults = ElasticsearchTLS()
        self.init(caFile: caFile, verify: try tls.bool("verify") ?? defaults.verify)
    }
}
