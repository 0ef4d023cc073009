// What a function does before it acts that makes the act the user's or the developer's
// choice (issue 16, session 11): a confirmation the code waits on before running the model's
// code (gptme's `if not ask_execute(): return`, camel's `input("Run? [y/N]")`), and helpers of
// the file that resolve a path and refuse one outside the base (autogpt-forge's
// `LocalWorkspace._resolve_path`), whatever they are called.

extension CodeRules {
    /// Rules whose finding is the model's code, command, file or URL being acted on at all: with
    /// a confirmation the function waits on, a person reads it first (the approval step the
    /// issue asks for).
    static let confirmedRules: Set<String> = [
        RuleID.evalInjection, RuleID.unsandboxedInterpreter, RuleID.shellTool, RuleID.shellInjection,
        RuleID.dangerousTool, RuleID.pathTraversal, RuleID.ssrf,
    ]

    /// Words in a call that asks a person (`ask_execute`, `confirm`, `click.confirm`,
    /// `Confirm.ask`, `request_approval`, `input`, `get_user_input`, `request_permission`,
    /// `user_consent`).
    static func asksPerson(_ name: String) -> Bool {
        // Over the name's bytes, case-folded, without copying it: this runs for every call
        // in a function with a finding to weigh.
        var n = name
        return n.withUTF8 { b in
            if folded(b, equals: "input") || folded(b, equals: "ask") || folded(b, equals: "prompt_user") {
                return true
            }
            if b.count >= 4 && folded(UnsafeBufferPointer(rebasing: b[0..<4]), equals: "ask_") { return true }
            return foldedContains(b, "confirm") || foldedContains(b, "approv") || foldedContains(b, "user_input")
                || foldedContains(b, "permission") || foldedContains(b, "consent")
        }
    }

    static func folded(_ b: UnsafeBufferPointer<UInt8>, equals w: StaticString) -> Bool {
        guard b.count == w.utf8CodeUnitCount else { return false }
        let p = w.utf8Start
        for i in 0..<b.count where b[i] | 0x20 != p[i] | 0x20 { return false }
        return true
    }

    /// `w` (lower-case ASCII) occurs in `b`, ignoring ASCII case.
    static func foldedContains(_ b: UnsafeBufferPointer<UInt8>, _ w: StaticString) -> Bool {
        let n = w.utf8CodeUnitCount
        guard b.count >= n else { return false }
        let p = w.utf8Start
        var i = 0
        while i + n <= b.count {
            if b[i] | 0x20 == p[0] {
                var k = 1
                while k < n && b[i + k] | 0x20 == p[k] | 0x20 { k += 1 }
                if k == n { return true }
            }
            i += 1
        }
        return false
    }

    /// The body waits on a person's answer: a confirmation call in an `if`/`while` condition
    /// (`if not confirm(...)`), or its result, held in a name, tested by one
    /// (`ok = ask_execute()` ... `if not ok: return`). A call whose answer nothing tests is no gate.
    func gatesOnConfirmation(_ body: Range<Int>, _ code: Code) -> Bool { !confirmationGates(body, code).isEmpty }

    /// The token indices of the statements that wait on a person's answer (the `if`, `elif`
    /// or `while` whose condition asks, or tests the answer).
    func confirmationGates(_ body: Range<Int>, _ code: Code) -> [Int] {
        let toks = code.tokens
        // Each answer's name and where it was asked: only a test after that tests the answer
        // (vanna's `if question is None: question = input(...)` tests no answer).
        var answers: [String: Int] = [:]
        var gates: [Int] = []
        for i in body where toks[i].kind == .name && i + 1 < body.upperBound && toks[i + 1].isOp("(") {
            guard Self.asksPerson(toks[i].text) else { continue }
            var j = i
            while j - 2 >= body.lowerBound && toks[j - 1].isOp(".") && toks[j - 2].kind == .name { j -= 2 }
            if j - 1 >= body.lowerBound, toks[j - 1].isName("await") || toks[j - 1].isName("not") { j -= 1 }
            // `answer = (\n input("...")\n .strip()\n .lower()\n)`: a bracket opened right after
            // `=` only wraps the question over lines (llm-tools-execute-shell; issue 16, session
            // 14, second round). A call's bracket has its callee before it, not `=`.
            if j - 2 >= body.lowerBound, toks[j - 1].isOp("("), toks[j - 2].isOp("=") { j -= 1 }
            if j - 2 >= body.lowerBound, toks[j - 1].isOp("="), toks[j - 2].kind == .name {
                answers[toks[j - 2].text] = answers[toks[j - 2].text] ?? i
            }
            var k = j - 1
            while k >= body.lowerBound && toks[k].kind != .newline { k -= 1 }
            let head = toks[k + 1]
            if head.isName("if") || head.isName("elif") || head.isName("while") { gates.append(k + 1) }
        }
        guard !answers.isEmpty else { return gates }
        for i in body where toks[i].isName("if") || toks[i].isName("elif") {
            var k = i + 1
            while k < body.upperBound && toks[k].kind != .newline {
                if toks[k].kind == .name, let asked = answers[toks[k].text], asked < i {
                    gates.append(i)
                    break
                }
                k += 1
            }
        }
        return gates
    }

