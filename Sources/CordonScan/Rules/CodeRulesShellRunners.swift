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
    /// The same per keyword argument (`command=command`).
    var keywords: [(name: String, built: Bool, origin: Origin, params: [String])] = []
    var caller: Scope
    var at: Token
    var length: Int
    var written: String
    var text: [String]
    var imported: Bool
    var keywordText: [String] = []
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
    mutating func noteShellRunner(_ r: Range<Int>, _ scope: Scope, _ code: Code, runsCode: Bool = false) {
        guard language == .python, scope.parent != nil else { return }
        var found = ownParams(r, scope, code)
        if runsCode && !found.isEmpty { runners.codeRunners.insert(scope.name) }
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
            runners.localNames[scope.name, default: []].insert(p)
            if scope.parent?.parent == nil { runners.moduleLevel.insert(scope.name) }
        }
    }

    /// Every call of a function of this file or an imported one with an argument: judged at the
    /// file's end, when the runners are known.
    mutating func noteRunnerCall(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, !c.onExpression, !c.known, !c.args.isEmpty || !c.keywords.isEmpty else { return }
        var name = c.last
        var imported = false
        let method =
            c.segments.count == 2 || (c.segments.count == 3 && c.segments[0] == "self")
            ? heldInstanceModule(c, code) : nil
        if (c.segments.count == 1 && code.aliases[c.last] != nil) || method != nil {
            if let method {
                // `python_runner.run_python_code(code)` where `python_runner = RunPythonCode()`
                // of `.code`: that module's method, by its qualified name.
                name = method + "." + c.last
            } else if let path = code.aliases[c.last] {
                name = path.split(separator: ".").last.map(String.init) ?? c.last
            }
            imported = true
            guard projectRunners[name] != nil || projectRunnerKeywords[name] != nil else {
                // Tell the project pass this file builds a line for an imported function, or a
                // tool hands one the model's input as it is: if another file finds it runs
                // that in a shell, this file is read again.
                let values = c.args + c.keywords.map(\.1)
                if values.contains(where: { code.isBuilt($0) && !code.origin($0, scope).isSafe })
                    || (scope.inTool && values.contains { code.origin($0, scope) == .untrusted })
                {
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
        let keywordParams = c.keywords.map { ownParams($0.1, scope, code) }
        let raw =
            imported && scope.inTool && (c.args + c.keywords.map(\.1)).contains { code.origin($0, scope) == .untrusted }
        guard
            raw || c.args.contains(where: code.isBuilt) || params.contains(where: { !$0.isEmpty })
                || c.keywords.contains(where: { code.isBuilt($0.1) }) || keywordParams.contains(where: { !$0.isEmpty })
        else { return }
        let args = c.args.indices.map { i in
            (built: code.isBuilt(c.args[i]), origin: code.origin(c.args[i], scope), params: params[i])
        }
        let keywords = c.keywords.indices.map { i in
            (
                name: c.keywords[i].0, built: code.isBuilt(c.keywords[i].1),
                origin: code.origin(c.keywords[i].1, scope),
                params: keywordParams[i]
            )
        }
        var call = RunnerCall(
            name: name, args: args, caller: scope, at: at, length: len, written: written(c),
            text: c.args.map { text(code, $0) }, imported: imported)
        call.keywords = keywords
        call.keywordText = c.keywords.map { text(code, $0.1) }
        runners.calls.append(call)
    }

    /// The module of the imported class whose instance `holder.method(...)` is called on, when
    /// the method's name is the project's own (CodeRulesImports.constructedModule).
    mutating func heldInstanceModule(_ c: Call, _ code: Code) -> String? {
        let holder = c.segments[c.segments.count - 2]
        guard !code.modules.contains(holder), code.aliases[holder] == nil, Self.projectMethod(c.last) else {
            return nil
        }
        // The file's holders, found in one pass over its tokens the first time one is asked for.
        if heldInstances == nil {
            var found: [String: String] = [:]
            let toks = code.tokens
            var i = 0
            while i + 3 < toks.count {
                if toks[i].kind == .name, toks[i + 1].isOp("="), toks[i + 2].kind == .name, toks[i + 3].isOp("("),
                    found[toks[i].text] == nil, let path = code.aliases[toks[i + 2].text]
                {
                    let parts = path.split(separator: ".")
                    if parts.count >= 2 { found[toks[i].text] = String(parts[parts.count - 2]) }
                }
                i += 1
            }
            heldInstances = found
        }
        return heldInstances?[holder]
    }

    /// How a runner runs its argument, for the finding: in a shell, or as Python code
    /// (`exec`/`eval` of the parameter: mcp-run-python-code's `run_python_code`).
    func runnerKind(_ call: RunnerCall) -> (rule: String, how: String) {
        let code = call.imported ? projectCodeRunners.contains(call.name) : runners.codeRunners.contains(call.name)
        return code
            ? (RuleID.evalInjection, "runs its argument as code")
            : (RuleID.shellInjection, "runs its argument in a shell")
    }

    /// At the file's end: runners found through other runners, then the calls building a line
    /// for one from parts that are not constant.
    mutating func settleShellRunners() {
        dropConstantRunners()
        defer {
            // A name too common to carry (`run`, `execute`) would match unrelated functions of
            // other modules (ProjectTools.tooGeneric).
            for name in runners.moduleLevel where !ProjectTools.tooGeneric.contains(name) {
                if let ps = runners.local[name] { runners.exported[name] = ps }
                if let ks = runners.localNames[name] { runners.exportedNames[name] = ks }
                if runners.codeRunners.contains(name) { runners.exportedCode.insert(name) }
            }
            runners.codeRunners = []
            runners.local = [:]
            runners.localNames = [:]
            runners.calls = []
        }
        guard !runners.calls.isEmpty else { return }
        func positions(_ call: RunnerCall) -> Set<Int> {
            call.imported ? projectRunners[call.name] ?? [] : runners.local[call.name] ?? []
        }
        func keywordNames(_ call: RunnerCall) -> Set<String> {
            call.imported ? projectRunnerKeywords[call.name] ?? [] : runners.localNames[call.name] ?? []
        }
        // Every argument the runner runs: (built, origin, caller's parameters, text).
        func runArguments(_ call: RunnerCall) -> [(built: Bool, origin: Origin, params: [String], text: String)] {
            var out = positions(call).sorted().filter { $0 < call.args.count }.map {
                (call.args[$0].built, call.args[$0].origin, call.args[$0].params, call.text[$0])
            }
            let names = keywordNames(call)
            for (k, a) in call.keywords.enumerated() where names.contains(a.name) {
                out.append((a.built, a.origin, a.params, call.keywordText[k]))
            }
            return out
        }
        var changed = true
        while changed {
            changed = false
            for call in runners.calls where call.caller.parent != nil {
                for a in runArguments(call) {
                    for p in a.params {
                        guard let k = call.caller.order.firstIndex(of: p),
                            runners.local[call.caller.name, default: []].insert(k).inserted
                        else { continue }
                        if call.caller.parent?.parent == nil { runners.moduleLevel.insert(call.caller.name) }
                        if runnerKind(call).rule == RuleID.evalInjection {
                            runners.codeRunners.insert(call.caller.name)
                        }
                        changed = true
                    }
                }
            }
        }
        for call in runners.calls {
            let kind = runnerKind(call)
            for a in runArguments(call) {
                if a.built, !a.origin.isSafe {
                    add(
                        kind.rule, a.origin == .untrusted ? .critical : .high, call.at,
                        "\(call.written)() \(kind.how); this line is built from \(Self.describe(a.origin)): \(a.text)",
                        length: call.length)
                    break
                }
                // A tool handing the model's input as it is to a runner of another module: the
                // shell is there, the exposure here (the runner's file may not know it is a tool's).
                if call.imported, call.caller.inTool, a.origin == .untrusted {
                    add(
                        kind.rule, .critical, call.at,
                        "\(call.written)() \(kind.how); this tool hands it the model's input: \(a.text)",
                        length: call.length)
                    break
                }
            }
        }
    }

    /// `shell:NAME:POSITION` for the module-level runners, for the files that import them.
    var exportedRunners: Set<String> {
        var out: Set<String> = []
        // Each by its bare name (an imported function) and by `@.NAME`, made `MODULE.NAME` for
        // the file (a method called on an instance of the file's class).
        for (name, ps) in runners.exported {
            for p in ps {
                out.insert("shell:\(name):\(p)")
                out.insert("shell:@.\(name):\(p)")
            }
        }
        for (name, ks) in runners.exportedNames {
            for k in ks {
                out.insert("shell:\(name):=\(k)")
                out.insert("shell:@.\(name):=\(k)")
            }
        }
        for name in runners.exportedCode {
            out.insert("code:\(name)")
            out.insert("code:@.\(name)")
        }
        return out
    }
}

/// The file's shell runners (by name: the positions of the parameters they run) and the calls
/// that may hand them a command line.
struct ShellRunners {
    var local: [String: Set<Int>] = [:]
    /// The same parameters by name.
    var localNames: [String: Set<String>] = [:]
    var calls: [RunnerCall] = []
    /// Kept past the file's end: the module-level runners, for other files.
    var exported: [String: Set<Int>] = [:]
    var exportedNames: [String: Set<String>] = [:]
    /// Runners that run their argument as Python code rather than in a shell.
    var codeRunners: Set<String> = []
    var exportedCode: Set<String> = []
    var moduleLevel: Set<String> = []
    /// Imported functions this file hands a built line (`import:NAME` for the project pass).
    var builtForImported: Set<String> = []
}

extension CodeRules {
    /// The command at `r` names only the function's own parameters (and constants): `command`,
    /// `f"kubectl {args}"`; not a value the function computed or read.
    static func onlyParams(_ r: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        var names: [String] = []
        for j in r {
            let t = code.tokens[j]
            if t.kind == .name {
                if j + 1 < r.upperBound, code.tokens[j + 1].isOp("(") { return false }
                if j > r.lowerBound, code.tokens[j - 1].isOp(".") { continue }
                names.append(t.text)
            } else if t.kind == .string {
                for p in t.parts { for u in p where u.kind == .name { names.append(u.text) } }
            }
        }
        let params = names.filter { scope.params.contains($0) && scope.env[$0] == nil }
        return !params.isEmpty && names.allSatisfy { scope.params.contains($0) || Known.isAllCaps($0) }
    }

    /// A helper that runs its parameter in a shell, called in this file only with constant or
    /// sanitised values (kubectl-mcp-tool's `run_kubectl_command`, whose one caller picks one of
    /// four fixed `kubectl get` lines): its own finding is dropped, since every command it runs
    /// is the developer's. A call from another file with the model's text is reported at that
    /// call (the runner is exported as before); a helper the file never calls keeps its finding.
    mutating func dropConstantRunners() {
        guard !runnerSinkFindings.isEmpty else { return }
        var drop: Set<String> = []
        for f in runnerSinkFindings {
            guard let calls = localCallArguments[f.function], !calls.isEmpty, calls.allSatisfy(\.isSafe) else {
                continue
            }
            drop.insert("\(f.line):\(f.column)")
        }
        runnerSinkFindings = []
        guard !drop.isEmpty else { return }
        findings.removeAll { $0.rule == RuleID.shellInjection && drop.contains("\($0.line):\($0.column)") }
    }
}
