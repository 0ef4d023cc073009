// Reads a JavaScript/TypeScript file in order: `import`/`require` bindings (with
// destructuring and `util.promisify`), function scopes from braces (function declarations,
// methods, arrow functions; parameters, including destructured ones), whether a function is a
// tool (a callback handed to `tool(...)`, `server.tool(...)`, `new DynamicTool(...)`, a method
// of a class extending a Tool), declarations and assignments, calls, and `while (true)` /
// `for (;;)` loops. Reports each to a CodeVisitor.

enum JSWalker {
    static let control: Set<String> = ["if", "for", "while", "switch", "catch", "with", "return", "typeof", "await"]
    static let toolMethods: Set<String> = ["_call", "call", "invoke", "execute", "run", "handler", "_run"]

    enum Context {
        case function(Scope)
        case block
        case loop(Token, Int)
        case klass(isTool: Bool)
    }

    struct Frame {
        var context: Context
        var stmtStart: Int
        var depth: Int
    }

    /// `project`: what other files of the scan register that this file defines
    /// (ToolRegistrations).
    /// `toolModule`: the file sits in a tools folder (ToolConventions), so the functions it
    /// exports with a JSDoc comment are tools.
    static func walk<V: CodeVisitor>(
        _ lexed: Lexed, _ visitor: inout V, toolModule: Bool = false, project: ProjectTools = ProjectTools()
    ) -> Code {
        let toks = lexed.tokens
        let n = toks.count
        var code = Code(language: .javascript, tokens: toks)
        var schemas: Set<String> = []
        var exports: Set<String> = []
        var toolNames = ToolNames.collect(toks, schemas: &schemas, exports: &exports)
        if !project.names.isEmpty { toolNames.formUnion(project.names) }
        if toolModule { toolNames.formUnion(ToolConventions.exportedDocumented(lexed)) }
        var definedHere: Set<String> = []
        let module = Scope(parent: nil, name: "<module>", params: [], isTool: false, line: 1, column: 1, bodyStart: 0)
        var frames: [Frame] = []
        var stmtStart = 0
        var depth = 0
        var openOf: [Int: Int] = [:]
        var parens: [(open: Int, callee: String?)] = []

        func scope() -> Scope {
            for f in frames.reversed() { if case .function(let s) = f.context { return s } }
            return module
        }
        func inToolClass() -> Bool {
            for f in frames.reversed() { if case .klass(let t) = f.context { return t } }
            return false
        }
        func flush(_ end: Int) {
            if end > stmtStart {
                let r = stmtStart..<end
                visitor.statement(r, scope(), code)
                declare(&code, r, scope())
            }
            stmtStart = end + 1
        }
        func toolCallback() -> Bool {
            guard let p = parens.last, let callee = p.callee?.lowercased() else { return false }
            // The MCP SDK's low-level server: `server.setRequestHandler(CallToolRequestSchema,
            // async (request) => ...)` is the one handler every tool call reaches, with the
            // model's arguments in `request.params.arguments` (issue 16, session 16).
            if callee == "setrequesthandler", p.open + 1 < n, toks[p.open + 1].isName("CallToolRequestSchema") {
                return true
            }
            return callee.hasSuffix("tool") || callee == "registertool"
        }

        var i = 0
        while i < n {
            let t = toks[i]
            switch t.kind {
            case .newline:
                if depth == 0 && i > stmtStart && !continues(toks, i) {
                    flush(i)
                } else if i == stmtStart {
                    stmtStart = i + 1
                }
            case .name where t.textIs("import") && i == stmtStart && !(i + 1 < n && toks[i + 1].isOp("(")):
                imports(&code, i)
            case .op:
                switch t.key {
                case Op.semicolon where depth == 0:
                    flush(i)
                case Op.lparen, Op.lbracket:
                    depth += 1
                    if t.textIs("(") {
                        var callee: String?
                        if i > 0, toks[i - 1].kind == .name, !control.contains(toks[i - 1].text),
                            toks[i - 1].text != "function"
                        {
                            callee = toks[i - 1].text
                            let c = PythonWalker.call(code, at: i, lower: 0)
                            visitor.call(c, scope(), code)
                        }
                        parens.append((i, callee))
                    }
                case Op.rparen, Op.rbracket:
                    depth = max(0, depth - 1)
                    if t.textIs(")"), let p = parens.popLast() { openOf[i] = p.open }
                case Op.arrow:
                    if i + 1 < n && !toks[i + 1].isOp("{") {
                        // An expression body: its parameters live in the enclosing scope.
                        let ps = arrowParams(toks, i, openOf)
                        if toolCallback() { scope().toolParams.formUnion(ps) }
                    }
                case Op.lbrace:
                    let (context, bodyStart) = blockKind(
                        toks, i, openOf, scope(), toolCallback(), inToolClass(), toolNames)
                    if case .function(let s)? = context, !s.name.hasPrefix("<") {
                        definedHere.insert(s.name)
                        if !s.isTool { code.facts.defines.insert(s.name) }
                    }
                    if let context {
                        frames.append(Frame(context: context, stmtStart: stmtStart, depth: depth))
                        stmtStart = bodyStart
                        depth = 0
                    } else {
                        // An object literal: part of the statement around it.
                        frames.append(Frame(context: .block, stmtStart: -1, depth: depth))
                    }
                case Op.rbrace:
                    guard let f = frames.popLast() else { break }
                    if f.stmtStart < 0 {
                        // The end of an object literal.
                        break
                    }
                    flush(i)
                    switch f.context {
                    case .function(let s):
                        s.bodyEnd = i
                        visitor.functionEnd(s, code)
                    case .loop(let at, let start):
                        visitor.unboundedLoop(at, body: start..<i, scope(), code)
                    default: break
                    }
                    stmtStart = f.stmtStart
                    depth = f.depth
                    // `function f() {}` and `if (x) {}` end their statement; `tool(async () => {})`
                    // and `const f = () => {}` go on.
                    if depth == 0, i + 1 < n, toks[i + 1].kind == .newline || toks[i + 1].isOp(";") {
                        flush(i + 1)
                        i += 1
                    } else if depth == 0, case .function = f.context, stmtStart < n,
                        toks[stmtStart].isName("function") || toks[stmtStart].isName("async")
                            || toks[stmtStart].isName("export")
                    {
                        stmtStart = i + 1
                    } else if depth == 0, !isExpressionFrame(f.context) {
                        stmtStart = i + 1
                    }
                default: break
                }
            default: break
            }
            i += 1
        }
        flush(n)
        module.bodyEnd = n
        visitor.functionEnd(module, code)
        code.facts.registers = ProjectTools.exported(exports, code, definedHere: definedHere)
        return code
    }

