// SARIF 2.1.0 for code-scanning UIs: the rules with names, help and security-severity; each
// result with ruleId, level, a relative artifact URI, its region, and partialFingerprints so a
// result keeps its identity across commits. Suppressed findings carry a SARIF suppression.
import CordonBase

extension ScanReport {
    public func sarif(generator: String, version: String) -> JSONValue {
        let used = Set(findings.map(\.rule))
        let rules = RuleCatalog.all.filter { used.contains($0.id) }
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let prints = fingerprints()
        var results: [JSONValue] = []
        for (i, file) in files.enumerated() {
            for (j, f) in file.findings.enumerated() where !f.inBaseline {
                var r: [(String, JSONValue)] = [
                    ("ruleId", .string(f.rule)), ("ruleIndex", .number(Double(index[f.rule] ?? 0))),
                    ("level", .string(f.severity.sarifLevel)),
                    ("message", ["text": .string(f.message)]),
                    (
                        "locations",
                        [
                            [
                                "physicalLocation": [
                                    "artifactLocation": ["uri": .string(Self.uri(f.file))],
                                    "region": [
                                        "startLine": .number(Double(f.line)), "startColumn": .number(Double(f.column)),
                                        "endColumn": .number(Double(f.column + f.length)),
                                        "snippet": ["text": .string(f.snippet)],
                                    ],
                                ]
                            ]
                        ]
                    ),
                    ("partialFingerprints", ["primaryLocationLineHash": .string(prints[i][j])]),
                    ("properties", ["severity": .string(f.severity.name)]),
                ]
                if let reason = f.suppressed {
                    r.append(("suppressions", [["kind": "inSource", "justification": .string(reason)]]))
                }
                results.append(.object(r))
            }
        }
        let driverRules: [JSONValue] = rules.map { rule in
            [
                "id": .string(rule.id), "name": .string(Self.pascal(rule.id)),
                "shortDescription": ["text": .string(rule.title)],
                "fullDescription": ["text": .string(rule.description)],
                "help": [
                    "text": .string(rule.description + " Fix: " + rule.fix),
                    "markdown": .string("\(rule.description)\n\n**Fix:** \(rule.fix)\n\n\(rule.cweID)"),
                ],
                "defaultConfiguration": ["level": .string(rule.severity.sarifLevel)],
                "properties": [
                    "security-severity": .string(rule.severity.securitySeverity),
                    "tags": ["security", .string("external/cwe/cwe-\(rule.cwe)")],
                    "precision": "high",
                ],
            ]
        }
        return [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": .string(generator), "version": .string(version),
                            "informationUri": "https://github.com/cordon/cordon/blob/main/docs/scan.md",
                            "rules": .array(driverRules),
                        ]
                    ],
                    "columnKind": "utf16CodeUnits",
                    "results": .array(results),
                ]
            ],
        ]
    }

    /// A relative URI: path segments percent-encoded where URIs need it.
    static func uri(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80 && (c.isLetter || c.isNumber || "/-._~".contains(c)) {
                out.append(c)
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }

    static func pascal(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
