// The rules over Python and JavaScript code, as a visitor of the walkers: each call is judged
// by what its API means (APIs) and where its arguments come from (Origin); function-level
// rules (path traversal, SSRF without an allow-list, dangerous tools without approval) collect
// facts while the body is read and decide when it ends, because the check that makes a call
// safe (`realpath` + `startswith`, an allow-list) may come before or after it.

struct CodeRules: CodeVisitor {
    var findings: [Finding] = []
    let language: Language
    /// Approval machinery anywhere in the file (LangGraph interrupts, approval callbacks,
    /// `needsApproval`): tools in it are not "without approval".
    let fileHasApproval: Bool

    struct Facts {
        var joins: [(Token, String)] = []
        /// `self.base / param` in a method: names from the caller joined under the object's base.
        var storeJoins: [(Token, String)] = []

        /// File operations on a name assigned a model-joined path (`open(filepath, "w")`).
        var joinUses: [Token] = []
        var fileOp = false
        /// A tool opening, listing or deleting a path that is model output or tool input as a
        /// whole, with no base directory at all (`open(kwargs["file_path"])`, `os.walk(dir)`).
        var wholePaths: [(Token, String)] = []
        var fetches: [(Token, String)] = []
        /// Parameters of the function that reach a fetch (`def fetch_url(url): client.get(url)`).
        var fetchedParams: Set<String> = []
        var dangerous: [(Token, String, Severity)] = []
        /// Sinks its own parameters reach as a whole (judged where the function is called).
        var paramSinks: [ParamSink] = []
        /// Code (model output, or a parameter named for code) written to a file, and the
        /// names of those files; processes started (argv not a fixed program) and runpy calls.
        var wroteCode: Origin?
        var codeFiles: Set<String> = []
        var spawns: [Token] = []
    }
    var facts: [ObjectIdentifier: Facts] = [:]
    /// Per scope: names holding SQL built by formatting from non-constant values.
    var sqlVars: [ObjectIdentifier: [String: (origin: Origin, at: Token)]] = [:]
    /// Per scope: names holding a URL whose host part comes from configuration, not the model
    /// (`full_url = f"{self.config.base_url}{path}"`).
    var configuredURLs: [ObjectIdentifier: Set<String>] = [:]
    /// Per scope: names assigned a path joined from model output (`filepath = os.path.join(d, name)`).
    var joinedNames: [ObjectIdentifier: Set<String>] = [:]
    /// Names bound to a jinja2 SandboxedEnvironment.
    var sandboxedTemplates: Set<String> = []
    /// Names (variables, `self.` fields, class fields) that hold a Python REPL or a shell
    /// process (`repl = PythonREPL()`, `process: BashProcess = Field(...)`): true for a shell.
    var interpreters: [String: Bool] = [:]
    /// Local functions that fetch the URL their parameter at that position holds, and had no
    /// allow-list: a call handing them model output is the SSRF (`fetch_url(args.url)`).
    var fetchingFunctions: [String: [(index: Int, name: String)]] = [:]
    /// A constructor or validator in the file refuses to build the object without an explicit
    /// `allow_dangerous_...` opt-in.
    var constructorOptIn = false
    /// Functions of this file, by name, with the sinks their parameters reach.
    var helperSinks: [String: [(index: Int?, sink: ParamSink)]] = [:]
    /// Calls of functions of this file with model output in an argument (matched at the end).
    var localCalls: [LocalCall] = []
    /// `with open(p, "w") as f`: `f` → `p`.
    var fileHandles: [String: String] = [:]
    /// Methods that return `self.base / param` unchecked (LocalFileStore's `_get_full_path`),
    /// and the functions of this file that call something and use files.
    var pathBuilders: [String: (Token, String)] = [:]
    var calledByFileUsers: Set<String> = []
    /// Per scope: functions of this file it calls (for path builders whose result it opens).
    var calledLocals: [ObjectIdentifier: Set<String>] = [:]

    /// Names of the functions this file defines (`def name`, `function name`): only calls of
    /// these can reach a helper's sinks, so only they are kept for the end of the file.
    let localFunctions: Set<String>

    init(language: Language, tokens: [Token]) {
        self.language = language
        var local: Set<String> = []
        let def = Token.pack("def")
        let function = Token.pack("function")
        tokens.withUnsafeBufferPointer { t in
            // Keys only: no token is copied on this pass over the whole file.
            for i in 0..<max(0, t.count - 1) where (t[i].key == def || t[i].key == function) && t[i].kind == .name {
                if t[i + 1].kind == .name { local.insert(t[i + 1].text) }
            }
        }
        self.localFunctions = local
        var approval = false
        let markers = Self.fileApprovalMarkers
        for i in tokens.indices where tokens[i].kind == .name || tokens[i].kind == .string {
            if markers.contains(tokens[i]) {
                approval = true
                break
            }
        }
        self.fileHasApproval = approval
    }

    static let fileApprovalMarkers = WordSet([
        "HumanApprovalCallbackHandler", "interrupt_before", "interrupt_after", "interrupt", "needsApproval",
        "requireApproval", "require_approval", "human_in_the_loop", "HumanInTheLoopMiddleware", "approval_required",
        "requires_approval", "ALWAYS",
    ])

    mutating func add(_ rule: String, _ severity: Severity? = nil, _ at: Token, _ message: String, length: Int? = nil) {
        let sev = severity ?? RuleCatalog.rule(rule)?.severity ?? .medium
        findings.append(
            Finding(
                rule: rule, severity: sev, line: at.line, column: at.column, length: length ?? at.length,
                message: message))
    }

    func text(_ code: Code, _ r: Range<Int>, limit: Int = 60) -> String {
        var s = ""
        for i in r {
            let t = code.tokens[i]
            switch t.kind {
            case .string: s += t.formatted ? "`\(t.text)`" : "\"\(t.text)\""
            case .newline: continue
            default:
                if !s.isEmpty, t.kind == .name, let l = s.last, l.isLetter || l.isNumber || l == "_" { s += " " }
                s += t.text
            }
            if s.count > limit { return String(s.prefix(limit)) + "…" }
        }
        return s
    }