    static func isExpressionFrame(_ c: Context) -> Bool {
        if case .function = c { return true }
        return false
    }

    /// A line break inside an expression does not end the statement.
    static func continues(_ toks: [Token], _ i: Int) -> Bool {
        if i > 0, toks[i - 1].kind == .op,
            !(toks[i - 1].textIs(")") || toks[i - 1].textIs("]") || toks[i - 1].textIs("}") || toks[i - 1].textIs("++")
                || toks[i - 1].textIs("--"))
        {
            return true
        }
        if i + 1 < toks.count, toks[i + 1].kind == .op,
            [".", "?.", "+", "?", ":", "&&", "||", "??", "=", "==", "===", "*", "/", "-", ",", "=>", ")"].contains(
                toks[i + 1].text)
        {
            return true
        }
        return false
    }

    /// What the `{` at `i` opens: a function body (with its scope), a block, a loop, a class,
    /// or nil for an object literal. Also where the body's first statement starts.
    static func blockKind(
        _ toks: [Token], _ i: Int, _ openOf: [Int: Int], _ outer: Scope, _ toolCallback: Bool, _ inToolClass: Bool,
        _ toolNames: Set<String>
    ) -> (Context?, Int) {
        guard i > 0 else { return (.block, i + 1) }
        let prev = toks[i - 1]
        func function(_ params: Set<String>, _ name: String, _ at: Token) -> (Context?, Int) {
            let isTool =
                toolCallback || toolNames.contains(name) || (inToolClass && toolMethods.contains(name))
            let s = Scope(
                parent: outer, name: name, params: params, isTool: isTool, line: at.line, column: at.column,
                bodyStart: i + 1)
            return (.function(s), i + 1)
        }
        if prev.isOp("=>") {
            return function(arrowParams(toks, i - 1, openOf), arrowName(toks, i - 1, openOf), prev)
        }
        var close: Int?
        if prev.isOp(")") {
            close = i - 1
        } else if prev.kind == .name || prev.isOp(">") || prev.isOp("]") {
            // `): Promise<string> {`: a return type between the parameters and the body.
            var k = i - 1
            while k > 0 && i - k < 16 && !toks[k].isOp(";") && !toks[k].isOp("{") && !toks[k].isOp("}") {
                if toks[k].isOp(")") && toks[k + 1].isOp(":") {
                    close = k
                    break
                }
                k -= 1
            }
            if close == nil {
                // `class X extends BaseTool {`
                var c = i - 1
                while c > 0 && i - c < 8 && toks[c].kind == .name { c -= 1 }
                if toks[c].isName("class") || (c + 1 < i && toks[c + 1].isName("class")) {
                    let names = (c..<i).map { toks[$0].text }
                    return (.klass(isTool: names.dropFirst(2).contains { $0.contains("Tool") }), i + 1)
                }
                if ["else", "try", "finally", "do"].contains(prev.text) { return (.block, i + 1) }
            }
        }
        if let close, let open = openOf[close] {
            let before = open > 0 ? toks[open - 1] : nil
            if let b = before, b.isName("while") || b.isName("for") {
                let inner = (open + 1)..<close
                let infinite =
                    (inner.count == 1 && (toks[inner.lowerBound].isName("true") || toks[inner.lowerBound].textIs("1")))
                    || (b.isName("for") && inner.count == 2 && toks[inner.lowerBound].isOp(";"))
                return (infinite ? .loop(b, i + 1) : .block, i + 1)
            }
            if let b = before, b.kind == .name, !control.contains(b.text) {
                return function(params(toks, open, close), b.text, b)
            }
            if let b = before, control.contains(b.text) { return (.block, i + 1) }
            return (.block, i + 1)
        }
        // Object literals follow operators, `(`, `,`, `:`, `return` and friends.
        if prev.kind == .op && !prev.isOp(")") { return (nil, i + 1) }
        if prev.isName("return") || prev.isName("yield") || prev.isName("await") { return (nil, i + 1) }
        if prev.kind == .newline { return (.block, i + 1) }
        return (nil, i + 1)
    }

