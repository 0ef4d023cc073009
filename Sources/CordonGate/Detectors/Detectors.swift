// The detector families, run in a fixed order over one analysis. Each family lives in its own
// file and raises signals from ScoreTable.swift; none of them decides anything alone.

enum Detectors {
    static func run(_ a: Analysis) {
        for k in a.invocations.indices {
            let args = a.invocations[k].args
            // `X --help`, `X --version`, `X -h`: prints text, runs nothing the detectors care about.
            if args.contains("--help") || args.contains("--version") || args == ["-h"] || args == ["-V"] {
                continue
            }
            ShellAccess.check(a, k)
            RemoteExecution.check(a, k)
            Obfuscation.check(a, k)
            Secrets.check(a, k)
            Exfiltration.check(a, k)
            Destruction.check(a, k)
            GitSafety.check(a, k)
            Privilege.check(a, k)
            Persistence.check(a, k)
            Evasion.check(a, k)
            SystemControl.check(a, k)
            Packages.check(a, k)
            Network.check(a, k)
            Infrastructure.check(a, k)
            if a.invocations[k].pathClass != .dynamic && !KnownPrograms.contains(a.invocations[k].program) {
                a.hit(.unknownProgram, k, reason: "'\(a.invocations[k].program)' is not a program the gate knows")
            }
        }
        // Script-wide signals: combinations and structures spanning several commands.
        ShellAccess.checkScript(a)
        RemoteExecution.checkScript(a)
        Persistence.checkScript(a)
        Evasion.checkScript(a)
        SystemControl.checkScript(a)
        Secrets.checkScript(a)
    }
}

/// Program families the detectors share.
enum Programs {
    static let downloaders: Set<String> = [
        "curl", "wget", "wget2", "fetch", "aria2c", "lwp-download", "lwp-request", "GET", "http", "https", "xh", "axel",
        "curlie", "httpie",
    ]
    static let interpreters: Set<String> = shellNames.union([
        "python", "python2", "python3", "pypy", "pypy3", "perl", "ruby", "node", "nodejs", "php", "lua", "luajit", "tclsh",
        "wish", "Rscript", "julia", "deno", "bun", "osascript", "pwsh", "powershell", "jjs", "jrunscript", "expect", "irb",
    ])
    static let netClients: Set<String> = [
        "nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "telnet", "openssl", "cryptcat", "pwncat", "sbd",
    ]
    /// Programs that send data to another host when they run.
    static let senders: Set<String> = downloaders.union(netClients).union([
        "ssh", "scp", "sftp", "rsync", "ftp", "tftp", "lftp", "mail", "mailx", "sendmail", "mutt", "smbclient", "whois",
        "finger", "dig", "nslookup", "host", "aws", "gsutil", "rclone", "s3cmd", "az", "gcloud",
    ])
    /// Programs whose arguments name files or programs without running them.
    static let informational: Set<String> = [
        "which", "type", "whereis", "file", "ls", "stat", "readlink", "realpath", "info", "ldd",
        "update-alternatives", "command", "hash", "apropos", "whatis", "strings", "objdump", "nm", "sha256sum", "md5sum",
        "sha1sum", "dpkg", "dpkg-query", "apt", "apt-get", "apt-cache", "dnf", "yum", "pacman", "grep", "rg",
        "echo", "printf", "test", "[", "basename", "dirname", "du", "wc", "ldconfig", "tldr", "namei", "getfacl", "lsattr", "chsh",
        "checkbashisms", "shellcheck", "shfmt", "bat", "diff", "cmp", "head", "tail", "hexdump", "xxd", "od", "cat",
        "readelf", "chmod", "chown", "cp", "mv", "ln", "install", "docker", "podman", "kubectl", "systemd-analyze",
    ]

    /// Whether `inv` would execute a script read from standard input (`curl | sh`).
    static func readsScriptFromStdin(_ inv: Invocation) -> Bool {
        let p = inv.program
        guard interpreters.contains(p) else { return false }
        let a = inv.args
        if shellNames.contains(p) {
            if a.contains(where: { $0 == "-s" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("s") && !$0.contains("c")) }) { return true }
            if inv.hasAny(["-c"]) || a.contains(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("c") }) { return false }
        } else {
            if inv.hasAny(["-c", "-e", "-E", "-m", "-r", "--eval", "-p", "--print"]) { return false }
        }
        guard let first = a.first(where: { !$0.hasPrefix("-") }) else { return true }
        return first == "-" || first == "/dev/stdin"
    }

    static func isShellPath(_ s: String) -> Bool {
        for sh in ["/bin/sh", "/bin/bash", "/bin/dash", "/bin/zsh", "/bin/ksh", "/bin/ash", "/bin/csh", "/bin/tcsh",
                   "/bin/mksh", "/bin/fish", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/zsh", "/usr/bin/dash"]
        where s.has(sh) {
            return true
        }
        return false
    }
}
