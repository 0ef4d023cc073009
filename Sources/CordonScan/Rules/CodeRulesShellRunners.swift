// Functions that run their argument in a shell are shell sinks too (issue 16, session 13).
// wcgw's `command_run(cmd)` is `Popen(cmd, shell=True)`, and its computer-use tool formats the
// model's key text and container id into the line it hands it (`self.shell(f"{xdotool} key --
// {text}")`, `command_run(f"docker exec {id} sh -c '{command}'")`): the injection happens where
// the line is built, in the caller. A function whose own parameter reaches a shell as the
// command, or inside a command line it builds for another such function, is a shell runner;
// a call handing one a built string (f-string, `+`, `%`, `.format`) with a part that is not
// constant is reported there, as a direct `shell=True` call would be. Runners of other files
// come from the project pass (`shell:NAME:POSITION`, for the files importing NAME).

/// A call of a function that may be a shell runner, with the argument positions it builds.
struct RunnerCall {
    var name: String
    /// Per positional argument: built from parts, its origin, the caller's own parameters in it.
    var args: [(built: Bool, origin: Origin, params: [String])]
    var caller: Scope
    var at: Token
    var length: Int
    var written: String
    var text: [String]
    var imported: Bool
}

extension CodeRules {
    /// The caller's own parameters (not reassigned) among the names of `r`.
    func ownParams(_ r: Range<Int>, _ scope: Scope, _ code: Code) -> [String] {
        guard scope.parent != nil else { return [] }
        var out: [String] = []
        for j in r where code.tokens[j].kind == .name {
            let n = code.tokens[j].text
            if scope.params.contains(n), scope.env[n] == nil, !out.contains(n) { out.append(n) }
        }
        for j in r where code.tokens[j].kind == .string {
            for p in code.tokens[j].parts {
                for t in p where t.kind == .name && scope.params.contains(t.text) && scope.env[t.text] == nil {
                    if !out.contains(t.text) { out.append(t.text) }
                }
            }
        }
        return out
    }

    /// A shell sink's command `r` in `scope`: the function runs its parameters found there,
    /// directly or through a name assigned a line built from them above the sink (`line =
    /// f"docker exec {id} sh -c '{command}'"`, then `Popen(line, shell=True)`).
    mutating func noteShellRunner(_ r: Range<Int>, _ scope: Scope, _ code: Code) {
        guard language == .python, scope.parent != nil else { return }
        var found = ownParams(r, scope, code)
        let toks = code.tokens
        for j in r where toks[j].kind == .name && scope.env[toks[j].text] != nil {
            var i = r.lowerBound - 1
            while i >= scope.bodyStart && i > 0 {
                if toks[i].kind == .name, toks[i].text == toks[j].text, toks[i + 1].isOp("="),
                    toks[i - 1].kind == .newline
                {
                    var e = i + 2
                    while e < toks.count && toks[e].kind != .newline { e += 1 }
                    for p in ownParams((i + 2)..<e, scope, code) where !found.contains(p) { found.append(p) }
                    break
                }
                i -= 1
            }
        }
        for p in found {
            guard let i = scope.order.firstIndex(of: p) else { continue }
            runners.local[scope.name, default: []].insert(i)
            if scope.parent?.parent == nil { runners.moduleLevel.insert(scope.name) }
        }
    }

    /// Every call of a function of this file or an imported one with an argument: judged at the
    /// file's end, when the runners are known.
    mutating func noteRunnerCall(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, !c.onExpression, !c.known, !c.args.isEmpty else { return }
        var name = c.last
        var imported = false
        if c.segments.count == 1, let path = code.aliases[c.last] {
            name = path.split(separator: ".").last.map(String.init) ?? c.last
            imported = true
            guard projectRunners[name] != nil else {
                // Tell the project pass this file builds a line for an imported function: if
                // another file finds it runs that line in a shell, this file is read again.
                if c.args.contains(where: { code.isBuilt($0) && !code.origin($0, scope).isSafe }) {
                    runners.builtForImported.insert(name)
                }
                return
            }
        } else if !(localFunctions.contains(c.last)
            && (c.segments.count == 1 || (c.segments.count == 2 && c.segments[0] == "self")))
        {
            return
        }
        // Only calls that build a line or pass their own parameters on can matter.
        let params = c.args.map { ownParams($0, scope, code) }
        guard c.args.contains(where: code.isBuilt) || params.contains(where: { !$0.isEmpty }) else { return }
        let args = c.args.indices.map { i in
            (built: code.isBuilt(c.args[i]), origin: code.origin(c.args[i], scope), params: params[i])
        }
        runners.calls.append(
            RunnerCall(
                name: name, args: args, caller: scope, at: at, length: len, written: written(c),
                text: c.args.map { text(code, $0) }, imported: imported))
    }

    /// At the file's end: runners found through other runners, then the calls building a line
    /// for one from parts that are not constant.
    mutating func settleShellRunners() {
        defer {
            for name in runners.moduleLevel { if let ps = runners.local[name] { runners.exported[name] = ps } }
            runners.local = [:]
            runners.calls = []
        }
        guard !runners.calls.isEmpty else { return }
        func positions(_ call: RunnerCall) -> Set<Int> {
            call.imported ? projectRunners[call.name] ?? [] : runners.local[call.name] ?? []
        }
        var changed = true
        while changed {
            changed = false
            for call in runners.calls where call.caller.parent != nil {
                for i in positions(call) where i < call.args.count {
                    for p in call.args[i].params {
                        guard let k = call.caller.order.firstIndex(of: p),
                            runners.local[call.caller.name, default: []].insert(k).inserted
                        else { continue }
                        if call.caller.parent?.parent == nil { runners.moduleLevel.insert(call.caller.name) }
                        changed = true
                    }
                }
            }
        }
        for call in runners.calls {
            for i in positions(call).sorted() where i < call.args.count {
                let a = call.args[i]
                guard a.built, !a.origin.isSafe else { continue }
                add(
                    RuleID.shellInjection, a.origin == .untrusted ? .critical : .high, call.at,
                    "\(call.written)() runs its argument in a shell; this line is built from \(Self.describe(a.origin)): \(call.text[i])",
                    length: call.length)
                break
            }
        }
    }

    /// `shell:NAME:POSITION` for the module-level runners, for the files that import them.
    var exportedRunners: Set<String> {
        var out: Set<String> = []
        for (name, ps) in runners.exported { for p in ps { out.insert("shell:\(name):\(p)") } }
        return out
    }
}

/// The file's shell runners (by name: the positions of the parameters they run) and the calls
/// that may hand them a command line.
struct ShellRunners {
    var local: [String: Set<Int>] = [:]
    var calls: [RunnerCall] = []
    /// Kept past the file's end: the module-level runners, for other files.
    var exported: [String: Set<Int>] = [:]
    var moduleLevel: Set<String> = []
    /// Imported functions this file hands a built line (`import:NAME` for the project pass).
    var builtForImported: Set<String> = []
}