    /// The callee as the source writes it, for messages.
    func written(_ c: Call) -> String { c.segments.joined(separator: ".") }

    static func describe(_ o: Origin) -> String {
        o == .untrusted ? "model output or tool input" : "a value that is not constant"
    }

    // MARK: calls

    mutating func call(_ c: Call, _ scope: Scope, _ code: Code) {
        var c = c
        c.known = APIs.isKnown(c.callee)
        let at = code.tokens[c.first]
        let nameTok = code.tokens[c.nameIndex]
        let len = nameTok.line == at.line ? nameTok.column + nameTok.length - at.column : at.length
        let id = ObjectIdentifier(scope)
        let last = c.last
        let callee = c.callee

        // Processes and shells.
        var reportedShell = false
        if c.known && APIs.matches(callee, APIs.alwaysShell) || c.known && APIs.matches(callee, APIs.spawn) {
            if let (r, how) = shellCommand(c, code), case let o = code.origin(r, scope), !o.isSafe {
                add(
                    RuleID.shellInjection, o == .untrusted ? .critical : .high, at,
                    "\(written(c))\(how) runs a command built from \(Self.describe(o)): \(text(code, r))", length: len)
                reportedShell = true
            } else if let argv = c.arg(0, "args"), case let o = code.origin(argv, scope), o == .untrusted,
                !fixedProgram(argv, code)
            {
                add(
                    RuleID.shellInjection, .critical, at,
                    "\(written(c)) runs a program chosen by model output or tool input: \(text(code, argv))",
                    length: len)
                reportedShell = true
            }
            if !reportedShell, language == .python, APIs.matches(callee, APIs.spawn) { noteSpawn(c, scope, code, at) }
            if !reportedShell, scope.inTool, let argv = c.arg(0, "args"), !code.origin(argv, scope).isSafe,
                !fixedProgram(argv, code)
            {
                facts[id, default: Facts()].dangerous.append((at, "runs commands", .high))
            }
        }

        evaluation(c, scope, code, at, len)
        if language == .python {
            runpy(c, scope, code, at, len)
            codeWrites(c, scope, code)
        }
        noteLocalCall(c, scope, code, at)
        interpreterRun(c, scope, code, at, len)
        localFetch(c, scope, code, at)
        tooling(c, scope, code, at, len)
        sql(c, scope, code, at, len)
        files(c, scope, code, at)
        fetches(c, scope, code, at)
        templates(c, scope, code, at, len)
        deserialisation(c, scope, code, at, len)
        tls(c, scope, code, at, len)
        systemPrompt(c, scope, code)

        if scope.inTool {
            if c.known && APIs.matches(callee, APIs.deletes)
                || (last == "unlink" || last == "rmtree" || last == "rmdir"),
                let p = c.arg(0), !code.origin(p, scope).isSafe
            {
                facts[id, default: Facts()].dangerous.append((at, "deletes files", .medium))
            }
            if APIs.email.contains(last) || callee.hasPrefix("smtplib.") {
                facts[id, default: Facts()].dangerous.append((at, "sends email", .medium))
            }
            if APIs.payments.contains(callee) || (callee.hasPrefix("stripe.") && last == "create") {
                facts[id, default: Facts()].dangerous.append((at, "moves money", .high))
            }
        }
    }

    /// The command line a shell will parse, and how the call says so (`, shell=True`); nil
    /// when the call runs no shell.
    func shellCommand(_ c: Call, _ code: Code) -> (Range<Int>, String)? {
        if c.known && APIs.matches(c.callee, APIs.alwaysShell) {
            guard let r = c.arg(0, "cmd") ?? c.arg(0, "command") else { return nil }
            return (r, "")
        }
        // shell=True (Python) or { shell: true } (JavaScript options).
        if let s = c.keyword("shell"), !code.isFalse(s), !(s.count == 1 && code.tokens[s.lowerBound].isName("None")) {
            return c.arg(0, "args").map { ($0, " with shell=True") }
        }
        if language == .javascript {
            for a in c.args.dropFirst() {
                if let v = code.property("shell", in: a), !code.isFalse(v) {
                    return (c.args[0], " with { shell: true }")
                }
            }
        }
        // An explicit shell: ["sh", "-c", cmd] or spawn("bash", ["-c", cmd]).
        guard let a0 = c.arg(0, "args") else { return nil }
        let toks = code.tokens
        if toks[a0.lowerBound].isOp("[") || toks[a0.lowerBound].isOp("("), a0.count > 2 {
            let items = code.arguments(a0.lowerBound, Code.close(toks, a0.lowerBound, a0.upperBound)).args
            if items.count >= 3, let p = code.literal(items[0]), APIs.shells.contains(p),
                let flag = code.literal(items[1]), ["-c", "/c", "-Command", "-lc", "-ec"].contains(flag)
            {
                return (items[2].lowerBound..<items[items.count - 1].upperBound, " via \(p) \(flag)")
            }
        }
        if let p = code.literal(a0), APIs.shells.contains(p), c.args.count >= 2 {
            let r = c.args[1]
            if toks[r.lowerBound].isOp("[") {
                let items = code.arguments(r.lowerBound, Code.close(toks, r.lowerBound, r.upperBound)).args
                if items.count >= 2, let flag = code.literal(items[0]), ["-c", "/c", "-Command", "-lc"].contains(flag) {
                    return (items[1].lowerBound..<items[items.count - 1].upperBound, " via \(p) \(flag)")
                }
            }
        }
        return nil
    }

    /// An argv list whose program is a constant: `["git", "log", ref]`.
    func fixedProgram(_ argv: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        if toks[argv.lowerBound].isOp("[") || toks[argv.lowerBound].isOp("(") {
            let items = code.arguments(argv.lowerBound, Code.close(toks, argv.lowerBound, argv.upperBound)).args
            if let first = items.first, code.literal(first) != nil { return true }
        }
        return code.literal(argv) != nil
    }

