// A command allow-list the code enforces before it runs a command (issue 16, session 12): a
// function of the file that tests the command (or its words) against a list of allowed
// programs, flags or operators and raises otherwise (cli-mcp-server's `validate_command`,
// a `check_command` that refuses what is not in `ALLOWED_COMMANDS`), called in the function
// that runs it. The shell then runs only what the developer listed.

extension CodeRules {
    /// Words of a name that holds an allow-list of commands (`ALLOWED_COMMANDS`,
    /// `allowed_flags`, `whitelist`), read over the bytes without copying the name.
    static func namesAllowList(_ name: String) -> Bool {
        var n = name
        return n.withUTF8 { b in
            guard b.count >= 5 else { return false }
            for i in 0..<(b.count - 4) {
                let c = b[i] | 0x20
                if c == 0x61, b[i + 1] | 0x20 == 0x6C, b[i + 2] | 0x20 == 0x6C, b[i + 3] | 0x20 == 0x6F,
                    b[i + 4] | 0x20 == 0x77
                {
                    return true  // "allow"
                }
                if c == 0x77, i + 8 < b.count, b[i + 1] | 0x20 == 0x68, b[i + 5] | 0x20 == 0x6C,
                    b[i + 8] | 0x20 == 0x74
                {
                    return true  // "whitelist"
                }
            }
            return false
        }
    }

    /// Notes the function as a command checker when its body tests membership (`in`, `not
    /// in`) in an allow-list and raises, or calls a checker already noted and raises.
    mutating func noteCommandChecker(_ scope: Scope, _ code: Code) {
        guard scope.parent != nil, scope.bodyEnd > scope.bodyStart, scope.bodyEnd <= code.tokens.count else { return }
        // Keyword tests first (integer compares); names are read only in a body that both
        // tests membership and raises (few do).
        var membership = false
        var raises = false
        for i in scope.bodyStart..<scope.bodyEnd where code.tokens[i].kind == .name {
            let t = code.tokens[i]
            if t.isName("raise") { raises = true }
            if t.isName("in") { membership = true }
            if raises && membership { break }
        }
        guard raises && membership else { return }
        for i in scope.bodyStart..<scope.bodyEnd where code.tokens[i].kind == .name {
            let t = code.tokens[i]
            if Self.namesAllowList(t.text) || commandCheckers.contains(t.text) {
                commandCheckers.insert(scope.name)
                return
            }
        }
    }

    /// Drops the shell findings of a function that calls a command checker of the file on its
    /// way to the shell (a finding of the model's command stays when nothing checks it).
    mutating func dropAllowListedCommands(_ scope: Scope, _ code: Code) {
        guard !commandCheckers.isEmpty, scope.parent != nil, scope.bodyEnd > scope.bodyStart,
            scope.bodyEnd <= code.tokens.count, let last = findings.last, last.line >= scope.line
        else { return }
        let toks = code.tokens
        var calls = false
        for i in scope.bodyStart..<(scope.bodyEnd - 1)
        where toks[i].kind == .name && toks[i + 1].isOp("(") && commandCheckers.contains(toks[i].text) {
            calls = true
            break
        }
        guard calls else { return }
        let lastLine = toks[scope.bodyEnd - 1].line
        findings.removeAll {
            ($0.rule == RuleID.shellInjection || $0.rule == RuleID.shellTool) && $0.line >= scope.line
                && $0.line <= lastLine
        }
    }
}
