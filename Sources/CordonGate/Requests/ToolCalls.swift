// Tool calls judged like shell (issue 12.7): the names harnesses give the same tool are one
// name to the policy, and the paths, URLs, SQL and commands inside a tool's arguments go
// through the same detectors as a command line would, whatever the argument is called.
import CordonBase

enum ToolNames {
    /// Harness spellings of a generic shell tool (Claude Code's `Bash`, Gemini CLI's
    /// `run_shell_command`, Cursor's `run_terminal_cmd`...) -> the name policies use, `bash`.
    /// `shell` is not here: it is the name of every command `cordon run` judges by content.
    static let aliases: [String: String] = [
        "run_shell_command": "bash", "shell_command": "bash", "terminal": "bash", "run_terminal_cmd": "bash",
        "run_in_terminal": "bash", "exec_command": "bash", "execute_bash": "bash", "bash_tool": "bash",
        "run_bash": "bash", "local_shell": "bash", "container_exec": "bash", "execute_command": "run_command",
        "run_cmd": "run_command", "exec": "run_command", "shell_exec": "execute_shell",
        "execute_shell_command": "execute_shell",
        "delete": "delete_file", "remove_file": "delete_file", "rm_file": "delete_file", "kill": "kill_process",
    ]

    /// Lower case, `-`, spaces and dots as `_`, camelCase split (`RunCommand` -> `run_command`),
    /// then the alias table.
    static func canonical(_ name: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 4)
        var prevLower = false
        for c in name.utf8 {
            if c >= 0x41 && c <= 0x5A {
                if prevLower { out.append(UInt8(ascii: "_")) }
                out.append(c + 32)
                prevLower = false
            } else if c == UInt8(ascii: "-") || c == UInt8(ascii: " ") || c == UInt8(ascii: ".") {
                out.append(UInt8(ascii: "_"))
                prevLower = false
            } else {
                out.append(c)
                prevLower = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            }
        }
        let s = String(decoding: out, as: UTF8.self)
        return aliases[s] ?? s
    }
}

enum ToolArguments {
    static let pathKeys: Set<String> = [
        "path", "file_path", "filepath", "filename", "file", "file_name", "target", "target_file", "destination",
        "dest", "destination_path", "source", "src", "source_path", "dir", "directory", "dirname", "folder",
        "notebook_path", "abs_path", "absolute_path", "relative_path", "output", "output_path", "input_path",
        "old_path", "new_path", "to", "from",
    ]
    static let urlKeys: Set<String> = [
        "url", "uri", "endpoint", "href", "link", "address", "webhook", "host", "hostname",
    ]
    static let sqlKeys: Set<String> = ["query", "sql", "statement", "sql_query"]

    enum Kind { case read, write, delete, send }

    /// What a tool does with the paths and URLs it is given, from its name's words.
    static func kind(of tool: String) -> Kind {
        let words = Set(ToolNames.canonical(tool).split(separator: "_").map(String.init))
        if !words.isDisjoint(with: [
            "delete", "remove", "rm", "unlink", "rmdir", "drop", "destroy", "purge", "erase", "trash",
        ]) {
            return .delete
        }
        if !words.isDisjoint(with: [
            "send", "post", "email", "mail", "message", "notify", "publish", "upload", "submit", "webhook", "put",
            "push",
        ]) {
            return .send
        }
        if !words.isDisjoint(with: [
            "write", "edit", "create", "save", "append", "update", "replace", "patch", "insert", "move", "rename",
            "copy", "mkdir", "touch", "str", "multiedit", "notebookedit", "apply", "set",
        ]) {
            return .write
        }
        return .read
    }

    /// A shell script standing for what the arguments ask (`cat 'PATH'`, `tee 'PATH'`,
    /// `rm 'PATH'`, `curl 'URL'`), one line per argument found, or nil when there is none.
    static func script(tool: String, args: JSONValue) -> String? {
        guard case .object(let pairs) = args else { return nil }
        let kind = kind(of: tool)
        var lines: [String] = []
        func visit(_ key: String, _ value: JSONValue, depth: Int) {
            if depth > 3 { return }
            switch value {
            case .string(let s):
                let k = ToolNames.canonical(key)
                if pathKeys.contains(k)
                    || (s.hasPrefix("/") || s.hasPrefix("~/")) && !s.contains(" ") && !urlKeys.contains(k)
                {
                    switch kind {
                    case .delete: lines.append("rm -- " + quote(s))
                    case .write: lines.append("echo | tee -- " + quote(s))
                    case .read, .send: lines.append("cat -- " + quote(s))
                    }
                } else if urlKeys.contains(k) || s.hasPrefix("http://") || s.hasPrefix("https://") {
                    let url = s.contains("://") ? s : "https://" + s
                    lines.append(
                        kind == .send ? "curl -X POST --data-binary @- " + quote(url) : "curl -s " + quote(url))
                } else if sqlKeys.contains(k) {
                    let sql = s.asciiLowercased
                    if Infrastructure.isDestructiveSQL(sql) {
                        lines.append("psql -c " + quote(s))
                    } else if ["insert ", "update ", "delete ", "alter ", "create ", "grant ", "revoke ", "drop "]
                        .contains(where: { sql.has($0) })
                    {
                        lines.append("psql -c " + quote(s))
                    }
                }
            case .array(let items):
                for i in items.prefix(32) { visit(key, i, depth: depth + 1) }
            case .object(let inner):
                for (k, v) in inner.prefix(32) { visit(k, v, depth: depth + 1) }
            default:
                break
            }
        }
        for (k, v) in pairs.prefix(64) where Subject.commandKeys.contains(k) == false { visit(k, v, depth: 0) }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// One word, quoted for the shell where it needs it (the Normaliser's `quoteJoin`).
    static func quote(_ s: String) -> String { quoteJoin([s]) }
}
