// `cordon mcp-proxy`: an MCP server behind the gate (CordonServe's MCPProxy does the work).
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonServe

#if canImport(Glibc)
    import Glibc
#endif

enum MCPProxyCommand: Subcommand {
    static let name = "mcp-proxy"
    static let summary = "put an MCP stdio server behind the gate (tools/list filtered, tools/call judged)"
    static let helpText = HelpText(
        usage: ["cordon mcp-proxy [--policy FILE] [--name SERVER] [--sandbox] [options] -- SERVER_CMD [ARG...]"],
        about: """
            Configure your MCP client (Claude Desktop, Cursor, ...) to start cordon instead of the
            server: command "cordon", args ["mcp-proxy", "--", "SERVER_CMD", ...]. JSON-RPC lines
            pass through unchanged, except:
              tools/list  tools the policy blocks by name are left out of the answer
              tools/call  judged as the tool mcp__SERVER__TOOL with its arguments (paths, URLs,
                          SQL; a command-like argument as shell): allow is sent on; block is
                          answered {"result":{"isError":true,"content":[{"type":"text",
                          "text":"cordon: blocked ..."}]}} and never reaches the server;
                          requires_approval waits in the approval queue ('cordon approvals
                          approve ID', or the page of 'cordon serve') for --wait seconds
            Every decision is a gate.log line (source=mcp, one session per proxy). If the server
            exits, each call it had not answered gets a JSON-RPC error at once, and the proxy exits
            with the server's status. --sandbox runs the server itself under 'cordon run' (its
            network and files per the policy).
            Exit status: 0 the client closed stdin, the server's own status if it ended first,
            64 usage, 78 invalid policy, 127 server not found.
            """,
        sections: [
            (
                "options",
                [
                    .value("policy", "FILE", "policy file (default: the embedded default policy)"),
                    .value("name", "SERVER", "the SERVER of mcp__SERVER__TOOL (default: from the command)"),
                    .value("log-dir", "DIR", "gate.log and state.db (default ./.cordon or $CORDON_HOME)"),
                    .value("agent", "ID", "agent id recorded (default: the client's name from initialize)"),
                    .value("env", "NAME", "environment (e.g. production)"),
                    .value(
                        "wait", "SECONDS",
                        "how long a call needing approval waits (default 300; 0: refuse at once, queued)"),
                    .flag("sandbox", "run the server under 'cordon run' with the same policy"),
                    RequestInput.sandboxedOption,
                ]
            )
        ])

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(args, options: helpText.options, command: name)
        var command = parsed.positionals + parsed.rest
        guard !command.isEmpty else {
            throw .usage("mcp-proxy: name the server command after --", command: name)
        }
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        var wait = 300.0
        if let v = parsed.value("wait") {
            guard let w = Double(v), w >= 0, w.isFinite else {
                throw .usage("--wait \(v): expected a number of seconds", command: name)
            }
            wait = w
        }
        let cwd = FileIO.cwd()
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: cwd)
        let server = parsed.value("name") ?? serverName(command)
        let display = command[0]
        if parsed.flag("sandbox") {
            var run = [selfPath(), "run"]
            if let p = parsed.value("policy") { run += ["--policy", p] }
            if let d = parsed.value("log-dir") { run += ["--log-dir", d] }
            if let a = parsed.value("agent") { run += ["--agent", a] }
            command = run + ["--"] + command
        }
        let settings = MCPGateSettings(
            policy: policy, server: server, directory: dir, agent: parsed.value("agent"),
            environment: parsed.value("env"),
            sandbox: parsed.flag("sandboxed")
                ? SandboxFacts(policy: policy, workspace: cwd, home: ctx.environment["HOME"]) : nil,
            approvalWait: wait, project: RunStart.defaultProject(cwd: cwd))
        signal(SIGPIPE, SIG_IGN)
        do throws(RequestFailure) {
            return try MCPProxy(settings: settings, argv: command, display: display).run()
        } catch {
            throw CLIError(error)
        }
    }

    /// `mcp-server-git` -> `git`, `python3 -m mcp_server_fetch` -> `fetch`, `./fs.py` -> `fs`:
    /// the program (or the module an interpreter runs), without a path, an extension or an
    /// mcp-server prefix, in the characters tool names use.
    static func serverName(_ command: [String]) -> String {
        var word = command[0]
        let interpreters = ["python", "python3", "node", "uv", "uvx", "npx", "deno", "bun", "ruby", "env"]
        if interpreters.contains(String(word.split(separator: "/").last ?? "")) {
            var i = 1
            while i < command.count {
                let a = command[i]
                if a == "-m" || a == "run", i + 1 < command.count {
                    word = command[i + 1]
                    break
                }
                if !a.hasPrefix("-") {
                    word = a
                    break
                }
                i += 1
            }
        }
        var name = String(word.split(separator: "/").last ?? Substring(word))
        if let dot = name.firstIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        for prefix in ["mcp-server-", "mcp_server_", "server-", "mcp-"] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return cleaned.isEmpty ? "server" : cleaned
    }

    /// This binary, for `cordon run` under --sandbox.
    static func selfPath() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "cordon"
    }
}
