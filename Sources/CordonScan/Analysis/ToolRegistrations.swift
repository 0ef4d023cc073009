// Tools registered where they are not defined (issue 16, session 12). An agent's tool
// functions often live in one module and are handed to the model in another: a toolkit that
// adds a module's functions (`toolkit.add(execute_shell_command)`), an agent built with
// `tools=[read_file, ShellTool()]`, a function-calling schema that names the function the
// model's call runs (`{"name": "get_weather", "parameters": {...}}` in code or in a JSON file,
// MCP's `Tool(name=..., inputSchema=...)`). Read alone, the defining file cannot tell its
// functions are tools, so their parameters look like the developer's. Each file therefore
// also reports what it registers; a project pass (ProjectScanner) hands the names registered
// anywhere in the scan to the files that define them.

/// What one file tells the rest of the project about tools.
public struct ToolFacts: Sendable, Equatable {
    /// Names of functions, classes and modules this file exposes to a model as tools
    /// (`module:NAME` for a module all of whose functions are given).
    public var registers: Set<String> = []
    /// Functions and classes this file defines that its own reading did not take for tools: a
    /// registration elsewhere makes them tools.
    public var defines: Set<String> = []
    public init(registers: Set<String> = [], defines: Set<String> = []) {
        self.registers = registers
        self.defines = defines
    }
}

/// What the rest of the project says about one file: names registered elsewhere that it
/// defines, and whether a toolkit takes this module's functions whole.
public struct ProjectTools: Sendable, Equatable {
    public var names: Set<String> = []
    public var wholeModule = false
    /// Functions that tools of other files call with the model's arguments: the positions
    /// (`0`) and keywords (`dest`) the model chose.
    public var arguments: [String: Set<String>] = [:]
    /// Functions of other files this file imports that run the argument at those positions in
    /// a shell (CodeRulesShellRunners).
    public var shellRunners: [String: Set<Int>] = [:]
    /// The names of those parameters, for calls that pass them by keyword (`command=command`).
    public var shellKeywords: [String: Set<String>] = [:]
    /// Those runners that run their argument as Python code (`exec`), not in a shell.
    public var codeRunners: Set<String> = []
    public init(names: Set<String> = [], wholeModule: Bool = false, arguments: [String: Set<String>] = [:]) {
        self.names = names
        self.wholeModule = wholeModule
        self.arguments = arguments
    }
    var isEmpty: Bool {
        names.isEmpty && !wholeModule && arguments.isEmpty && shellRunners.isEmpty && shellKeywords.isEmpty
            && codeRunners.isEmpty
    }

    /// The cache key's part for this context.
    var key: String {
        var parts = names.sorted()
        for (f, a) in arguments.sorted(by: { $0.key < $1.key }) {
            parts.append("arg:\(f):" + a.sorted().joined(separator: "/"))
        }
        for (f, a) in shellRunners.sorted(by: { $0.key < $1.key }) {
            parts.append("shell:\(f):" + a.sorted().map(String.init).joined(separator: "/"))
        }
        for (f, a) in shellKeywords.sorted(by: { $0.key < $1.key }) {
            parts.append("shell:\(f):=" + a.sorted().joined(separator: "/"))
        }
        for f in codeRunners.sorted() { parts.append("code:\(f)") }
        return parts.joined(separator: ",") + (wholeModule ? "|module" : "")
    }

