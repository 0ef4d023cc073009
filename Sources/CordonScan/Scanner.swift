// Scanning one file's bytes: the pure core every caller shares (the CLI over a tree, `cordon
// run`'s scan on start, the tests, the benchmark). No I/O: the bytes are handed in.

public enum FileScanner {
    /// Files above this are generated or vendored, not agent code: skipped with a note.
    public static let maximumBytes = 4 << 20

    /// Findings of the file `path` (relative, as reported) of kind `kind` with content `bytes`;
    /// `project`: what the other files of the scan register that this one defines.
    public static func scan(
        path: String, kind: FileKind, bytes: [UInt8], project: ProjectTools = ProjectTools()
    ) -> FileReport {
        if bytes.count > maximumBytes {
            return FileReport(
                path: path, language: kind, bytes: bytes.count, findings: [],
                skipped: "larger than \(maximumBytes >> 20) MiB (generated or vendored?)")
        }
        if bytes.prefix(8192).contains(0) {
            return FileReport(path: path, language: kind, bytes: bytes.count, findings: [], skipped: "binary file")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return FileReport(path: path, language: kind, bytes: bytes.count, findings: [], skipped: "not valid UTF-8")
        }
        var findings: [Finding] = []
        var comments: [Token] = []
        var facts = ToolFacts()
        switch kind {
        case .python:
            let lexed = PythonLexer.lex(bytes)
            var rules = CodeRules(language: .python, tokens: lexed.tokens)
            rules.projectRunners = project.shellRunners
            rules.projectRunnerKeywords = project.shellKeywords
            rules.projectCodeRunners = project.codeRunners
            facts =
                PythonWalker.walk(lexed, &rules, toolModule: ToolConventions.isToolModule(path), project: project).facts
            facts.registers.formUnion(ProjectTools.qualified(rules.passesToImported, path: path))
            facts.registers.formUnion(ProjectTools.qualified(rules.exportedRunners, path: path))
            facts.defines.formUnion(rules.runners.builtForImported.map { "import:" + $0 })
            findings = rules.findings
            comments = lexed.comments
        case .javascript:
            let lexed = JSLexer.lex(bytes)
            var rules = CodeRules(language: .javascript, tokens: lexed.tokens)
            facts =
                JSWalker.walk(lexed, &rules, toolModule: ToolConventions.isToolModule(path), project: project).facts
            facts.registers.formUnion(ProjectTools.qualified(rules.passesToImported, path: path))
            findings = rules.findings
            comments = lexed.comments
        case .shell, .dockerfile, .compose, .env, .mcpConfig, .cordonPolicy:
            let (f, skipped) = ConfigRules.scan(kind: kind, bytes: bytes)
            if let skipped {
                return FileReport(path: path, language: kind, bytes: bytes.count, findings: [], skipped: skipped)
            }
            findings = f
        }
        let secrets = Secrets.scan(bytes)
        // Nothing found: no snippets to cut and nothing to suppress (most files).
        if findings.isEmpty && secrets.isEmpty {
            var r = FileReport(path: path, language: kind, bytes: bytes.count, findings: [])
            r.tools = facts
            return r
        }
        let lines = Lines(bytes)
        var masks: [Int: [Range<Int>]] = [:]
        for h in secrets {
            masks[h.line, default: []].append(h.value)
            findings.append(
                Finding(
                    rule: h.rule, severity: h.severity, line: h.line, column: h.column, length: h.length,
                    message: h.message))
        }
        // One finding per rule and place, in file order.
        var seen: Set<String> = []
        findings = findings.filter { seen.insert("\($0.rule):\($0.line):\($0.column)").inserted }
        findings.sort { ($0.line, $0.column, $0.rule) < ($1.line, $1.column, $1.rule) }
        let suppressions = Suppressions.read(kind: kind, comments: comments, lines: lines)
        for i in findings.indices {
            findings[i].file = path
            findings[i].snippet = lines.text(findings[i].line, masking: masks[findings[i].line] ?? [])
            findings[i].suppressed = suppressions.reason(rule: findings[i].rule, line: findings[i].line)
        }
        var r = FileReport(path: path, language: kind, bytes: bytes.count, findings: findings)
        r.tools = facts
        return r
    }
}

/// Line starts of a file, for snippets.
struct Lines {
    let bytes: [UInt8]
    var starts: [Int] = [0]
    init(_ b: [UInt8]) {
        bytes = b
        for (i, c) in b.enumerated() where c == 0x0A { starts.append(i + 1) }
    }
    var count: Int { starts.count }

    /// The bytes of line `n` (1-based) without its newline.
    func raw(_ n: Int) -> ArraySlice<UInt8> {
        guard n >= 1 && n <= starts.count else { return [] }
        let s = starts[n - 1]
        var e = n < starts.count ? starts[n] - 1 : bytes.count
        if e > s && bytes[e - 1] == 0x0D { e -= 1 }
        return bytes[s..<max(s, e)]
    }

    /// Line `n` with each byte range in `masking` replaced by asterisks (secrets never leave).
    func text(_ n: Int, masking: [Range<Int>]) -> String {
        var line = Array(raw(n))
        for r in masking where r.lowerBound < line.count {
            let upper = min(r.upperBound, line.count)
            // Keep a few leading bytes of a key so it can be found in the provider's console.
            let keep = min(r.lowerBound + 4, upper)
            let stars = r.count > 0 ? Array("****".utf8) : []
            line.replaceSubrange(keep..<upper, with: stars)
        }
        if masking.contains(where: { $0.isEmpty }) { return "-----BEGIN … PRIVATE KEY----- (masked)" }
        let s = String(decoding: line, as: UTF8.self)
        return s.count > 240 ? String(s.prefix(240)) + "…" : s
    }
}
