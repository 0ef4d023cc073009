// Reads a Python file's logical lines in order: imports and aliases, function scopes by
// indentation (with their parameters and whether they are tools), simple assignments
// (`cmd = llm_output`, `a, b = x`, `with open(p) as f`, `for c in cmds`), calls, and loops
// that have no condition of their own. Reports each to a CodeVisitor.

enum PythonWalker {
    static let notCalls = WordSet([
        "if", "elif", "while", "for", "return", "and", "or", "not", "in", "is", "with", "assert", "del", "except",
        "lambda", "yield", "await", "def", "class", "import", "from", "raise", "else", "print",
    ])
    /// Methods of a tool class called with the model's arguments: LangChain's `_run`/`_arun`,
    /// SuperAGI's `_execute` (its `BaseTool.execute` parses the arguments and calls it), and
    /// the generic `run`/`invoke`/`__call__`/`execute`.
    static let toolMethods: Set<String> = [
        "_run", "_arun", "run", "arun", "invoke", "ainvoke", "__call__", "execute", "_execute", "_aexecute",
        "forward", "call", "_call",
    ]

    enum BlockKind {
        case function(Scope)
        case klass(ClassInfo)
        case loop(Token, Int, Scope)
    }

    /// A class being read: whether it is a tool (`BaseTool` subclasses: `_run` is called with
    /// the model's arguments), a tool-call schema (its fields are the model's arguments) or an
    /// HTTP request handler (`self.path`, `self.headers` are the client's).
    final class ClassInfo {
        let isTool: Bool
        let schema: Bool
        let httpHandler: Bool
        var fields: Set<String> = []
        /// LlamaIndex `BaseToolSpec`: `spec_functions = ["load_data", ...]` names the methods
        /// the model calls.
        var specFunctions: Set<String> = []
        init(isTool: Bool, schema: Bool, httpHandler: Bool) {
            self.isTool = isTool
            self.schema = schema
            self.httpHandler = httpHandler
        }
    }

    /// Methods of a tool-call schema class that act on the call (langroid `handle`).
    static let schemaHandlers: Set<String> = [
        "handle", "handle_async", "ahandle", "run", "arun", "execute", "__call__",
    ]
    /// Class-level names of a tool-call schema that describe the tool, not the call.
    static let schemaMeta: Set<String> = ["request", "purpose", "name", "description", "model_config", "Config"]
    static let httpHandlerBases: Set<String> = [
        "BaseHTTPRequestHandler", "SimpleHTTPRequestHandler", "CGIHTTPRequestHandler", "StreamRequestHandler",
        "BaseRequestHandler",
    ]