    /// Every registration of a scan, split for lookup by the files that define the names.
    public struct Index: Sendable {
        var names: Set<String> = []
        var arguments: [String: Set<String>] = [:]
        var shellRunners: [String: Set<Int>] = [:]
        var shellKeywords: [String: Set<String>] = [:]
        var codeRunners: Set<String> = []
        /// Every registration, as given.
        var all: Set<String>
        var isEmpty: Bool { names.isEmpty && arguments.isEmpty && shellRunners.isEmpty && shellKeywords.isEmpty }
        init(_ registered: Set<String>) {
            all = registered
            for r in registered {
                if r.hasPrefix("arg:") {
                    let parts = r.split(separator: ":", maxSplits: 2)
                    if parts.count == 3 { arguments[String(parts[1]), default: []].insert(String(parts[2])) }
                } else if r.hasPrefix("shell:") {
                    let parts = r.split(separator: ":", maxSplits: 2)
                    if parts.count == 3, let p = Int(parts[2]) {
                        shellRunners[String(parts[1]), default: []].insert(p)
                    } else if parts.count == 3, parts[2].hasPrefix("=") {
                        shellKeywords[String(parts[1]), default: []].insert(String(parts[2].dropFirst()))
                    }
                } else if r.hasPrefix("code:") {
                    codeRunners.insert(String(r.dropFirst(5)))
                } else {
                    names.insert(r)
                }
            }
        }
    }

    /// Names too common to carry from one file to another: a framework's own method names
    /// (`run`, `execute`), builtins, and the registrars themselves.
    static let tooGeneric: Set<String> = [
        "run", "arun", "_run", "_arun", "invoke", "ainvoke", "__call__", "execute", "_execute", "call", "_call",
        "forward", "main", "get", "set", "post", "put", "delete", "update", "open", "close", "print", "len", "str",
        "int",
        "float", "bool", "list", "dict", "tuple", "type", "object", "self", "cls", "None", "True", "False",
        "partial", "lambda", "Tool", "StructuredTool", "FunctionTool", "BaseTool", "DynamicTool", "tool",
        "function", "handler", "callback", "wrapper", "decorator", "inner", "fn", "func", "f",
    ]

    /// What the project tells the file at `path` defining `facts.defines`, from every name
    /// registered in the scan.
    static func context(path: String, facts: ToolFacts, registered: Index) -> ProjectTools {
        var out = ProjectTools()
        let stem = moduleName(path)
        for d in facts.defines {
            if registered.names.contains(d) { out.names.insert(d) }
            if let a = registered.arguments[d] { out.arguments[d] = a }
            // `arg:text_editor.read_multiple_ranges:0`: a method of this module's class.
            if let stem, let a = registered.arguments[stem + "." + d] { out.arguments[d, default: []].formUnion(a) }
            // `import:command_run`: this file imports a function another file runs in a shell.
            if d.hasPrefix("import:") {
                let name = String(d.dropFirst(7))
                if let ps = registered.shellRunners[name] { out.shellRunners[name] = ps }
                if let ks = registered.shellKeywords[name] { out.shellKeywords[name] = ks }
                if registered.codeRunners.contains(name) { out.codeRunners.insert(name) }
            }
        }
        if let stem, registered.names.contains("module:" + stem) { out.wholeModule = true }
        return out
    }

    /// `arg:@.NAME:P` (a function of the file itself, CodeRulesImports) as
    /// `arg:MODULE.NAME:P` for the file at `path`.
    static func qualified(_ registers: Set<String>, path: String) -> Set<String> {
        let prefixes = ["arg:@.", "shell:@.", "code:@."]
        guard registers.contains(where: { r in prefixes.contains { r.hasPrefix($0) } }) else { return registers }
        let stem = moduleName(path) ?? ""
        return Set(
            registers.map { r in
                guard let p = prefixes.first(where: { r.hasPrefix($0) }) else { return r }
                return p.dropLast(2) + stem + "." + r.dropFirst(p.count)
            })
    }

    /// The names a file exports, as the defining files spell them: an imported name by its
    /// original (`from .shell import run_shell as rs` → `run_shell`); an imported name may be
    /// a module, given whole (`module:shell`). Names too generic to carry are left out.
    /// A name the file defines itself and does not import is its own tool, already read so.
    static func exported(_ names: Set<String>, _ code: Code, definedHere: Set<String>) -> Set<String> {
        var out: Set<String> = []
        for n in names where code.aliases[n] != nil || !definedHere.contains(n) {
            if let path = code.aliases[n] ?? (code.modules.contains(n) ? n : nil) {
                let real = path.split(separator: ".").last.map(String.init) ?? n
                if !tooGeneric.contains(real) {
                    out.insert(real)
                    out.insert("module:" + real)
                }
            } else if !tooGeneric.contains(n) {
                out.insert(n)
            }
        }
        return out
    }

