import ChangeCapture
import Yams

/// One mapping of the configuration file, read key by key with everything an error message needs: the
/// file, the line and the dotted key.
///
/// Each mapping is opened with the keys it may hold, so an unknown key (usually a typo) is the first error
/// reported, with the closest known key as a hint, rather than a confusing "missing" for the key meant.
///
/// Reads apply `${VAR}` expansion and `SLUICE_<KEY>` overrides as `SluiceConfiguration.load(path:environment:)`
/// describes. An override's variable name is derived from the key being read, so only keys of the schema
/// can be overridden and underscores inside key names are never ambiguous.
struct ConfigurationMapping {
    /// The configuration file, as named by the caller.
    let file: String
    let environment: [String: String]
    /// The dotted key of this mapping: empty at the root, then e.g. `sink.elasticsearch` or `rules[0]`.
    let key: String
    private let keys: [String]
    private let entries: [String: Node]
    private let overridable: Bool

    /// Where a value came from, for error messages.
    private enum Origin {
        case file(line: Int?)
        case variable(String)
    }

    /// Opens `node` as a mapping that may hold `keys`; a missing or null node is an empty mapping, so that
    /// defaults and overrides still apply beneath it.
    init(
        _ node: Node?,
        key: String,
        keys: [String],
        file: String,
        environment: [String: String],
        overridable: Bool = true
    ) throws(ConfigurationError) {
        self.file = file
        self.environment = environment
        self.key = key
        self.keys = keys
        self.overridable = overridable
        var entries: [String: Node] = [:]
        switch node {
        case nil:
            break
        case let .mapping(mapping)?:
            for (keyNode, value) in mapping {
                guard case let .scalar(name) = keyNode else {
                    throw Self.error(file: file, line: keyNode.mark?.line, key: key, "keys must be plain names, not \(Self.kind(of: keyNode))")
                }
                guard keys.contains(name.string) else {
                    let hint = Self.closest(to: name.string, among: keys).map { "; did you mean '\($0)'?" } ?? ""
                    throw Self.error(file: file, line: name.mark?.line, key: Self.join(key, name.string), "unknown key\(hint)")
                }
                if value.null == nil {
                    entries[name.string] = value
                }
            }
        case let node?:
            guard node.null != nil else {
                throw Self.error(file: file, line: node.mark?.line, key: key, "expected a mapping of settings, got \(Self.kind(of: node))")
            }
        }
        self.entries = entries
    }

    /// The dotted key of `name` in this mapping.
    func path(_ name: String) -> String {
        Self.join(key, name)
    }

    private static func join(_ key: String, _ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }

    /// Whether `name` has a value, from the file or an override.
    func contains(_ name: String) -> Bool {
        entries[name] != nil || override(name) != nil
    }

    /// Whether `name`'s value comes from its `SLUICE_…` override.
    func isOverridden(_ name: String) -> Bool {
        override(name) != nil
    }

    /// The value of scalar `name` typed by `parse`, or `nil` when absent. A `ConfigurationError` thrown by
    /// `parse` is the reason; it is reported with the file, line or variable, and key.
    func value<T>(_ name: String, _ parse: (String) throws(ConfigurationError) -> T) throws(ConfigurationError) -> T? {
        assert(keys.contains(name), "'\(name)' is not declared in \(key)")
        let text: String
        let origin: Origin
        if let (variable, overriding) = override(name) {
            text = overriding
            origin = .variable(variable)
        } else if let node = entries[name] {
            guard case let .scalar(scalar) = node else {
                throw error(name, at: .file(line: node.mark?.line), "expected a single value, got \(Self.kind(of: node))")
            }
            origin = .file(line: scalar.mark?.line)
            text = try expand(scalar.string, name, at: origin)
        } else {
            return nil
        }
        do {
            return try parse(text)
        } catch {
            throw self.error(name, at: origin, error.message)
        }
    }

    func string(_ name: String) throws(ConfigurationError) -> String? {
        try value(name) { $0 }
    }

    /// A whole number of `T` no less than `minimum`.
    func integer<T: FixedWidthInteger>(_ name: String, atLeast minimum: T) throws(ConfigurationError) -> T? {
        try value(name) { text throws(ConfigurationError) in
            guard let number = T(text), number >= minimum else {
                throw ConfigurationError("expected a whole number from \(minimum) to \(T.max), got '\(text)'")
            }
            return number
        }
    }

