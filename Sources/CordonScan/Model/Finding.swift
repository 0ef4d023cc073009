// One finding at one place, a file's result, and the project's.
import CordonBase

public struct Finding: Sendable, Equatable {
    public var rule: String
    public var severity: Severity
    /// Relative to the scan root when the file is under it, else as given.
    public var file: String
    public var line: Int
    public var column: Int
    /// Bytes to underline from `column`.
    public var length: Int
    /// What was found here, specifically (the rule's description says why it matters).
    public var message: String
    /// The source line, with any secret on it masked.
    public var snippet: String
    /// Set when a `cordon: ignore[RULE] reason` comment covers it: listed, not counted.
    public var suppressed: String?
    /// Set when the same finding is in the `--baseline` file: listed, not new.
    public var inBaseline = false

    public init(
        rule: String, severity: Severity, file: String = "", line: Int, column: Int, length: Int = 1,
        message: String, snippet: String = ""
    ) {
        self.rule = rule
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.message = message
        self.snippet = snippet
    }

    /// Counts against the trust score: not suppressed.
    public var counts: Bool { suppressed == nil }

    /// A location-independent identity for baselines and SARIF `partialFingerprints`: the rule,
    /// the file and the trimmed (masked) line, so a finding keeps its identity when lines are
    /// added above it. Two equal lines in one file are told apart by `occurrence`.
    public func fingerprint(occurrence: Int) -> String {
        let trimmed = snippet.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        return String(SHA256.hex("\(rule)\u{0}\(file)\u{0}\(trimmed)\u{0}\(occurrence)").prefix(32))
    }
}

/// One scanned file's result.
public struct FileReport: Sendable {
    public var path: String
    public var language: FileKind
    public var bytes: Int
    public var findings: [Finding]
    /// Why the file was not scanned (binary, invalid UTF-8, too large), when it was not.
    public var skipped: String?
    /// What the file registers as tools and defines (ToolRegistrations), for the project pass.
    public var tools = ToolFacts()

    public init(path: String, language: FileKind, bytes: Int, findings: [Finding], skipped: String? = nil) {
        self.path = path
        self.language = language
        self.bytes = bytes
        self.findings = findings
        self.skipped = skipped
    }

    /// 100 minus the penalty of every counted finding (Severity.penalty), at least 0.
    public var score: Int {
        var penalty = 0
        for f in findings where f.counts { penalty += f.severity.penalty }
        return max(0, 100 - penalty)
    }
}

/// The result of one scan over every file.
public struct ScanReport: Sendable {
    public var root: String
    public var files: [FileReport]
    public init(root: String, files: [FileReport]) {
        self.root = root
        self.files = files
    }

    public var scanned: [FileReport] { files.filter { $0.skipped == nil } }
    public var findings: [Finding] { files.flatMap(\.findings) }

    /// The project score is the minimum of its files' scores (100 for an empty project): one
    /// file that runs model output in a shell compromises the whole agent however many clean
    /// files surround it, so an average would hide exactly what the gate is for.
    public var score: Int { scanned.map(\.score).min() ?? 100 }

    /// The mean file score, reported beside the minimum for trend lines.
    public var meanScore: Double {
        let s = scanned
        guard !s.isEmpty else { return 100 }
        return Double(s.reduce(0) { $0 + $1.score }) / Double(s.count)
    }
}