    /// `agent/tools/file_tools.py` → `file_tools`; a package's `__init__.py` → its folder.
    static func moduleName(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let file = parts.last, file.hasSuffix(".py") else { return nil }
        let stem = String(file.dropLast(3))
        if stem == "__init__" { return parts.count >= 2 ? String(parts[parts.count - 2]) : nil }
        return stem
    }
}

extension ToolNames {
    /// Methods that add a function to a toolkit or registry (`toolkit.add(f)`,
    /// `registry.register(f)`, `kit.add_function(f)`), when the receiver is named for one.
    static let toolkitVerbs: Set<String> = [
        "add", "register", "add_function", "add_functions", "add_tool", "add_tools", "register_tool",
        "register_tools", "register_function",
    ]
    /// The same, compared by key on every call of a file.
    static let toolkitVerbWords = WordSet(Array(toolkitVerbs))
    static let toolkitWords: Set<String> = [
        "tool", "tools", "toolkit", "toolbox", "toolset", "registry", "kit", "functions", "skills", "actions",
    ]

    /// `service_toolkit.add(...)`, `self.toolkit.register(...)`, `ToolRegistry.register(...)`.
    static func isToolkitCall(_ toks: [Token], _ open: Int) -> Bool {
        guard open >= 3, toks[open - 1].kind == .name, toolkitVerbWords.contains(toks[open - 1]),
            toks[open - 2].isOp("."), toks[open - 3].kind == .name
        else { return false }
        return TaintWords.split(toks[open - 3].text).contains(where: toolkitWords.contains)
    }

    /// JavaScript factories that wrap a function as a tool (the AI SDK's `tool`, Mastra's
    /// `createTool`, OpenAI's `zodFunction`); their object's values are what the model calls.
    static let toolFactories = WordSet(["tool", "createTool", "defineTool", "dynamicTool", "zodFunction", "betaTool"])

    /// Keyword arguments whose value is the function a registrar wraps.
    static let functionKeywords: Set<String> = [
        "func", "fn", "function", "coroutine", "callable", "tools", "functions", "tool", "handler",
    ]

    /// The functions and classes the elements between the brackets at `open` and `close` refer
    /// to: `f`, `module.f` (f), `ShellTool()` (a class, capitalised), `func=f`, `[f, g]`,
    /// `{"name": f}` and `{f, g}`; not a call's result (`make()`) nor a keyword's name.
    static func references(_ toks: [Token], _ open: Int, _ close: Int, into out: inout Set<String>) {
        var j = open + 1
        while j < close {
            var end = j
            var depth = 0
            while end < close {
                let t = toks[end]
                if t.isOp("(") || t.isOp("[") || t.isOp("{") { depth += 1 }
                if t.isOp(")") || t.isOp("]") || t.isOp("}") { depth -= 1 }
                if depth == 0 && t.isOp(",") { break }
                end += 1
            }
            element(toks, j, end, &out)
            j = end + 1
        }
    }

    static func element(_ toks: [Token], _ from: Int, _ end: Int, _ out: inout Set<String>) {
        var s = from
        while s < end && (toks[s].isOp("*") || toks[s].isOp("**") || toks[s].kind == .newline) { s += 1 }
        guard s < end else { return }
        if toks[s].isOp("[") || toks[s].isOp("(") || toks[s].isOp("{") {
            references(toks, s, Code.close(toks, s, end + 1), into: &out)
            return
        }
        // `"read_file": read_file` or `readFile: readFileTool` in a dict or object: the value.
        if s + 1 < end, toks[s].kind == .string || toks[s].kind == .name, toks[s + 1].isOp(":") {
            element(toks, s + 2, end, &out)
            return
        }
        guard toks[s].kind == .name else { return }
        if s + 1 < end, toks[s + 1].isOp("=") {
            if functionKeywords.contains(toks[s].text) { element(toks, s + 2, end, &out) }
            return
        }
        var j = s
        while j + 2 < end, toks[j + 1].isOp("."), toks[j + 2].kind == .name { j += 2 }
        let last = toks[j].text
        if j + 1 == end {
            out.insert(last)
        } else if toks[j + 1].isOp("("), let c = last.utf8.first, c >= 0x41 && c <= 0x5A {
            out.insert(last)
        }
    }