    mutating func evaluation(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let last = c.last
        var target: Range<Int>?
        if language == .python {
            if !c.onExpression && c.segments.count == 1 && code.aliases[last] == nil && APIs.pythonEval.contains(last) {
                target = c.arg(0, "source") ?? c.arg(0, "object")
            } else if c.callee == "builtins.eval" || c.callee == "builtins.exec" {
                target = c.arg(0)
            } else if APIs.replMethods.contains(last),
                receiverNames(c, code).contains(where: { $0.lowercased().contains("repl") })
            {
                target = c.arg(0, "command")
            } else if c.callee == "numexpr.evaluate", let a = c.arg(0), code.origin(a, scope) == .untrusted {
                target = a
            }
        } else {
            if !c.onExpression && c.segments.count == 1 && (last == "eval" || last == "Function")
                && code.aliases[last] == nil
            {
                target = c.args.isEmpty ? nil : c.args[0].lowerBound..<c.args[c.args.count - 1].upperBound
            } else if APIs.jsEval.contains(c.callee) || (c.callee.hasPrefix("vm.") && APIs.jsEval.contains(c.callee)) {
                target = c.arg(0)
            }
        }
        guard let r = target else { return }
        // `compile(code, "test", "exec")` as a statement of its own checks syntax: the code
        // object is dropped, nothing runs.
        if last == "compile", !c.onExpression, Self.discarded(c, code) { return }
        let o = code.origin(r, scope)
        guard !o.isSafe else { return }
        // `exec(f"from {module} import {name}")`: an import line of names the caller passes;
        // only model output there is injection.
        if o == .unknown, r.count == 1, code.tokens[r.lowerBound].formatted,
            code.tokens[r.lowerBound].text.hasPrefix("from ") || code.tokens[r.lowerBound].text.hasPrefix("import ")
        {
            return
        }
        add(
            RuleID.evalInjection, o == .untrusted ? .critical : .high, at,
            "\(written(c))() evaluates \(Self.describe(o)) as code: \(text(code, r))", length: len)
    }

    /// The call is a whole statement: its result is not used.
    static func discarded(_ c: Call, _ code: Code) -> Bool {
        let toks = code.tokens
        let before = c.first == 0 || toks[c.first - 1].kind == .newline || toks[c.first - 1].isOp(":")
        let after = c.close + 1 >= toks.count || toks[c.close + 1].kind == .newline
        return before && after
    }

    /// Names on the receiver side of a method call: `repl.run` → [repl]; `PythonREPL().run` →
    /// [PythonREPL].
    func receiverNames(_ c: Call, _ code: Code) -> [String] {
        if !c.onExpression { return Array(c.segments.dropLast()) + [code.resolve(Array(c.segments.dropLast()))] }
        // `c.first` is the '.' after the receiver expression.
        var j = c.first - 1
        guard j > 0 else { return [] }
        let toks = code.tokens
        if toks[j].isOp(")") {
            var depth = 0
            while j >= 0 {
                if toks[j].isOp(")") { depth += 1 }
                if toks[j].isOp("(") {
                    depth -= 1
                    if depth == 0 { break }
                }
                j -= 1
            }
            if j > 0 && toks[j - 1].kind == .name { return [toks[j - 1].text] }
        }
        return []
    }

    mutating func tooling(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let last = c.last
        if APIs.shellTools.contains(last) {
            add(
                RuleID.shellTool, nil, at, "\(written(c)) gives the agent a Python/shell interpreter on the host",
                length: len)
        }
        if last == "load_tools", let a = c.arg(0, "tool_names") {
            let named = code.strings(a).filter { APIs.shellToolNames.contains($0) }
            if !named.isEmpty {
                add(
                    RuleID.shellTool, nil, at,
                    "load_tools registers \(named.joined(separator: ", ")): a shell/REPL the model drives", length: len)
            }
        }
        if APIs.localExecutors.contains(last) {
            add(
                RuleID.unsandboxedInterpreter, nil, at, "\(written(c)) runs generated code directly on the host",
                length: len)
        }
        if let r = c.keyword("executor_type"), code.literal(r) == "local" {
            add(
                RuleID.unsandboxedInterpreter, nil, at, "executor_type=\"local\" runs generated code on the host",
                length: len)
        }
        if let r = c.keyword("code_execution_mode"), code.literal(r) == "unsafe" {
            add(
                RuleID.unsandboxedInterpreter, nil, at,
                "code_execution_mode=\"unsafe\" runs generated code on the host", length: len)
        }
        for (k, r) in c.keywords
        where ["max_iterations", "max_turns", "max_steps", "max_rounds", "max_consecutive_auto_reply", "max_iter"]
            .contains(k)
        {
            if unbounded(r, code) {
                add(
                    RuleID.unboundedLoop, nil, code.tokens[r.lowerBound],
                    "\(k)=\(text(code, r)) lets the agent loop without a limit")
            }
        }
    }

    func unbounded(_ r: Range<Int>, _ code: Code) -> Bool {
        let s = text(code, r)
        return s == "None" || s == "-1" || s == "float(\"inf\")" || s == "math.inf" || s == "Infinity"
            || s == "Number.POSITIVE_INFINITY" || s == "sys.maxsize"
    }

