import Elasticsearch

extension ElasticsearchSettings {
    /// The client's settings for this part of the configuration.
    public var clientConfiguration: ElasticsearchConfiguration {
        var configuration = ElasticsearchConfiguration(
            urls: urls.map(\.absoluteString),
            caFile: tls.caFile,
            verifyCertificates: tls.verify
        )
        switch credentials {
        case .anonymous:
            break
        case let .basic(username, password):
            configuration.username = username
            configuration.password = password
        case let .apiKey(key):
            configuration.apiKey = key
        }
        return configuration
    }
}