    /// Keys beside `name` that make a dict or a call a tool's schema for the model.
    static let schemaKeysForName: Set<String> = [
        "parameters", "input_schema", "inputSchema", "args_schema", "json_schema", "parameters_json_schema",
    ]

    /// Constructors of a tool's description for the model: MCP `Tool`, Gemini
    /// `FunctionDeclaration`, OpenAI `FunctionDefinition` and `ChatCompletionToolParam`,
    /// Bedrock `ToolSpecification`.
    static let schemaCalls = WordSet([
        "Tool", "FunctionDeclaration", "FunctionDefinition", "ChatCompletionToolParam", "ToolSpecification",
        "ToolDefinition", "ToolSpec", "FunctionSchema",
    ])

    /// A dict or a call at `open` (to `close`) that names a tool and gives its input schema
    /// (`{"name": "get_weather", "parameters": {...}}`, `Tool(name="run_sql", inputSchema=...)`,
    /// `FunctionDeclaration(name=..., parameters=...)`): the name, when it is a plain string.
    static func schemaName(_ toks: [Token], _ open: Int, _ close: Int) -> String? {
        var name: String?
        var schema = false
        var depth = 0
        var j = open + 1
        while j + 1 < close {
            let t = toks[j]
            if t.isOp("(") || t.isOp("[") || t.isOp("{") {
                depth += 1
            } else if t.isOp(")") || t.isOp("]") || t.isOp("}") {
                depth -= 1
            } else if depth == 0, t.kind == .string || t.kind == .name,
                toks[j + 1].isOp(":") || toks[j + 1].isOp("=")
            {
                if t.text == "name", j + 2 < close, toks[j + 2].kind == .string, !toks[j + 2].formatted,
                    j + 3 == close || toks[j + 3].isOp(",")
                {
                    name = toks[j + 2].text
                }
                if schemaKeysForName.contains(t.text) { schema = true }
            }
            j += 1
        }
        guard schema, let name, !name.isEmpty, name.utf8.allSatisfy({ $0 == 0x5F || $0 == 0x2D || isWordByte($0) })
        else { return nil }
        return name
    }

    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    /// The names a JSON file's function-calling schemas give (`tools.json`, `functions.json`:
    /// `{"name": "run_query", "parameters": {...}}`), read with the JavaScript tokeniser.
    static func jsonSchemaNames(_ bytes: [UInt8]) -> Set<String> {
        // Most JSON files (package.json, settings, data) have no schema key: not tokenised.
        guard contains(bytes, "parameters\"") || contains(bytes, "chema\"") else { return [] }
        let toks = JSLexer.lex(bytes).tokens
        var out: Set<String> = []
        for i in toks.indices where toks[i].isOp("{") && i + 1 < toks.count && toks[i + 1].textIs("name") {
            if let n = schemaName(toks, i, Code.close(toks, i, toks.count)) { out.insert(n) }
        }
        return out
    }

    static func contains(_ bytes: [UInt8], _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard let first = w.first, bytes.count >= w.count else { return false }
        var i = 0
        while i + w.count <= bytes.count {
            if bytes[i] == first {
                var k = 1
                while k < w.count && bytes[i + k] == w[k] { k += 1 }
                if k == w.count { return true }
            }
            i += 1
        }
        return false
    }
}
