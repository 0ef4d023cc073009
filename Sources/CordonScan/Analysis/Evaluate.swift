// The origin of an expression: the strongest origin of anything in it, with escaping calls
// (`shlex.quote(x)`) making their argument safe, model calls (`llm.invoke(...)`) making their
// result untrusted, and names looked up in the assignments seen so far.

enum Known {
    static let pythonKeywords = WordSet([
        "and", "or", "not", "in", "is", "if", "else", "lambda", "await", "yield", "None", "True", "False", "async",
        "from", "as", "return", "del", "assert", "raise", "elif", "while", "with", "print",
    ])
    static let jsKeywords = WordSet([
        "true", "false", "null", "undefined", "new", "typeof", "void", "await", "in", "of", "instanceof", "return",
        "const", "let", "var", "async", "function", "yield", "delete", "throw", "as", "satisfies", "NaN",
    ])

    /// Calls whose result is escaped, converted to a number, or reduced to a file name.
    static let sanitizers: Set<String> = [
        "shlex.quote", "shlex.join", "pipes.quote", "int", "float", "bool", "len", "abs", "round", "html.escape",
        "markupsafe.escape", "escape", "re.escape", "urllib.parse.quote", "urllib.parse.quote_plus", "quote_plus",
        "os.path.basename", "basename", "secure_filename", "werkzeug.utils.secure_filename", "shell_quote",
        "shellescape", "shellEscape", "shell-quote.quote", "Number", "parseInt", "parseFloat", "encodeURIComponent",
        "path.basename", "sqlstring.escape", "mysql.escape", "pg-format", "uuid.uuid4", "hashlib.sha256",
        "ast.literal_eval", "sanitize", "sanitize_filename",
    ]
    /// Method names that escape (`conn.escape(x)`, `db.literal(x)`).
    static let sanitizerMethods: Set<String> = ["quote", "escape", "escape_string", "literal", "escapeId"]

    /// Method names that return a model's output.
    static let modelMethods: Set<String> = [
        "invoke", "ainvoke", "predict", "apredict", "generate", "agenerate", "generate_content",
        "generate_content_async", "complete", "acomplete", "chat", "achat", "predict_messages", "stream",
        "generateText", "generateObject", "streamText", "kickoff", "run_sync", "call_llm", "ask_llm", "query_llm",
        "completion", "acompletion", "text_completion",
    ]

    /// Functions and attributes whose value is the operator's configuration, not input.
    static let configReads: Set<String> = [
        "os.environ", "os.getenv", "os.environ.get", "process.env", "os.sep", "os.getcwd", "sys.platform",
        "sys.executable", "process.cwd", "__file__", "__dirname", "__filename",
    ]

    /// Reads of request or process input.
    static let inputReads: Set<String> = [
        "sys.argv", "sys.stdin", "input", "raw_input", "flask.request", "request.args", "request.form", "request.json",
        "request.values", "request.data", "request.files", "request.get_json", "process.argv", "process.stdin",
        "fastapi.Request", "readline.question", "streamlit.text_input", "streamlit.chat_input", "streamlit.text_area",
        "streamlit.file_uploader",
    ]

    /// Calls that fetch from the network: their result is web content.
    static let webReads: Set<String> = [
        "requests.get", "requests.post", "httpx.get", "httpx.post", "urllib.request.urlopen", "urlopen", "fetch",
        "axios.get", "axios.post",
    ]

    /// Calls whose result keeps the origin of their arguments.
    static let passThrough: Set<String> = [
        "str", "repr", "list", "tuple", "dict", "set", "sorted", "reversed", "format", "os.path.join",
        "os.path.normpath", "os.path.abspath", "os.path.realpath", "pathlib.Path", "Path", "json.loads", "json.dumps",
        "open", "String", "JSON.parse", "JSON.stringify", "path.join", "path.resolve", "path.normalize", "Array.from",
        "textwrap.dedent", "f", "sum", "min", "max", "map", "filter", "zip", "enumerate", "range", "print",
        "Buffer.from", "encodeURI", "Object.values", "Object.keys", "os.path.expanduser", "os.path.expandvars",
        // What they return keeps their argument's origin: `expanduser("~/.cfg")` is the
        // developer's, `expanduser(path)` in a tool is the model's path with `~` expanded.
        "os.fspath", "os.path.dirname",
    ]