    /// Binding names between the parentheses at `open` and `close`: `(a, { b, c }, ...d)`.
    static func params(_ toks: [Token], _ open: Int, _ close: Int) -> Set<String> {
        var out: Set<String> = []
        for k in (open + 1)..<close where toks[k].kind == .name {
            let p = toks[k - 1]
            if p.isOp("(") || p.isOp(",") || p.isOp("{") || p.isOp("[") || p.isOp("...") {
                if k + 1 < close && toks[k + 1].isOp("(") { continue }
                out.insert(toks[k].text)
            }
        }
        return out
    }

    static func arrowParams(_ toks: [Token], _ arrow: Int, _ openOf: [Int: Int]) -> Set<String> {
        guard arrow > 0 else { return [] }
        let p = toks[arrow - 1]
        if p.kind == .name { return [p.text] }
        if p.isOp(")"), let o = openOf[arrow - 1] { return params(toks, o, arrow - 1) }
        // `(x): string =>`: a return type.
        var k = arrow - 1
        while k > 0 && arrow - k < 12 {
            if toks[k].isOp(")"), let o = openOf[k] { return params(toks, o, k) }
            k -= 1
        }
        return []
    }

    /// `const name = async (x) => {`: the name an arrow function is bound to, if any.
    static func arrowName(_ toks: [Token], _ arrow: Int, _ openOf: [Int: Int]) -> String {
        var k = arrow - 1
        if k >= 0, toks[k].isOp(")"), let o = openOf[k] { k = o - 1 } else { k -= 1 }
        if k >= 0 && toks[k].isName("async") { k -= 1 }
        if k >= 1 && (toks[k].isOp("=") || toks[k].isOp(":")) && toks[k - 1].kind == .name { return toks[k - 1].text }
        return "<arrow>"
    }

