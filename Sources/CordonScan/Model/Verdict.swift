// Whether a scan meets its thresholds: every file at or above `minScore`, no counted finding
// of a `failOn` severity, and, with a baseline, no new finding at all (a new finding is what
// lowers a trust score; findings already in the baseline are accepted).

public struct ScanThresholds: Sendable {
    public var minScore: Int?
    public var failOn: Set<Severity> = []
    public init(minScore: Int? = nil, failOn: Set<Severity> = []) {
        self.minScore = minScore
        self.failOn = failOn
    }
}

public struct Verdict: Sendable {
    public var passed: Bool
    /// Why it failed, one line each, naming the file and line.
    public var reasons: [String]

    public static func of(_ report: ScanReport, _ t: ScanThresholds, baseline: Baseline? = nil) -> Verdict {
        var reasons: [String] = []
        let counted = report.findings.filter { $0.counts && !$0.inBaseline }
        if let baseline {
            for f in counted {
                reasons.append("\(f.file):\(f.line): new \(f.severity.name) \(f.rule) (not in \(baseline.source))")
            }
        }
        for f in counted where t.failOn.contains(f.severity) && baseline == nil {
            reasons.append("\(f.file):\(f.line): \(f.severity.name) \(f.rule)")
        }
        if let min = t.minScore {
            for file in report.scanned where file.score < min {
                // With a baseline, a file fails on its score only when new findings lowered it.
                if baseline != nil && !file.findings.contains(where: { $0.counts && !$0.inBaseline }) { continue }
                reasons.append("\(file.path): trust score \(file.score) is below \(min)")
            }
        }
        return Verdict(passed: reasons.isEmpty, reasons: reasons)
    }
}
