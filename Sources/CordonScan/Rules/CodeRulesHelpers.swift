// Flows through a helper in the same file and through a file on disk: a tool hands the model's
// SQL to `self.run_sql(sql=query)` whose body runs `sess.execute(text(sql))`, or a function
// writes code to a file and then starts a program on it. The helper may be defined before or
// after its caller, so parameter sinks and calls with model output are collected while the
// file is read and matched when it ends.

/// A sink inside a function that its parameter reaches as a whole: `def run_sql(self, sql):
/// sess.execute(text(sql))`.
struct ParamSink {
    var param: String
    var rule: String
    var at: Token
    var what: String
    /// A join of the parameter under a base: a sink only where the function also uses files.
    var needsFileOp = false
    /// The function runs the Python file its parameter names (`spec_from_file_location` and
    /// `exec_module`): calling it on a file of code is running that code.
    var runsFile = false
}

/// A call of a function of this file (`helper(x)`, `self.helper(sql=q)`) with model output or
/// tool input in some argument.
struct LocalCall {
    var name: String
    var positional: [Origin]
    var keywords: [String: Origin]
    var line: Int
    var at: Token
    var caller: Scope
    /// The helper already fetched (localFetch saw it defined above the call).
    var fetchSeen: Bool
    /// An argument is the program's own command line (`main(sys.argv[1])`): a URL or a path
    /// the person running it chose, not the model.
    var commandLine = false
}

extension CodeRules {
    /// Parameter names that say a statement or code, for sinks whose API name alone is generic
    /// (`session.execute(stmt)`).
    static let statementWords: Set<String> = ["sql", "query", "statement", "stmt", "cypher", "command"]
    static let codeWords: Set<String> = ["code", "script", "source", "program", "snippet", "cell"]

    /// The function's own parameter that `r` is as a whole, seen through a wrapper that keeps
    /// the text (`text(sql)`, `str(path)`, `sqlalchemy.text(q)`).
    func ownParam(_ r: Range<Int>, _ scope: Scope, _ code: Code) -> String? {
        let toks = code.tokens
        var r = r
        if r.count == 4, toks[r.lowerBound].kind == .name,
            ["text", "str", "Path"].contains(toks[r.lowerBound].text), toks[r.lowerBound + 1].isOp("(")
        {
            r = (r.lowerBound + 2)..<(r.lowerBound + 3)
        }
        guard r.count == 1, toks[r.lowerBound].kind == .name else { return nil }
        let name = toks[r.lowerBound].text
        guard scope.params.contains(name), scope.env[name] == nil, !scope.isTool else { return nil }
        return name
    }

    mutating func noteParamSink(
        _ scope: Scope, _ param: String, _ rule: String, _ at: Token, _ what: String, needsFileOp: Bool = false,
        runsFile: Bool = false
    ) {
        facts[ObjectIdentifier(scope), default: Facts()].paramSinks.append(
            ParamSink(param: param, rule: rule, at: at, what: what, needsFileOp: needsFileOp, runsFile: runsFile))
    }

    /// A statement run through a database API whose text is the function's parameter: judged
    /// where the function is called.
    mutating func sqlParamSink(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard c.segments.count >= 2 || c.onExpression,
            let q = c.arg(0, "sql") ?? c.arg(0, "query") ?? c.arg(0, "statement") ?? c.arg(0, "command"),
            let p = ownParam(q, scope, code)
        else { return }
        let wrapped = q.count == 4 && code.tokens[q.lowerBound].isName("text")
        let sqlMethod = APIs.sqlMethods.contains(c.last)
        guard sqlMethod || Self.mayRunSQL(c.last) else { return }
        let named = sqlMethod && TaintWords.split(p).contains { Self.statementWords.contains($0) }
        guard (sqlMethod && (wrapped || named)) || Self.runsSQL(c, receiverNames(c, code)) else { return }
        noteParamSink(scope, p, RuleID.sqlInjection, at, "\(written(c))() runs the SQL in parameter \(p)")
    }