    /// `toolModule`: the file sits in a tools folder (ToolConventions), so its public,
    /// documented module-level functions are tools. `project`: what other files of the scan
    /// register that this file defines (ToolRegistrations).
    static func walk<V: CodeVisitor>(
        _ lexed: Lexed, _ visitor: inout V, toolModule: Bool = false, project: ProjectTools = ProjectTools()
    ) -> Code {
        let toks = lexed.tokens
        var code = Code(language: .python, tokens: toks)
        var schemaClasses: Set<String> = []
        var exports: Set<String> = []
        var toolNames = ToolNames.collect(toks, schemas: &schemaClasses, exports: &exports)
        if !project.names.isEmpty { toolNames.formUnion(project.names) }
        if toolModule || project.wholeModule { toolNames.formUnion(ToolConventions.exportedMethods(toks)) }
        var definedHere: Set<String> = []
        var toolClasses: Set<String> = []
        let module = Scope(parent: nil, name: "<module>", params: [], isTool: false, line: 1, column: 1, bodyStart: 0)
        var blocks: [(kind: BlockKind, indent: Int)] = []
        var decorators: [[String]] = []
        /// A decorator above the function declares the model's input schema for it
        /// (`@activity(config={"schema": Schema(...)})`, `@registry.action(..., param_model=M)`).
        var schemaDecorator = false
        let n = toks.count

        func scope() -> Scope {
            for b in blocks.reversed() { if case .function(let s) = b.kind { return s } }
            return module
        }
        func close(_ b: BlockKind, _ end: Int) {
            switch b {
            case .function(let s):
                s.bodyEnd = end
                if let r = s.returns { code.returns[s.name] = max(r, code.returns[s.name] ?? r) }
                visitor.functionEnd(s, code)
            case .loop(let at, let start, let s): visitor.unboundedLoop(at, body: start..<end, s, code)
            case .klass: break
            }
        }

        var i = 0
        while i < n {
            var e = i
            while e < n && toks[e].kind != .newline { e += 1 }
            if e == i {
                i += 1
                continue
            }
            let indent = toks[i].column
            while let last = blocks.last, indent <= last.indent {
                close(last.kind, i)
                blocks.removeLast()
            }
            let first = toks[i]
            var k = i
            if first.isName("async") && i + 1 < e { k += 1 }
            let head = toks[k]
            if first.isOp("@") {
                decorators.append(code.names((i + 1)..<(toks[(i + 1)..<e].firstIndex { $0.isOp("(") } ?? e)))
                if !schemaDecorator { schemaDecorator = declaresSchema(toks, (i + 1)..<e) }
            } else if head.isName("def") && k + 2 < e && toks[k + 2].isOp("(") {
                let name = toks[k + 1].text
                let c = Code.close(toks, k + 2, e)
                let params = parameters(toks, k + 2, c)
                var isTool =
                    decorators.contains(where: ToolNames.isToolDecorator) || toolNames.contains(name) || schemaDecorator
                var owner: ClassInfo?
                if let b = blocks.last, case .klass(let info) = b.kind { owner = info }
                // `def read_from_text_file(self, filename)` outside any class: a function bound to
                // an agent object when its tools are loaded (MemGPT/Letta function sets), called
                // with the model's arguments.
                if !isTool, k + 3 < c, toks[k + 3].isName("self"),
                    !blocks.contains(where: { if case .klass = $0.kind { return true } else { return false } })
                {
                    isTool = true
                }
                if !isTool, toolMethods.contains(name) {
                    for b in blocks.reversed() {
                        if case .klass(let info) = b.kind {
                            isTool = info.isTool
                            break
                        }
                    }
                }
                if !isTool, let owner, owner.schema, schemaHandlers.contains(name) { isTool = true }
                if !isTool, let owner, owner.specFunctions.contains(name) { isTool = true }
                // A function returning what a tool hands the model (`-> ServiceResponse`).
                if !isTool, ToolConventions.returnTypes(toks, c, e).contains(where: ToolConventions.isToolResultType) {
                    isTool = true
                }
                // A public, documented function of a tools module, at module level: the
                // framework lists it for the model in another file.
                if !isTool, toolModule, blocks.isEmpty, !name.hasPrefix("_"), !params.isEmpty,
                    ToolConventions.hasDocstring(toks, after: e)
                {
                    isTool = true
                }
                // A module another file hands to a toolkit whole: its public functions.
                if !isTool, project.wholeModule, blocks.isEmpty, !name.hasPrefix("_"), !params.isEmpty {
                    isTool = true
                }
                if !isTool { code.facts.defines.insert(name) }
                definedHere.insert(name)
                let endpoint = decorators.contains(where: ToolNames.isRouteDecorator)
                decorators = []
                schemaDecorator = false
                let s = Scope(
                    parent: scope(), name: name, params: params, isTool: isTool, line: head.line, column: head.column,
                    bodyStart: e + 1)
                s.isEndpoint = endpoint
                s.order = positional(toks, k + 2, c)
                if let owner, owner.schema { s.untrustedFields = owner.fields }
                // A tool class whose run method takes no arguments (agency-swarm's and
                // instructor's pydantic tools: `file_path: str = Field(...)`, then `def
                // run(self)`): the model's arguments are its fields. With parameters
                // (LangChain's `_run(self, query)`) the fields are configuration.
                if let owner, owner.isTool, toolMethods.contains(name), params.isEmpty {
                    s.untrustedFields = owner.fields
                }
                if let owner, owner.isTool { s.toolClassMethod = true }
                if let owner, owner.httpHandler { s.untrustedFields = ["path", "headers", "rfile", "requestline"] }
                // Called by another file's tool with the model's arguments: those parameters.
                if !isTool, let given = project.arguments[name] {
                    for a in given {
                        if let i = Int(a), i < s.order.count {
                            s.typedToolParams.insert(s.order[i])
                        } else if params.contains(a) {
                            s.typedToolParams.insert(a)
                        }
                    }
                }
                for (p, types) in annotations(toks, k + 2, c)
                where types.contains(where: { ToolNames.isToolCallType($0) || schemaClasses.contains($0) }) {
                    s.typedToolParams.insert(p)
                }
                blocks.append((.function(s), indent))
                // `def f(x): return eval(x)` on one line.
                var colon = c + 1
                while colon < e && !toks[colon].isOp(":") { colon += 1 }
                if colon + 1 < e { statement(&code, (colon + 1)..<e, s, &visitor) }
            } else if head.isName("class") {
                let bases = k + 2 < e && toks[k + 2].isOp("(") ? code.names((k + 3)..<Code.close(toks, k + 2, e)) : []
                decorators = []
                schemaDecorator = false
                let name = k + 1 < e ? toks[k + 1].text : ""
                // A toolkit (`Toolkit`, `BaseToolkit`) hands out or registers tools; its own
                // `_run`/`run` are not called with the model's arguments. A class derived from a
                // tool class of this file or another (`base:NAME`), or one another file registers
                // (`tools=[ShellTool()]`), is a tool too.
                let toolBase = bases.contains {
                    ($0.contains("Tool") && !$0.contains("Toolkit")) || toolClasses.contains($0)
                        || (!project.names.isEmpty && project.names.contains("base:" + $0))
                }
                let info = ClassInfo(
                    isTool: toolBase || toolNames.contains(name),
                    schema: schemaClasses.contains(name) || bases.contains(where: schemaClasses.contains),
                    httpHandler: bases.contains(where: httpHandlerBases.contains))
                if info.isTool {
                    toolClasses.insert(name)
                    if !ProjectTools.tooGeneric.contains(name) { code.facts.registers.insert("base:" + name) }
                } else {
                    code.facts.defines.insert(name)
                    for b in bases { code.facts.defines.insert("base:" + b) }
                }
                definedHere.insert(name)
                blocks.append((.klass(info), indent))
            } else if let b = blocks.last, case .klass(let info) = b.kind, head.isName("spec_functions"),
                k + 2 < e, toks[k + 1].isOp("=") || toks[k + 1].isOp(":")
            {
                for j in (k + 2)..<e where toks[j].kind == .string { info.specFunctions.insert(toks[j].text) }
            } else if let b = blocks.last, case .klass(let info) = b.kind, info.schema || info.isTool,
                head.kind == .name, k + 1 < e, toks[k + 1].isOp(":"), !head.text.hasPrefix("_"),
                !schemaMeta.contains(head.text)
            {
                // `file_path: str` in a tool-call schema: a field the model fills in. In a tool
                // class only a required one (`x: str`, `x: str = Field(...)`): a field with a
                // default (`index_path: str = "/srv/notes"`) is the developer's setting.
                if info.schema || requiredField(toks, k + 2, e) { info.fields.insert(head.text) }
                statement(&code, i..<e, scope(), &visitor)
            } else if head.isName("import") || (head.isName("from") && i + 1 < e) {
                imports(&code, i, e)
            } else {
                if head.isName("while"), k + 2 < e, toks[k + 2].isOp(":"),
                    toks[k + 1].isName("True") || toks[k + 1].textIs("1")
                {
                    blocks.append((.loop(head, e + 1, scope()), indent))
                }
                statement(&code, i..<e, scope(), &visitor)
                if head.isName("if") {
                    let s = scope()
                    for name in RegexGate.gated(toks, header: i..<e, indent: indent)
                    where (s.lookup(name) ?? .unknown) > .sanitized {
                        s.env[name] = .sanitized
                    }
                }
            }
            i = e + 1
        }
        while let last = blocks.popLast() { close(last.kind, n) }
        module.bodyEnd = n
        visitor.functionEnd(module, code)
        code.facts.registers.formUnion(ProjectTools.exported(exports, code, definedHere: definedHere))
        return code
    }

