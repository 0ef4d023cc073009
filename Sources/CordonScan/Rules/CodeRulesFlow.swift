// Rules that follow a value one step further than a single call: an interpreter held in a
// variable or field (`self.process.run(cmd)`), a local helper that fetches its parameter
// (`fetch_url(args.url)`), SQL the model wrote run through a database handle, and functions
// that refuse to run without the caller's explicit `allow_dangerous_...` opt-in.

extension CodeRules {
    /// Rules whose sink an explicit opt-in (`allow_dangerous_deserialization=True`) makes the
    /// caller's documented choice; the caller's `allow_dangerous_...=True` is reported instead.
    static let optInRules: Set<String> = [
        RuleID.unsafeDeserialization, RuleID.evalInjection, RuleID.ssrf, RuleID.shellInjection, RuleID.shellTool,
    ]

    /// A call of a local function that fetches its parameter, handed model output there.
    mutating func localFetch(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard !c.onExpression, c.segments.count == 1 || (c.segments.count == 2 && c.segments[0] == "self"),
            let params = fetchingFunctions[c.last]
        else { return }
        for (i, name) in params {
            guard let a = c.arg(i, name), code.origin(a, scope) == .untrusted,
                !a.contains(where: { code.tokens[$0].isName("argv") })
            else { continue }
            facts[ObjectIdentifier(scope), default: Facts()].fetches.append(
                (at, "\(written(c))(\(text(code, a))), which fetches it"))
            return
        }
    }

    /// `x.run(cmd)` where `x` holds a Python REPL or a shell process.
    mutating func interpreterRun(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, c.segments.count >= 2, APIs.replMethods.contains(c.last) || c.last == "sendline",
            let holder = c.segments.dropLast().last, let shell = interpreters[holder],
            !receiverNames(c, code).contains(where: { $0.lowercased().contains("repl") }),
            let r = c.arg(0, "command") ?? c.arg(0, "commands")
        else { return }
        let o = code.origin(r, scope)
        guard !o.isSafe else { return }
        if shell {
            add(
                RuleID.shellInjection, o == .untrusted ? .critical : .high, at,
                "\(written(c))() runs \(Self.describe(o)) in a shell: \(text(code, r))", length: len)
        } else {
            add(
                RuleID.evalInjection, o == .untrusted ? .critical : .high, at,
                "\(written(c))() evaluates \(Self.describe(o)) as code: \(text(code, r))", length: len)
        }
    }

    /// A method that runs a statement on a database handle: the receiver's name says database
    /// (`db`, `database`, `cursor`, `conn`, `engine`, `sql`) and the method's says run or
    /// execute (`run`, `execute`, `run_no_throw`, `_execute_query`, `exec_driver_sql`).
    static func runsSQL(_ c: Call, _ receiver: [String]) -> Bool {
        guard c.segments.count >= 2 || c.onExpression, mayRunSQL(c.last) else { return false }
        // A SQL loader or driver held by name (`self.sql_loader.load(query)`).
        if c.last == "load" || c.last == "aload" {
            return receiver.contains { TaintWords.split($0).contains("sql") }
        }
        let method = TaintWords.split(c.last)
        // A method that says so itself, whatever it is called on: `self.run_query(stmt)`,
        // `self.run_sql(sql=q)`, `db_tools.execute_query(q)`.
        if method.contains(where: { $0 == "sql" || $0 == "query" }),
            method.contains(where: { ["run", "execute", "exec"].contains($0) })
        {
            return true
        }
        // A method named for what it makes of SQL (`parse_response_to_sql`, `to_sql`,
        // `format_query`) does not run it; `conn.sql(q)` (DuckDB) and `graph.query(q)` do.
        if method.contains(where: { ["parse", "to", "format", "build", "generate", "extract", "get"].contains($0) }) {
            return false
        }
        guard method.contains(where: { ["run", "execute", "exec", "query", "executescript", "sql"].contains($0) })
        else { return false }
        let words = receiver.flatMap { TaintWords.split($0) }
        return words.contains(where: {
            [
                "db", "database", "sql", "sqlite", "cursor", "cur", "conn", "connection", "engine", "sqldb", "graph",
                "neo4j", "cypher", "duckdb", "con", "session", "tx",
            ].contains($0)
        })
    }