    /// `const|let|var` declarations and plain assignments in a statement.
    static func declare(_ code: inout Code, _ r: Range<Int>, _ scope: Scope) {
        let toks = code.tokens
        var s = r.lowerBound
        while s < r.upperBound && (toks[s].isName("export") || toks[s].isName("declare") || toks[s].kind == .newline) {
            s += 1
        }
        guard s < r.upperBound else { return }
        let isDecl = toks[s].isName("const") || toks[s].isName("let") || toks[s].isName("var")
        if isDecl { s += 1 }
        // Declarators split at top-level commas; each is `target = value`.
        var start = s
        var depth = 0
        var j = s
        while j <= r.upperBound {
            let end = j == r.upperBound
            if !end {
                let t = toks[j]
                if t.isOp("(") || t.isOp("[") || t.isOp("{") { depth += 1 }
                if t.isOp(")") || t.isOp("]") || t.isOp("}") { depth -= 1 }
            }
            if end || (depth == 0 && toks[j].isOp(",") && isDecl) {
                declarator(&code, start..<j, scope, isDecl: isDecl)
                start = j + 1
            }
            j += 1
        }
    }

    static func declarator(_ code: inout Code, _ r: Range<Int>, _ scope: Scope, isDecl: Bool) {
        let toks = code.tokens
        guard let eq = r.first(where: { toks[$0].isOp("=") || toks[$0].isOp("+=") }), eq > r.lowerBound else { return }
        let targetRange = r.lowerBound..<eq
        // Only `x = ...` or a destructuring pattern; not `a.b = ...` or `a[i] = ...`.
        let first = toks[r.lowerBound]
        let pattern = first.isOp("{") || first.isOp("[")
        guard pattern || (first.kind == .name && (eq == r.lowerBound + 1 || toks[r.lowerBound + 1].isOp(":"))) else {
            return
        }
        var targets: [(local: String, key: String)] = []
        if pattern {
            var k = r.lowerBound + 1
            while k < eq {
                if toks[k].kind == .name {
                    if k + 2 < eq && toks[k + 1].isOp(":") && toks[k + 2].kind == .name {
                        targets.append((toks[k + 2].text, toks[k].text))
                        k += 3
                        continue
                    }
                    if toks[k - 1].isOp("{") || toks[k - 1].isOp(",") || toks[k - 1].isOp("[") {
                        targets.append((toks[k].text, toks[k].text))
                    }
                }
                k += 1
            }
        } else {
            targets = [(first.text, first.text)]
        }
        _ = targetRange
        var value = (eq + 1)..<r.upperBound
        while !value.isEmpty && toks[value.lowerBound].isName("await") {
            value = (value.lowerBound + 1)..<value.upperBound
        }
        guard !value.isEmpty else { return }
        // require("m"), require("m").x, import("m")
        let v0 = toks[value.lowerBound]
        if (v0.isName("require") || v0.isName("import")) && value.count >= 4
            && toks[value.lowerBound + 2].kind == .string
        {
            var m = moduleName(toks[value.lowerBound + 2].text)
            var k = value.lowerBound + 4
            while k + 1 < value.upperBound && toks[k].isOp(".") && toks[k + 1].kind == .name {
                m += "." + toks[k + 1].text
                k += 2
            }
            for (local, key) in targets {
                code.aliases[local] = pattern ? m + "." + key : m
                if !pattern { code.modules.insert(local) }
            }
            return
        }
        // promisify(exec), util.promisify(cp.exec): the same function, awaited.
        var aliasRange = value
        if v0.kind == .name,
            v0.text == "promisify" || (value.count > 2 && toks[value.lowerBound + 2].isName("promisify")),
            let open = value.first(where: { toks[$0].isOp("(") })
        {
            aliasRange = (open + 1)..<(value.upperBound - 1)
        }
        if !pattern, !aliasRange.isEmpty, aliasRange.allSatisfy({ toks[$0].kind == .name || toks[$0].isOp(".") }),
            let h = toks[aliasRange.lowerBound].kind == .name ? toks[aliasRange.lowerBound].text : nil,
            code.modules.contains(h) || code.aliases[h] != nil
        {
            code.aliases[first.text] = code.resolve(code.names(aliasRange))
            return
        }
        var origin = code.origin(value, scope)
        for (local, _) in targets {
            if toks[eq].isOp("+=") { origin = max(origin, scope.lookup(local) ?? .constant) }
            scope.env[local] = origin
        }
    }
}
