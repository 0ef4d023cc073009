// Interpreters run with a fixed argv (issue 16, session 14). A program such as `sh`, `python`,
// `node` or `osascript` is not "fixed" in the sense the option-injection rule means: what it
// does is the code it is given, either inline after its code flag (`python -c CODE`,
// `osascript -e SCRIPT`, `node -e CODE`, `ruby -e`, `perl -e`, `php -r`) or in the file it is
// handed (`["/bin/sh", temp_file]` after the function wrote the model's script there).

extension CodeRules {
    /// Interpreters by program name, each with the flags after which the next element is
    /// source text it runs. AppleScript's `do shell script` reaches a shell too.
    static let inlineCodeFlags: [String: Set<String>] = [
        "python": ["-c"], "python3": ["-c"], "python2": ["-c"], "pypy3": ["-c"],
        "node": ["-e", "--eval", "-p", "--print"], "deno": ["eval"], "bun": ["-e", "--eval"],
        "ruby": ["-e"], "perl": ["-e", "-E"], "php": ["-r"], "osascript": ["-e"], "lua": ["-e"],
        "Rscript": ["-e"], "R": ["-e"],
        "sh": [], "bash": [], "zsh": [], "dash": [], "ksh": [], "fish": [], "pwsh": [], "powershell": [],
    ]

    /// The interpreter an argv starts with (the list in the call or the one assigned to the
    /// name it passes), by the last component of its first element: `"/usr/bin/python3"` is
    /// `python3`. Nil for any other program.
    func interpreter(_ argv: Range<Int>, _ scope: Scope, _ code: Code) -> (String, [Range<Int>])? {
        let toks = code.tokens
        let list = assignedList(argv, scope, code) ?? argv
        guard toks[list.lowerBound].isOp("[") || toks[list.lowerBound].isOp("(") else { return nil }
        let items = code.arguments(list.lowerBound, Code.close(toks, list.lowerBound, list.upperBound)).args
        guard let first = items.first, let program = code.literal(first) else { return nil }
        let name = String(program.split(separator: "/").last ?? Substring(program))
        guard Self.inlineCodeFlags[name] != nil else { return nil }
        return (name, Array(items.dropFirst()))
    }

    /// `subprocess.Popen(["osascript", "-e", script])`: source text that is not constant
    /// after an interpreter's code flag is run as code (shell-gpt's `execute_apple_script`
    /// function). A constant script with the value as a later argument (`["python3", "-c",
    /// "import sys; print(sys.argv[1])", name]`) is data for the script, not code.
    mutating func inlineCode(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard c.known, APIs.matches(c.callee, APIs.spawn), shellCommand(c, code, scope) == nil,
            let argv = c.arg(0, "args"), let (program, items) = interpreter(argv, scope, code),
            let flags = Self.inlineCodeFlags[program], !flags.isEmpty
        else { return }
        for (k, item) in items.enumerated() where k + 1 < items.count {
            guard let flag = code.literal(item), flags.contains(flag) else { continue }
            let source = items[k + 1]
            let o = code.origin(source, scope)
            guard !o.isSafe else { return }
            add(
                RuleID.evalInjection, o == .untrusted ? .critical : .high, at,
                "\(written(c)) runs \(Self.describe(o)) as \(program) code (\(flag)): \(text(code, source))",
                length: len)
            return
        }
    }

    /// An interpreter handed a file to run: a value that is not constant among its arguments,
    /// and no `-m` (a module it runs, `python -m black FILE`, formats the file instead) or
    /// inline-code flag.
    func runsFileWithInterpreter(_ argv: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        guard let (program, items) = interpreter(argv, scope, code) else { return false }
        let flags = Self.inlineCodeFlags[program] ?? []
        var operand = false
        for item in items {
            if let lit = code.literal(item) {
                if lit == "-m" || flags.contains(lit) { return false }
            } else {
                operand = true
            }
        }
        return operand
    }
}
