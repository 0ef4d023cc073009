// A bare prefix test as path containment (issue 16, session 15b). `real.startswith(base)` on
// a normalised path compares strings, not path components: with base `/srv/app` the sibling
// `/srv/app2/secret` (reached as `../app2/secret`) starts with the same bytes and passes, so a
// file tool confined this way reads and writes one directory level beside its root, in every
// directory whose name begins with the root's. The test is safe when the base ends in a
// separator (`startswith(base + os.sep)`, a base assigned `os.path.join(root, "")`), when the
// statement also checks the separator, or when the check compares components
// (`os.path.commonpath`, `Path.is_relative_to`, `relative_to`, which this rule never reports).

extension CodeRules {
    /// Names whose call normalises a path for a containment test; a local helper named for it
    /// (`_normalize_path`, `resolve_path`) counts too.
    static func normalisesPath(_ t: Token) -> Bool {
        guard t.kind == .name else { return false }
        if normalisers.contains(t) { return true }
        let s = t.text.lowercased()
        return s.contains("normali") || s.contains("realpath") || s.contains("abspath") || s.contains("resolve")
    }

    /// Reports, in Python functions, `X.startswith(BASE)` in an `if not`/`elif not`, `return`
    /// or `assert` statement where X is a normalised path and BASE a plain name or attribute (or `str()` of
    /// one) that is never assigned a value ending in a separator.
    mutating func noteBarePrefixTests(_ scope: Scope, _ code: Code) {
        guard language == .python, scope.parent != nil else { return }
        let toks = code.tokens
        let body = scope.bodyStart..<min(max(scope.bodyStart, scope.bodyEnd), toks.count)
        guard body.contains(where: { toks[$0].isName("startswith") }) else { return }
        // Statement heads: each token's statement starts after the last newline outside brackets
        // (a `return any(\n p.startswith(d) for d in dirs\n)` is one statement).
        var head = [Int](repeating: body.lowerBound, count: body.count)
        var depth = 0
        var start = body.lowerBound
        for i in body {
            let t = toks[i]
            head[i - body.lowerBound] = start
            if t.kind == .op {
                if t.isOp("(") || t.isOp("[") || t.isOp("{") {
                    depth += 1
                } else if t.isOp(")") || t.isOp("]") || t.isOp("}") {
                    depth = max(0, depth - 1)
                }
            } else if t.kind == .newline && depth == 0 {
                start = i + 1
            }
        }
        for i in body where toks[i].isName("startswith") && !barePrefixReported.contains(i) {
            guard i >= body.lowerBound + 2, toks[i - 1].isOp("."), i + 1 < body.upperBound, toks[i + 1].isOp("(")
            else { continue }
            let close = Code.close(toks, i + 1, body.upperBound)
            guard close > i + 2, let base = plainOperand(toks, (i + 2)..<close) else { continue }
            guard let receiver = receiverRange(toks, i - 2, lowest: body.lowerBound) else { continue }
            let h = head[i - body.lowerBound]
            guard h < body.upperBound,
                toks[h].isName("if") || toks[h].isName("elif") || toks[h].isName("return")
                    || toks[h].isName("assert")
            else { continue }
            // An `if` refuses what fails the test (`if not real.startswith(base): raise`); an `if`
            // on the test itself picks a branch (`if p.startswith(prefix): p = p[len(prefix):]`
            // strips a prefix) and is no containment check.
            if toks[h].isName("if") || toks[h].isName("elif"),
                !(h..<i).contains(where: { toks[$0].isName("not") })
            {
                continue
            }
            // The statement also looks at the separator (`... and real[len(base)] == os.sep`).
            var end = h
            var d = 0
            while end < body.upperBound {
                let t = toks[end]
                if t.isOp("(") || t.isOp("[") || t.isOp("{") { d += 1 }
                if t.isOp(")") || t.isOp("]") || t.isOp("}") { d = max(0, d - 1) }
                if t.kind == .newline && d == 0 { break }
                end += 1
            }
            if (h..<end).contains(where: { separatorToken(toks[$0]) }) { continue }
            guard normalised(toks, receiver, body) else { continue }
            guard !assignedWithSeparator(toks, base) else { continue }
            barePrefixReported.insert(i)
            add(
                RuleID.pathTraversal, .medium, toks[i],
                "\(text(code, receiver)).startswith(\(base)) is a string prefix test, not containment: a sibling directory whose name begins with the base's (`\(base)` + \"2\") passes; compare with a separator (`startswith(base + os.sep)`), `os.path.commonpath`, or `Path.is_relative_to`"
            )
        }
    }

