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
        /// Programs with a fixed argv handed model output where they read options.
        var optionArguments: [(Token, String)] = []
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
    /// Functions of the file that run a fixed program with a parameter's list as its
    /// operands (`subprocess.run(["kubectl"] + command)`): name → (program, parameter index).
    var argvRunners: [String: (program: String, index: Int)] = [:]
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
    /// Per function of the file: the least safe argument of each call of it in the file
    /// (`run_kubectl_command("kubectl get pods")` → constant), for the runners below.
    var localCallArguments: [String: [Origin]] = [:]
    /// Shell findings in a function, on a command built only from its own parameters, of
    /// unknown origin there (a helper, not a tool): dropped at the file's end when the file
    /// calls it and every call hands it constant or sanitised values (issue 16, session 15).
    var runnerSinkFindings: [(function: String, line: Int, column: Int)] = []
    /// `with open(p, "w") as f`: `f` → `p`.
    var fileHandles: [String: String] = [:]
    /// `with open(self.path) as f`: `f` → `self.path`; and the attributes whose file this file
    /// itself pickles into (`pickle.dump(data, f)`).
    var ownFiles: [String: String] = [:]
    var pickledOwnFiles: Set<String> = []
    /// Loads of an own file (`self.state_file`) met before the method that pickles into it:
    /// settled at the file's end (the class's method order does not matter).
    var ownFileLoads: [(line: Int, own: String)] = []
    var calleeGates = CalleeGates()
    var runners = ShellRunners()
    /// Functions of other files that run the argument at these positions in a shell.
    var projectRunners: [String: Set<Int>] = [:]
    /// The same runners' parameter names, for calls that pass them by keyword.
    var projectRunnerKeywords: [String: Set<String>] = [:]
    /// Those of them that run it as Python code.
    var projectCodeRunners: Set<String> = []
    /// Names the file assigns an instance of an imported class, with that class's module
    /// (`python_runner = RunPythonCode()` → `code`): built on first use.
    var heldInstances: [String: String]?
    /// Methods that return `self.base / param` unchecked (LocalFileStore's `_get_full_path`),
    /// and the functions of this file that call something and use files.
    var pathBuilders: [String: (Token, String)] = [:]
    var calledByFileUsers: Set<String> = []
    /// Per scope: functions of this file it calls (for path builders whose result it opens).
    var calledLocals: [ObjectIdentifier: Set<String>] = [:]
    /// Functions of this file that normalise a path and check it stays under a base.
    var pathCheckers: Set<String> = []
    /// Functions of this file that answer whether a path is inside a base (`return parent in
    /// child.parents`, `return p.is_relative_to(base)`): a call of one is a containment test.
    var pathPredicates: Set<String> = []
    /// `startswith` tokens already reported as a bare prefix test (a nested function's body
    /// lies inside its parent's).
    var barePrefixReported: Set<Int> = []
    /// Functions of this file that refuse a command not on an allow-list (CodeRulesCommandGate).
    var commandCheckers: Set<String> = []
    /// Imported functions this file's tools call with the model's arguments: the files that
    /// define them treat them as tools (ToolRegistrations).
    var passesToImported: Set<String> = []

    /// Names of the functions this file defines (`def name`, `function name`): only calls of
    /// these can reach a helper's sinks, so only they are kept for the end of the file.
    let localFunctions: Set<String>
    /// Names the file assigns an instance of a class it defines (`repl_state = ReplState()`).
    let localInstances: Set<String>

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
        if c.known && APIs.matches(callee, APIs.alwaysShell) || c.known && APIs.matches(callee, APIs.spawn)
            || remoteShellCommand(c, code) != nil
        {
            let shell =
                shellCommand(c, code, scope) ?? sshCommand(c, scope, code).map { ($0, " via ssh (a remote shell)") }
            if let (r, _) = shell { noteShellRunner(r, scope, code) }
            if let (r, how) = shell, case let o = code.origin(r, scope), !o.isSafe {
                add(
                    RuleID.shellInjection, o == .untrusted ? .critical : .high, at,
                    "\(written(c))\(how) runs a command built from \(Self.describe(o)): \(text(code, r))", length: len)
                reportedShell = true
                if o == .unknown, !scope.inTool, scope.parent != nil, language == .python,
                    Self.onlyParams(r, scope, code)
                {
                    runnerSinkFindings.append((scope.name, at.line, at.column))
                }
            } else if let argv = c.arg(0, "args"), case let o = code.origin(argv, scope), o == .untrusted,
                !fixedProgram(argv, code, scope)
            {
                add(
                    RuleID.shellInjection, .critical, at,
                    "\(written(c)) runs a program chosen by model output or tool input: \(text(code, argv))",
                    length: len)
                reportedShell = true
            }
            if !reportedShell, language == .python, APIs.matches(callee, APIs.spawn) { noteSpawn(c, scope, code, at) }
            if !reportedShell, scope.inTool, let argv = c.arg(0, "args"), !code.origin(argv, scope).isSafe,
                !fixedProgram(argv, code, scope)
            {
                facts[id, default: Facts()].dangerous.append((at, "runs commands", .high))
            }
        }

        // JavaScript: a tool handing the model's input to an imported function named for
        // running a command or process (`runProcess(request.params.arguments)`,
        // `executeCommand(args.command)`) is a command tool; the project pass carries no
        // argument positions between JavaScript files, so the runner's own file cannot say
        // whose command it runs (mcp-server-commands' `tools.ts`, issue 16, session 16).
        if language == .javascript, scope.inTool, !c.known, !c.onExpression, c.segments.count <= 2,
            !localFunctions.contains(c.last), Self.runsCommands(c.last),
            c.segments.count == 1 ? code.aliases[c.last] != nil : code.aliases[c.segments[0]] != nil,
            (c.args + c.keywords.map(\.1)).contains(where: { code.origin($0, scope) == .untrusted })
        {
            facts[id, default: Facts()].dangerous.append((at, "runs commands", .high))
        }

        if !reportedShell { argumentInjection(c, scope, code, at) }
        if !reportedShell, language == .python {
            noteArgvRunner(c, scope, code)
            argvRunnerCall(c, scope, code)
        }
        if !reportedShell, language == .python { inlineCode(c, scope, code, at, len) }
        evaluation(c, scope, code, at, len)
        dataFrameEval(c, scope, code, at, len)
        kernelExecution(c, scope, code, at, len)
        fileHelperCall(c, scope, code, at)
        if language == .python {
            runpy(c, scope, code, at, len)
            moduleLoad(c, scope, code, at, len)
            stdinCode(c, scope, code, at, len)
            scheduledCommands(c, scope, code, at, len)
            sympyEval(c, scope, code, at, len)
            codeFileLoad(c, scope, code, at, len)
            codeWrites(c, scope, code)
        }
        noteLocalCall(c, scope, code, at)
        noteCallSite(c, scope, code, at)
        noteRunnerCall(c, scope, code, at, len)
        noteImportedCall(c, scope, code)
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
        }
        // Sending mail and moving money need no argument of the model's to be dangerous: in a
        // tool, or in any method of a tool class (SuperAGI's `SendEmailAttachmentTool._execute`
        // hands the model's recipient to its own `send_email_with_attachment`; issue 16,
        // session 16).
        if scope.inTool || scope.toolClassMethod {
            // Opening an SMTP connection sends nothing; its `send_message`/`sendmail` does.
            if APIs.email.contains(last) || (callee.hasPrefix("smtplib.") && !last.hasPrefix("SMTP") && last != "LMTP")
            {
                facts[id, default: Facts()].dangerous.append((at, "sends email", .medium))
            }
            if APIs.payments.contains(callee) || (callee.hasPrefix("stripe.") && last == "create") {
                facts[id, default: Facts()].dangerous.append((at, "moves money", .high))
            }
        }
    }

    /// The command line a shell will parse, and how the call says so (`, shell=True`); nil
    /// when the call runs no shell.
    func shellCommand(_ c: Call, _ code: Code, _ scope: Scope? = nil) -> (Range<Int>, String)? {
        if let r = remoteShellCommand(c, code) { return (r, " on a remote host over SSH") }
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
                // The options held in a name (`spawn(cmd, [], options)`).
                // Read from the start of the outermost function, so a callback
                // (`new Promise((resolve) => { spawn(cmd, [], options) })`) sees the options
                // its function set.
                if let scope, a.count == 1, code.tokens[a.lowerBound].kind == .name,
                    Self.namedShellOption(
                        code.tokens[a.lowerBound].text, in: Self.outermost(scope).bodyStart..<c.first, code)
                {
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

    /// Whether the options object held in `name` asks for a shell when the call at the end of
    /// `r` is made: declared with it (`const options: SpawnOptions = { shell: true }`) or
    /// given it later in the function (`options.shell = true`, TypeScript's `(options as
    /// any).shell = true`, `options["shell"] = "/bin/bash"`). Any of these before the call
    /// counts: `if (line) { options.shell = true } else { options.shell = false }` may run the
    /// line in a shell (the branches are not told apart). Node's `spawn`/`execFile` then
    /// hand the command line to `/bin/sh -c` (mcp-server-commands' `run_process`, issue 16,
    /// session 16).
    /// A name for running a command, process or shell line: a verb (`run`, `exec`,
    /// `execute`, `spawn`, `start`) and what it runs (`command`, `cmd`, `process`, `shell`)
    /// (`runProcess`, `executeCommand`, `run_shell_command`, `startProcess`); not one that
    /// only parses, validates or lists (`parseCommand`, `isCommandAllowed`).
    static func runsCommands(_ name: String) -> Bool {
        let w = TaintWords.split(name)
        guard let first = w.first, ["run", "exec", "execute", "spawn", "start"].contains(first) else { return false }
        return w.dropFirst().contains { ["command", "commands", "cmd", "process", "shell"].contains($0) }
    }

    /// The function at module level that contains `scope` (itself when it is one).
    static func outermost(_ scope: Scope) -> Scope {
        var s = scope
        while let p = s.parent, p.parent != nil { s = p }
        return s
    }

    static func namedShellOption(_ name: String, in r: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        var j = r.lowerBound
        let end = r.upperBound
        func off(_ k: Int) -> Bool {
            k >= end || code.isFalse(k..<(k + 1)) || toks[k].isName("undefined") || toks[k].isName("null")
        }
        while j < end {
            let t = toks[j]
            guard t.kind == .name, t.text == name, j == 0 || !toks[j - 1].isOp(".") else {
                j += 1
                continue
            }
            var k = j + 1
            // `(options as any).shell`: past the cast's closing parenthesis.
            if k < end, toks[k].isName("as") {
                while k < end && !toks[k].isOp(")") && k < j + 8 { k += 1 }
                k += 1
            }
            if k + 3 < end, toks[k].isOp("."), toks[k + 1].isName("shell"), toks[k + 2].isOp("=") {
                if !off(k + 3) { return true }
            } else if k + 3 < end, toks[k].isOp("["), toks[k + 1].kind == .string, toks[k + 1].textIs("shell"),
                toks[k + 2].isOp("]"), toks[k + 3].isOp("=")
            {
                if !off(k + 4) { return true }
            } else if k < end, j > r.lowerBound,
                ["const", "let", "var"].contains(where: { toks[j - 1].isName($0) })
            {
                // The declaration, through a type annotation: `= {` ... `}`.
                var m = k
                while m < end && m < k + 16 && !toks[m].isOp("=") && !toks[m].isOp(";") { m += 1 }
                if m + 1 < end, toks[m].isOp("="), toks[m + 1].isOp("{"),
                    let v = code.property("shell", in: (m + 1)..<end), !code.isFalse(v)
                {
                    return true
                }
            }
            j = k
        }
        return false
    }

    /// SSH client libraries whose connection objects run a command string in the remote
    /// account's login shell.
    static let sshLibraries = ["paramiko", "asyncssh", "fabric"]

    /// The command of a remote execution through an SSH library (issue 16, session 15):
    /// paramiko's `client.exec_command(cmd)`, asyncssh's `conn.run(cmd)` and
    /// `conn.create_process(cmd)`, fabric's `c.run(cmd)`/`c.sudo(cmd)`. The server hands the
    /// string to the user's shell (`$SHELL -c`), so it is a shell line whatever the local code
    /// does with it (mcp-deploy-server's `exec_command`). Only in a file that imports one of
    /// the libraries, and for `run`/`sudo`/`create_process` only on a receiver named for a
    /// connection, so `session.run(cypher)` or `docker.containers.run(image)` is not one.
    func remoteShellCommand(_ c: Call, _ code: Code) -> Range<Int>? {
        guard language == .python, c.segments.count >= 2 else { return nil }
        let last = c.last
        guard last == "exec_command" || last == "run" || last == "sudo" || last == "create_process" else { return nil }
        if last != "exec_command" {
            let receiver = c.segments[c.segments.count - 2]
            let words = TaintWords.split(receiver)
            guard
                receiver == "c"
                    || words.contains(where: { ["conn", "connection", "ssh", "remote", "client"].contains($0) })
            else { return nil }
        }
        let imports =
            code.modules.contains(where: { m in Self.sshLibraries.contains { m == $0 || m.hasPrefix($0 + ".") } })
            || code.aliases.values.contains(where: { m in
                Self.sshLibraries.contains { m == $0 || m.hasPrefix($0 + ".") }
            })
        guard imports else { return nil }
        return c.arg(0, "command") ?? c.arg(0, "cmd")
    }

    /// ssh's options that take a value (`-o BatchMode=yes`, `-p 22`, `-i key`).
    static let sshValueOptions: Set<String> = [
        "-o", "-p", "-i", "-l", "-F", "-J", "-L", "-R", "-D", "-E", "-S", "-W", "-b", "-c", "-e", "-m", "-O", "-Q",
        "-w", "-B", "-I",
    ]

    /// `["ssh", "-o", "BatchMode=yes", host, command]`, written in the call or assigned to the
    /// name it passes (issue 16, session 13, second round): ssh joins the operands after the
    /// destination with spaces and the remote login shell runs them (`sh -c`), so they are a
    /// shell line however the argv is split locally (mcp-ssh-wrapper's `execute_ssh_command`).
    func sshCommand(_ c: Call, _ scope: Scope, _ code: Code) -> Range<Int>? {
        guard language == .python, var argv = c.arg(0, "args") else { return nil }
        let toks = code.tokens
        if let found = assignedList(argv, scope, code) { argv = found }
        guard toks[argv.lowerBound].isOp("[") || toks[argv.lowerBound].isOp("(") else { return nil }
        let items = code.arguments(argv.lowerBound, Code.close(toks, argv.lowerBound, argv.upperBound)).args
        guard let first = items.first, let program = code.literal(first),
            program == "ssh" || program.hasSuffix("/ssh")
        else { return nil }
        var k = 1
        while k < items.count, let o = code.literal(items[k]), o.hasPrefix("-") {
            k += Self.sshValueOptions.contains(o) ? 2 : 1
        }
        // items[k] is the destination; what follows it is the remote command.
        guard k + 1 < items.count else { return nil }
        return items[k + 1].lowerBound..<items[items.count - 1].upperBound
    }

    /// An argv list whose program is a constant: `["git", "log", ref]`.
    /// The list literal the name `argv` was last assigned above it in the function, on a line
    /// of its own (`cmd = ["kubectl", "port-forward", f"pod/{name}"]`, then `Popen(cmd)`); nil
    /// when `argv` is not such a name, or its last assignment is anything else: a list joined
    /// to more (`args = ["cd", base, ";"] + args`) or another value.
    func assignedList(_ argv: Range<Int>, _ scope: Scope, _ code: Code) -> Range<Int>? {
        let toks = code.tokens
        guard argv.count == 1, toks[argv.lowerBound].kind == .name, scope.env[toks[argv.lowerBound].text] != nil
        else { return nil }
        let name = toks[argv.lowerBound].text
        var i = argv.lowerBound - 1
        while i >= scope.bodyStart && i > 0 {
            if toks[i].kind == .name, toks[i].text == name, toks[i + 1].isOp("="), toks[i - 1].kind == .newline {
                guard toks[i + 2].isOp("[") else { return nil }
                let close = Code.close(toks, i + 2, toks.count)
                guard close + 1 < toks.count, toks[close + 1].kind == .newline else { return nil }
                return (i + 2)..<(close + 1)
            }
            i -= 1
        }
        return nil
    }

    /// The argv's program is a constant: the first item of the list in the call, or of the
    /// list assigned to the name the call passes (issue 16, session 14: kubectl-mcp-tool's
    /// `port_forward` builds `cmd = ["kubectl", ...]` and runs `Popen(cmd)`; the model's words
    /// in it are operands of kubectl, which the option-injection rule judges, not a program).
    func fixedProgram(_ argv: Range<Int>, _ code: Code, _ scope: Scope? = nil) -> Bool {
        let toks = code.tokens
        if let scope, let list = assignedList(argv, scope, code) { return fixedProgram(list, code) }
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
            }
            // `numexpr.evaluate` is not a sink: since 2.8.5 it validates the expression (no
            // attributes, no dunders, no calls outside its math functions), the fix LangChain's
            // LLMMathChain and griptape's Calculator use.
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
        if language == .python, last == "exec" || last == "eval" { noteShellRunner(r, scope, code, runsCode: true) }
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
}
