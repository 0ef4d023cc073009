// What a Python `def` line, a decorator and an import declare: parameter names, their order and
// annotations, whether a decorator declares the model's input schema, whether a pydantic field
// is required, and the names an import binds. Read by PythonWalker as it goes.

extension PythonWalker {
    /// Parameter names between the parentheses at `open` and `close` (not self/cls, not
    /// annotations or defaults).
    static func parameters(_ toks: [Token], _ open: Int, _ close: Int) -> Set<String> {
        Set(parameterNames(toks, open, close, positionalOnly: false).filter { $0 != "self" && $0 != "cls" })
    }

    /// The names in order; `positionalOnly`: up to `*` or `**`, without a leading self/cls.
    static func parameterNames(_ toks: [Token], _ open: Int, _ close: Int, positionalOnly: Bool) -> [String] {
        var out: [String] = []
        var depth = 0
        var expectName = true
        for j in (open + 1)..<close {
            let t = toks[j]
            if t.kind == .op {
                switch t.key {
                case Op.lparen, Op.lbracket, Op.lbrace: depth += 1
                case Op.rparen, Op.rbracket, Op.rbrace: depth -= 1
                case Op.comma where depth == 0: expectName = true
                case Op.star, Op.starStar: if positionalOnly && depth == 0 { return out }
                case Op.slash: break
                default: if depth == 0 { expectName = false }
                }
                continue
            }
            if depth == 0 && expectName && t.kind == .name {
                if !(positionalOnly && (t.textIs("self") || t.textIs("cls")) && out.isEmpty) { out.append(t.text) }
                expectName = false
            }
        }
        return out
    }

    /// A pydantic field declaration from its annotation at `from` to `end` has no default:
    /// no `=`, or `= Field(...)` whose first argument is the required marker `...`.
    static func requiredField(_ toks: [Token], _ from: Int, _ end: Int) -> Bool {
        var depth = 0
        var j = from
        while j < end {
            let t = toks[j]
            if t.isOp("(") || t.isOp("[") || t.isOp("{") { depth += 1 }
            if t.isOp(")") || t.isOp("]") || t.isOp("}") { depth -= 1 }
            if depth == 0 && t.isOp("=") {
                guard j + 3 < end, toks[j + 1].isName("Field"), toks[j + 2].isOp("(") else { return false }
                return toks[j + 3].isOp("...") || toks[j + 3].isOp(".")
            }
            j += 1
        }
        return true
    }

    /// Keys a decorator uses to declare the input schema of the function it registers.
    static let schemaKeys: Set<String> = [
        "schema", "param_model", "args_schema", "input_schema", "parameters_model", "parameters",
    ]

    /// The decorator's arguments name an input schema (`schema=`, `"schema": ...`, `param_model=`).
    static func declaresSchema(_ toks: [Token], _ r: Range<Int>) -> Bool {
        for j in r where j + 1 < r.upperBound && (toks[j].kind == .name || toks[j].kind == .string) {
            if schemaKeys.contains(toks[j].text), toks[j + 1].isOp("=") || toks[j + 1].isOp(":") { return true }
        }
        return false
    }

    /// Each parameter's annotation, as the names in it (`msg: Optional[RunQueryTool]` →
    /// `msg`: [Optional, RunQueryTool]).
    static func annotations(_ toks: [Token], _ open: Int, _ close: Int) -> [(String, [String])] {
        var out: [(String, [String])] = []
        var depth = 0
        var current: String?
        var inAnnotation = false
        var names: [String] = []
        func flush() {
            if let current, !names.isEmpty { out.append((current, names)) }
            current = nil
            inAnnotation = false
            names = []
        }
        var j = open + 1
        while j < close {
            let t = toks[j]
            if t.kind == .op {
                switch t.key {
                case Op.lparen, Op.lbracket, Op.lbrace: depth += 1
                case Op.rparen, Op.rbracket, Op.rbrace: depth -= 1
                case Op.comma where depth == 0: flush()
                case Op.assign where depth == 0: inAnnotation = false
                default:
                    if depth == 0 && t.isOp(":") && current != nil { inAnnotation = true }
                }
            } else if t.kind == .name {
                if depth == 0 && current == nil && !inAnnotation { current = t.text }
                if inAnnotation { names.append(t.text) }
            } else if t.kind == .string && inAnnotation {
                names.append(t.text)  // a forward reference: `msg: "RunQueryTool"`
            }
            j += 1
        }
        flush()
        return out
    }

    /// Positional parameter names in order (up to `*` or `**`), without self/cls.
    static func positional(_ toks: [Token], _ open: Int, _ close: Int) -> [String] {
        parameterNames(toks, open, close, positionalOnly: true)
    }

    /// `import a.b as c`, `from m.n import x as y`: the names they bind (aliases, modules).
    static func imports(_ code: inout Code, _ i: Int, _ e: Int) {
        let toks = code.tokens
        if toks[i].isName("import") {
            // import a.b.c, d as e
            var j = i + 1
            while j < e {
                var path: [String] = []
                while j < e && (toks[j].kind == .name && !toks[j].isName("as") || toks[j].isOp(".")) {
                    if toks[j].kind == .name { path.append(toks[j].text) }
                    j += 1
                }
                if j + 1 < e && toks[j].isName("as") {
                    code.aliases[toks[j + 1].text] = path.joined(separator: ".")
                    code.modules.insert(toks[j + 1].text)
                    j += 2
                } else if let h = path.first {
                    code.modules.insert(h)
                }
                while j < e && !toks[j].isOp(",") { j += 1 }
                j += 1
            }
            return
        }
        // from m.n import x as y, z
        var j = i + 1
        var path: [String] = []
        while j < e && !toks[j].isName("import") {
            if toks[j].kind == .name { path.append(toks[j].text) }
            j += 1
        }
        let module = path.joined(separator: ".")
        j += 1
        while j < e {
            let t = toks[j]
            if t.kind == .name && t.text != "as" {
                var local = t.text
                if j + 2 < e && toks[j + 1].isName("as") {
                    local = toks[j + 2].text
                    j += 2
                }
                code.aliases[local] = module.isEmpty ? t.text : module + "." + t.text
            }
            j += 1
        }
    }
}
