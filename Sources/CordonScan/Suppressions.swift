// `# cordon: ignore[RULE] reason` (or `// cordon: ignore[RULE,OTHER] reason`) on a finding's
// line, or alone on the line above it, suppresses that finding. Suppressed findings are still
// listed, with their reason, and do not count against the score. Only comments count in
// code (a string that happens to contain the marker suppresses nothing); in configuration
// files, any `#` comment.

struct Suppressions {
    /// Line → rule ids (or "*" for all) → reason.
    var byLine: [Int: [(rules: [String], reason: String)]] = [:]

    static let marker = "cordon: ignore["

    static func read(kind: FileKind, comments: [Token], lines: Lines) -> Suppressions {
        var s = Suppressions()
        switch kind {
        case .python, .javascript:
            for c in comments where c.text.has(marker) { s.add(c.text, line: c.line, alone: isAlone(c, lines)) }
        default:
            for n in 1...max(1, lines.count) {
                let text = String(decoding: lines.raw(n), as: UTF8.self)
                guard let hash = text.firstIndex(of: "#") else { continue }
                let before = text[..<hash].trimmingSpaces()
                s.add(String(text[text.index(after: hash)...]), line: n, alone: before.isEmpty)
            }
        }
        return s
    }

    /// A comment with nothing but whitespace before it on its line.
    static func isAlone(_ c: Token, _ lines: Lines) -> Bool {
        lines.raw(c.line).prefix(c.column - 1).allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    mutating func add(_ comment: String, line: Int, alone: Bool) {
        // Nearly every comment has no marker: a byte search says so without Character work.
        guard comment.has(Self.marker), let at = comment.find(Self.marker) else { return }
        let rest = comment[at...].dropFirst(Self.marker.count)
        guard let close = rest.firstIndex(of: "]") else { return }
        let rules = rest[..<close].split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        var reason = String(rest[rest.index(after: close)...]).trimmingSpaces()
        if reason.hasPrefix("*/") { reason = "" }
        if reason.hasSuffix("*/") { reason = String(reason.dropLast(2)).trimmingSpaces() }
        let entry = (rules: rules.isEmpty ? ["*"] : rules, reason: reason.isEmpty ? "(no reason given)" : reason)
        byLine[line, default: []].append(entry)
        // A comment alone on its line covers the next line.
        if alone { byLine[line + 1, default: []].append(entry) }
    }

    func reason(rule: String, line: Int) -> String? {
        for e in byLine[line] ?? [] where e.rules.contains(rule) || e.rules.contains("*") { return e.reason }
        return nil
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}

extension String {
    /// The index where `needle` first occurs (no Foundation here).
    func find(_ needle: String) -> String.Index? {
        guard let first = needle.first else { return startIndex }
        var i = startIndex
        while let j = self[i...].firstIndex(of: first) {
            if self[j...].hasPrefix(needle) { return j }
            i = index(after: j)
        }
        return nil
    }
}

extension String {
    /// `has` ignoring ASCII case (`needle` in lower case).
    func hasIgnoringCase(_ needle: String) -> Bool {
        var h = self
        var n = needle
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                guard nb.count <= hb.count, !nb.isEmpty else { return nb.isEmpty }
                var i = 0
                while i + nb.count <= hb.count {
                    var j = 0
                    while j < nb.count
                        && (hb[i + j] >= 0x41 && hb[i + j] <= 0x5A ? hb[i + j] | 0x20 : hb[i + j]) == nb[j]
                    {
                        j += 1
                    }
                    if j == nb.count { return true }
                    i += 1
                }
                return false
            }
        }
    }

    /// Whether `needle` occurs in this string, comparing UTF-8 bytes (the standard library's
    /// generic substring search costs more than a whole file's tokenising here).
    func has(_ needle: String) -> Bool {
        var h = self
        var n = needle
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                guard nb.count <= hb.count, let first = nb.first else { return nb.isEmpty }
                var i = 0
                while i + nb.count <= hb.count {
                    if hb[i] == first {
                        var j = 1
                        while j < nb.count && hb[i + j] == nb[j] { j += 1 }
                        if j == nb.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
