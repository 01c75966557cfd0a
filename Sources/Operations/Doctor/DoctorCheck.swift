/// One thing `sluice doctor` checked: what, the verdict, what it saw, and for a failure (or a
/// warning) the exact remedy.
public struct DoctorCheck: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case pass
        /// Works, but not as well as it could; the remedy says how. Does not fail doctor.
        case warn
        case fail
        /// Could not be checked because an earlier check failed. Fails doctor.
        case skip
    }

    public var name: String
    public var outcome: Outcome
    public var detail: String
    /// The `my.cnf` line, the GRANT statement or the command that fixes it.
    public var remedy: String?

    public init(_ name: String, _ outcome: Outcome, _ detail: String, remedy: String? = nil) {
        self.name = name
        self.outcome = outcome
        self.detail = detail
        self.remedy = remedy
    }

    static func pass(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name, .pass, detail) }
    static func warn(_ name: String, _ detail: String, remedy: String) -> DoctorCheck { DoctorCheck(name, .warn, detail, remedy: remedy) }
    static func fail(_ name: String, _ detail: String, remedy: String) -> DoctorCheck { DoctorCheck(name, .fail, detail, remedy: remedy) }
    static func skip(_ name: String, because reason: String) -> DoctorCheck { DoctorCheck(name, .skip, "not checked: \(reason)") }

    /// One line: `[pass] name: detail`, and for anything but a pass `; fix: remedy`.
    public var line: String {
        let label = outcome == .pass ? "pass" : outcome.rawValue.uppercased()
        return "[\(label)] \(name): \(detail)" + (outcome != .pass ? remedy.map { "; fix: \($0)" } ?? "" : "")
    }
}

/// Everything `sluice doctor` checked.
public struct DoctorReport: Sendable, Equatable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck]) { self.checks = checks }

    /// Whether every check passed (or only warned): `sluice doctor` exits 0 only then.
    public var passed: Bool { checks.allSatisfy { $0.outcome == .pass || $0.outcome == .warn } }

    /// One line per check and a summary.
    public var text: String {
        let failed = checks.filter { $0.outcome == .fail || $0.outcome == .skip }.count
        let summary = failed == 0 ? "all \(checks.count) checks passed" : "\(failed) of \(checks.count) checks failed or could not run"
        return (checks.map(\.line) + [summary]).joined(separator: "\n")
    }

    /// The check of this name, for tests and scripts.
    public subscript(name: String) -> DoctorCheck? { checks.first { $0.name == name } }
}