    /// Calls that make a temporary file or directory: the name they return is one the
    /// operating system drew from `[a-z0-9_]` between the prefix and suffix the code passed, so
    /// it is as safe in a shell line as an escaped word (shell-gpt's
    /// `os.system(f"{editor} {file.name}")`, issue 16, session 14, second round). Only the name:
    /// what the program writes into the file keeps its own origin, and a model-chosen
    /// `suffix=`/`prefix=`/`dir=` keeps the model's origin through the arguments.
    static let tempNames: Set<String> = [
        "tempfile.NamedTemporaryFile", "tempfile.mkstemp", "tempfile.mkdtemp", "tempfile.TemporaryDirectory",
        "tempfile.gettempdir", "tempfile.mktemp",
    ]

    static let configReadList = configReads.map { Array($0.utf8) }
    /// First segments of `configReads` and `inputReads`.
    static let readHeads = Set(configReads.union(inputReads).map { String($0.split(separator: ".")[0]) })
    static let inputReadList = inputReads.map { Array($0.utf8) }

    /// Whether the dotted path `s` is one of `list` or a member of one (`os.environ.get` is
    /// under `os.environ`), compared as bytes.
    static func isUnder(_ s: String, _ list: [[UInt8]]) -> Bool {
        var s = s
        return s.withUTF8 { b in
            for p in list where b.count >= p.count && (b.count == p.count || b[p.count] == 0x2E) {
                var k = 0
                while k < p.count && b[k] == p[k] { k += 1 }
                if k == p.count { return true }
            }
            return false
        }
    }

    /// A function named for checking the path it returns: `validate_path`,
    /// `get_validated_relative_path`, `sanitize_filename`, `secure_filename`, `safe_join`,
    /// `get_relative_path` (resolved and checked against a base, as LangChain's file tools do).
    static func checks(_ name: String) -> Bool {
        // Only names about paths: `sanitize_input` (LangChain's REPL strips backticks) makes no
        // code safe to run.
        guard name.utf8.count > 8,
            name.hasIgnoringCase("path") || name.hasIgnoringCase("file") || name.hasIgnoringCase("dir")
                || name.hasIgnoringCase("join")
        else { return false }
        let w = TaintWords.split(name)
        guard w.contains(where: { ["path", "join", "filename", "dir", "file"].contains($0) }) else { return false }
        return w.contains {
            $0.hasPrefix("validat") || $0.hasPrefix("saniti") || $0 == "secure" || $0 == "safe" || $0 == "relative"
                || $0 == "checked"
        }
    }

    static func isAllCaps(_ s: String) -> Bool {
        var letters = 0
        for c in s.utf8 {
            if c >= 0x61 && c <= 0x7A { return false }
            if c >= 0x41 && c <= 0x5A { letters += 1 }
        }
        return letters >= 2
    }
}

extension Code {
    func origin(_ r: Range<Int>, _ scope: Scope) -> Origin { origin(tokens, r, scope) }

    func origin(of toks: [Token], _ scope: Scope) -> Origin { origin(toks, 0..<toks.count, scope) }

