// What a walker reports to the rules as it reads a file in order.

protocol CodeVisitor {
    /// A call, with the scope as it is at that point (assignments above it applied).
    mutating func call(_ c: Call, _ scope: Scope, _ code: Code)
    /// One statement's tokens (a Python logical line; a JavaScript statement or declaration).
    mutating func statement(_ r: Range<Int>, _ scope: Scope, _ code: Code)
    /// A function's body has ended (`scope.bodyStart..<scope.bodyEnd`).
    mutating func functionEnd(_ scope: Scope, _ code: Code)
    /// A loop with no condition of its own (`while True:`, `while (true)`, `for (;;)`) ended.
    mutating func unboundedLoop(_ at: Token, body: Range<Int>, _ scope: Scope, _ code: Code)
}

enum ToolNames {
    /// Callees that register a function as a tool, whatever framework: LangChain `Tool(...)`,
    /// `StructuredTool.from_function(...)`, LlamaIndex `FunctionTool.from_defaults(...)`,
    /// AutoGen `register_function(...)`, `agent.add_tool(...)`, `tools=[...]`.
    static let registrars = WordSet([
        "Tool", "StructuredTool", "from_function", "from_defaults", "FunctionTool", "register_function", "add_tool",
        "register_for_llm", "register_for_execution", "DynamicTool", "DynamicStructuredTool",
    ])

    /// Names of functions handed to a tool registrar or listed in `tools=[...]`, anywhere in
    /// the file: their parameters are chosen by the model.
    static func collect(_ toks: [Token]) -> Set<String> {
        var schemas: Set<String> = []
        return collect(toks, schemas: &schemas)
    }

    /// Also collects tool-call schema classes: classes derived from a tool-message base
    /// (`class RunQueryTool(ToolMessage)`, or from such a class of this file) and models handed
    /// to a framework as a tool's argument schema (`args_schema = ReadFileInput`).
    static func collect(_ toks: [Token], schemas: inout Set<String>) -> Set<String> {
        var exports: Set<String> = []
        return collect(toks, schemas: &schemas, exports: &exports)
    }