    func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        try value(name) { text throws(ConfigurationError) in
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw ConfigurationError("expected true or false, got '\(text)'")
            }
        }
    }

    /// A list whose items are typed by `parse`: a YAML sequence, or a comma-separated override. Items are
    /// keyed `name[0]`, `name[1]`, … in errors.
    func list<T>(_ name: String, _ parse: (String) throws(ConfigurationError) -> T) throws(ConfigurationError) -> [T]? {
        assert(keys.contains(name), "'\(name)' is not declared in \(key)")
        var items: [(text: String, origin: Origin)] = []
        if let (variable, overriding) = override(name) {
            items = overriding.split(separator: ",").map { ($0.trimmingCharacters(in: .whitespaces), .variable(variable)) }
                .filter { !$0.text.isEmpty }
        } else if let node = entries[name] {
            guard case let .sequence(sequence) = node else {
                throw error(name, at: .file(line: node.mark?.line), "expected a list such as [a, b], got \(Self.kind(of: node))")
            }
            for (index, element) in sequence.enumerated() {
                let origin = Origin.file(line: element.mark?.line)
                guard case let .scalar(scalar) = element, element.null == nil else {
                    throw error("\(name)[\(index)]", at: origin, "expected a single value, got \(Self.kind(of: element))")
                }
                items.append((try expand(scalar.string, "\(name)[\(index)]", at: origin), origin))
            }
        } else {
            return nil
        }
        var values: [T] = []
        for (index, item) in items.enumerated() {
            do {
                values.append(try parse(item.text))
            } catch {
                throw self.error("\(name)[\(index)]", at: item.origin, error.message)
            }
        }
        return values
    }

    func strings(_ name: String) throws(ConfigurationError) -> [String]? {
        try list(name) { $0 }
    }

    /// The pairs of a mapping from strings to strings, in file order.
    func pairs(_ name: String) throws(ConfigurationError) -> [(String, String)]? {
        assert(keys.contains(name), "'\(name)' is not declared in \(key)")
        guard let node = entries[name] else { return nil }
        guard case let .mapping(mapping) = node else {
            throw error(name, at: .file(line: node.mark?.line), "expected a mapping such as {old: new}, got \(Self.kind(of: node))")
        }
        var pairs: [(String, String)] = []
        for (keyNode, valueNode) in mapping {
            guard case let .scalar(from) = keyNode, case let .scalar(to) = valueNode, valueNode.null == nil else {
                throw error(name, at: .file(line: keyNode.mark?.line), "expected plain names on both sides of each pair")
            }
            pairs.append((from.string, try expand(to.string, "\(name).\(from.string)", at: .file(line: to.mark?.line))))
        }
        return pairs
    }

    /// The mapping under `name`, empty when absent.
    func mapping(_ name: String, keys: [String]) throws(ConfigurationError) -> ConfigurationMapping {
        assert(self.keys.contains(name), "'\(name)' is not declared in \(key)")
        return try ConfigurationMapping(entries[name], key: path(name), keys: keys, file: file, environment: environment, overridable: overridable)
    }

    /// The mappings of the list under `name`, keyed `name[0]`, `name[1]`, …; their keys cannot be overridden.
    func mappings(_ name: String, keys: [String]) throws(ConfigurationError) -> [ConfigurationMapping] {
        assert(self.keys.contains(name), "'\(name)' is not declared in \(key)")
        guard let node = entries[name] else { return [] }
        guard case let .sequence(sequence) = node else {
            throw error(name, at: .file(line: node.mark?.line), "expected a list, got \(Self.kind(of: node))")
        }
        var mappings: [ConfigurationMapping] = []
        for (index, element) in sequence.enumerated() {
            let elementKey = "\(path(name))[\(index)]"
            guard case .mapping = element else {
                throw Self.error(file: file, line: element.mark?.line, key: elementKey, "expected a mapping of settings, got \(Self.kind(of: element))")
            }
            mappings.append(try ConfigurationMapping(element, key: elementKey, keys: keys, file: file, environment: environment, overridable: false))
        }
        return mappings
    }

    /// An error about this mapping as a whole, such as two keys that exclude each other.
    func error(_ reason: String) -> ConfigurationError {
        Self.error(file: file, line: nil, key: key, reason)
    }

    /// An error about key `name` of this mapping, located where its value came from.
    func error(_ name: String, _ reason: String) -> ConfigurationError {
        if let (variable, _) = override(name) {
            return error(name, at: .variable(variable), reason)
        }
        return error(name, at: .file(line: entries[name]?.mark?.line), reason)
    }

    /// A required key is missing.
    func missing(_ name: String, _ hint: String) -> ConfigurationError {
        Self.error(file: file, line: nil, key: path(name), "missing; \(hint)")
    }

    private func error(_ name: String, at origin: Origin, _ reason: String) -> ConfigurationError {
        switch origin {
        case let .file(line):
            Self.error(file: file, line: line, key: path(name), reason)
        case let .variable(variable):
            ConfigurationError("\(file): \(path(name)) (from \(variable)): \(reason)")
        }
    }

    static func error(file: String, line: Int?, key: String, _ reason: String) -> ConfigurationError {
        let location = line.map { "\(file):\($0)" } ?? file
        return ConfigurationError(key.isEmpty ? "\(location): \(reason)" : "\(location): \(key): \(reason)")
    }

    /// The `SLUICE_…` variable that overrides `name` and its value, if it is set.
    private func override(_ name: String) -> (variable: String, value: String)? {
        guard overridable else { return nil }
        let variable = "SLUICE_" + path(name).uppercased().replacingOccurrences(of: ".", with: "_")
        return environment[variable].map { (variable, $0) }
    }

    private func expand(_ text: String, _ name: String, at origin: Origin) throws(ConfigurationError) -> String {
        do {
            return try VariableExpansion.expand(text, from: environment)
        } catch {
            throw self.error(name, at: origin, error.message)
        }
    }

    private static func kind(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar, .alias: node.null == nil ? "'\(node.string ?? "")'" : "nothing"
        }
    }

    /// The known key closest in spelling to `name`, if any is close enough to be a likely typo. Of equally
    /// close keys, the one nearest in length wins: `urll` suggests `urls`, not `url`.
    private static func closest(to name: String, among keys: [String]) -> String? {
        let candidates = keys.map { (key: $0, distance: editDistance(name, $0), lengthDifference: abs($0.count - name.count)) }
            .filter { $0.distance <= max(2, name.count / 3) && $0.distance < name.count }
        return candidates.min { ($0.distance, $0.lengthDifference) < ($1.distance, $1.lengthDifference) }?.key
    }

    /// Levenshtein distance in characters.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var previous = Array(0 ... b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
