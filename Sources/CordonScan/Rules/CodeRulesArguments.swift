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
        for item in items {
            let lit = code.literal(item)
            if lit == "--" || lit == "--end-of-options" { return }
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