    func origin(_ toks: [Token], _ r: Range<Int>, _ scope: Scope) -> Origin {
        var o = Origin.constant
        var i = r.lowerBound
        let b = r.upperBound
        let keywords = language == .python ? Known.pythonKeywords : Known.jsKeywords
        // A conditional expression is one of its branches: the condition only chooses which
        // (`os.platform() === "win32" ? "tasklist" : "ps aux"` is a constant command whatever
        // the platform; issue 16, session 16, DesktopCommanderMCP's `listProcesses`).
        // Python's `A if C else B`: the origin before `if`, kept while C is read.
        var beforeCondition: Origin?
        // JavaScript's `C ? A : B` at the top level of `r`: the branches read so far (nil
        // before the `?`), whether a `,`/`=`/`=>` came first (then `?` is not this range's),
        // and whether a `?` still to come makes an untrusted value so far only a condition.
        var branches: Origin?
        var separated = false
        var nextQuestion: Int?
        var lookedFrom = -1
        while i < b {
            let t = toks[i]
            if language == .python, t.kind == .name, i > r.lowerBound {
                if t.textIs("if") {
                    beforeCondition = o
                    i += 1
                    continue
                }
                if t.textIs("else"), let kept = beforeCondition {
                    o = kept
                    beforeCondition = nil
                    i += 1
                    continue
                }
            }
            switch t.kind {
            case .string:
                var so = Origin.constant
                for p in t.parts { so = max(so, origin(of: p, scope)) }
                let (po, next) = postfix(toks, i + 1, b, scope, start: so, segs: [])
                o = max(o, po)
                i = next
            case .name:
                if t.textIs("for") && language == .python {
                    // A comprehension: its value is the element expression before `for`; the
                    // iterable only says how many there are, unless the element is built from
                    // the loop's names (`{k: try_json(v) for k, v in arguments.items()}`: the
                    // model's arguments again, wcgw's MCP server, issue 16, session 13).
                    return comprehension(toks, element: r.lowerBound..<i, from: i, b, scope, o)
                }
                if t.textIs("lambda") {
                    while i < b && !toks[i].isOp(":") { i += 1 }
                    i += 1
                    continue
                }
                if keywords.contains(t) {
                    i += 1
                    continue
                }
                // `key=value` keyword arguments and `key: value` object keys are not values.
                if i + 1 < b,
                    i == r.lowerBound || toks[i - 1].isOp(",") || toks[i - 1].isOp("(")
                        || toks[i - 1].isOp("{"),
                    toks[i + 1].isOp("=") || (language == .javascript && toks[i + 1].isOp(":"))
                {
                    i += 2
                    continue
                }
                let (po, next) = postfix(toks, i + 1, b, scope, start: nil, segs: [t.text])
                o = max(o, po)
                i = next
            case .op where t.textIs("(") || t.textIs("[") || t.textIs("{"):
                let c = Code.close(toks, i, b)
                let inner = origin(toks, (i + 1)..<min(c, b), scope)
                let (po, next) = postfix(toks, min(c + 1, b), b, scope, start: inner, segs: [])
                o = max(o, po)
                i = next
            case .op where language == .javascript:
                if branches == nil && (t.textIs(",") || t.textIs("=") || t.textIs("=>")) {
                    separated = true
                } else if t.textIs("?") && !separated {
                    // Past a condition (the first, or one nested in the last branch).
                    if branches == nil { branches = .constant }
                    o = .constant
                } else if t.textIs(":"), let kept = branches {
                    branches = max(kept, o)
                    o = .constant
                }
                i += 1
            default:
                i += 1
            }
            if o == .untrusted && beforeCondition == nil {
                // Untrusted so far, unless a `?` ahead makes it a condition (`userInput ? "a"
                // : "b"`, or a nested `x ? "a" : userInput ? "b" : "c"`).
                if language == .javascript && !separated {
                    if lookedFrom < 0 || (nextQuestion.map { $0 < i } ?? false) {
                        nextQuestion = Self.question(toks, i..<b)
                        lookedFrom = i
                    }
                    if nextQuestion != nil { continue }
                }
                return max(o, branches ?? .constant)
            }
        }
        return max(o, branches ?? .constant)
    }

    /// The next `?` at the top level of `r` (not inside brackets), or nil, also when a `,` or
    /// `=` comes first.
    static func question(_ toks: [Token], _ r: Range<Int>) -> Int? {
        var depth = 0
        for j in r {
            let t = toks[j]
            guard t.kind == .op else { continue }
            if t.textIs("(") || t.textIs("[") || t.textIs("{") {
                depth += 1
            } else if t.textIs(")") || t.textIs("]") || t.textIs("}") {
                depth -= 1
            } else if depth == 0 {
                if t.textIs(",") || t.textIs("=") || t.textIs("=>") { return nil }
                if t.textIs("?") { return j }
            }
        }
        return nil
    }

