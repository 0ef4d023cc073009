// Tools that nothing in their own file registers (issue 16, session 11). Agent frameworks
// collect plain functions from a tools module and hand them to the model elsewhere
// (controlflow's and marvin's `tools/filesystem.py`, agentscope's `service/file/common.py`
// listed in a `ServiceToolkit` by the caller), or recognise a tool by the result type it
// returns to the model (`ServiceResponse`, lagent's `ActionReturn`, browser-use's
// `ActionResult`). The file alone cannot show the registration, so these conventions stand in
// for it: the parameters of such a function are the model's arguments.

enum ToolConventions {
    /// Folders whose modules are, by the frameworks' convention, the tools an agent is given.
    static let toolFolders: Set<String> = [
        "tools", "tool", "toolkits", "toolkit", "actions", "action", "services", "service", "skills",
        "function_sets",
    ]

    /// A file under a tools folder (`src/controlflow/tools/filesystem.py`,
    /// `agentscope/service/file/common.py`), not a test of one.
    static func isToolModule(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard let file = parts.last, !file.hasPrefix("test_"), !file.hasSuffix("_test.py"),
            !file.contains(".test."), !file.contains(".spec.")
        else { return false }
        var tool = false
        for dir in parts.dropLast() {
            let d = dir.lowercased()
            if d == "tests" || d == "test" || d == "examples" { return false }
            if toolFolders.contains(d) { tool = true }
        }
        return tool
    }

    /// JavaScript/TypeScript: the functions a tools module exports with a JSDoc comment
    /// right above and at least one parameter (`/** ... */ export async function
    /// readFileFromUrl(url: string)`, DesktopCommanderMCP's `src/tools/filesystem.ts`, whose
    /// handlers in another folder pass them the model's arguments; issue 16, session 16). As
    /// for Python's documented functions: a tools folder's documented public API is what the
    /// server hands the model, and its parameters are the model's.
    static func exportedDocumented(_ lexed: Lexed) -> Set<String> {
        var docEnds: Set<Int> = []
        for c in lexed.comments where c.text.hasPrefix("*") {
            var line = c.line
            for b in c.text.utf8 where b == 0x0A { line += 1 }
            docEnds.insert(line)
        }
        guard !docEnds.isEmpty else { return [] }
        let toks = lexed.tokens
        let n = toks.count
        var out: Set<String> = []
        for i in toks.indices where toks[i].isName("export") && docEnds.contains(toks[i].line - 1) {
            var k = i + 1
            if k < n, toks[k].isName("async") { k += 1 }
            guard k + 3 < n, toks[k].isName("function"), toks[k + 1].kind == .name, toks[k + 2].isOp("("),
                !toks[k + 3].isOp(")")
            else { continue }
            out.insert(toks[k + 1].text)
        }
        return out
    }

    /// A return type made for the model to read: what a tool hands back (`ServiceResponse`,
    /// `ActionReturn`, `ToolResult`, `ToolOutput`, `FunctionResult`, `CallToolResult`).
    static func isToolResultType(_ name: String) -> Bool {
        let w = TaintWords.split(name)
        guard w.count >= 2, let last = w.last, ["response", "result", "return", "output"].contains(last) else {
            return false
        }
        return w.dropLast().contains { ["tool", "service", "action", "function"].contains($0) }
    }

    /// The names in a `def`'s return annotation (`-> ServiceResponse:`), from the token after
    /// the closing parenthesis `close` to the colon before `end`.
    static func returnTypes(_ toks: [Token], _ close: Int, _ end: Int) -> [String] {
        guard close + 1 < end, toks[close + 1].isOp("->") else { return [] }
        var out: [String] = []
        var j = close + 2
        while j < end && !toks[j].isOp(":") {
            if toks[j].kind == .name || toks[j].kind == .string { out.append(toks[j].text) }
            j += 1
        }
        return out
    }

    /// The logical line after the `def` line (which ends at `end`) is a string alone: the
    /// function has a docstring, from which the frameworks build the tool's description.
    static func hasDocstring(_ toks: [Token], after end: Int) -> Bool {
        var j = end + 1
        guard j < toks.count, toks[j].kind == .string else { return false }
        while j < toks.count && toks[j].kind == .string { j += 1 }
        return j >= toks.count || toks[j].kind == .newline
    }

    /// A tools module that exports its instance's methods as module functions
    /// (`_file_tools = FileTools()` then `read_file = _file_tools.read_file`, praisonai's
    /// tools): the names the agent imports are those methods, so the methods are the tools.
    /// Module-level `public = _instance.method` lines only.
    static func exportedMethods(_ toks: [Token]) -> Set<String> {
        var out: Set<String> = []
        var i = 0
        while i + 5 < toks.count {
            if i == 0 || toks[i - 1].kind == .newline, toks[i].column == 1, toks[i].kind == .name,
                !toks[i].text.hasPrefix("_"), toks[i + 1].isOp("="), toks[i + 2].kind == .name, toks[i + 3].isOp("."),
                toks[i + 4].kind == .name, toks[i + 5].kind == .newline
            {
                out.insert(toks[i + 4].text)
                i += 6
                continue
            }
            i += 1
        }
        return out
    }
}
