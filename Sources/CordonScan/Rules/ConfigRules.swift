// Rules over the agent's configuration and scripts, read line by line (shell scripts,
// Dockerfiles, compose files, .env files, cordon policies) or as JSON (MCP server configs).
// Comments are stripped before matching, so a commented-out `curl | sh` is not a finding.
import CordonBase

enum ConfigRules {
    /// Findings, or a note saying why the file could not be read as its kind.
    static func scan(kind: FileKind, bytes: [UInt8]) -> (findings: [Finding], skipped: String?) {
        let lines = Lines(bytes)
        var out: [Finding] = []
        switch kind {
        case .shell, .dockerfile:
            for n in 1...max(1, lines.count) { shellLine(code(lines, n), n, &out) }
        case .env:
            for n in 1...max(1, lines.count) { tlsEnvironment(code(lines, n), n, &out) }
        case .compose:
            compose(lines, &out)
        case .cordonPolicy:
            policy(lines, &out)
        case .mcpConfig:
            return mcp(bytes)
        case .python, .javascript:
            break
        }
        return (out, nil)
    }

    /// Line `n` with its `#` comment removed (a `#` at the start of a word, outside quotes).
    static func code(_ lines: Lines, _ n: Int) -> String {
        let raw = Array(lines.raw(n))
        var quote: UInt8 = 0
        for (i, c) in raw.enumerated() {
            if quote != 0 {
                if c == quote { quote = 0 }
                continue
            }
            if c == 0x27 || c == 0x22 { quote = c }
            if c == 0x23 && (i == 0 || raw[i - 1] == 0x20 || raw[i - 1] == 0x09) {
                return String(decoding: raw[..<i], as: UTF8.self)
            }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    static func words(_ s: String) -> [Substring] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" || $0 == "(" || $0 == ")" || $0 == "`" })
    }

    static func finding(
        _ rule: String, _ line: Int, _ text: String, at needle: String, _ message: String,
        severity: Severity? = nil
    ) -> Finding {
        let col =
            text.find(needle).map {
                text.utf8.distance(
                    from: text.utf8.startIndex, to: $0.samePosition(in: text.utf8) ?? text.utf8.startIndex) + 1
            } ?? 1
        return Finding(
            rule: rule, severity: severity ?? RuleCatalog.rule(rule)?.severity ?? .medium, line: line, column: col,
            length: max(1, needle.utf8.count), message: message)
    }

    static let interpreters: Set<String> = ["sh", "bash", "zsh", "dash", "python", "python3", "node", "perl", "ruby"]

    /// One line of a shell script or Dockerfile.
    static func shellLine(_ line: String, _ n: Int, _ out: inout [Finding]) {
        let w = words(line)
        let fetches = w.contains { $0 == "curl" || $0 == "wget" || $0.hasSuffix("/curl") || $0.hasSuffix("/wget") }
        if fetches {
            // curl ... | sh, curl ... | sudo bash, bash <(curl ...), sh -c "$(curl ...)"
            let pipes = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
            let piped = pipes.contains { seg in
                let ws = words(String(seg)).filter { $0 != "sudo" && !$0.hasPrefix("-") }
                return ws.first.map { interpreters.contains(String($0.split(separator: "/").last ?? $0)) } ?? false
            }
            if piped || line.find("<(curl") != nil || line.find("<(wget") != nil || line.find("$(curl") != nil {
                out.append(
                    finding(
                        RuleID.downloadToShell, n, line,
                        at: w.first { $0 == "curl" || $0 == "wget" }.map(String.init) ?? "curl",
                        "a downloaded script runs without verification"))
            }
            if w.contains("-k") || w.contains("--insecure") || w.contains("--no-check-certificate") {
                let flag =
                    w.first { $0 == "-k" || $0 == "--insecure" || $0 == "--no-check-certificate" }.map(String.init)
                    ?? "-k"
                out.append(finding(RuleID.tlsDisabled, n, line, at: flag, "\(flag) turns off certificate checks"))
            }
        }
        if let i = w.firstIndex(of: "eval"), w[(i + 1)...].contains(where: { $0.contains("$") }) {
            out.append(
                finding(
                    RuleID.evalInjection, n, line, at: "eval", "eval runs the expansion of a variable as shell code",
                    severity: .high))
        }
        for (i, x) in w.enumerated() where interpreters.contains(String(x)) && i + 2 < w.count && w[i + 1] == "-c" {
            if w[i + 2].contains("$") && !w[i + 2].hasPrefix("'") {
                out.append(
                    finding(
                        RuleID.shellInjection, n, line, at: String(x),
                        "\(x) -c runs a command line built from a variable", severity: .high))
            }
        }
        if w.contains("--trusted-host") || (line.find("sslVerify") != nil && line.lowercased().find("false") != nil)
            || line.find("strict-ssl false") != nil
        {
            out.append(
                finding(
                    RuleID.tlsDisabled, n, line, at: w.contains("--trusted-host") ? "--trusted-host" : "ssl",
                    "certificate checks are turned off"))
        }
        tlsEnvironment(line, n, &out)
    }

    /// NODE_TLS_REJECT_UNAUTHORIZED=0 and its kin, in any `KEY=VALUE` / `KEY: VALUE` form.
    static func tlsEnvironment(_ line: String, _ n: Int, _ out: inout [Finding]) {
        for (key, off) in [
            ("NODE_TLS_REJECT_UNAUTHORIZED", "0"), ("PYTHONHTTPSVERIFY", "0"), ("GIT_SSL_NO_VERIFY", "1"),
            ("GIT_SSL_NO_VERIFY", "true"),
        ] {
            guard let at = line.find(key) else { continue }
            var rest = line[at...].dropFirst(key.count)
            rest = rest.drop { $0 == " " || $0 == "\"" || $0 == "'" }
            guard let sep = rest.first, sep == "=" || sep == ":" else { continue }
            let value = rest.dropFirst().drop { $0 == " " || $0 == "\"" || $0 == "'" }.prefix {
                $0 != "\"" && $0 != "'" && $0 != " " && $0 != ","
            }
            if value.lowercased() == off {
                out.append(
                    finding(
                        RuleID.tlsDisabled, n, line, at: key,
                        "\(key)=\(value) turns off certificate checks for every request"))
            }
        }
    }

    // MARK: compose

    static func compose(_ lines: Lines, _ out: inout [Finding]) {
        var capIndent: Int?
        for n in 1...max(1, lines.count) {
            let line = code(lines, n)
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            let indent = line.prefix { $0 == " " }.count
            if let c = capIndent, indent <= c && !trimmed.hasPrefix("-") { capIndent = nil }
            let plain = trimmed.filter { $0 != "\"" && $0 != "'" }
            func add(_ needle: String, _ message: String) {
                out.append(finding(RuleID.containerPrivileged, n, line, at: needle, message))
            }
            if plain == "privileged: true" {
                add("privileged", "privileged: true gives the container every capability and device of the host")
            }
            if plain.hasPrefix("network_mode: host") {
                add("network_mode", "network_mode: host shares the host's network stack")
            }
            if plain.hasPrefix("pid: host") { add("pid", "pid: host lets the container see and signal host processes") }
            if plain.hasPrefix("ipc: host") { add("ipc", "ipc: host shares the host's IPC namespace") }
            if line.find("/var/run/docker.sock") != nil || line.find("/run/docker.sock") != nil {
                add("docker.sock", "mounting the Docker socket gives the container root on the host")
            }
            if plain.hasPrefix("- /:/") || plain.hasPrefix("- /:") && plain.count > 4 {
                add("/:", "the host's root filesystem is mounted into the container")
            }
            if plain.find("seccomp:unconfined") != nil || plain.find("seccomp=unconfined") != nil
                || plain.find("apparmor:unconfined") != nil || plain.find("apparmor=unconfined") != nil
            {
                add("unconfined", "security_opt turns off the container's seccomp/AppArmor confinement")
            }
            if plain.hasPrefix("cap_add:") {
                capIndent = indent
                if plain.find("SYS_ADMIN") != nil || plain.find("ALL") != nil {
                    add("cap_add", "cap_add grants SYS_ADMIN/ALL")
                }
            } else if capIndent != nil, plain == "- SYS_ADMIN" || plain == "- ALL" || plain == "- CAP_SYS_ADMIN" {
                add(String(plain.dropFirst(2)), "cap_add grants \(plain.dropFirst(2))")
            }
            tlsEnvironment(line, n, &out)
        }
    }

    // MARK: cordon policies

    static let shellToolNames: Set<String> = [
        "execute_shell", "shell_execute", "run_shell", "run_command", "execute_command", "bash", "terminal",
        "python_repl", "code_interpreter", "execute_code", "exec", "*", "run_code", "shell_exec",
    ]

    static func policy(_ lines: Lines, _ out: inout [Finding]) {
        var path: [(indent: Int, key: String)] = []
        var listKey: String?
        for n in 1...max(1, lines.count) {
            let line = code(lines, n)
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            let indent = line.prefix { $0 == " " }.count
            if trimmed.hasPrefix("- ") {
                if let k = listKey { policyValue(k, String(trimmed.dropFirst(2)), line, n, &out) }
                continue
            }
            while let l = path.last, l.indent >= indent { path.removeLast() }
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = String(trimmed[..<colon]).trimmingSpaces()
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingSpaces()
            let full = (path.map(\.key) + [key]).joined(separator: ".")
            if value.isEmpty {
                path.append((indent, key))
                listKey = full
            } else {
                listKey = nil
                policyValue(full, value, line, n, &out)
            }
        }
    }

    static func policyValue(_ key: String, _ raw: String, _ line: String, _ n: Int, _ out: inout [Finding]) {
        let value = raw.filter { $0 != "\"" && $0 != "'" }
        let items =
            value.hasPrefix("[")
            ? value.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces() } : [value]
        switch key {
        case "gate.allow":
            for item in items where shellToolNames.contains(item) {
                out.append(
                    finding(
                        RuleID.policyAllowsShell, n, line, at: item,
                        "gate.allow lets the tool \(item) through without approval"))
            }
        case "gate.commands.allow":
            for item in items where item == "*" || item == "sh" || item == "bash" {
                out.append(
                    finding(RuleID.policyAllowsShell, n, line, at: item, "gate.commands.allow lets \(item) through"))
            }
        case "sandbox.mode":
            if ["none", "off", "disabled", "unsandboxed", "host"].contains(value) {
                out.append(
                    finding(
                        RuleID.policySandboxOff, n, line, at: value,
                        "sandbox.mode: \(value) runs commands without isolation"))
            }
        case "sandbox.seccomp":
            if ["none", "off", "disabled", "unconfined", "false"].contains(value) {
                out.append(
                    finding(
                        RuleID.policySandboxOff, n, line, at: value,
                        "sandbox.seccomp: \(value) removes the syscall filter"))
            }
        case "sandbox.network":
            if value == "host" {
                out.append(
                    finding(
                        RuleID.policySandboxOff, n, line, at: value,
                        "sandbox.network: host gives commands the host's network", severity: .medium))
            }
        case "sandbox.enabled", "monitor.enabled":
            if value == "false" {
                out.append(
                    finding(
                        RuleID.policySandboxOff, n, line, at: value, "\(key): false turns a layer off",
                        severity: key == "monitor.enabled" ? .medium : .high))
            }
        default: break
        }
    }

    // MARK: MCP configs

    static let shellServers = [
        "server-shell", "mcp-shell", "shell-server", "mcp-server-shell", "mcp-server-commands", "desktop-commander",
        "mcp-server-bash", "terminal-mcp", "mcp-terminal", "server-terminal", "cli-mcp-server", "shell-mcp",
    ]
    static let broadRoots: Set<String> = [
        "/", "~", "~/", "$HOME", "${HOME}", "%USERPROFILE%", "/home", "/Users", "/root", "C:\\", "C:/", "C:\\\\",
    ]

    static func mcp(_ bytes: [UInt8]) -> (findings: [Finding], skipped: String?) {
        let json: JSONValue
        do throws(JSONError) {
            json = try JSONValue.parse(JSONC.strip(bytes))
        } catch {
            return (
                [],
                "not valid JSON at \(error.line):\(error.column): \(error.message) (fix the file to have it scanned)"
            )
        }
        let servers = json["mcpServers"] ?? json["servers"] ?? json["mcp"]?["servers"]
        guard let list = servers?.objectValue else { return ([], nil) }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [Finding] = []
        for (name, server) in list {
            let command = server["command"]?.stringValue ?? ""
            let args = server["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let all = [command] + args
            let start = lineOf("\"\(name)\"", in: lines, from: 0) ?? 0
            func add(_ rule: String, _ needle: String, _ message: String) {
                let n = lineOf(needle, in: lines, from: start) ?? start
                out.append(finding(rule, n + 1, lines.indices.contains(n) ? lines[n] : "", at: needle, message))
            }
            if all.contains(where: { a in shellServers.contains { a.contains($0) } }) {
                add(
                    RuleID.mcpShellServer, all.first { a in shellServers.contains { a.contains($0) } } ?? command,
                    "MCP server \(name) runs shell commands for the model")
            } else if ["sh", "bash", "zsh", "/bin/sh", "/bin/bash"].contains(command) && args.contains("-c") {
                add(RuleID.mcpShellServer, command, "MCP server \(name) is started through a shell command line")
            }
            if all.contains(where: { $0.contains("filesystem") }) {
                for a in args where broadRoots.contains(a) || isHomeDirectory(a) {
                    add(
                        RuleID.mcpFilesystemRoot, "\"\(a)\"",
                        "MCP server \(name) can read and write everything under \(a)")
                }
            }
            if command == "docker" || command.hasSuffix("/docker") {
                for (i, a) in args.enumerated()
                where (a == "-v" || a == "--volume" || a == "--mount") && i + 1 < args.count {
                    let spec = args[i + 1]
                    if spec.hasPrefix("/:") || spec.hasPrefix("~:") || spec.hasPrefix("$HOME:")
                        || spec.contains("source=/,")
                    {
                        add(
                            RuleID.mcpFilesystemRoot, spec,
                            "MCP server \(name) mounts \(spec.split(separator: ":").first ?? "") from the host")
                    }
                    if spec.contains("docker.sock") {
                        add(
                            RuleID.containerPrivileged, spec,
                            "MCP server \(name) gets the Docker socket: root on the host")
                    }
                }
                if args.contains("--privileged") {
                    add(RuleID.containerPrivileged, "--privileged", "MCP server \(name) runs a privileged container")
                }
            }
            if let env = server["env"]?.objectValue {
                for (k, v) in env where k == "NODE_TLS_REJECT_UNAUTHORIZED" && v.stringValue == "0" {
                    add(RuleID.tlsDisabled, k, "MCP server \(name) runs with certificate checks off")
                }
            }
        }
        return (out, nil)
    }

    /// `/home/alice`, `/Users/alice`: a whole home directory.
    static func isHomeDirectory(_ a: String) -> Bool {
        let parts = a.split(separator: "/")
        return (a.hasPrefix("/home/") || a.hasPrefix("/Users/")) && parts.count == 2
    }

    static func lineOf(_ needle: String, in lines: [String], from: Int) -> Int? {
        guard from < lines.count else { return nil }
        for i in from..<lines.count where lines[i].find(needle) != nil { return i }
        return nil
    }
}

/// JSON with comments and trailing commas (VS Code's and Cursor's mcp.json), made plain JSON
/// with line numbers kept: comments become spaces.
enum JSONC {
    static func strip(_ b: [UInt8]) -> [UInt8] {
        var out = b
        var i = 0
        var inString = false
        while i < out.count {
            let c = out[i]
            if inString {
                if c == 0x5C {
                    i += 2
                    continue
                }
                if c == 0x22 { inString = false }
                i += 1
                continue
            }
            if c == 0x22 { inString = true }
            if c == 0x2F && i + 1 < out.count && out[i + 1] == 0x2F {
                while i < out.count && out[i] != 0x0A {
                    out[i] = 0x20
                    i += 1
                }
                continue
            }
            if c == 0x2F && i + 1 < out.count && out[i + 1] == 0x2A {
                while i < out.count && !(out[i] == 0x2A && i + 1 < out.count && out[i + 1] == 0x2F) {
                    if out[i] != 0x0A { out[i] = 0x20 }
                    i += 1
                }
                if i + 1 < out.count {
                    out[i] = 0x20
                    out[i + 1] = 0x20
                }
                i += 2
                continue
            }
            if c == 0x2C {
                var j = i + 1
                while j < out.count && (out[j] == 0x20 || out[j] == 0x0A || out[j] == 0x09 || out[j] == 0x0D) { j += 1 }
                if j < out.count && (out[j] == 0x7D || out[j] == 0x5D) { out[i] = 0x20 }
            }
            i += 1
        }
        return out
    }
}