    /// The origin of a comprehension whose element (`element`, already `o`) is followed by
    /// `for TARGETS in ITERABLE` at `from`: the iterable's when a target appears in the element.
    func comprehension(_ toks: [Token], element: Range<Int>, from: Int, _ b: Int, _ scope: Scope, _ o: Origin)
        -> Origin
    {
        var targets: Set<String> = []
        var j = from + 1
        while j < b && !toks[j].isName("in") {
            if toks[j].kind == .name { targets.insert(toks[j].text) }
            j += 1
        }
        guard j < b, element.contains(where: { toks[$0].kind == .name && targets.contains(toks[$0].text) }) else {
            return o
        }
        var e = j + 1
        var depth = 0
        while e < b {
            let t = toks[e]
            if t.isOp("(") || t.isOp("[") || t.isOp("{") { depth += 1 }
            if t.isOp(")") || t.isOp("]") || t.isOp("}") { depth -= 1 }
            if depth == 0 && (t.isName("if") || t.isName("for")) { break }
            e += 1
        }
        return max(o, origin(toks, (j + 1)..<e, scope))
    }

    /// Reads `.name`, calls and subscripts after a primary; `start` is the value so far (nil
    /// while it is still a chain of names).
    func postfix(_ toks: [Token], _ from: Int, _ b: Int, _ scope: Scope, start: Origin?, segs: [String])
        -> (Origin, Int)
    {
        var cur = start
        var segs = segs
        var j = from
        while j < b {
            let t = toks[j]
            if (t.isOp(".") || t.isOp("?.")) && j + 1 < b && toks[j + 1].kind == .name {
                segs.append(toks[j + 1].text)
                j += 2
                continue
            }
            if t.isOp("(") {
                let c = Code.close(toks, j, b)
                let args = origin(toks, (j + 1)..<min(c, b), scope)
                cur = callOrigin(cur, segs, args, scope)
                segs = []
                j = min(c + 1, b)
                continue
            }
            if t.isOp("[") {
                let c = Code.close(toks, j, b)
                cur = value(cur, segs, scope)
                segs = []
                j = min(c + 1, b)
                continue
            }
            break
        }
        return (value(cur, segs, scope), j)
    }

    /// A chain of names read as a value (no call): a variable and its attributes.
    func value(_ cur: Origin?, _ segs: [String], _ scope: Scope) -> Origin {
        guard let cur else { return reference(segs, scope) }
        if segs.isEmpty || cur == .untrusted { return cur }
        // `resp.choices[0].message.content`: attributes that hold a model's text.
        if segs.contains(where: { TaintWords.strong($0) || $0 == "content" || $0 == "text" || $0 == "arguments" }),
            cur != .constant
        {
            return .untrusted
        }
        return cur
    }

    func reference(_ segs: [String], _ scope: Scope) -> Origin {
        guard let head = segs.first else { return .unknown }
        if let o = scope.lookup(head) { return o }
        let p = scope.param(head)
        if p.found {
            if p.tool { return .untrusted }
            // A web handler's request: `req.query.q`, `request.json["x"]`, `event.body`.
            if ["req", "request", "event"].contains(head), segs.count > 1,
                [
                    "query", "body", "params", "args", "form", "json", "headers", "cookies", "files", "data", "GET",
                    "POST", "FILES", "query_params", "path_params", "match_info",
                ].contains(segs[1])
            {
                return .untrusted
            }
            return segs.contains(where: TaintWords.strong) ? .untrusted : .unknown
        }
        if head == "self" || head == "this" || head == "cls" {
            if segs.count > 1, scope.untrustedField(segs[1]) { return .untrusted }
            return segs.dropFirst().contains(where: TaintWords.strong) ? .untrusted : .unknown
        }
        let aliased = aliases[head] != nil
        // Only a name that is an import alias or the head of a known read can resolve to one:
        // the dotted path is built for those, not for every local variable.
        if aliased || Known.readHeads.contains(head) {
            let resolved = resolve(segs)
            if Known.isUnder(resolved, Known.configReadList) { return .constant }
            if Known.isUnder(resolved, Known.inputReadList) { return .untrusted }
        }
        if aliased || modules.contains(head) {
            return Known.isAllCaps(segs.last ?? "") ? .constant : .unknown
        }
        if Known.isAllCaps(head) { return .constant }
        return segs.contains(where: TaintWords.tainted) ? .untrusted : .unknown
    }