    /// A call of a function that may be defined in this file, with an argument that is model
    /// output or tool input.
    mutating func noteLocalCall(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard !c.onExpression, !c.known,
            c.segments.count == 1 || (c.segments.count == 2 && (c.segments[0] == "self" || c.segments[0] == "this")),
            localFunctions.contains(c.last)
        else { return }
        if c.segments.count == 2 { calledLocals[ObjectIdentifier(scope), default: []].insert(c.last) }
        let positional = c.args.map { code.origin($0, scope) }
        var keywords: [String: Origin] = [:]
        for (k, r) in c.keywords { keywords[k] = code.origin(r, scope) }
        localCallArguments[c.last, default: []].append((positional + keywords.values).max() ?? .constant)
        guard positional.contains(.untrusted) || keywords.values.contains(.untrusted) else { return }
        localCalls.append(
            LocalCall(
                name: c.last, positional: positional, keywords: keywords, line: at.line, at: at, caller: scope,
                fetchSeen: fetchingFunctions[c.last] != nil,
                commandLine: (c.open..<c.close).contains { code.tokens[$0].isName("argv") }))
    }

    /// A function named for making a path or a file name it returns (`get_excel_path`,
    /// `resolve_file`, `full_path`), not for reading one (`read_file`, `load_path_list`).
    static func makesPath(_ name: String) -> Bool {
        guard name.hasIgnoringCase("path") || name.hasIgnoringCase("file") else { return false }
        let w = TaintWords.split(name)
        guard w.contains(where: { $0 == "path" || $0 == "filepath" || $0 == "file" }) else { return false }
        let io = ["read", "write", "load", "save", "open", "delete", "remove", "list", "exists"]
        // A getter ending in `path` returns one whatever it is for: `get_agent_write_resource_path`
        // names the path writes go to (SuperAGI's ResourceHelper, issue 16, session 16).
        if w.count >= 2, w.last == "path", let first = w.first, ["get", "make", "build", "compute"].contains(first) {
            return true
        }
        return !w.contains { io.contains($0) }
    }

    /// At a function's end: its parameter sinks become the file's helper sinks, by name.
    mutating func keepParamSinks(_ scope: Scope, _ f: Facts, contained: Bool, allowListed: Bool, rejectsOptions: Bool) {
        // A function named for making a path (`get_excel_path`, `resolve_file`, `full_path`)
        // hands its joined path to callers that open it: that is its file use (issue 16,
        // session 13, excel-mcp-server's `get_excel_path`).
        let makesPath = scope.returns != nil && Self.makesPath(scope.name)
        let sinks = f.paramSinks.filter {
            ($0.rule != RuleID.pathTraversal || !contained) && ($0.rule != RuleID.ssrf || !allowListed)
                && ($0.rule != RuleID.argumentInjection || !rejectsOptions)
                && (!$0.needsFileOp || f.fileOp || makesPath)
        }
        guard !sinks.isEmpty, scope.parent != nil else { return }
        helperSinks[scope.name, default: []].append(
            contentsOf: sinks.map { (index: scope.order.firstIndex(of: $0.param), sink: $0) })
    }

    /// At the file's end: calls handing model output to a helper's sink are findings at the
    /// sink; calls of fetching helpers defined below them are the SSRF at the call.
    mutating func settleLocalCalls(_ code: Code) {
        var seen: Set<String> = []
        for call in localCalls {
            for (index, sink) in helperSinks[call.name] ?? [] {
                let o =
                    call.keywords[sink.param]
                    ?? index.flatMap { $0 < call.positional.count ? call.positional[$0] : nil }
                // A path is the model's to choose only in a tool or a request handler: a command
                // line's own arguments naming files (`uu.decode(sys.argv[1])`) are the user's.
                guard o == .untrusted, sink.rule != RuleID.pathTraversal || call.caller.inTool,
                    sink.rule != RuleID.ssrf || !call.commandLine,
                    seen.insert("\(sink.rule) \(sink.at.line)").inserted
                else { continue }
                add(
                    sink.rule, nil, sink.at,
                    "\(sink.what), and line \(call.line) passes it model output or tool input")
            }
            if !call.fetchSeen, !call.commandLine, let params = fetchingFunctions[call.name] {
                let body = call.caller.bodyStart..<max(call.caller.bodyStart, call.caller.bodyEnd)
                for (i, name) in params {
                    let o = call.keywords[name] ?? (i < call.positional.count ? call.positional[i] : nil)
                    guard o == .untrusted, !allowListed(body, code) else { continue }
                    add(
                        RuleID.ssrf, nil, call.at,
                        "\(call.name)() fetches the URL it is given, here model output or tool input")
                    break
                }
            }
        }
        localCalls = []
        // A method that builds `self.base / key` unchecked, whose result its callers open.
        for (name, (at, what)) in pathBuilders.sorted(by: { $0.key < $1.key }) where calledByFileUsers.contains(name) {
            add(
                RuleID.pathTraversal, .medium, at,
                "\(what) is returned to methods that open it, with no normalise-and-check: a name with ../ or an absolute path escapes the base"
            )
        }
        pathBuilders = [:]
        calledByFileUsers = []
    }