    mutating func sql(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let last = c.last
        // SQL the model wrote, run as it is: `db.run(llm_chain.predict(...))`, a tool's
        // `query` argument handed to `cursor.execute(query)`. No formatting involved: the
        // whole statement is chosen by model output or tool input.
        if let q = c.arg(0, "sql") ?? c.arg(0, "query") ?? c.arg(0, "command") ?? c.arg(0, "statement"),
            Self.mayRunSQL(c.last), Self.runsSQL(c, receiverNames(c, code)), code.origin(q, scope) == .untrusted
        {
            var place = at
            if q.count == 1, let built = sqlVars[ObjectIdentifier(scope)]?[code.tokens[q.lowerBound].text],
                built.at.line < at.line - 2
            {
                place = built.at
            }
            add(
                RuleID.sqlInjection, .high, place,
                "\(written(c))() runs SQL chosen by model output or tool input: \(text(code, q))"
                    + (place.line == at.line ? "" : ", formatted here and run at line \(at.line)"),
                length: place.line == at.line ? len : nil)
            return
        }
        sqlParamSink(c, scope, code, at)
        guard c.segments.count >= 2 || c.onExpression || c.callee == "sqlalchemy.text",
            let q = c.arg(0, "sql") ?? c.arg(0, "statement") ?? c.arg(0, "query"), !c.callee.hasPrefix("child_process")
        else { return }
        var o: Origin = .constant
        var place = at
        var length: Int? = len
        if code.isBuilt(q) && containsSQL(q, code) {
            o = code.origin(q, scope)
        } else if q.count == 1, code.tokens[q.lowerBound].kind == .name,
            let built = sqlVars[ObjectIdentifier(scope)]?[code.tokens[q.lowerBound].text]
        {
            o = built.origin
            // The statement is formatted where it is assigned: a long query built lines above
            // the call is reported there (the call is named in the message).
            if built.at.line < at.line - 2 {
                place = built.at
                length = nil
            }
        }
        // Formatted SQL first (rare), then whether the call runs it (a name split per call).
        guard !o.isSafe, APIs.sqlMethods.contains(last) || Self.runsSQL(c, receiverNames(c, code)) else { return }
        let runs = place.line == at.line ? "" : ", run by \(written(c))() at line \(at.line)"
        add(
            RuleID.sqlInjection, o == .untrusted ? .high : .medium, place,
            "\(written(c))() runs SQL formatted from \(Self.describe(o)): \(text(code, q))\(runs)", length: length)
    }

    func containsSQL(_ r: Range<Int>, _ code: Code) -> Bool {
        for i in r where code.tokens[i].kind == .string {
            var s = code.tokens[i].text
            if s.withUTF8({ APIs.containsSQLKeyword($0) }) { return true }
        }
        return false
    }

    mutating func files(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        let id = ObjectIdentifier(scope)
        if c.known && APIs.matches(c.callee, APIs.joins), c.args.count >= 2 {
            for a in c.args.dropFirst() where code.origin(a, scope) == .untrusted {
                facts[id, default: Facts()].joins.append((at, text(code, a)))
                break
            }
        }
        // pathlib: `base_dir.joinpath(name)` joins like `os.path.join(base_dir, name)`.
        if c.last == "joinpath", c.segments.count >= 2 || c.onExpression {
            for a in c.args where code.origin(a, scope) == .untrusted {
                facts[id, default: Facts()].joins.append((at, "\(written(c))(\(text(code, a)))"))
                break
            }
        }
        let isFileOp =
            c.known && APIs.matches(c.callee, APIs.fileOps)
            || ((c.segments.count >= 2 || c.onExpression) && APIs.fileMethods.contains(c.last))
        if isFileOp {
            facts[id, default: Facts()].fileOp = true
            let target =
                c.known && APIs.matches(c.callee, APIs.fileOps)
                ? c.arg(0, "file") ?? c.arg(0, "path") : c.segments.count >= 2 ? c.nameIndex - 2..<c.nameIndex - 1 : nil
            if let p = target, let name = code.names(p).first, p.count <= 4,
                joinedNames[id]?.contains(name) == true
            {
                facts[id, default: Facts()].joinUses.append(at)
            }
            // Deleting is what a delete tool is for: the approval rule judges those.
            if scope.inTool, c.known && APIs.matches(c.callee, APIs.fileOps), !APIs.matches(c.callee, APIs.deletes),
                let p = c.arg(0, "file") ?? c.arg(0, "path"),
                !code.isBuilt(p), code.origin(p, scope) == .untrusted
            {
                facts[id, default: Facts()].wholePaths.append((at, text(code, p)))
            }
            if c.known && APIs.matches(c.callee, APIs.fileOps), !APIs.matches(c.callee, APIs.deletes),
                let p = c.arg(0, "file") ?? c.arg(0, "path"), let name = ownParam(p, scope, code)
            {
                noteParamSink(
                    scope, name, RuleID.pathTraversal, at,
                    "\(written(c))() opens the path in parameter \(name) unchecked")
            }
            if let p = c.arg(0), code.isBuilt(p),
                code.strings(p).contains(where: { $0.contains("/") })
                    || code.tokens[p].contains(where: { $0.formatted && $0.text.contains("/") }),
                code.origin(p, scope) == .untrusted
            {
                facts[id, default: Facts()].joins.append((at, text(code, p)))
            }
        }
    }

    mutating func fetches(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        var url: Range<Int>?
        if c.known && APIs.matches(c.callee, APIs.http) {
            url = c.callee.hasSuffix(".request") && language == .python ? c.arg(1, "url") : c.arg(0, "url")
        } else if c.segments.count >= 2, APIs.httpMethods.contains(c.last) || APIs.asyncHTTPMethods.contains(c.last),
            c.segments.dropLast().contains(where: { s in
                let l = s.lowercased()
                return l.has("session") || l.has("client") || l.has("http") || l.has("requests")
            })
        {
            url = c.arg(0, "url")
        }
        guard let u = url, !fixedHost(u, code), !configuredHost(u, scope, code) else { return }
        let o = code.origin(u, scope)
        if o == .untrusted {
            facts[ObjectIdentifier(scope), default: Facts()].fetches.append((at, text(code, u)))
        } else if o == .unknown, u.count == 1, code.tokens[u.lowerBound].kind == .name,
            scope.order.contains(code.tokens[u.lowerBound].text)
        {
            // A helper fetching its parameter: judged where it is called (localFetch).
            let name = code.tokens[u.lowerBound].text
            facts[ObjectIdentifier(scope), default: Facts()].fetchedParams.insert(name)
            noteParamSink(scope, name, RuleID.ssrf, at, "\(written(c))() fetches the URL in parameter \(name)")
        }
    }

