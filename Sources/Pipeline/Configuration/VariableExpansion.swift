import ChangeCapture

/// Replaces `${NAME}` in configuration values with environment variables, so that secrets and per-host
/// values stay out of the file.
enum VariableExpansion {
    /// Expands every `${NAME}` in `text`. `$${` is a literal `${`; a `$` before anything else is kept, so
    /// passwords with dollar signs need no escaping. An unset variable is an error, not an empty string:
    /// an empty password or URL would fail later and far less clearly.
    static func expand(_ text: String, from environment: [String: String]) throws(ConfigurationError) -> String {
        var result = ""
        var rest = text[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                result += "${"
                rest = after.dropFirst(2)
            } else if after.hasPrefix("{") {
                guard let close = after.firstIndex(of: "}") else {
                    throw ConfigurationError("'${' has no closing '}'; write '$${' for a literal '${'")
                }
                let name = after[after.index(after: after.startIndex) ..< close]
                guard let first = name.first, !first.isNumber,
                      name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
                else {
                    throw ConfigurationError("'${\(name)}' is not a variable name (letters, digits and _); write '$${' for a literal '${'")
                }
                guard let value = environment[String(name)] else {
                    throw ConfigurationError("uses ${\(name)}, but the environment variable \(name) is not set")
                }
                result += value
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }
}