    /// Also collects `exports`: what the file registers as precise references (ToolRegistrations),
    /// for the files that define them.
    static func collect(_ toks: [Token], schemas: inout Set<String>, exports: inout Set<String>) -> Set<String> {
        var out: Set<String> = []
        let classKey = Token.pack("class")
        var i = 1
        let registrars = Self.registrars
        while i < toks.count {
            // Only `(`, `[` and `=` start what is collected: other tokens are not copied.
            let key = toks[i].key
            guard toks[i].kind == .op, key == Op.lparen || key == Op.lbracket || key == Op.assign || key == Op.lbrace
            else {
                i += 1
                continue
            }
            let t = toks[i]
            if key == Op.lparen, i >= 2, toks[i - 2].key == classKey, toks[i - 2].isName("class"),
                toks[i - 1].kind == .name
            {
                let c = Code.close(toks, i, toks.count)
                for k in (i + 1)..<c
                where toks[k].kind == .name && (isToolSchemaBase(toks[k].text) || schemas.contains(toks[k].text)) {
                    schemas.insert(toks[i - 1].text)
                    break
                }
            }
            if key == Op.assign, i + 1 < toks.count, toks[i + 1].kind == .name {
                var j = i - 1
                while j >= 0 && j >= i - 8 && toks[j].kind != .newline {
                    if toks[j].kind == .name, ["args_schema", "input_schema", "args_model"].contains(toks[j].text),
                        toks[j + 1].isOp(":") || toks[j + 1].isOp("=")
                    {
                        schemas.insert(toks[i + 1].text)
                        break
                    }
                    j -= 1
                }
            }
            // `self.register(self.run_shell_command)`: a toolkit registering its own methods
            // (phidata/agno `Toolkit`). Only `self.` methods, so `atexit.register(f)` is not one.
            if key == Op.lparen, i >= 3, toks[i - 1].isName("register"), toks[i - 2].isOp("."),
                toks[i - 3].isName("self")
            {
                let c = Code.close(toks, i, toks.count)
                var k = i + 1
                while k + 2 < c {
                    if toks[k].isName("self") && toks[k + 1].isOp(".") && toks[k + 2].kind == .name {
                        out.insert(toks[k + 2].text)
                    }
                    k += 1
                }
            }
            if key == Op.lparen && toks[i - 1].kind == .name
                && registrars.contains(key: toks[i - 1].key, { toks[i - 1].text })
            {
                let c = Code.close(toks, i, toks.count)
                for k in (i + 1)..<c where toks[k].kind == .name { out.insert(toks[k].text) }
                references(toks, i, c, into: &exports)
            }
            // `mcp.tool()(mysql_tools.execute_query)`, `self.mcp.tool()(self.get_file)`: a tool
            // decorator applied by hand (issue 16, session 15). FastMCP's `tool()` returns the
            // decorator, so calling its result on a function registers that function exactly
            // as `@mcp.tool()` above its `def` would.
            if key == Op.lparen, toks[i - 1].isOp(")"), let segs = decoratorCallee(toks, closing: i - 1),
                isToolDecorator(segs)
            {
                let c = Code.close(toks, i, toks.count)
                var refs: Set<String> = []
                references(toks, i, c, into: &refs)
                out.formUnion(refs)
                exports.formUnion(refs)
            }
            // `toolkit.add(execute_shell_command)`: a toolkit or registry taking a function;
            // the AI SDK's `tool({..., execute: readFile})`.
            if key == Op.lparen
                && (isToolkitCall(toks, i) || toks[i - 1].kind == .name && toolFactories.contains(toks[i - 1]))
            {
                let c = Code.close(toks, i, toks.count)
                var refs: Set<String> = []
                references(toks, i, c, into: &refs)
                out.formUnion(refs)
                exports.formUnion(refs)
            }
            // A schema naming the tool the model calls: `{"name": "get_weather", "parameters":
            // ...}`, `Tool(name="run_sql", inputSchema=...)`.
            if key == Op.lbrace && i + 1 < toks.count && toks[i + 1].kind == .string && toks[i + 1].textIs("name")
                || key == Op.lparen && toks[i - 1].kind == .name && schemaCalls.contains(toks[i - 1])
            {
                if let name = schemaName(toks, i, Code.close(toks, i, toks.count)) {
                    out.insert(name)
                    exports.insert(name)
                }
            }
            if t.isOp("[") && i >= 2 && toks[i - 1].isOp("=") || t.isOp("[") && i >= 2 && toks[i - 1].isOp(":") {
                let key = toks[i - 2].text
                // `tools=[...]`, `"functions": [...]`, `TOOLS = [...]`, `agent_tools = [...]`.
                if toks[i - 2].kind == .name || toks[i - 2].kind == .string,
                    key == "tools" || key == "functions"
                        || (key.utf8.count > 5 && key.lowercased().hasSuffix("tools")
                            && TaintWords.split(key).contains("tools"))
                {
                    let c = Code.close(toks, i, toks.count)
                    for k in (i + 1)..<c where toks[k].kind == .name { out.insert(toks[k].text) }
                    references(toks, i, c, into: &exports)
                }
            }
            // `func=f` (LangChain `Tool`), `fn=f` (Gradio `Interface`, `ChatInterface`: the user's input).
            if t.isOp("=") && (toks[i - 1].isName("func") || toks[i - 1].isName("fn")) && i + 1 < toks.count
                && toks[i + 1].kind == .name
            {
                out.insert(toks[i + 1].text)
                var j = i + 1
                while j + 2 < toks.count, toks[j + 1].isOp("."), toks[j + 2].kind == .name { j += 2 }
                if j + 1 < toks.count, toks[j + 1].isOp(",") || toks[j + 1].isOp(")") || toks[j + 1].kind == .newline {
                    exports.insert(toks[j].text)
                }
            }
            // `available_functions = {"run_sql": run_sql, ...}`: the dispatch table of OpenAI
            // function calling, whose values the model's tool calls invoke.
            if t.isOp("="), i + 1 < toks.count, toks[i + 1].isOp("{"), toks[i - 1].kind == .name,
                TaintWords.split(toks[i - 1].text).contains(where: {
                    ["function", "functions", "tool", "tools"].contains($0)
                })
            {
                let c = Code.close(toks, i + 1, toks.count)
                var k = i + 2
                while k + 1 < c {
                    if toks[k].isOp(":"), toks[k + 1].kind == .name,
                        k + 2 >= c || toks[k + 2].isOp(",") || toks[k + 2].isOp("}")
                    {
                        out.insert(toks[k + 1].text)
                        exports.insert(toks[k + 1].text)
                    }
                    k += 1
                }
            }
            i += 1
        }
        return out
    }