    static func statement<V: CodeVisitor>(_ code: inout Code, _ r: Range<Int>, _ scope: Scope, _ visitor: inout V) {
        let toks = code.tokens
        let notCalls = Self.notCalls
        for k in r
        where toks[k].key == Op.lparen && toks[k].kind == .op && k > r.lowerBound && toks[k - 1].kind == .name {
            guard !notCalls.contains(key: toks[k - 1].key, { toks[k - 1].text }) || toks[k - 1].textIs("print") else {
                continue
            }
            visitor.call(call(code, at: k, lower: r.lowerBound), scope, code)
        }
        visitor.statement(r, scope, code)
        if toks[r.lowerBound].isName("return") && r.count > 1 {
            let o = code.origin((r.lowerBound + 1)..<r.upperBound, scope)
            scope.returns = max(o, scope.returns ?? o)
        }
        assign(&code, r, scope)
    }

    static func call(_ code: Code, at k: Int, lower: Int) -> Call {
        let toks = code.tokens
        var j = k - 1
        var segs = [toks[j].text]
        while j - 2 >= lower && (toks[j - 1].isOp(".") || toks[j - 1].isOp("?.")) && toks[j - 2].kind == .name {
            segs.insert(toks[j - 2].text, at: 0)
            j -= 2
        }
        var onExpression = j - 1 >= lower && (toks[j - 1].isOp(".") || toks[j - 1].isOp("?."))
        // `require("child_process").exec(cmd)`: the module is named right there.
        if onExpression, j - 5 >= lower, toks[j - 2].isOp(")"), toks[j - 3].kind == .string, toks[j - 4].isOp("("),
            toks[j - 5].isName("require") || toks[j - 5].isName("import")
        {
            let m = toks[j - 3].text.hasPrefix("node:") ? String(toks[j - 3].text.dropFirst(5)) : toks[j - 3].text
            segs.insert(m, at: 0)
            onExpression = false
            j -= 4
        }
        let close = Code.close(toks, k, toks.count)
        let (args, kws) = code.arguments(k, close)
        return Call(
            segments: segs, callee: onExpression ? "." + segs.joined(separator: ".") : code.resolve(segs),
            onExpression: onExpression, nameIndex: k - 1, first: onExpression ? j - 1 : j, open: k, close: close,
            args: args, keywords: kws)
    }

