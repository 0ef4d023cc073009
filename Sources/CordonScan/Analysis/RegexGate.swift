// Values a full-match regular expression let through (issue 16, session 15). A tool that
// refuses a name unless `re.match(r'^[a-zA-Z0-9_]+$', name)` holds (`if not ...: raise`, or
// `continue`/`return`/`break` in a loop) has only letters, digits, `_` and `-` in it after the
// test: nothing a shell, a SQL statement or a backquoted identifier could read as syntax
// (mcp-db-navigator checks every table and column name so before formatting its SELECT). The
// name is then `sanitized`, as after `shlex.quote` or `int`.
//
// What counts, by what the pattern admits: anchored at both ends (`^...$`, `\A...\Z`, or
// `re.fullmatch`), and built only of word characters, `-`, character classes of those and
// quantifiers. A pattern that admits a space, a quote, `.`, `/`, `;`, any character (`.`,
// `\S`, `[^...]`) or alternation does not make the value safe, and neither does a test that
// only logs, nor one joined with `and` (the block runs only when every part fails).

enum RegexGate {
    /// The names that the `if` statement at `header` (its first logical line, indented at
    /// `indent`) tests with a strict full-match pattern and refuses: the block after it (or
    /// the statement after its colon) ends by raising, returning, continuing or breaking.
    static func gated(_ toks: [Token], header: Range<Int>, indent: Int) -> [String] {
        guard header.count > 6, toks[header.lowerBound].isName("if") else { return [] }
        // Most `if` lines test no regular expression: decided before anything is scanned twice.
        guard header.contains(where: { toks[$0].kind == .name && toks[$0].isName("re") }) else { return [] }
        guard let colon = topLevelColon(toks, header) else { return [] }
        let cond = (header.lowerBound + 1)..<colon
        // `a and b`: the block runs when all fail, so no single test is known to hold after.
        var depth = 0
        for j in cond {
            if toks[j].isOp("(") || toks[j].isOp("[") || toks[j].isOp("{") { depth += 1 }
            if toks[j].isOp(")") || toks[j].isOp("]") || toks[j].isOp("}") { depth -= 1 }
            if depth == 0 && toks[j].isName("and") { return [] }
        }
        guard refuses(toks, colon: colon, header: header, indent: indent) else { return [] }
        var out: [String] = []
        var j = cond.lowerBound
        while j + 5 < cond.upperBound {
            // `not re.match(PATTERN, name)` / `re.fullmatch` / `re.search`.
            if toks[j].isName("not"), toks[j + 1].isName("re"), toks[j + 2].isOp("."), toks[j + 3].kind == .name,
                toks[j + 4].isOp("(")
            {
                let fn = toks[j + 3].text
                let close = Code.close(toks, j + 4, cond.upperBound)
                if fn == "match" || fn == "fullmatch" || fn == "search", j + 8 <= close,
                    toks[j + 5].kind == .string, !toks[j + 5].formatted, toks[j + 6].isOp(","),
                    toks[j + 7].kind == .name, j + 8 == close || toks[j + 8].isOp(","),
                    strict(toks[j + 5].text, full: fn == "fullmatch", prefixOnly: fn == "match")
                {
                    out.append(toks[j + 7].text)
                }
                j = close
            }
            j += 1
        }
        return out
    }

    static func topLevelColon(_ toks: [Token], _ r: Range<Int>) -> Int? {
        var depth = 0
        for j in r {
            if toks[j].isOp("(") || toks[j].isOp("[") || toks[j].isOp("{") { depth += 1 }
            if toks[j].isOp(")") || toks[j].isOp("]") || toks[j].isOp("}") { depth -= 1 }
            if depth == 0 && toks[j].isOp(":") { return j }
        }
        return nil
    }

    static let exits: Set<String> = ["raise", "return", "continue", "break"]

    /// The block ends by leaving: the statement after the colon on the same line, or the last
    /// logical line indented under the header, starts with `raise`/`return`/`continue`/`break`.
    static func refuses(_ toks: [Token], colon: Int, header: Range<Int>, indent: Int) -> Bool {
        if colon + 1 < header.upperBound {
            return exits.contains(toks[colon + 1].text) && toks[colon + 1].kind == .name
        }
        var blockIndent: Int?
        var lastStart: Int?
        var j = header.upperBound + 1
        while j < toks.count {
            if toks[j].kind == .newline {
                j += 1
                continue
            }
            guard toks[j].column > indent else { break }
            // The block's own lines, not those of blocks nested in it: an `if`/`else` inside
            // whose last branch raises still lets the other branch through.
            if blockIndent == nil { blockIndent = toks[j].column }
            if toks[j].column == blockIndent { lastStart = j }
            while j < toks.count && toks[j].kind != .newline { j += 1 }
        }
        guard let s = lastStart else { return false }
        return toks[s].kind == .name && exits.contains(toks[s].text)
    }

    /// The pattern admits only word characters and `-`, anchored at both ends (`re.match`
    /// anchors the start itself; `fullmatch` both).
    static func strict(_ pattern: String, full: Bool, prefixOnly: Bool) -> Bool {
        var p = Substring(pattern)
        if p.hasPrefix("^") {
            p = p.dropFirst()
        } else if p.hasPrefix("\\A") {
            p = p.dropFirst(2)
        } else if !full && !prefixOnly {
            return false
        }
        if p.hasSuffix("\\Z") || p.hasSuffix("\\z") {
            p = p.dropLast(2)
        } else if p.hasSuffix("$") {
            p = p.dropLast()
        } else if !full {
            return false
        }
        guard !p.isEmpty else { return false }
        var inClass = false
        var chars = Array(p.utf8)[...]
        while let c = chars.popFirst() {
            switch c {
            case 0x5C:  // backslash: only \w, \d, or an escaped '-' / '_'
                guard let n = chars.popFirst(), n == 0x77 || n == 0x64 || n == 0x2D || n == 0x5F else { return false }
            case 0x5B:  // '[': a class, not negated
                guard !inClass, chars.first != 0x5E else { return false }
                inClass = true
            case 0x5D:
                guard inClass else { return false }
                inClass = false
            case 0x2D, 0x5F: break  // '-', '_'
            case 0x2B, 0x2A, 0x3F, 0x7B, 0x7D, 0x2C:  // quantifiers + * ? {m,n}, not in a class
                guard !inClass else { return false }
            default:
                let word = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                guard word else { return false }
            }
        }
        return !inClass
    }
}
