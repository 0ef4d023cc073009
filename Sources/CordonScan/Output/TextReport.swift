// The terminal report: each finding as file:line:col, severity, rule and message, the line
// with the match underlined, and the fix; then the files by score, worst first, the project
// score and the verdict. Colour only when asked (on a terminal).

extension ScanReport {
    public func text(_ t: ScanThresholds, _ verdict: Verdict, color: Bool, showBaseline: Bool = false) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func sevColor(_ s: Severity) -> String {
            switch s {
            case .critical: "1;31"
            case .high: "31"
            case .medium: "33"
            case .low: "36"
            }
        }
        var out = ""
        for f in findings where showBaseline || !f.inBaseline {
            let rule = RuleCatalog.rule(f.rule)
            let status = f.suppressed.map { " (suppressed: \($0))" } ?? (f.inBaseline ? " (in baseline)" : "")
            out +=
                "\(f.file):\(f.line):\(f.column): \(paint(f.severity.name, sevColor(f.severity))) \(f.rule) [\(rule?.cweID ?? "")] \(f.message)\(status)\n"
            let gutter = String(f.line)
            out += "  \(gutter) | \(f.snippet)\n"
            let lead = f.snippet.utf8.prefix(max(0, f.column - 1)).map { $0 == 0x09 ? "\t" : " " }.joined()
            let width = max(1, min(f.length, max(1, f.snippet.utf8.count - (f.column - 1))))
            out +=
                "  " + String(repeating: " ", count: gutter.count) + " | " + lead
                + paint(String(repeating: "^", count: width), sevColor(f.severity)) + "\n"
            if let r = rule { out += "  fix: \(r.fix)\n" }
            out += "\n"
        }
        let withFindings = scanned.filter { $0.score < 100 }.sorted { ($0.score, $0.path) < ($1.score, $1.path) }
        if !withFindings.isEmpty {
            out += "files by trust score (worst first):\n"
            for f in withFindings.prefix(20) {
                out += "  \(String(f.score).leftPad(3))  \(f.path)\n"
            }
            if withFindings.count > 20 { out += "  ... \(withFindings.count - 20) more\n" }
        }
        let skipped = files.filter { $0.skipped != nil }
        for f in skipped.prefix(10) { out += "note: skipped \(f.path): \(f.skipped ?? "")\n" }
        if skipped.count > 10 { out += "note: \(skipped.count - 10) more files skipped\n" }
        let counted = findings.filter { $0.counts && !$0.inBaseline }
        let bySeverity = Severity.allCases.reversed().map { s in
            "\(counted.filter { $0.severity == s }.count) \(s.name)"
        }
        let suppressed = findings.filter { !$0.counts }.count
        out +=
            "\(scanned.count) files scanned, \(counted.count) findings (\(bySeverity.joined(separator: ", ")))"
            + (suppressed > 0 ? ", \(suppressed) suppressed" : "") + "\n"
        out += "project trust score: \(score)/100 (lowest file; mean \((meanScore * 10).rounded() / 10))\n"
        if verdict.passed {
            out += paint("PASS", "32") + thresholdText(t) + "\n"
        } else {
            out += paint("FAIL", "1;31") + thresholdText(t) + "\n"
            for r in verdict.reasons.prefix(30) { out += "  \(r)\n" }
            if verdict.reasons.count > 30 { out += "  ... \(verdict.reasons.count - 30) more\n" }
        }
        return out
    }

    func thresholdText(_ t: ScanThresholds) -> String {
        var parts: [String] = []
        if let m = t.minScore { parts.append("min score \(m)") }
        if !t.failOn.isEmpty { parts.append("fail on " + t.failOn.sorted(by: >).map(\.name).joined(separator: ",")) }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