    /// `a = expr`, `a, b = expr`, `a: T = expr`, `a += expr`, `x = y = expr`, `with e as a`,
    /// `for a in e`; `run = subprocess.run` makes `run` an alias.
    static func assign(_ code: inout Code, _ r: Range<Int>, _ scope: Scope) {
        let toks = code.tokens
        let first = toks[r.lowerBound]
        if first.isName("for") {
            guard let inAt = r.first(where: { toks[$0].isName("in") }) else { return }
            let o = code.origin((inAt + 1)..<(r.last ?? inAt), scope)
            for n in code.names((r.lowerBound + 1)..<inAt) { scope.env[n] = o }
            return
        }
        if first.isName("with") || (first.isName("async") && r.count > 1 && toks[r.lowerBound + 1].isName("with")) {
            var j = r.lowerBound
            while j < r.upperBound {
                if toks[j].isName("as"), j + 1 < r.upperBound, toks[j + 1].kind == .name {
                    var s = j - 1
                    var depth = 0
                    while s > r.lowerBound {
                        let t = toks[s]
                        if t.isOp(")") || t.isOp("]") { depth += 1 }
                        if t.isOp("(") || t.isOp("[") { depth -= 1 }
                        if depth == 0 && (t.isOp(",") || t.isName("with")) { break }
                        s -= 1
                    }
                    scope.env[toks[j + 1].text] = code.origin((s + 1)..<j, scope)
                }
                j += 1
            }
            return
        }
        var depth = 0
        var eqs: [Int] = []
        var augmented = false
        for j in r {
            guard toks[j].kind == .op else { continue }
            switch toks[j].key {
            case Op.lparen, Op.lbracket, Op.lbrace: depth += 1
            case Op.rparen, Op.rbracket, Op.rbrace: depth -= 1
            case Op.assign where depth == 0: eqs.append(j)
            case Op.plusAssign, Op.orAssign,
                Op.percentAssign where depth == 0:
                eqs.append(j)
                augmented = true
            default: break
            }
        }
        guard let lastEq = eqs.last else { return }
        let value = (lastEq + 1)..<r.upperBound
        var origin = code.origin(value, scope)
        // `run = subprocess.run`: an alias, not a value.
        let valueNames = value.allSatisfy { toks[$0].kind == .name || toks[$0].isOp(".") }
        var aliasTarget: String?
        if valueNames, let h = toks[value.lowerBound].kind == .name ? toks[value.lowerBound].text : nil,
            code.modules.contains(h) || code.aliases[h] != nil
        {
            aliasTarget = code.resolve(code.names(value))
        } else if value.count == 1, code.aliases[toks[value.lowerBound].text] == nil,
            ["eval", "exec", "compile"].contains(toks[value.lowerBound].text),
            scope.lookup(toks[value.lowerBound].text) == nil
        {
            // `_eval = eval`: the builtin under another name.
            aliasTarget = "builtins." + toks[value.lowerBound].text
        }
        var start = r.lowerBound
        for eq in eqs {
            var j = start
            var d = 0
            while j < eq {
                let t = toks[j]
                if t.isOp("(") || t.isOp("[") { d += 1 }
                if t.isOp(")") || t.isOp("]") { d -= 1 }
                if t.isOp(":") && d == 0 { break }  // annotation
                if t.kind == .name && d == 0 && !(j > start && toks[j - 1].isOp("."))
                    && !(j + 1 < eq && toks[j + 1].isOp("."))
                    && !(j + 1 < eq && toks[j + 1].isOp("["))
                {
                    if let a = aliasTarget {
                        code.aliases[t.text] = a
                    } else {
                        if augmented { origin = max(origin, scope.lookup(t.text) ?? .constant) }
                        scope.env[t.text] = origin
                    }
                }
                j += 1
            }
            start = eq + 1
        }
    }
}
