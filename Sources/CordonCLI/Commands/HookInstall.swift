// `cordon hook install claude|codex|gemini`: adds cordon's entry to the harness's settings file
// (merged into what is there, the old file kept as a timestamped backup, written by rename),
// or prints the entry with --print. The command is cordon's absolute path by default: a hook
// command the harness cannot find is a failing hook, and every harness lets calls through then.
import CordonAudit
import CordonBase
import CordonRun

#if canImport(Glibc)
    import Glibc
#endif

enum HookInstall {
    static let options: [OptionSpec] = [
        .flag(
            "project",
            "install: this project's settings (the default):\n.claude/settings.json, .codex/hooks.json, .gemini/settings.json"
        ),
        .flag("user", "install: the user's settings under $HOME (~/.claude, ~/.codex, ~/.gemini)"),
        .flag("print", "install: print the settings entry instead of writing it"),
        .value("command", "CMD", "install: the hook command\n(default: this cordon's absolute path + ' hook HARNESS')"),
    ]

    struct Target {
        var file: String
        var event: String
        var entry: JSONValue
    }

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(args, options: options, command: "hook")
        if parsed.flag("help") {
            ctx.output.out(HookCommand.help)
            return ExitCode.success.rawValue
        }
        guard parsed.positionals.count == 1, let dialect = HookDialect(rawValue: parsed.positionals[0]),
            dialect != .cline
        else {
            throw CLIError(
                .usage, "hook install: name one harness: claude, codex or gemini",
                hint: "Cline's hooks are files: see docs/hooks.md for .clinerules/hooks/PreToolUse")
        }
        guard !(parsed.flag("project") && parsed.flag("user")) else {
            throw .usage("hook install: give --project or --user, not both", command: "hook")
        }
        let command = parsed.value("command") ?? (selfPath() + " hook " + dialect.rawValue)
        let base: String
        if parsed.flag("user") {
            guard let home = ctx.environment["HOME"], !home.isEmpty else {
                throw CLIError(.usage, "hook install --user: HOME is not set", hint: "set HOME, or use --project")
            }
            base = home
        } else {
            base = FileIO.cwd()
        }
        let t = target(dialect, command: command, base: base)
        if parsed.flag("print") {
            ctx.output.out(
                pretty(.object([("hooks", .object([(t.event, .array([t.entry]))]))])) + "\n")
            return ExitCode.success.rawValue
        }
        return try install(t, command: command, ctx)
    }

    static func selfPath() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return "cordon" }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func target(_ d: HookDialect, command: String, base: String) -> Target {
        let hook: (Double) -> JSONValue = { timeout in
            .object([("type", "command"), ("command", .string(command)), ("timeout", .number(timeout))])
        }
        switch d {
        case .claude:
            return Target(
                file: base + "/.claude/settings.json", event: "PreToolUse",
                entry: .object([("matcher", "*"), ("hooks", .array([hook(600)]))]))
        case .codex:
            // No matcher: every tool, including apply_patch and MCP tools.
            return Target(
                file: base + "/.codex/hooks.json", event: "PreToolUse", entry: .object([("hooks", .array([hook(600)]))])
            )
        case .gemini, .cline:
            // Gemini's timeout is in milliseconds.
            return Target(
                file: base + "/.gemini/settings.json", event: "BeforeTool",
                entry: .object([("matcher", ".*"), ("hooks", .array([hook(600_000)]))]))
        }
    }

    static func install(_ t: Target, command: String, _ ctx: Context) throws(CLIError) -> Int32 {
        var existing: [UInt8]?
        do throws(SystemError) {
            existing = FileIO.exists(t.file) ? try FileIO.readFile(t.file, limit: 16 << 20) : nil
        } catch {
            throw CLIError(.runnerFailed, "hook install: \(error)")
        }
        var root: [(String, JSONValue)] = []
        if let bytes = existing, !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            let parsed: JSONValue
            do throws(JSONError) { parsed = try JSONValue.parse(bytes) } catch {
                throw CLIError(
                    .malformedInput, "hook install: \(t.file):\(error)",
                    hint: "fix the file, or use --print and add the entry by hand (nothing was written)")
            }
            guard case .object(let pairs) = parsed else {
                throw CLIError(
                    .malformedInput, "hook install: \(t.file): expected a JSON object",
                    hint: "fix or move the file, then run this again (nothing was written)")
            }
            root = pairs
        }
        var hooks: [(String, JSONValue)] = []
        if let i = root.firstIndex(where: { $0.0 == "hooks" }) {
            guard case .object(let h) = root[i].1 else {
                throw CLIError(
                    .malformedInput, "hook install: \(t.file): \"hooks\" is not an object (nothing was written)")
            }
            hooks = h
        }
        var entries: [JSONValue] = []
        if let i = hooks.firstIndex(where: { $0.0 == t.event }) {
            guard case .array(let e) = hooks[i].1 else {
                throw CLIError(
                    .malformedInput,
                    "hook install: \(t.file): \"hooks.\(t.event)\" is not an array (nothing was written)")
            }
            entries = e
        }
        let present = entries.contains { entry in
            entry["hooks"]?.arrayValue?.contains { $0["command"]?.stringValue == command } ?? false
        }
        if present {
            ctx.output.out("cordon: \(t.file) already runs '\(command)' on \(t.event); nothing changed\n")
            return ExitCode.success.rawValue
        }
        entries.append(t.entry)
        set(&hooks, t.event, .array(entries))
        set(&root, "hooks", .object(hooks))
        let text = pretty(.object(root)) + "\n"
        let dir = String(t.file[..<(t.file.lastIndex(of: "/") ?? t.file.endIndex)])
        if !FileIO.isDirectory(dir) && mkdir(dir, 0o755) != 0 {
            throw CLIError(.runnerFailed, "hook install: mkdir \(dir): \(Errno.current)")
        }
        var backup: String?
        if let bytes = existing {
            let stamp = String(Timestamp.now().description.filter { $0 != ":" })
            backup = t.file + ".bak-" + stamp
            try write(bytes, to: backup ?? "", mode: 0o600)
        }
        try write(Array(text.utf8), to: t.file + ".cordon-tmp", mode: 0o644)
        if rename(t.file + ".cordon-tmp", t.file) != 0 {
            throw CLIError(.runnerFailed, "hook install: rename to \(t.file): \(Errno.current)")
        }
        ctx.output.out(
            "cordon: \(t.file): runs '\(command)' before every tool call (\(t.event))"
                + (backup.map { "; the previous file is \($0)" } ?? "") + "\n")
        return ExitCode.success.rawValue
    }

    static func set(_ pairs: inout [(String, JSONValue)], _ key: String, _ v: JSONValue) {
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = v } else { pairs.append((key, v)) }
    }

    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(CLIError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw CLIError(.runnerFailed, "hook install: open \(path): \(Errno.current)") }
        defer { close(fd) }
        let r = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        guard r.errno == 0, r.written == bytes.count, fsync(fd) == 0 else {
            throw CLIError(.runnerFailed, "hook install: write \(path): \(Errno.current)")
        }
    }

    /// Two-space indented JSON, keys in their order: settings files are read and edited by people.
    static func pretty(_ v: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch v {
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent
                + "]"
        case .object(let pairs) where !pairs.isEmpty:
            return "{\n"
                + pairs.map { inner + JSONValue.string($0.0).serialized() + ": " + pretty($0.1, indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return v.serialized()
        }
    }
}