    /// A URL whose scheme and host are written in the code (`f"https://api.example.com/item/{id}"`,
    /// `"https://host/" + path`): the model can choose a path on that host, not the host.
    func fixedHost(_ u: Range<Int>, _ code: Code) -> Bool {
        let first = code.tokens[u.lowerBound]
        guard first.kind == .string else { return false }
        var text = first.text
        return text.withUTF8 { b in
            // scheme "://" host "/", with no interpolation before that slash.
            var i = 0
            while i + 2 < b.count && !(b[i] == 0x3A && b[i + 1] == 0x2F && b[i + 2] == 0x2F) {
                guard Bytes.isIdent(b[i]) || b[i] == 0x2B || b[i] == 0x2D || b[i] == 0x2E else { return false }
                i += 1
            }
            guard i > 0, i + 2 < b.count else { return false }
            var j = i + 3
            let host = j
            while j < b.count && b[j] != 0x2F {
                if b[j] == 0x7B || b[j] == 0x24 { return false }  // `{x}` or `${x}` in the host
                j += 1
            }
            return j > host && j < b.count
        }
    }

    /// A URL whose beginning, where the scheme and host go, is a value the model did not choose
    /// (`f"{self.base_url}{path}"`, `BASE + path`), or a name assigned one.
    func configuredHost(_ u: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        let first = toks[u.lowerBound]
        if u.count == 1, first.kind == .name {
            return configuredURLs[ObjectIdentifier(scope)]?.contains(first.text) == true
        }
        return Self.hostPrefix(u, scope, code)
    }

    static func hostPrefix(_ u: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        let first = toks[u.lowerBound]
        if first.kind == .string, first.formatted, first.text.hasPrefix("{") || first.text.hasPrefix("${"),
            !first.text.contains("}://"),
            let head = first.parts.first, !head.isEmpty
        {
            return code.origin(of: head, scope) != .untrusted
        }
        // `base + path`: the head is a name or attribute chain, then `+`.
        var j = u.lowerBound
        while j < u.upperBound, toks[j].kind == .name || toks[j].isOp(".") { j += 1 }
        guard j > u.lowerBound, j < u.upperBound, toks[j].isOp("+") else { return false }
        let head = u.lowerBound..<j
        let o = code.origin(head, scope)
        return o != .untrusted && !(head.count == 1 && scope.params.contains(toks[head.lowerBound].text))
    }

    mutating func templates(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        var target: Range<Int>?
        let callee = c.callee
        if c.known && APIs.matches(callee, APIs.templates) || callee == "jinja2.Template" {
            target = c.arg(0, "source")
        } else if c.last == "from_string" {
            let recv = receiverNames(c, code)
            if !recv.contains(where: { sandboxedTemplates.contains($0) || $0.contains("Sandboxed") }) {
                target = c.arg(0, "source")
            }
        } else if ["PromptTemplate", "from_template", "ChatPromptTemplate"].contains(c.last),
            let f = c.keyword("template_format"), code.literal(f) == "jinja2"
        {
            target = c.arg(0, "template")
        }
        guard let r = target else { return }
        let o = code.origin(r, scope)
        guard !o.isSafe else { return }
        add(
            RuleID.templateInjection, o == .untrusted ? .high : .medium, at,
            "\(written(c))() compiles a template from \(Self.describe(o)): \(text(code, r))", length: len)
    }

    mutating func deserialisation(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let callee = c.callee
        let isUnserialize = callee == "node-serialize.unserialize"
        guard c.known && APIs.matches(callee, APIs.deserialise) || isUnserialize else { return }
        let data = c.arg(0)
        let o = data.map { code.origin($0, scope) } ?? .unknown
        var severity: Severity?
        var why = ""
        switch callee {
        case "yaml.load", "yaml.load_all":
            let loader = c.arg(1, "Loader")
            if let l = loader, code.names(l).contains(where: { APIs.safeYAMLLoaders.contains($0) }) { return }
            severity = o == .constant ? .medium : .high
            why = "yaml.load without a safe Loader constructs arbitrary Python objects"
        case "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load":
            severity = o == .constant ? .medium : .high
            why = "\(written(c)) constructs arbitrary Python objects"
        case "torch.load":
            if let w = c.keyword("weights_only"), code.isTrue(w, scope) { return }
            guard o != .constant else { return }
            severity = .high
            why = "torch.load without weights_only=True unpickles \(Self.describe(o))"
        case "numpy.load":
            guard let a = c.keyword("allow_pickle"), code.isTrue(a, scope), o != .constant else { return }
            severity = .high
            why = "numpy.load(allow_pickle=True) unpickles \(Self.describe(o))"
        case "keras.models.load_model", "tensorflow.keras.models.load_model":
            guard let s = c.keyword("safe_mode"), code.isFalse(s) else { return }
            severity = .high
            why = "load_model(safe_mode=False) runs Lambda-layer code from the file"
        case "shelve.open":
            guard o != .constant else { return }
            severity = o == .untrusted ? .high : .medium
            why = "shelve.open unpickles whatever the file at \(Self.describe(o)) holds"
        default:
            guard o != .constant else { return }
            severity = o == .untrusted ? .critical : .high
            why = "\(written(c)) runs code embedded in \(Self.describe(o))"
        }
        if let s = severity {
            add(RuleID.unsafeDeserialization, s, at, why + (data.map { ": " + text(code, $0) } ?? ""), length: len)
        }
    }

    mutating func tls(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        for (k, r) in c.keywords {
            if (k == "verify" || k == "verify_ssl") && code.isFalse(r) {
                add(
                    RuleID.tlsDisabled, nil, code.tokens[r.lowerBound - 2],
                    "\(k)=False turns off certificate checks for \(written(c))()")
            }
            if k == "ssl" && code.isFalse(r)
                && (c.callee.hasPrefix("aiohttp") || APIs.httpMethods.contains(c.last) || c.last == "TCPConnector")
            {
                add(
                    RuleID.tlsDisabled, nil, code.tokens[r.lowerBound - 2],
                    "ssl=False turns off certificate checks for \(written(c))()")
            }
        }
        if c.callee == "ssl._create_unverified_context" || c.callee == "ssl._create_stdlib_context" {
            add(
                RuleID.tlsDisabled, nil, at, "\(written(c))() makes a context that accepts any certificate", length: len
            )
        }
    }

