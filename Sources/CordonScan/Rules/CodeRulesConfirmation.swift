// Where a confirmation stands (issue 16, session 13). A person's answer gates what comes after
// it in a block still open, not what a model-chosen branch reaches around it (strands' editor
// asks only for modifying commands, so its `view` reads any path unasked); and a helper of the
// file that only confirmed code calls (strands' `ReplState.execute`, run by the `python_repl`
// tool after `get_user_input`) runs what a person read first.

/// Calls of the file's own functions and the functions with findings, for the helpers that
/// only confirmed code calls (settled at the file's end).
struct CalleeGates {
    var sites: [String: [(scope: Scope, line: Int, passes: Bool)]] = [:]
    var spans: [Scope] = []
}

extension CodeRules {
    /// Whether the confirmation at `gate` stands between the function's start and `line`
    /// (issue 16, session 13). The gate's block must still be open at that line; where the gate
    /// sits inside `if` blocks that close before it, each of their conditions must be the
    /// operator's (`if not DEV_MODE:`), not the model's: strands' editor and HTTP tools ask only
    /// `if needs_confirmation:`, which the model's own `command`/`method` decides, so a `view` or a
    /// `GET` after that block runs unasked.
    func dominates(_ gate: Int, line: Int, _ body: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        guard toks[gate].line < line else { return false }
        let column = toks[gate].column
        // The lowest indentation of a line starting between the gate and `line`.
        var lowest = column
        var j = gate
        while j < body.upperBound && toks[j].line <= line {
            if toks[j].kind == .newline, j + 1 < body.upperBound, toks[j + 1].kind != .newline,
                toks[j + 1].line <= line
            {
                lowest = min(lowest, toks[j + 1].column)
            }
            j += 1
        }
        if lowest >= column { return true }
        // The blocks around the gate that closed: their headers, read backwards from the gate.
        var need = column
        var k = gate - 1
        while k >= body.lowerBound && need > lowest {
            if toks[k].kind == .newline, k + 1 < gate, toks[k + 1].column < need {
                let head = k + 1
                need = toks[head].column
                if need < lowest { break }
                guard toks[head].isName("if") || toks[head].isName("elif") else { return false }
                var e = head + 1
                while e < body.upperBound && toks[e].kind != .newline { e += 1 }
                var colon = e - 1
                while colon > head && !toks[colon].isOp(":") { colon -= 1 }
                if modelDecides((head + 1)..<max(head + 1, colon), scope, code) { return false }
            }
            k -= 1
        }
        return true
    }

    /// Whether the model's input decides an `if` around a confirmation. A bare truth test of
    /// flags (`if ask:`, `if not DEV and not non_interactive_mode:`, `if self.confirm:`) is the
    /// operator's setting of whether to ask, even when the flag is a parameter of the tool
    /// (gptme's `execute_python(code, ask)`); a flag the function computed keeps the origin of
    /// what it was computed from (`needs_confirmation = command in modifying_commands`), and a
    /// test on data (`if method.upper() in MUTATING:`) is the model's when the data is.
    func modelDecides(_ cond: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        var flags = true
        for j in cond {
            let t = toks[j]
            if t.kind == .name {
                if t.isName("not") || t.isName("and") || t.isName("or") { continue }
                if j > cond.lowerBound && toks[j - 1].isOp(".") { continue }
                if j + 1 < cond.upperBound && toks[j + 1].isOp(".") && t.isName("self") { continue }
                if scope.params.contains(t.text) && scope.env[t.text] == nil { continue }
                if scope.lookup(t.text) == .untrusted && computedByTest(t.text, before: cond.lowerBound, scope, code) {
                    return true
                }
            } else if !(t.isOp("(") || t.isOp(")") || t.isOp(".")) {
                flags = false
            }
        }
        return flags ? false : code.origin(cond, scope) == .untrusted
    }