    /// The result of calling `segs` (on `cur`, when the callee follows an expression).
    func callOrigin(_ cur: Origin?, _ segs: [String], _ args: Origin, _ scope: Scope) -> Origin {
        let last = segs.last ?? ""
        if let cur {
            // A method on a value: `x.strip()`, `resp.json()`, `" ".join(parts)`.
            if segs.isEmpty { return max(cur, args, .unknown) }
            if Known.sanitizerMethods.contains(last) { return .sanitized }
            if Known.modelMethods.contains(last) { return .untrusted }
            return max(value(cur, Array(segs.dropLast()), scope), args)
        }
        let callee = resolve(segs)
        if Known.sanitizers.contains(callee) || (segs.count > 1 && Known.sanitizerMethods.contains(last)) {
            return .sanitized
        }
        if Known.checks(last) { return .sanitized }
        if isModelCall(segs, callee) { return .untrusted }
        if Known.isUnder(callee, Known.inputReadList) { return .untrusted }
        if Known.webReads.contains(callee) { return .untrusted }
        if Known.isUnder(callee, Known.configReadList) { return .constant }
        if Known.tempNames.contains(callee) { return max(.sanitized, args) }
        if Known.passThrough.contains(callee) { return args }
        // A function of the file, or a method called on `self`: what its returns are. One that
        // returns only constant or sanitised values (`return tempfile.mkdtemp()`) returns
        // that whatever it was given (issue 16, session 15: mcp-git-explorer's clone helper
        // returns a temporary directory, not the model's URL); otherwise the model's arguments
        // may come back.
        if segs.count == 1 || segs.count == 2 && (segs[0] == "self" || segs[0] == "cls"), let r = returns[last] {
            if r.isSafe { return r }
            return max(r, args == .untrusted ? .untrusted : r)
        }
        if segs.count > 1, let head = segs.first, !modules.contains(head), aliases[head] == nil {
            // A method on a variable keeps the variable's origin: `cmd.split()`, `q.format(x)`.
            return max(reference(Array(segs.dropLast()), scope), args)
        }
        return max(.unknown, args)
    }

    /// A call that returns a model's output: `llm.invoke(...)`,
    /// `client.chat.completions.create(...)`, `client.messages.create(...)`, `chain.run(...)`.
    func isModelCall(_ segs: [String], _ callee: String) -> Bool {
        let last = segs.last ?? ""
        if Known.modelMethods.contains(last) && segs.count > 1 { return true }
        // `litellm.completion(...)`, `completion(...)` imported from litellm.
        if segs.count == 1, callee.hasPrefix("litellm.") { return true }
        // A model held in a name that says so, called directly: `self.llm(prompt)`, `llm(prompt)`.
        // (`get_llm()`, `load_llm()` return the model object, not its output.)
        // (Split only names that can say so: this runs for every call an origin reads.)
        if last.hasIgnoringCase("llm") || last.hasIgnoringCase("gpt"), case let words = TaintWords.split(last),
            let w = words.last, w == "llm" || w == "gpt",
            !["get", "load", "make", "create", "build", "init", "setup", "new"].contains(words.first ?? "")
        {
            return true
        }
        // A method named for sending a prompt (`self.submit_prompt(prompt)`, `send_prompt`,
        // `run_prompt`): whatever model sits behind it, its result is the model's answer.
        if segs.count > 1, last.hasIgnoringCase("prompt"), case let words = TaintWords.split(last),
            words.contains("prompt"),
            words.contains(where: { ["submit", "send", "run", "call", "ask", "complete", "execute"].contains($0) })
        {
            return true
        }
        if last == "create" || last == "parse" || last == "acreate" {
            // `client.chat.completions.create`, `client.messages.create`, and the pre-1.0
            // `openai.ChatCompletion.create` / `openai.Completion.create`.
            return segs.dropLast().contains {
                $0 == "completions" || $0 == "messages" || $0 == "responses" || $0 == "chat"
                    || $0 == "ChatCompletion" || $0 == "Completion"
            }
        }
        if last == "run" || last == "arun" || last == "call" || last == "__call__" {
            return segs.dropLast().contains { s in
                let w = TaintWords.split(s)
                return w.contains { ["llm", "chain", "agent", "model", "crew", "executor", "assistant"].contains($0) }
            }
        }
        return false
    }
}