    /// The test's argument when it is a plain name or dotted attribute, or `str()` of one: the
    /// last name (`self.root` → `root`). A literal, a tuple, a join or a `+` is not a bare base.
    func plainOperand(_ toks: [Token], _ r: Range<Int>) -> String? {
        var r = r
        if r.count >= 3, toks[r.lowerBound].isName("str"), toks[r.lowerBound + 1].isOp("("),
            toks[r.upperBound - 1].isOp(")")
        {
            r = (r.lowerBound + 2)..<(r.upperBound - 1)
        }
        guard !r.isEmpty, r.count % 2 == 1 else { return nil }
        for (n, k) in r.enumerated() {
            if n % 2 == 0 {
                guard toks[k].kind == .name else { return nil }
            } else {
                guard toks[k].isOp(".") else { return nil }
            }
        }
        let last = toks[r.upperBound - 1].text
        // `os.sep`, `os.path.sep` are a separator, not a base.
        return last == "sep" || last == "altsep" ? nil : last
    }

    /// The receiver ending at `end`: a name, a dotted attribute, or a call (`str(p)`,
    /// `os.path.realpath(p)`), as a token range.
    func receiverRange(_ toks: [Token], _ end: Int, lowest: Int) -> Range<Int>? {
        var k = end
        while k >= lowest {
            if toks[k].isOp(")") || toks[k].isOp("]") {
                var d = 0
                var j = k
                while j >= lowest {
                    if toks[j].isOp(")") || toks[j].isOp("]") { d += 1 }
                    if toks[j].isOp("(") || toks[j].isOp("[") {
                        d -= 1
                        if d == 0 { break }
                    }
                    j -= 1
                }
                guard j >= lowest else { return nil }
                k = j - 1
                continue
            }
            guard toks[k].kind == .name else { break }
            if k - 1 >= lowest, toks[k - 1].isOp(".") {
                k -= 2
                continue
            }
            k -= 1
            break
        }
        return k + 1 <= end ? (k + 1)..<(end + 1) : nil
    }

    /// The receiver is a normalised path: its expression calls a normaliser, or the name it
    /// is (alone or in `str()`) is assigned one in the function.
    func normalised(_ toks: [Token], _ r: Range<Int>, _ body: Range<Int>) -> Bool {
        if r.contains(where: { Self.normalisesPath(toks[$0]) }) { return true }
        var names = r.filter { toks[$0].kind == .name && !toks[$0].isName("str") }.map { toks[$0].text }
        guard names.count == 1 || (names.count == 2 && names[0] == "self") else { return false }
        let name = names.removeLast()
        for k in body where toks[k].kind == .name && toks[k].text == name {
            guard k + 1 < body.upperBound, toks[k + 1].isOp("=") else { continue }
            var j = k + 2
            while j < body.upperBound && toks[j].kind != .newline {
                if Self.normalisesPath(toks[j]) { return true }
                j += 1
            }
        }
        return false
    }

    /// A separator in the test's statement: `os.sep`, `"/"`, `"\\"`.
    func separatorToken(_ t: Token) -> Bool {
        if t.kind == .name { return t.isName("sep") || t.isName("altsep") }
        if t.kind == .string { return t.text == "/" || t.text == "\\\\" || t.text == "\\" }
        return false
    }

    /// Anywhere in the file, the base's name is assigned (`=` or `+=`) a value that ends in a
    /// separator: `os.sep` or `"/"` in it, or a join with an empty last part
    /// (`os.path.join(root, "")`).
    func assignedWithSeparator(_ toks: [Token], _ name: String) -> Bool {
        for k in toks.indices where toks[k].kind == .name && toks[k].text == name {
            guard k + 1 < toks.count, toks[k + 1].isOp("=") || toks[k + 1].isOp("+=") else { continue }
            var j = k + 2
            while j < toks.count && toks[j].kind != .newline {
                let t = toks[j]
                if separatorToken(t) { return true }
                if t.kind == .string && t.text.hasSuffix("/") { return true }
                if t.kind == .string && t.text.isEmpty && !t.formatted, j + 1 < toks.count, toks[j + 1].isOp(")") {
                    return true
                }
                j += 1
            }
        }
        return false
    }
}
