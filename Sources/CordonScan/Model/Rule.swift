// A rule: what the scanner looks for, said once (id, severity, CWE, message, fix), so the text,
// JSON, SARIF and HTML outputs and docs/scan.md all describe a finding the same way.

public enum Severity: Int, Sendable, Comparable, CaseIterable {
    case low = 1
    case medium, high, critical

    public var name: String {
        switch self {
        case .low: "LOW"
        case .medium: "MEDIUM"
        case .high: "HIGH"
        case .critical: "CRITICAL"
        }
    }

    public init?(name: String) {
        switch name.uppercased() {
        case "LOW": self = .low
        case "MEDIUM": self = .medium
        case "HIGH": self = .high
        case "CRITICAL": self = .critical
        default: return nil
        }
    }

    /// What one finding takes off its file's trust score (docs/scan.md, "Scores"). One CRITICAL
    /// alone drops a file below the usual 75 baseline; one HIGH does not, two do.
    public var penalty: Int {
        switch self {
        case .critical: 40
        case .high: 20
        case .medium: 8
        case .low: 2
        }
    }

    /// SARIF `properties.security-severity`, on the scale code-scanning UIs bucket by
    /// (critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0).
    public var securitySeverity: String {
        switch self {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        }
    }

    /// SARIF `level`.
    public var sarifLevel: String {
        switch self {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low: "note"
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    /// One level lower (the same rule on input of unknown origin rather than model output).
    public var lower: Severity { Severity(rawValue: max(1, rawValue - 1)) ?? .low }
}

public struct Rule: Sendable, Hashable {
    public var id: String
    /// A short title (SARIF `name`, the HTML filter).
    public var title: String
    public var severity: Severity
    public var cwe: Int
    /// Why it matters, in one or two sentences (SARIF help text).
    public var description: String
    /// How to fix it.
    public var fix: String

    public static func == (a: Rule, b: Rule) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public var cweID: String { "CWE-\(cwe)" }
}