    // MARK: code written to a file, then run

    /// `f.write(code)`, `path.write_text(code)`: code (model output, or a parameter named for
    /// code) goes to a file; `with open(p, "w") as f` ties `f` to `p`.
    mutating func codeWrites(_ c: Call, _ scope: Scope, _ code: Code) {
        guard c.segments.count >= 2, ["write", "write_text", "writelines"].contains(c.last), let a = c.arg(0) else {
            return
        }
        let o = code.origin(a, scope)
        guard !o.isSafe else { return }
        let toks = code.tokens
        let codeNamed =
            a.count == 1 && toks[a.lowerBound].kind == .name
            && TaintWords.split(toks[a.lowerBound].text).contains { Self.codeWords.contains($0) }
        guard o == .untrusted || codeNamed else { return }
        let id = ObjectIdentifier(scope)
        facts[id, default: Facts()].wroteCode = max(o, facts[id]?.wroteCode ?? o)
        let holder = c.segments[c.segments.count - 2]
        facts[id, default: Facts()].codeFiles.insert(fileHandles[holder] ?? holder)
    }

    /// `self.process.stdin.write(code + "\n")`: code written into the stdin of a process the
    /// file starts (a persistent interpreter: open-interpreter's and swarms' subprocess
    /// languages) is run by it on the host. Only a value named for code (or the model's code)
    /// counts: feeding data to a program's stdin is not running it.
    mutating func stdinCode(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard c.segments.count >= 2, c.segments[c.segments.count - 2] == "stdin",
            ["write", "writelines"].contains(c.last), let a = c.arg(0)
        else { return }
        let toks = code.tokens
        guard let first = a.first(where: { toks[$0].kind == .name }),
            TaintWords.split(toks[first].text).contains(where: { Self.codeWords.contains($0) }),
            toks.contains(where: {
                $0.kind == .name && ($0.textIs("Popen") || $0.textIs("create_subprocess_exec") || $0.textIs("spawn"))
            })
        else { return }
        let o = code.origin(a, scope)
        guard !o.isSafe else { return }
        if o == .untrusted {
            add(
                RuleID.evalInjection, .critical, at,
                "\(written(c))() hands model output to a process the file started, which runs it: \(text(code, a))",
                length: len)
        } else {
            add(
                RuleID.unsandboxedInterpreter, nil, at,
                "\(written(c))() writes the code it is given into a process on the host that runs it, with no sandbox",
                length: len)
        }
    }

    /// `with open(p, "w") as f` / `with p.open("w") as f`: `f` writes to `p`.
    mutating func noteFileHandle(_ r: Range<Int>, _ code: Code) {
        let toks = code.tokens
        guard toks[r.lowerBound].isName("with") || toks[r.lowerBound].isName("async") else { return }
        var j = r.lowerBound
        while j + 2 < r.upperBound {
            if toks[j].isName("open"), toks[j + 1].isOp("(") {
                let close = Code.close(toks, j + 1, r.upperBound)
                var file: String?
                if j >= 2, toks[j - 1].isOp("."), toks[j - 2].kind == .name {
                    file = toks[j - 2].text
                } else if toks[j + 2].kind == .name {
                    file = toks[j + 2].text
                }
                if let file, close + 2 < r.upperBound, toks[close + 1].isName("as"), toks[close + 2].kind == .name {
                    fileHandles[toks[close + 2].text] = file
                    // `open(self.file_path, "rb") as f`: the object's own file, by its attribute.
                    if toks[j + 2].isName("self"), j + 4 < close, toks[j + 3].isOp("."), toks[j + 4].kind == .name {
                        ownFiles[toks[close + 2].text] = "self." + toks[j + 4].text
                    } else {
                        ownFiles[toks[close + 2].text] = nil
                    }
                }
                j = close
            }
            j += 1
        }
    }

