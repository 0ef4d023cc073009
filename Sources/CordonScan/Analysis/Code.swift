// The shared picture of one source file that the rules read: its tokens, what its imports
// bind (`from subprocess import run as r` makes `r(...)` a `subprocess.run` call), the calls
// in it with their arguments, the function scopes with their parameters and the simple
// assignments seen so far, and the evaluation of an expression's origin.

public enum Language: String, Sendable {
    case python, javascript
}

/// A function body (or the module): parameters, whether it is a tool the agent's model calls,
/// and the origin of every name assigned in it so far (in source order: the walk updates it as
/// it goes, so a call sees the assignments above it).
final class Scope {
    let parent: Scope?
    let name: String
    var params: Set<String>
    /// Positional parameters in order (Python; not self/cls), to match a call's arguments.
    var order: [String] = []
    /// The body refuses to run unless the caller opted in (`if not allow_dangerous_code:
    /// raise ...`): what it then does is the documented, opt-in behaviour.
    var optInGuard = false
    /// The body refuses to run unless the operator turned writes on (`if not
    /// settings.allow_write: raise ...`): the model's SQL there is the opted-in write tool.
    var writeOptIn = false
    /// Parameters of expression-bodied arrow functions inside this scope that are tools
    /// (`tool({ execute: async ({ url }) => fetch(url) })`): they have no block of their own.
    var toolParams: Set<String> = []
    /// A tool function: its parameters are chosen by the model.
    var isTool: Bool
    /// A method of a tool class (`class SendEmailTool(BaseTool)`), tool method or not: the
    /// class is the tool, so what its helper methods do is what the tool does.
    var toolClassMethod = false
    /// A web route handler (`@app.post("/run")`): its parameters are the request's input.
    var isEndpoint = false
    /// Parameters typed as a tool call's arguments (`msg: RunQueryTool`, a pydantic model the
    /// file hands a framework as `args_schema`): the model chose every field of them.
    var typedToolParams: Set<String> = []
    /// Attributes of `self` that the model or the client chose: the fields of a tool-call
    /// schema class (langroid's `ToolMessage`: `self.file_path` in its `handle()`), or the
    /// request of an HTTP handler class (`self.path`, `self.headers` in `do_GET`).
    var untrustedFields: Set<String> = []
    var env: [String: Origin] = [:]
    let line: Int
    let column: Int
    /// Token index of the first token of the body, and of the first after it (set at the end).
    let bodyStart: Int
    var bodyEnd: Int = 0
    /// The strongest origin among its `return` statements.
    var returns: Origin?

    init(parent: Scope?, name: String, params: Set<String>, isTool: Bool, line: Int, column: Int, bodyStart: Int) {
        self.parent = parent
        self.name = name
        self.params = params
        self.isTool = isTool
        self.line = line
        self.column = column
        self.bodyStart = bodyStart
    }

    func lookup(_ name: String) -> Origin? {
        var s: Scope? = self
        while let cur = s {
            if let o = cur.env[name] { return o }
            // A parameter shadows outer assignments of the same name.
            if cur.params.contains(name) { return nil }
            s = cur.parent
        }
        return nil
    }

    /// Whether `name` is a parameter of this function or an enclosing one, and of a tool.
    func param(_ name: String) -> (found: Bool, tool: Bool) {
        var s: Scope? = self
        while let cur = s {
            if cur.params.contains(name) {
                return (true, cur.isTool || cur.isEndpoint || cur.typedToolParams.contains(name))
            }
            if cur.toolParams.contains(name) { return (true, true) }
            if cur.env[name] != nil { return (false, false) }
            s = cur.parent
        }
        return (false, false)
    }

    /// Inside a tool function (or a closure within one), or a function handed a tool call's
    /// arguments as a typed object.
    var inTool: Bool {
        var s: Scope? = self
        while let cur = s {
            if cur.isTool || cur.isEndpoint || !cur.typedToolParams.isEmpty { return true }
            s = cur.parent
        }
        return false
    }

    /// `self.<field>` holds what the model or the client chose (see `untrustedFields`).
    func untrustedField(_ name: String) -> Bool {
        var s: Scope? = self
        while let cur = s {
            if cur.untrustedFields.contains(name) { return true }
            s = cur.parent
        }
        return false
    }
}

/// One call: `sp.run(cmd, shell=True)`.
struct Call {
    /// The callee as written (`["sp", "run"]`); for a method on an expression
    /// (`requests.get(u).json()`) only the names after it.
    var segments: [String]
    /// With import aliases resolved: `subprocess.run`.
    var callee: String
    /// The callee follows an expression (`)`, `]` or a string), not a name.
    var onExpression: Bool
    /// Token indices: the callee's last name, the first token of the callee, the parentheses.
    var nameIndex: Int
    var first: Int
    var open: Int
    var close: Int
    var args: [Range<Int>] = []
    var keywords: [(String, Range<Int>)] = []
    /// The callee is in one of the API sets `APIs.matches` checks (one hash per call instead
    /// of one per set); set by the rules before they read the call.
    var known = true

    var last: String { segments.last ?? "" }
    func keyword(_ k: String) -> Range<Int>? { keywords.first { $0.0 == k }?.1 }
    /// Positional argument `i`, or the keyword argument of that name.
    func arg(_ i: Int, _ k: String? = nil) -> Range<Int>? {
        if let k, let r = keyword(k) { return r }
        return i < args.count ? args[i] : nil
    }
}