    mutating func systemPrompt(_ c: Call, _ scope: Scope, _ code: Code) {
        var candidates: [Range<Int>] = []
        if c.last == "SystemMessage", let a = c.arg(0, "content") { candidates.append(a) }
        for (k, r) in c.keywords where ["system", "system_prompt", "system_message", "instructions"].contains(k) {
            candidates.append(r)
        }
        if language == .javascript {
            for a in c.args {
                for key in ["system", "instructions", "systemPrompt", "systemMessage"] {
                    if let v = code.property(key, in: a) { candidates.append(v) }
                }
            }
        }
        for r in candidates where !r.isEmpty && code.origin(r, scope) == .untrusted {
            add(
                RuleID.systemPromptInjection, nil, code.tokens[r.lowerBound],
                "the system prompt of \(written(c))() includes model output or outside input: \(text(code, r))")
        }
    }

    /// The `key=value` / `key: value` settings the statement pass reads (a token that is none
    /// of them skips the comparisons).
    static let settings = WordSet([
        "allow_dangerous_code",
        "allowDangerousCode",
        "allow_dangerous_requests",
        "allowDangerousRequests",
        "allow_dangerous_deserialization",
        "trust_remote_code",
        "trustRemoteCode",
        "use_docker",
        "unsafe_mode",
        "auto_run",
        "rejectUnauthorized",
        "strictSSL",
        "check_hostname",
        "verifySsl",
        "maxSteps",
        "maxIterations",
        "maxTurns",
        "recursionLimit",
        "role",
    ])
    static let tlsVariables = WordSet(["NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY"])
    /// Keys of `CERT_NONE` (long: its first 7 bytes; the token is checked in full after) and
    /// `system`.
    static let certNone = Token.pack("CERT_NONE")
    static let system = Token.pack("system")

    // MARK: statements

    mutating func statement(_ r: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        let id = ObjectIdentifier(scope)
        if language == .python {
            noteInterpreter(r, code)
            noteFileHandle(r, code)
        }
        // `if not allow_dangerous_deserialization: raise ...`, `if not kwargs.get("allow_dangerous_code")`.
        if toks[r.lowerBound].isName("if"), r.count >= 3, toks[r.lowerBound + 1].isName("not") {
            for j in (r.lowerBound + 2)..<r.upperBound
            where (toks[j].kind == .name || toks[j].kind == .string) && toks[j].text.hasPrefix("allow_dangerous") {
                scope.optInGuard = true
                // In a constructor or validator the object cannot exist without the opt-in:
                // every method of the file's classes runs opted in.
                if ["__init__", "__post_init__", "model_post_init", "post_init"].contains(scope.name)
                    || scope.name.lowercased().contains("validat")
                {
                    constructorOptIn = true
                }
                break
            }
        }
        // Assignments that later rules need: SQL built by formatting, sandboxed template
        // environments, system prompts built from untrusted text.
        if r.count >= 3, toks[r.lowerBound].kind == .name,
            toks[r.lowerBound + 1].isOp("=") || toks[r.lowerBound + 1].isOp("+=")
        {
            let name = toks[r.lowerBound].text
            let value = (r.lowerBound + 2)..<r.upperBound
            if code.isBuilt(value) && containsSQL(value, code) {
                let o = code.origin(value, scope)
                if !o.isSafe {
                    let before = sqlVars[id]?[name]
                    sqlVars[id, default: [:]][name] = (
                        max(o, before?.origin ?? .constant), before?.at ?? toks[r.lowerBound]
                    )
                }
            } else if toks[r.lowerBound + 1].isOp("=") {
                sqlVars[id]?[name] = nil
            }
            if value.contains(where: { toks[$0].isName("SandboxedEnvironment") }) { sandboxedTemplates.insert(name) }
            if facts[id]?.joins.last.map({ $0.0.line >= toks[r.lowerBound].line }) == true {
                joinedNames[id, default: []].insert(name)
            } else if joinedNames[id]?.contains(name) == true {
                joinedNames[id]?.remove(name)
            }
            if Self.hostPrefix(value, scope, code) {
                configuredURLs[id, default: []].insert(name)
            } else if configuredURLs[id]?.contains(name) == true {
                configuredURLs[id]?.remove(name)
            }
            if name.hasIgnoringCase("system"), code.isBuilt(value), code.origin(value, scope) == .untrusted {
                add(
                    RuleID.systemPromptInjection, nil, toks[r.lowerBound],
                    "\(name) is built from model output or outside input: \(text(code, value))")
            }
        }
        var i = r.lowerBound
        // Read once: a static's accessor per token costs more than the checks themselves.
        let settings = Self.settings
        let tlsVariables = Self.tlsVariables
        while i < r.upperBound {
            // Most tokens are none of what this pass looks at: decide from the kind and the
            // packed key before copying the token.
            let kind = toks[i].kind
            let key = toks[i].key
            let wanted =
                kind == .op
                ? language == .python && key == Op.slash
                : (kind == .name || kind == .string)
                    && (settings.contains(key: key) { toks[i].text } || tlsVariables.contains(key: key) { toks[i].text }
                        || key == Self.certNone || (kind == .string && key == Self.system))
            guard wanted else {
                i += 1
                continue
            }
            let t = toks[i]
            let next = i + 1 < r.upperBound ? toks[i + 1] : nil
            // A keyword argument, a dict key or a module-level setting; a local variable a
            // function computes (`use_docker = False` in the branch that parses an environment
            // variable) configures nothing by itself.
            let local = i == r.lowerBound && scope.parent != nil
            let isKey =
                (t.kind == .name || t.kind == .string) && next.map { $0.isOp("=") || $0.isOp(":") } == true && !local
            if isKey, i + 2 < r.upperBound, settings.contains(t) {
                let v = i + 2
                let value = toks[v]
                let isTrue = value.isName("True") || value.isName("true")
                let isFalse = value.isName("False") || value.isName("false")
                switch t.text {
                case "allow_dangerous_code", "allowDangerousCode":
                    if isTrue {
                        add(
                            RuleID.allowDangerousCode, nil, t,
                            "\(t.text)=True lets the agent execute model-written code on the host")
                    }
                case "allow_dangerous_requests", "allowDangerousRequests":
                    if isTrue {
                        add(RuleID.allowDangerousRequests, nil, t, "\(t.text)=True lets the model request any URL")
                    }
                case "allow_dangerous_deserialization":
                    if isTrue {
                        add(
                            RuleID.unsafeDeserialization, .high, t,
                            "allow_dangerous_deserialization=True lets the loader unpickle the files it is given")
                    }
                case "trust_remote_code", "trustRemoteCode":
                    if isTrue {
                        add(RuleID.trustRemoteCode, nil, t, "trust_remote_code=True runs Python shipped with the model")
                    }
                case "use_docker":
                    if isFalse {
                        add(
                            RuleID.unsandboxedInterpreter, nil, t,
                            "use_docker=False runs generated code directly on the host")
                    }
                case "unsafe_mode":
                    if isTrue {
                        add(
                            RuleID.unsandboxedInterpreter, nil, t,
                            "unsafe_mode=True runs generated code directly on the host")
                    }
                case "auto_run":
                    if isTrue {
                        add(
                            RuleID.unsandboxedInterpreter, nil, t,
                            "auto_run=True executes generated code without asking")
                    }
                case "rejectUnauthorized", "strictSSL", "check_hostname", "verifySsl":
                    if isFalse { add(RuleID.tlsDisabled, nil, t, "\(t.text): false accepts any certificate") }
                case "maxSteps", "maxIterations", "maxTurns", "recursionLimit":
                    if value.isName("Infinity") {
                        add(RuleID.unboundedLoop, nil, t, "\(t.text): Infinity lets the agent loop without a limit")
                    }
                case "role" where value.kind == .string && value.textIs("system"):
                    systemRole(at: i, r, scope, code)
                default: break
                }
            }
            if tlsVariables.contains(t) {
                // process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0", os.environ["…"] = "0".
                var j = i + 1
                while j < r.upperBound && (toks[j].isOp("]") || toks[j].isOp(")")) { j += 1 }
                if j + 1 < r.upperBound, toks[j].isOp("=") || toks[j].isOp(","), code.isFalse(j + 1..<j + 2) {
                    add(RuleID.tlsDisabled, nil, t, "\(t.text)=0 turns off certificate checks for the whole process")
                }
            }
            if t.isName("CERT_NONE") && i > r.lowerBound && toks[i - 1].isOp(".") {
                add(RuleID.tlsDisabled, nil, t, "ssl.CERT_NONE accepts any certificate")
            }
            if language == .python, t.isOp("/"), i > r.lowerBound, next?.kind == .name {
                let left = toks[i - 1]
                let l = left.text.lowercased()
                let based = ["dir", "path", "root", "base", "folder", "workspace"].contains(where: { l.has($0) })
                if left.isOp(")") || based, code.origin((i + 1)..<(i + 2), scope) == .untrusted {
                    facts[id, default: Facts()].joins.append((left, left.text + " / " + (next?.text ?? "")))
                } else if based, i >= 3, toks[i - 2].isOp("."), toks[i - 3].isName("self"),
                    let key = next?.text, scope.params.contains(key), scope.env[key] == nil,
                    i + 2 >= r.upperBound || !toks[i + 2].isOp(".")
                {
                    // `self.path / key` in a method: a store of files under the object's base
                    // that takes names from its callers.
                    facts[id, default: Facts()].storeJoins.append((left, "self.\(left.text) / \(key)"))
                }
            }
            if t.kind == .string, t.textIs("system"), i > r.lowerBound, toks[i - 1].isOp("("), next?.isOp(",") == true {
                // ("system", f"... {x}") message tuples.
                let c = Code.close(toks, i - 1, r.upperBound)
                let v = (i + 2)..<c
                if code.isBuilt(v), code.origin(v, scope) == .untrusted {
                    add(
                        RuleID.systemPromptInjection, nil, toks[i + 2],
                        "a system message is built from model output or outside input: \(text(code, v))")
                }
            }
            i += 1
        }
    }