    /// Removes the findings of running the model's code inside a function that first waits on
    /// a person's confirmation (the function's own lines; helpers it calls are judged alone).
    /// In Python the confirmation must come before the finding's line, in a block still open
    /// there or inside blocks only the operator's settings skip (`dominates`).
    mutating func dropConfirmed(_ scope: Scope, _ code: Code) {
        guard scope.parent != nil, scope.bodyEnd > scope.bodyStart, scope.bodyEnd <= code.tokens.count,
            let last = findings.last, last.line >= scope.line
        else { return }
        let lastLine = code.tokens[scope.bodyEnd - 1].line
        let inside = { (f: Finding) in
            Self.confirmedRules.contains(f.rule) && f.line >= scope.line && f.line <= lastLine
        }
        guard findings.contains(where: inside) else { return }
        let body = scope.bodyStart..<scope.bodyEnd
        let gates = confirmationGates(body, code)
        guard !gates.isEmpty else { return }
        if language != .python {
            findings.removeAll(where: inside)
            return
        }
        let confirmed = Set(
            findings.indices.filter { i in
                inside(findings[i]) && gates.contains { dominates($0, line: findings[i].line, body, scope, code) }
            })
        guard !confirmed.isEmpty else { return }
        findings = findings.indices.filter { !confirmed.contains($0) }.map { findings[$0] }
    }

    static let normalisers = WordSet(["realpath", "abspath", "resolve", "normpath", "normalize", "canonicalize"])
    static let containmentChecks = WordSet([
        "startswith", "startsWith", "is_relative_to", "commonpath", "relative_to", "relative", "commonprefix",
    ])

    /// A function of the file that normalises a path and checks it stays under a base (it
    /// raises or returns otherwise): calling it is the check, in the functions below it.
    mutating func notePathChecker(_ scope: Scope, _ code: Code) {
        guard scope.parent != nil, scope.bodyEnd > scope.bodyStart, scope.bodyEnd <= code.tokens.count else { return }
        var normalises = false
        var checks = false
        var refuses = false
        if returnsContainment(scope, code) { pathPredicates.insert(scope.name) }
        for i in scope.bodyStart..<scope.bodyEnd where code.tokens[i].kind == .name {
            let t = code.tokens[i]
            if !normalises && Self.normalisers.contains(t) { normalises = true }
            if !checks && isContainmentTest(code.tokens, i) { checks = true }
            // pathlib's `relative_to` raises by itself for a path outside the base; a prefix
            // test refuses only with a `raise` (`path.startswith("/")` alone tidies, not checks).
            // A predicate (`return p.startswith(base)`, `return False`) refuses through its
            // caller's `if`.
            if t.isName("raise") || t.isName("relative_to") || t.isName("throw") { refuses = true }
            if t.isName("return"), i + 1 < scope.bodyEnd,
                code.tokens[i + 1].isName("False") || code.tokens[i + 1].isName("false")
                    || returnsCheck(code, i, scope.bodyEnd)
            {
                refuses = true
            }
            if normalises && checks && refuses {
                pathCheckers.insert(scope.name)
                return
            }
        }
    }

    /// `return <expression with a containment test>` on one line.
    func returnsCheck(_ code: Code, _ at: Int, _ end: Int) -> Bool {
        var j = at + 1
        while j < end && code.tokens[j].kind != .newline {
            if code.tokens[j].kind == .name && isContainmentTest(code.tokens, j) { return true }
            j += 1
        }
        return false
    }

    /// A containment test at `i` (issue 16, session 13, second round): a string or path method
    /// that compares a path with its base (`startswith`, `is_relative_to`, `commonpath`), a
    /// call of the file's own predicate that does (`_is_inside(allowed, real)`), or pathlib's
    /// ancestor test `base in path.parents` (`parents` lists every directory above a path, so
    /// membership is containment; `mkdir(parents=True)` is a keyword, not a test).
    func isContainmentTest(_ toks: [Token], _ i: Int) -> Bool {
        let t = toks[i]
        guard t.kind == .name else { return false }
        if Self.containmentChecks.contains(t) { return true }
        if !pathPredicates.isEmpty, i + 1 < toks.count, toks[i + 1].isOp("("), pathPredicates.contains(t.text) {
            return true
        }
        guard t.isName("parents"), i >= 2, toks[i - 1].isOp("."), i + 1 >= toks.count || !toks[i + 1].isOp("=")
        else { return false }
        var k = i - 2
        while k >= 0 && toks[k].kind != .newline {
            if toks[k].isName("in") { return true }
            k -= 1
        }
        return false
    }

