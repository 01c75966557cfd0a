import ChangeCapture
import Foundation
import Yams

/// Everything Sluice is told to do, read from a YAML file (see `examples/sluice.yml`) and checked as a
/// whole before anything starts.
///
/// Values may use `${VAR}` from the environment, and `SLUICE_<KEY>` variables override single keys (see
/// `load(path:environment:)`). Printing the configuration shows `redactedDescription`, so secrets never
/// reach a log.
public struct SluiceConfiguration: Sendable, CustomStringConvertible {
    /// The server to read, which tables, and where to begin.
    public var source: SourceSettings
    /// The cluster written to (`sink.elasticsearch`).
    public var elasticsearch: ElasticsearchSettings
    public var positions: PositionsSettings
    public var snapshot: SnapshotSettings
    public var admin: AdminSettings
    /// The per-table rules, in file order. Fixed at load, so that `rule(for:table:)` agrees with it.
    public let rules: [TableRule]
    private let rulesByTable: [String: [String: TableRule]]

    /// The rule for `database.table`, or `nil` when the table has none and gets the defaults: index
    /// `TableRule.defaultIndex(database:table:)`, id from the primary key, every column as it is named.
    public func rule(for database: String, table: String) -> TableRule? {
        rulesByTable[database]?[table]
    }

    /// Reads and checks the configuration file at `path`.
    ///
    /// - `${VAR}` in any value is replaced from `environment` before the value is typed, so
    ///   `server_id: ${SERVER_ID}` works. `$${` is a literal `${`. An unset variable is an error.
    /// - `SLUICE_<KEY>` in `environment` overrides a single-valued or list key, where `<KEY>` is the key's
    ///   dotted path uppercased with dots as underscores: `SLUICE_SOURCE_SERVER_ID` for `source.server_id`,
    ///   `SLUICE_SINK_ELASTICSEARCH_BULK_MAX_BYTES_IN_FLIGHT` for `sink.elasticsearch.bulk.max_bytes_in_flight`.
    ///   Names are matched against the known keys, never split apart; other `SLUICE_` variables are ignored.
    ///   Lists (`source.tables`, `source.exclude`, `sink.elasticsearch.urls`) are comma-separated. Override
    ///   values are taken literally, and `rules` cannot be overridden.
    ///
    /// Every error names the file, the line (or the overriding variable) and the dotted key, and says what
    /// was expected.
    public static func load(path: String, environment: [String: String]) throws(ConfigurationError) -> SluiceConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let reason = !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) ? "there is no such file"
                : isDirectory.boolValue ? "it is a directory" : "it is not readable; check its permissions"
            throw ConfigurationError("cannot read the configuration file \(path): \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("cannot read the configuration file \(path): it is not UTF-8 text")
        }
        return try parse(text, file: path, environment: environment)
    }

    /// Reads and checks configuration text as `load(path:environment:)` does; `file` names it in errors.
    public static func parse(_ yaml: String, file: String, environment: [String: String]) throws(ConfigurationError) -> SluiceConfiguration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.describe(error, file: file, yaml: yaml)
        } catch {
            throw ConfigurationError("\(file): not valid YAML: \(error)")
        }
        guard let node else {
            throw ConfigurationError("\(file): has no settings; see examples/sluice.yml for a start")
        }
        let root = try ConfigurationMapping(node, key: "", keys: keys, file: file, environment: environment)
        return try SluiceConfiguration(root)
    }

    private static let keys = ["source", "sink", "positions", "start", "snapshot", "admin", "rules", "name", "ha"]

    private init(_ root: ConfigurationMapping) throws(ConfigurationError) {
        let start = try root.value("start", StartMode.init(parsing:)) ?? .snapshot
        source = try SourceSettings(root.mapping("source", keys: SourceSettings.keys), start: start)
        let sink = try root.mapping("sink", keys: ["elasticsearch"])
        elasticsearch = try ElasticsearchSettings(sink.mapping("elasticsearch", keys: ElasticsearchSettings.keys))
        positions = try PositionsSettings(
            root.mapping("positions", keys: PositionsSettings.keys), name: root, ha: root.mapping("ha", keys: ["takeover_seconds"])
        )
        snapshot = try SnapshotSettings(root.mapping("snapshot", keys: SnapshotSettings.keys))
        admin = try AdminSettings(root.mapping("admin", keys: AdminSettings.keys))
        var rules: [TableRule] = []
        var rulesByTable: [String: [String: TableRule]] = [:]
        for mapping in try root.mappings("rules", keys: TableRule.keys) {
            let rule = try TableRule(mapping)
            let name = "\(rule.database).\(rule.table)"
            guard source.filter.selects(database: rule.database, table: rule.table) else {
                throw mapping.error("table", "\(name) is not selected by source.tables and source.exclude, so this rule would never apply")
            }
            guard rulesByTable[rule.database]?[rule.table] == nil else {
                throw mapping.error("table", "an earlier rule is for \(name) too; give each table one rule")
            }
            rules.append(rule)
            rulesByTable[rule.database, default: [:]][rule.table] = rule
        }
        self.rules = rules
        self.rulesByTable = rulesByTable
    }

    private static func describe(_ error: YamlError, file: String, yaml: String) -> ConfigurationError {
        switch error {
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigurationError("\(file):\(context.mark.line): \(keys) appears twice in one mapping")
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let during = context.map { "\($0.text), " } ?? ""
            return ConfigurationError("\(file):\(mark.line):\(mark.column): not valid YAML: \(during)\(problem)\n\(mark.snippet(from: yaml))")
        default:
            return ConfigurationError("\(file): not valid YAML: \(error)")
        }
    }
}