    /// `{"role": "system", "content": f"... {x}"}`: the content of a system message.
    mutating func systemRole(at i: Int, _ r: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        var o = i
        var depth = 0
        while o > r.lowerBound {
            o -= 1
            if toks[o].isOp("}") { depth += 1 }
            if toks[o].isOp("{") {
                if depth == 0 { break }
                depth -= 1
            }
        }
        guard toks[o].isOp("{") else { return }
        let c = Code.close(toks, o, r.upperBound)
        guard let v = code.property("content", in: o..<(c + 1 <= r.upperBound ? c + 1 : c)), !v.isEmpty else { return }
        if code.origin(v, scope) == .untrusted {
            add(
                RuleID.systemPromptInjection, nil, toks[v.lowerBound],
                "a system message's content is model output or outside input: \(text(code, v))")
        }
    }

    // MARK: function ends

    mutating func functionEnd(_ scope: Scope, _ code: Code) {
        let id = ObjectIdentifier(scope)
        sqlVars[id] = nil
        configuredURLs[id] = nil
        joinedNames[id] = nil
        defer {
            if scope.optInGuard || (scope.parent == nil && constructorOptIn) { dropOptedIn(scope, code) }
        }
        if scope.parent == nil { settleLocalCalls(code) }
        defer { calledLocals[id] = nil }
        guard let f = facts.removeValue(forKey: id) else { return }
        let body = scope.bodyStart..<max(scope.bodyStart, scope.bodyEnd)
        if !f.fetchedParams.isEmpty && !allowListed(body, code) && scope.parent != nil {
            fetchingFunctions[scope.name] = scope.order.enumerated().filter { f.fetchedParams.contains($0.element) }
                .map { (index: $0.offset, name: $0.element) }
        }
        // The body's names, read only when a decision needs them (most bodies have none to make).
        var cached: Set<String>?
        func bodyNames() -> Set<String> {
            if let c = cached { return c }
            let s = Set(body.compactMap { code.tokens[$0].kind == .name ? code.tokens[$0].text : nil })
            cached = s
            return s
        }
        if !f.paramSinks.isEmpty {
            keepParamSinks(scope, f, contained: contained(bodyNames()), allowListed: allowListed(body, code))
        }
        settleCodeFiles(f)
        // A path joined to a base is the join rule's; this one is for no base at all.
        if !f.wholePaths.isEmpty && f.joins.isEmpty && !contained(bodyNames()) {
            for (at, what) in f.wholePaths.prefix(1) {
                add(
                    RuleID.pathTraversal, nil, at,
                    "opens whatever path the model names, with no base directory or check: \(what)")
            }
        }
        if !f.joins.isEmpty && f.fileOp && !contained(bodyNames()) {
            for (at, what) in f.joins.prefix(1) {
                add(
                    RuleID.pathTraversal, nil, at,
                    "\(what) joins model-chosen input to a path that is used without normalising and checking it stays inside the base"
                )
                // Where the joined path is opened, when that is further down.
                if let use = f.joinUses.first(where: { $0.line > at.line + 2 }) {
                    add(
                        RuleID.pathTraversal, nil, use,
                        "uses the path joined at line \(at.line) from model-chosen input, unchecked")
                }
            }
        }
        if f.fileOp, let called = calledLocals[id] { calledByFileUsers.formUnion(called) }
        if f.joins.isEmpty, !f.fileOp, scope.returns != nil, let first = f.storeJoins.first, !contained(bodyNames()) {
            pathBuilders[scope.name] = first
        }
        if f.joins.isEmpty, f.fileOp, let (at, what) = f.storeJoins.first, !contained(bodyNames()) {
            add(
                RuleID.pathTraversal, .medium, at,
                "\(what) puts a name from the caller under the object's base and uses it with no normalise-and-check: a name with ../ or an absolute path escapes"
            )
        }
        if !f.fetches.isEmpty && !allowListed(body, code) {
            for (at, what) in f.fetches {
                add(RuleID.ssrf, nil, at, "fetches a URL from model output or tool input with no allow-list: \(what)")
            }
        }
        // Email to a recipient the developer fixed (`self.receiver_email`) reaches one known
        // inbox; it is a dangerous tool when the model chooses where mail goes.
        let mailing = f.dangerous.contains { $0.1 == "sends email" }
        let recipientChosen =
            mailing
            && scope.params.contains { p in
                TaintWords.split(p).contains {
                    [
                        "to", "recipient", "recipients", "receiver", "email", "emails", "address", "addresses", "cc",
                        "bcc",
                    ]
                    .contains($0)
                }
            }
        let dangerous = f.dangerous.filter { $0.1 != "sends email" || recipientChosen }
        if scope.isTool, !dangerous.isEmpty, !fileHasApproval, !approves(body, code) {
            let f = Facts(dangerous: dangerous)
            let kinds = Array(Set(f.dangerous.map(\.1))).sorted()
            let sev = f.dangerous.map(\.2).max() ?? .medium
            add(
                RuleID.dangerousTool, sev, f.dangerous[0].0,
                "tool \(scope.name)() \(kinds.joined(separator: " and ")) with no approval step")
        }
    }