    /// A process started in a function that wrote code to a file: the function is a code
    /// executor on the host (model code: the evaluation itself).
    mutating func noteSpawn(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard let argv = c.arg(0, "args") ?? c.arg(0, "program"),
            !fixedProgram(argv, code) || runsFileWithInterpreter(argv, scope, code)
        else { return }
        facts[ObjectIdentifier(scope), default: Facts()].spawns.append(at)
    }

    /// `importlib.util.spec_from_file_location(name, path)` (then `exec_module`): loads and
    /// runs the file at `path` as Python, like runpy; a call of a function of this file that
    /// does so is a run of the file it is handed.
    mutating func moduleLoad(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let id = ObjectIdentifier(scope)
        if !c.onExpression, c.segments.count <= 2, let sinks = helperSinks[c.last],
            sinks.contains(where: { $0.sink.runsFile })
        {
            facts[id, default: Facts()].spawns.append(at)
        }
        guard c.callee == "importlib.util.spec_from_file_location", let p = c.arg(1, "location") else { return }
        facts[id, default: Facts()].fileOp = true
        if code.origin(p, scope) == .untrusted {
            add(
                RuleID.evalInjection, .critical, at,
                "\(written(c))() loads a Python file chosen by model output or tool input: \(text(code, p))",
                length: len)
            // Still a loader of its parameter for the file's other functions (MemGPT's
            // `write_function` writing the code `validate_function` then loads), also when the
            // project pass made that parameter the model's.
            if let name = ownParam(p, scope, code) {
                noteParamSink(
                    scope, name, RuleID.evalInjection, at,
                    "\(written(c))() loads and runs the Python file in parameter \(name)", runsFile: true)
            }
            return
        }
        facts[id, default: Facts()].spawns.append(at)
        if let name = ownParam(p, scope, code) {
            noteParamSink(
                scope, name, RuleID.evalInjection, at,
                "\(written(c))() loads and runs the Python file in parameter \(name)",
                runsFile: true)
        }
    }

    /// `runpy.run_path(p)`: runs the file at `p` as Python.
    mutating func runpy(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard c.callee == "runpy.run_path" || c.callee == "runpy.run_module", let p = c.arg(0, "path_name") ?? c.arg(0)
        else { return }
        // Running a file uses its path as opening it does (a joined path's traversal).
        facts[ObjectIdentifier(scope), default: Facts()].fileOp = true
        if code.origin(p, scope) == .untrusted {
            add(
                RuleID.evalInjection, .critical, at,
                "\(written(c))() runs a file chosen by model output or tool input: \(text(code, p))", length: len)
        } else {
            facts[ObjectIdentifier(scope), default: Facts()].spawns.append(at)
        }
    }

    /// At a function's end: code written to a file and a process (or runpy) started on it.
    mutating func settleCodeFiles(_ f: Facts) {
        guard let o = f.wroteCode else { return }
        // Every process the function starts after writing the code is reported, not only the
        // first: mcp-server-aidd compiles Rust (`rustc`) on one branch and runs the
        // interpreter of the language on the other, and that run is the one that executes.
        var lines: Set<Int> = []
        for at in f.spawns where lines.insert(at.line).inserted {
            let already = findings.contains { $0.line == at.line && $0.rule == RuleID.evalInjection }
            if already { continue }
            if o == .untrusted {
                add(RuleID.evalInjection, .critical, at, "runs the code that model output wrote to a file, on the host")
            } else {
                add(
                    RuleID.unsandboxedInterpreter, nil, at,
                    "writes the code it is given to a file and runs it on the host, with no sandbox")
            }
        }
    }
}