    /// The dotted callee of the call whose `)` is at `closing` (`["self", "mcp", "tool"]` for
    /// `self.mcp.tool(name="x")`), when that call's callee is a plain dotted name.
    static func decoratorCallee(_ toks: [Token], closing: Int) -> [String]? {
        var depth = 0
        var j = closing
        // A decorator's arguments are short: a bracket opened further back is not looked for.
        let limit = max(0, closing - 400)
        while j >= limit {
            if toks[j].kind == .op {
                switch toks[j].key {
                case Op.rparen, Op.rbracket, Op.rbrace: depth += 1
                case Op.lparen, Op.lbracket, Op.lbrace: depth -= 1
                default: break
                }
            }
            if depth == 0 { break }
            j -= 1
        }
        guard j >= limit, j >= 1, toks[j].isOp("("), toks[j - 1].kind == .name else { return nil }
        var segs = [toks[j - 1].text]
        var k = j - 1
        while k >= 2, toks[k - 1].isOp("."), toks[k - 2].kind == .name {
            segs.insert(toks[k - 2].text, at: 0)
            k -= 2
        }
        return segs
    }

    /// A base class whose instances are a model's tool call (langroid `ToolMessage`,
    /// `XMLToolMessage`, `ToolCall`, `FunctionCall`): their fields are the model's arguments.
    static func isToolSchemaBase(_ name: String) -> Bool {
        // By substring: `XMLToolMessage` splits into "xmltool" and "message".
        name.hasIgnoringCase("toolmessage") || name.hasIgnoringCase("toolcall") || name.hasIgnoringCase("functioncall")
    }

    /// A parameter type that is a tool call's arguments (`msg: RunQueryTool`,
    /// `call: PandasEvalTool`, `m: ToolMessage`), not a framework's tool object (`BaseTool`,
    /// `StructuredTool`, `FunctionTool`).
    static func isToolCallType(_ name: String) -> Bool {
        guard name.hasIgnoringCase("tool") || name.hasIgnoringCase("call") || name.hasIgnoringCase("action") else {
            return false
        }
        let w = TaintWords.split(name)
        guard w.count >= 2 else { return false }
        for i in w.indices.dropLast() {
            let pair = w[i] + " " + w[i + 1]
            if [
                "tool message", "tool call", "function call", "tool input", "tool args", "tool arguments",
                "action input",
            ]
            .contains(pair) {
                return true
            }
        }
        let frameworks = [
            "base", "structured", "function", "dynamic", "mcp", "langchain", "crew", "core", "async", "sync", "remote",
            "local", "builtin", "native", "composio", "python", "shell", "code",
        ]
        return w.last == "tool" && !frameworks.contains(w[0])
    }

    /// A web framework's route decorator (`@app.post("/run")`, `@router.get(...)`,
    /// `@bp.route(...)`, `@app.websocket(...)`): the function's parameters are request input.
    static func isRouteDecorator(_ segs: [String]) -> Bool {
        guard segs.count >= 2, let last = segs.last else { return false }
        // Chat front ends hand the user's message the same way (`@cl.on_message`).
        return ["get", "post", "put", "patch", "delete", "route", "websocket", "api_route", "on_message"].contains(last)
    }

    /// A decorator that makes a function a tool: `@tool`, `@tool("name")`, `@function_tool`,
    /// `@mcp.tool()`, `@server.tool`, `@kernel_function`, `@agent.tool_plain`.
    static func isToolDecorator(_ segs: [String]) -> Bool {
        guard let last = segs.last?.lowercased() else { return false }
        // `@registry.register`, `@toolkit.add`: a registry named for tools taking the function.
        if segs.count >= 2, toolkitVerbs.contains(last),
            TaintWords.split(segs[segs.count - 2]).contains(where: toolkitWords.contains)
        {
            return true
        }
        return last == "tool" || last == "register_for_llm" || last == "register_for_execution"
            || last.hasSuffix("_tool") || last.hasPrefix("tool_") || last == "function_tool"
            || last == "kernel_function" || last == "ai_callable" || last == "ai_function" || last == "register_tool"
            || last == "llm_tool" || last == "tool_plain"
    }
}