    /// Whether a method name can say run/execute/query/sql at all, by bytes: most calls are
    /// ruled out before their receiver is read and their name split into words.
    static func mayRunSQL(_ name: String) -> Bool {
        name.hasIgnoringCase("run") || name.hasIgnoringCase("exec") || name.hasIgnoringCase("query")
            || name.hasIgnoringCase("sql") || name == "load" || name == "aload"
    }

    /// `repl = PythonREPL(...)`, `self.process = BashProcess()`, `process: BashProcess = Field(...)`:
    /// the name now holds an interpreter, whatever it is called.
    mutating func noteInterpreter(_ r: Range<Int>, _ code: Code) {
        let toks = code.tokens
        var j = r.lowerBound
        if toks[j].isName("self"), j + 2 < r.upperBound, toks[j + 1].isOp(".") { j += 2 }
        guard toks[j].kind == .name, j + 2 < r.upperBound, toks[j + 1].isOp("=") || toks[j + 1].isOp(":") else {
            return
        }
        let type = toks[j + 2]
        if toks[j + 1].isOp("="), let shell = spawnedShell(j + 2, r.upperBound, code) {
            interpreters[toks[j].text] = shell
            return
        }
        guard type.kind == .name, APIs.shellTools.contains(type.text) || APIs.interpreterTypes.contains(type.text)
        else { return }
        // An annotation names the type; an assignment must construct it.
        if toks[j + 1].isOp("="), !(j + 3 < r.upperBound && toks[j + 3].isOp("(")) { return }
        interpreters[toks[j].text] = APIs.shellProcessTypes.contains(type.text)
    }

    /// `pexpect.spawn("/bin/bash", ...)` (or `spawn("python3 -i")` imported from pexpect) at
    /// `from`: a terminal on a shell (true) or a Python interpreter (false), whose `sendline`
    /// runs the line it is sent (wcgw's persistent `SHELL`, issue 16, session 13). Another
    /// program (`ssh host`) is not known to run what it reads.
    func spawnedShell(_ from: Int, _ end: Int, _ code: Code) -> Bool? {
        let toks = code.tokens
        var segs: [String] = []
        var j = from
        while j < end, toks[j].kind == .name {
            segs.append(toks[j].text)
            guard j + 1 < end, toks[j + 1].isOp(".") else { break }
            j += 2
        }
        guard !segs.isEmpty, j + 1 < end, toks[j + 1].isOp("("),
            ["pexpect.spawn", "pexpect.spawnu", "pexpect.pty_spawn.spawn", "pexpect.popen_spawn.PopenSpawn"].contains(
                code.resolve(segs)),
            j + 2 < end, toks[j + 2].kind == .string, toks[j + 2].parts.isEmpty
        else { return nil }
        let program = toks[j + 2].text.split(separator: " ").first.map(String.init) ?? ""
        if APIs.shells.contains(program) { return true }
        let base = program.split(separator: "/").last.map(String.init) ?? program
        if base.hasPrefix("python") || base == "ipython" { return false }
        return nil
    }

    /// Removes the opt-in rules' findings inside a function that refuses to run without the
    /// caller's explicit opt-in.
    mutating func dropOptedIn(_ scope: Scope, _ code: Code) {
        guard scope.bodyEnd > scope.bodyStart, scope.bodyEnd <= code.tokens.count else { return }
        let first = scope.parent == nil ? 1 : scope.line
        let last = code.tokens[scope.bodyEnd - 1].line
        findings.removeAll { Self.optInRules.contains($0.rule) && $0.line >= first && $0.line <= last }
    }

    /// The model's SQL in a function that runs only after the operator's write switch.
    mutating func dropOptedInWrites(_ scope: Scope, _ code: Code) {
        guard scope.bodyEnd > scope.bodyStart, scope.bodyEnd <= code.tokens.count else { return }
        let first = scope.line
        let last = code.tokens[scope.bodyEnd - 1].line
        findings.removeAll { $0.rule == RuleID.sqlInjection && $0.line >= first && $0.line <= last }
    }
}