struct Code {
    let language: Language
    let tokens: [Token]
    /// Local name → dotted module path it stands for (`sp` → `subprocess`, `r` →
    /// `subprocess.run`, `cp` → `child_process`).
    var aliases: [String: String] = [:]
    /// Local names bound to modules.
    var modules: Set<String> = []
    /// What functions defined in this file (so far) return: `def next_command(): return
    /// response.choices[0].message.content` makes `next_command()` model output.
    var returns: [String: Origin] = [:]
    /// What this file registers as tools for other files, and the functions and classes it
    /// defines that it did not take for tools (ToolRegistrations).
    var facts = ToolFacts()

    init(language: Language, tokens: [Token]) {
        self.language = language
        self.tokens = tokens
    }

    func resolve(_ segs: [String]) -> String {
        guard let head = segs.first else { return "" }
        let base = aliases[head] ?? head
        return segs.count == 1 ? base : base + "." + segs.dropFirst().joined(separator: ".")
    }

    /// The index of the bracket closing the one at `i` in `toks`, or `limit` when unbalanced.
    static func close(_ toks: [Token], _ i: Int, _ limit: Int) -> Int {
        var depth = 0
        var j = i
        while j < limit {
            if toks[j].kind == .op {
                switch toks[j].key {
                case Op.lparen, Op.lbracket, Op.lbrace: depth += 1
                case Op.rparen, Op.rbracket, Op.rbrace:
                    depth -= 1
                    if depth == 0 { return j }
                default: break
                }
            }
            j += 1
        }
        return limit
    }

    /// The argument ranges of the call whose parentheses are at `open` and `close`.
    func arguments(_ open: Int, _ close: Int) -> (args: [Range<Int>], keywords: [(String, Range<Int>)]) {
        var args: [Range<Int>] = []
        var kws: [(String, Range<Int>)] = []
        var start = open + 1
        var depth = 0
        var j = open + 1
        func flush(_ end: Int) {
            guard end > start else { return }
            if language == .python, end - start >= 2, tokens[start].kind == .name, tokens[start + 1].isOp("=") {
                kws.append((tokens[start].text, (start + 2)..<end))
            } else {
                args.append(start..<end)
            }
        }
        while j < close {
            if tokens[j].kind == .op {
                switch tokens[j].key {
                case Op.lparen, Op.lbracket, Op.lbrace: depth += 1
                case Op.rparen, Op.rbracket, Op.rbrace: depth -= 1
                case Op.comma where depth == 0:
                    flush(j)
                    start = j + 1
                default: break
                }
            }
            j += 1
        }
        flush(close)
        return (args, kws)
    }

    /// The value range of `key: value` (or `"key": value`) at the top level of the object
    /// literal in `r` (`{ shell: true }` in `spawn(cmd, { shell: true })`).
    func property(_ key: String, in r: Range<Int>) -> Range<Int>? {
        guard let o = r.first(where: { tokens[$0].isOp("{") }) else { return nil }
        let end = Code.close(tokens, o, r.upperBound)
        var depth = 0
        var j = o + 1
        while j < end {
            let t = tokens[j]
            if t.kind == .op {
                if t.textIs("(") || t.textIs("[") || t.textIs("{") { depth += 1 }
                if t.textIs(")") || t.textIs("]") || t.textIs("}") { depth -= 1 }
            }
            if depth == 0, t.kind == .name || t.kind == .string, t.text == key, j + 1 < end, tokens[j + 1].isOp(":") {
                var k = j + 2
                var d = 0
                while k < end {
                    let u = tokens[k]
                    if u.kind == .op {
                        if u.textIs("(") || u.textIs("[") || u.textIs("{") { d += 1 }
                        if u.textIs(")") || u.textIs("]") || u.textIs("}") { d -= 1 }
                        if u.textIs(",") && d == 0 { break }
                    }
                    k += 1
                }
                return (j + 2)..<k
            }
            j += 1
        }
        return nil
    }

    /// Whether the range is exactly one literal `True`/`true` (or a name assigned it).
    func isTrue(_ r: Range<Int>, _ scope: Scope?) -> Bool {
        guard r.count == 1 else { return false }
        let t = tokens[r.lowerBound]
        return t.isName("True") || t.isName("true") || (t.kind == .number && t.textIs("1"))
    }

    func isFalse(_ r: Range<Int>) -> Bool {
        guard r.count == 1 else { return false }
        let t = tokens[r.lowerBound]
        return t.isName("False") || t.isName("false") || (t.kind == .number && t.textIs("0"))
            || (t.kind == .string && (t.textIs("0") || t.text.lowercased() == "false"))
    }

    /// The single string literal in `r`, if that is all it is.
    func literal(_ r: Range<Int>) -> String? {
        guard r.count == 1, tokens[r.lowerBound].kind == .string, tokens[r.lowerBound].parts.isEmpty else {
            return nil
        }
        return tokens[r.lowerBound].text
    }

    /// Every string literal's text in `r` (for lists like `["sh", "-c", x]`).
    func strings(_ r: Range<Int>) -> [String] {
        r.compactMap { tokens[$0].kind == .string ? tokens[$0].text : nil }
    }

    func names(_ r: Range<Int>) -> [String] { r.compactMap { tokens[$0].kind == .name ? tokens[$0].text : nil } }

    /// A string built from parts: an f-string or template with interpolations, `+`
    /// concatenation, `%` formatting or `.format(...)` on a literal.
    func isBuilt(_ r: Range<Int>) -> Bool {
        for i in r {
            let t = tokens[i]
            if t.kind == .string && !t.parts.isEmpty { return true }
            if t.kind == .op && (t.textIs("+") || t.textIs("%")) { return true }
            if t.isName("format") && i > r.lowerBound && tokens[i - 1].isOp(".") { return true }
        }
        return false
    }
}
