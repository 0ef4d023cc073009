// Code that runs through what a library or a system program does with a string, not through a
// call named `eval` or a shell (issue 16, session 13):
// - SymPy's `sympify` and `parse_expr` build the expression by Python's `eval` (SymPy's own
//   documentation: not for unsanitised input); `sympify("__import__('os').system('id')")` runs
//   the command. A calculator tool handing the model's expression to them is eval of it.
// - `crontab -` (and `at`, `batch`) read the lines a program writes to their stdin and install
//   them as commands the system's cron (or atd) later runs in a shell: writing the model's
//   command there is running it, later and without anyone asking.
// - A framework's loader of code from a file (strands' `tool_registry.load_tool_from_filepath`,
//   `load_module_from_path`, `import_plugin_from_file`) imports and runs the Python file it is
//   given: handed a path the model chose, it runs whatever file that is.

extension CodeRules {
    /// SymPy's parsers of a string, with import aliases resolved.
    static let sympyParsers: Set<String> = [
        "sympy.sympify", "sympy.parse_expr", "sympy.parsing.sympy_parser.parse_expr", "sympy.parsing.parse_expr",
        "sympy.core.sympify.sympify",
    ]

    mutating func sympyEval(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, !c.onExpression, Self.sympyParsers.contains(c.callee),
            let r = c.arg(0, "a") ?? c.arg(0, "s")
        else { return }
        let o = code.origin(r, scope)
        if o == .untrusted {
            add(
                RuleID.evalInjection, .critical, at,
                "\(written(c))() parses with Python's eval, here model output or tool input: \(text(code, r))",
                length: len)
        } else if !o.isSafe, let p = ownParam(r, scope, code) {
            // `def parse_expression(expr_str): return sp.sympify(expr_str)`: judged where the
            // function is called (a tool handing it the model's expression).
            noteParamSink(
                scope, p, RuleID.evalInjection, at, "\(written(c))() parses parameter \(p) with Python's eval")
        }
    }

    /// Programs that install the lines written to their stdin as commands run later.
    static let schedulers: Set<String> = ["crontab", "at", "batch"]

    /// `proc.stdin.write(table)` or `proc.communicate(table)` in a file that starts `crontab`
    /// (`Popen(["crontab", "-"], stdin=PIPE)`), or `subprocess.run(["crontab", "-"],
    /// input=table)`: model output in the table is a command cron runs.
    mutating func scheduledCommands(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python else { return }
        let value: Range<Int>?
        if c.segments.count >= 2, c.segments[c.segments.count - 2] == "stdin", ["write", "writelines"].contains(c.last)
        {
            value = c.arg(0)
        } else if c.last == "communicate", c.segments.count >= 2 || c.onExpression {
            value = c.arg(0, "input")
        } else if let input = c.keyword("input"), c.known, let argv = c.arg(0, "args"), startsScheduler(argv, code) {
            value = input
        } else {
            return
        }
        guard let r = value, code.origin(r, scope) == .untrusted,
            c.keyword("input") != nil
                || startsScheduler(holder: c.segments.first == "self" ? c.segments[1] : c.segments.first ?? "", code)
        else { return }
        add(
            RuleID.shellInjection, .critical, at,
            "\(written(c))() hands model output or tool input to a scheduler's table, whose lines cron runs as shell commands: \(text(code, r))",
            length: len)
    }

    /// An argv list whose program is a scheduler: `["crontab", "-"]`.
    func startsScheduler(_ argv: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        guard toks[argv.lowerBound].isOp("["), argv.count > 2, toks[argv.lowerBound + 1].kind == .string else {
            return false
        }
        return Self.schedulers.contains(toks[argv.lowerBound + 1].text)
    }

    /// The process in `holder` is a scheduler the file started: `holder = Popen(["crontab",
    /// "-"], ...)` or `with Popen(["crontab", "-"], ...) as holder:` (`self.holder` too).
    func startsScheduler(holder: String, _ code: Code) -> Bool {
        let toks = code.tokens
        guard !holder.isEmpty else { return false }
        for i in 1..<max(1, toks.count)
        where toks[i].kind == .string && toks[i - 1].isOp("[") && Self.schedulers.contains(toks[i].text) {
            var start = i
            while start > 0 && toks[start - 1].kind != .newline { start -= 1 }
            var k = start
            if toks[k].isName("self"), k + 2 < i, toks[k + 1].isOp(".") { k += 2 }
            if toks[k].kind == .name, toks[k].text == holder, k + 1 < i, toks[k + 1].isOp("=") { return true }
            var j = i
            while j + 1 < toks.count && toks[j].kind != .newline {
                if toks[j].isName("as"), toks[j + 1].kind == .name, toks[j + 1].text == holder { return true }
                j += 1
            }
        }
        return false
    }

    /// A call named for loading code from a file: a verb (`load`, `import`), what is loaded
    /// (`tool`, `module`, `plugin`, `extension`, `script`) and where from (`file`, `filepath`,
    /// `path`): `load_tool_from_filepath`, `import_module_from_path`. Not `load_config_from_file`
    /// nor `load_data_from_path` (data, not code).
    static func loadsCodeFile(_ name: String) -> Bool {
        guard name.hasIgnoringCase("file") || name.hasIgnoringCase("path") else { return false }
        let w = TaintWords.split(name)
        return w.contains { $0 == "load" || $0 == "import" }
            && w.contains { ["tool", "module", "plugin", "extension", "script"].contains($0) }
            && w.contains { ["file", "filepath", "path", "filename"].contains($0) }
    }

    mutating func codeFileLoad(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, !c.known, Self.loadsCodeFile(c.last) else { return }
        let values = c.args + c.keywords.map(\.1)
        let untrusted = values.filter { code.origin($0, scope) == .untrusted }
        // Name the path in the message when there is one (`tool_path=path`, not `tool_name=name`).
        let pathLike = untrusted.first { r in
            code.names(r).contains {
                TaintWords.split($0).contains { ["path", "file", "filepath", "filename"].contains($0) }
            }
        }
        guard let r = pathLike ?? untrusted.first else { return }
        add(
            RuleID.evalInjection, .critical, at,
            "\(written(c))() imports and runs the Python file at a path from model output or tool input: \(text(code, r))",
            length: len)
    }
}