    /// Normalised and checked: `realpath`/`resolve` and a prefix test in the same function.
    func contained(_ names: Set<String>) -> Bool {
        let normalise = ["realpath", "abspath", "resolve", "normpath", "normalize", "canonicalize"]
        let check = [
            "startswith", "startsWith", "is_relative_to", "commonpath", "relative_to", "relative", "commonprefix",
        ]
        return normalise.contains(where: names.contains) && check.contains(where: names.contains)
    }

    func allowListed(_ body: Range<Int>, _ code: Code) -> Bool {
        var hostCheck = false
        var membership = false
        for i in body {
            let t = code.tokens[i]
            guard t.kind == .name else { continue }
            let l = t.text.lowercased()
            if ["allow", "whitelist", "permit", "trusted", "safe_url", "is_safe", "validate_url", "check_url"].contains(
                where: { l.has($0) })
            {
                return true
            }
            if l == "hostname" || l == "netloc" || l == "host" || l == "origin" { hostCheck = true }
            if l == "in" || l == "includes" || l == "endswith" || l == "endsWith" || l == "has" { membership = true }
        }
        return hostCheck && membership
    }

    func approves(_ body: Range<Int>, _ code: Code) -> Bool {
        for i in body {
            let t = code.tokens[i]
            guard t.kind == .name || t.kind == .string else { continue }
            let l = t.text.lowercased()
            if t.kind == .name && (l == "input" || l == "confirm" || l == "prompt_toolkit") { return true }
            if ["approv", "confirm", "consent", "human", "interrupt", "cordon"].contains(where: { l.has($0) }) {
                return true
            }
        }
        return false
    }

    mutating func unboundedLoop(_ at: Token, body: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        var callsModel = false
        for i in body where toks[i].isOp("(") && i > body.lowerBound && toks[i - 1].kind == .name {
            var segs = [toks[i - 1].text]
            var j = i - 1
            while j - 2 >= body.lowerBound && toks[j - 1].isOp(".") && toks[j - 2].kind == .name {
                segs.insert(toks[j - 2].text, at: 0)
                j -= 2
            }
            if code.isModelCall(segs, code.resolve(segs))
                || (segs.count >= 2 && ["step", "run", "invoke", "chat"].contains(segs.last ?? "")
                    && segs.dropLast().contains(where: { $0.lowercased().contains("agent") }))
            {
                callsModel = true
                break
            }
        }
        guard callsModel else { return }
        let limits = [
            "max", "limit", "budget", "iteration", "turn", "attempt", "retr", "cost", "deadline", "timeout",
            "remaining", "count", "tries", "round", "elapsed",
        ]
        for i in body where toks[i].kind == .name {
            let l = toks[i].text.lowercased()
            if limits.contains(where: { l.has($0) }) { return }
        }
        add(
            RuleID.unboundedLoop, nil, at,
            "the loop calls the model until it stops by itself: no iteration, cost or time limit")
    }
}