    /// `name` was assigned a test on data in the function (`needs_confirmation = command in
    /// modifying_commands and not dev`), not read as a setting (`non_interactive_mode =
    /// kwargs.get("non_interactive_mode", False)`, strands' invocation keywords).
    func computedByTest(_ name: String, before end: Int, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        var i = scope.bodyStart
        while i + 1 < end {
            if toks[i].kind == .name, toks[i].text == name, toks[i + 1].isOp("="), toks[i - 1].kind == .newline {
                var j = i + 2
                while j < end && toks[j].kind != .newline {
                    let t = toks[j]
                    if t.isName("in") || t.isOp("==") || t.isOp("!=") || t.isOp("<") || t.isOp(">") || t.isOp("<=")
                        || t.isOp(">=")
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

    /// What a confirmation in the caller covers in a helper: running the code, command, file or
    /// URL the person read. Not a shell line the helper builds around it (gptme's tmux tool
    /// formats the confirmed command into `tmux send-keys ... {keys}` for a host shell): that
    /// composition is not what the person saw.
    static let calleeConfirmedRules: Set<String> = [
        RuleID.evalInjection, RuleID.unsandboxedInterpreter, RuleID.shellTool, RuleID.dangerousTool,
        RuleID.pathTraversal, RuleID.ssrf,
    ]

    /// A call of one of the file's functions (Python): `helper(x)`, `self.helper(x)`, or
    /// `obj.helper(x)` where the function assigned `obj` an instance of a class of this file
    /// (`pty_mgr = PtyManager()`), not `reader.start()` on a thread of the standard library.
    mutating func noteCallSite(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard language == .python, !c.onExpression, scope.parent != nil, localFunctions.contains(c.last),
            c.segments.count <= 2
        else { return }
        if c.segments.count == 2 && c.segments[0] != "self" && !localInstances.contains(c.segments[0]) { return }
        calleeGates.sites[c.last, default: []].append((scope, at.line, !c.args.isEmpty || !c.keywords.isEmpty))
    }

    /// At a function's end: it has findings a confirmation would cover.
    mutating func noteSpan(_ scope: Scope, _ code: Code) {
        guard language == .python, scope.parent != nil, let last = findings.last, last.line >= scope.line,
            scope.bodyEnd > scope.bodyStart, scope.bodyEnd <= code.tokens.count
        else { return }
        let lastLine = code.tokens[scope.bodyEnd - 1].line
        if findings.contains(where: {
            Self.calleeConfirmedRules.contains($0.rule) && $0.line >= scope.line && $0.line <= lastLine
        }) {
            calleeGates.spans.append(scope)
        }
    }

    /// At the file's end: the findings of helpers every call of which (in this file) comes
    /// after a confirmation, or from a helper that is itself only so called.
    mutating func settleConfirmedCallees(_ code: Code) {
        defer { calleeGates = CalleeGates() }
        guard !calleeGates.spans.isEmpty else { return }
        var gated: [ObjectIdentifier: Bool] = [:]
        func confirmedAt(_ scope: Scope, _ line: Int) -> Bool {
            let body = scope.bodyStart..<max(scope.bodyStart, scope.bodyEnd)
            let id = ObjectIdentifier(scope)
            if gated[id] == false { return false }
            let gates = confirmationGates(body, code)
            gated[id] = !gates.isEmpty
            return gates.contains { dominates($0, line: line, body, scope, code) }
        }
        // Helpers whose every covered finding sits on a line using one of their parameters: a
        // call passing no argument leaves those at their defaults (strands' `save_state(code=None)`
        // called bare from the reset path), so it hands the sink nothing (session 13, second round).
        var paramFed: Set<String> = []
        for span in calleeGates.spans where !span.order.isEmpty {
            let lastLine = code.tokens[span.bodyEnd - 1].line
            let lines = Set(
                findings.filter {
                    Self.calleeConfirmedRules.contains($0.rule) && $0.line >= span.line && $0.line <= lastLine
                }.map(\.line))
            var fed: Set<Int> = []
            for i in span.bodyStart..<span.bodyEnd where lines.contains(code.tokens[i].line) {
                if code.tokens[i].kind == .name, span.order.contains(code.tokens[i].text),
                    span.env[code.tokens[i].text] == nil
                {
                    fed.insert(code.tokens[i].line)
                }
            }
            if !lines.isEmpty && fed == lines { paramFed.insert(span.name) }
        }
        var confirmed: Set<String> = []
        var changed = true
        while changed {
            changed = false
            for (name, sites) in calleeGates.sites where !confirmed.contains(name) && !sites.isEmpty {
                let feeding = sites.filter { $0.passes || !paramFed.contains(name) }
                if !feeding.isEmpty,
                    feeding.allSatisfy({ confirmed.contains($0.scope.name) || confirmedAt($0.scope, $0.line) })
                {
                    confirmed.insert(name)
                    changed = true
                }
            }
        }
        let spans = calleeGates.spans.filter { confirmed.contains($0.name) }
        guard !spans.isEmpty else { return }
        let ranges = spans.map { $0.line...code.tokens[$0.bodyEnd - 1].line }
        findings.removeAll { f in Self.calleeConfirmedRules.contains(f.rule) && ranges.contains { $0.contains(f.line) }
        }
    }
}