    /// A function whose answer is a containment test (`def _is_inside(parent, child): return
    /// child == parent or parent in child.parents`): its callers test containment by calling it.
    func returnsContainment(_ scope: Scope, _ code: Code) -> Bool {
        guard scope.parent != nil, language == .python else { return false }
        let toks = code.tokens
        for i in scope.bodyStart..<scope.bodyEnd where toks[i].isName("return") {
            var j = i + 1
            while j < scope.bodyEnd && toks[j].kind != .newline {
                // `name.startswith(".")` tests a name's shape, not where a path lies.
                let literal = j + 2 < scope.bodyEnd && toks[j + 1].isOp("(") && toks[j + 2].kind == .string
                if isContainmentTest(toks, j) && !literal { return true }
                j += 1
            }
        }
        return false
    }

    /// A containment test that refuses (issue 16, session 12): pathlib's `relative_to` (it
    /// raises by itself), a test in an `assert`, or one in an `if` whose block raises, throws or
    /// returns (`if not p.startswith(base): return "denied"`). A test whose block only logs,
    /// or whose result nothing acts on, lets the path through.
    func refusesOutside(_ body: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        let js = code.language == .javascript
        for i in body where toks[i].kind == .name && isContainmentTest(toks, i) {
            if toks[i].isName("relative_to") { return true }
            var k = i - 1
            // JavaScript has no line tokens inside a call's parentheses (`tool({ execute })`):
            // a statement there starts after `;`, `{` or `}`.
            while k >= body.lowerBound && toks[k].kind != .newline
                && !(js && (toks[k].isOp(";") || toks[k].isOp("{") || toks[k].isOp("}")))
            {
                k -= 1
            }
            if js, k + 2 < body.upperBound, toks[k + 1].isName("if"), toks[k + 2].isOp("(") {
                // `if (!full.startsWith(base)) throw ...;` or `{ return ...; }`.
                let c = Code.close(toks, k + 2, body.upperBound)
                var j = c + 1
                let block = j < body.upperBound && toks[j].isOp("{")
                let end = block ? Code.close(toks, j, body.upperBound) : body.upperBound
                while j < end && (block || !(toks[j].isOp(";") || toks[j].kind == .newline)) {
                    if toks[j].isName("throw") || toks[j].isName("return") { return true }
                    j += 1
                }
                continue
            }
            guard k + 1 < body.upperBound else { continue }
            let head = toks[k + 1]
            if head.isName("assert") { return true }
            guard head.isName("if") || head.isName("elif") || head.isName("else") || head.isOp("}") else { continue }
            // The block: this line after the test, and the lines indented under the `if`.
            var j = i + 1
            var sawNewline = false
            while j < body.upperBound {
                let t = toks[j]
                if t.kind == .newline {
                    sawNewline = true
                } else if sawNewline {
                    if t.column <= head.column && !t.isOp("}") { break }
                    sawNewline = false
                }
                if t.isName("raise") || t.isName("return") || t.isName("throw") || t.isName("abort") { return true }
                j += 1
            }
        }
        return false
    }

    /// A URL template the developer configured, filled in with `.format` (`self.url.format(
    /// city=...)`, `API_URL.format(q)`): the model fills placeholders, not the template, so
    /// not the host. A parameter's or the model's template is not configured.
    func configuredTemplate(_ u: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        var j = u.lowerBound
        while j < u.upperBound, toks[j].kind == .name || toks[j].isOp(".") { j += 1 }
        guard j - u.lowerBound >= 3, j < u.upperBound, toks[j].isOp("("), toks[j - 1].isName("format"),
            toks[j - 2].isOp(".")
        else { return false }
        let head = u.lowerBound..<(j - 2)
        if head.count == 1 && scope.params.contains(toks[head.lowerBound].text) { return false }
        return code.origin(head, scope) != .untrusted
    }

    /// `wd = get_web_driver()` ... `wd.get(url)`: a name the function assigned from a call
    /// named for a web driver or browser holds one, whatever the name (agency-swarm's ReadURL).
    func heldBrowser(_ c: Call, _ scope: Scope, _ code: Code) -> Bool {
        // In tools only: `.get` is mostly a dict's, and this reads the body up to the call.
        guard scope.inTool, c.segments.count == 2, c.args.count == 1 else { return false }
        let toks = code.tokens
        let name = c.segments[0]
        var i = scope.bodyStart
        while i + 2 < c.first {
            if toks[i].kind == .name, toks[i].text == name, toks[i + 1].isOp("="),
                i == 0 || toks[i - 1].kind == .newline
            {
                var j = i + 2
                while j < c.first && toks[j].kind != .newline && !toks[j].isOp("(") {
                    if toks[j].kind == .name,
                        TaintWords.split(toks[j].text).contains(where: {
                            $0 == "driver" || $0 == "webdriver" || $0 == "browser"
                        })
                    {
                        return true
                    }
                    j += 1
                }
            }
            i += 1
        }
        return false
    }
}
