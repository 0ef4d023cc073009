// A tool that hands the model's arguments to a function of another module of the project
// (`from .shell_utils import run_command` ... `return run_command(cmd)`, or
// `git_ops.commit(message)`): the caller makes those parameters of that function the model's.
// `arg:NAME:POSITION` or `arg:NAME:KEYWORD` goes to the project pass (ToolRegistrations); the
// file that defines NAME is analysed again with it.

// Since session 13 the same goes for the file's own functions and methods (`add_job(schedule,
// command)` called by the `cron` tool, `handler.run_tool(arguments)` from an MCP `call_tool`,
// `self._read_file(path)`), and for methods of objects the tool holds when the method's name
// is the project's own (`self.editor.read_multiple_ranges(...)`: a name of several words, not
// a builtin's `append` or `write`): the project pass analyses the defining file again with
// those parameters the model's, and repeats while that finds more.

extension CodeRules {
    mutating func noteImportedCall(_ c: Call, _ scope: Scope, _ code: Code) {
        guard scope.inTool, !c.onExpression, !c.known, !c.args.isEmpty || !c.keywords.isEmpty else { return }
        let name: String
        if c.segments.count == 1, let path = code.aliases[c.last], path.contains(".") {
            // `from pkg.mod import f as g`: the function is `f` of `pkg.mod`.
            name = path.split(separator: ".").last.map(String.init) ?? c.last
        } else if c.segments.count == 2, code.modules.contains(c.segments[0]) || code.aliases[c.segments[0]] != nil {
            name = c.last
        } else if localFunctions.contains(c.last), c.segments.count == 1 || !code.modules.contains(c.segments[0]) {
            // A function or method of this file: `add_job(...)`, `self._read_file(...)`,
            // `handler.run_tool(...)` on an instance of a class defined here. `@` stands for
            // this file's module (FileScanner fills it in): only this file's definition.
            guard !ProjectTools.tooGeneric.contains(c.last) else { return }
            name = "@." + c.last
        } else if c.segments.count == 2 || (c.segments.count == 3 && c.segments[0] == "self"),
            !code.modules.contains(c.segments[0]), code.aliases[c.segments[0]] == nil, Self.projectMethod(c.last),
            let module = constructedModule(c.segments[c.segments.count - 2], code)
        {
            // `self.editor.read_multiple_ranges(files)` where `self.editor = TextEditor()` and
            // `TextEditor` comes from `.text_editor`: that module's method.
            name = module + "." + c.last
        } else {
            return
        }
        guard !ProjectTools.tooGeneric.contains(name) else { return }
        // Only the arguments the model chose: `download(url, "/tmp/out")` makes `url` the
        // model's, not the destination.
        for (i, r) in c.args.enumerated() where code.origin(r, scope) == .untrusted {
            passesToImported.insert("arg:\(name):\(i)")
        }
        for (k, r) in c.keywords where code.origin(r, scope) == .untrusted {
            passesToImported.insert("arg:\(name):\(k)")
        }
    }

    /// The module of the imported class whose instance the file assigns to `holder`
    /// (`self.editor = TextEditor()`, `editor = TextEditor(root)`, with `from .text_editor
    /// import TextEditor`): `text_editor`.
    func constructedModule(_ holder: String, _ code: Code) -> String? {
        let toks = code.tokens
        var i = 0
        while i + 3 < toks.count {
            if toks[i].kind == .name, toks[i].text == holder, toks[i + 1].isOp("="), toks[i + 2].kind == .name,
                toks[i + 3].isOp("("), let path = code.aliases[toks[i + 2].text]
            {
                let parts = path.split(separator: ".")
                if parts.count >= 2 { return String(parts[parts.count - 2]) }
            }
            i += 1
        }
        return nil
    }

    /// A method name that is a project's own: several words (`read_multiple_ranges`,
    /// `edit_file_contents`), not one of the standard library's or a framework's common
    /// verbs (`append`, `write`, `get`, `model_validate`, `to_dict`).
    static func projectMethod(_ name: String) -> Bool {
        let w = TaintWords.split(name)
        guard w.count >= 2, !name.hasPrefix("__") else { return false }
        return !commonMethods.contains(name)
    }

    static let commonMethods: Set<String> = [
        "model_validate", "model_dump", "model_validate_json", "parse_obj", "parse_raw", "to_dict", "from_dict",
        "to_json", "from_json", "set_defaults", "add_argument", "add_row", "add_column", "get_text", "send_message",
        "add_message", "add_messages", "print_exception", "format_exc", "run_until_complete", "create_task",
        "run_in_executor", "start_soon", "set_result", "set_exception", "add_done_callback", "call_soon",
        "read_text", "write_text", "read_bytes", "write_bytes", "is_file", "is_dir", "get_event_loop",
        "setdefault", "items", "keys", "values", "startswith", "endswith", "splitlines", "rstrip", "lstrip",
    ]
}
