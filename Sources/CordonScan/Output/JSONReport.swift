// `--format json`: every finding with its rule, severity, CWE, place, masked snippet, message
// and fix; per-file and project scores; the verdict. The shape `--baseline` reads back.
import CordonBase

extension ScanReport {
    public func json(_ t: ScanThresholds, _ verdict: Verdict, generator: String) -> JSONValue {
        let prints = fingerprints()
        var findings: [JSONValue] = []
        for (i, file) in files.enumerated() {
            for (j, f) in file.findings.enumerated() {
                let rule = RuleCatalog.rule(f.rule)
                var o: [(String, JSONValue)] = [
                    ("rule", .string(f.rule)), ("title", .string(rule?.title ?? f.rule)),
                    ("severity", .string(f.severity.name)), ("cwe", .string(rule?.cweID ?? "")),
                    ("file", .string(f.file)), ("line", .number(Double(f.line))),
                    ("column", .number(Double(f.column))), ("snippet", .string(f.snippet)),
                    ("message", .string(f.message)), ("fix", .string(rule?.fix ?? "")),
                    ("fingerprint", .string(prints[i][j])),
                ]
                o.append(("suppressed", f.suppressed.map { .string($0) } ?? .null))
                o.append(("new", .bool(!f.inBaseline)))
                findings.append(.object(o))
            }
        }
        var counts: [(String, JSONValue)] = []
        for s in Severity.allCases.reversed() {
            counts.append((s.name, .number(Double(self.findings.filter { $0.counts && $0.severity == s }.count))))
        }
        let fileList: [JSONValue] = files.sorted { ($0.score, $0.path) < ($1.score, $1.path) }.map { f in
            var o: [(String, JSONValue)] = [
                ("path", .string(f.path)), ("kind", .string(f.language.rawValue)), ("bytes", .number(Double(f.bytes))),
            ]
            if let s = f.skipped {
                o.append(("skipped", .string(s)))
            } else {
                o.append(("score", .number(Double(f.score))))
                o.append(("findings", .number(Double(f.findings.filter(\.counts).count))))
            }
            return .object(o)
        }
        return [
            "tool": .string(generator), "score": .number(Double(score)),
            "meanScore": .number((meanScore * 10).rounded() / 10),
            "passed": .bool(verdict.passed), "reasons": .array(verdict.reasons.map { .string($0) }),
            "thresholds": [
                "minScore": t.minScore.map { .number(Double($0)) } ?? .null,
                "failOn": .array(t.failOn.sorted(by: >).map { .string($0.name) }),
            ],
            "counts": .object(counts), "filesScanned": .number(Double(scanned.count)), "files": .array(fileList),
            "findings": .array(findings),
        ]
    }
}
