// The detector families, run in a fixed order over one analysis. Each family lives in its own
// file and raises signals from ScoreTable.swift; none of them decides anything alone.

enum Detectors {
    static func run(_ a: Analysis) {
        // Detectors append hits, never invocations: one +1 copy of the array serves the loop.
        let invocations = a.invocations
        for k in invocations.indices { runPerProgram(a, k, invocations[k]) }
        // Script-wide signals: combinations and structures spanning several commands.
        ShellAccess.checkScript(a)
        RemoteExecution.checkScript(a)
        Persistence.checkScript(a)
        Evasion.checkScript(a)
        SystemControl.checkScript(a)
        Secrets.checkScript(a)
        Exfiltration.checkScript(a)
    }

    private static func runPerProgram(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let args = inv.args
        // A pager or editor variable set for the program runs whatever it names, even for
        // `X -h` (GTFOBins `command`: `CRASHPAGER=CMD crash -h`).
        if !inv.environment.isEmpty { Effects.programVariable(a, k, inv) }
        // `X --help`, `X --version`, `X -h`: prints text, runs nothing the detectors care about.
        // `--version 1.2.3` is an option with a value (`pulumi policy disable P --version 1.2.3`,
        // `gem install rake --version '~> 1.0'`): after a subcommand, any word following it is.
        if args.count == 1 && (args[0] == "-h" || args[0] == "-V")
            || args.enumerated().contains(where: { j, w in
                (w.utf8.count == 6 && w == "--help")
                    || (w.utf8.count == 9 && w == "--version"
                        && !(j + 1 < args.count
                            && (args[j + 1].utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } == true
                                || j > 0 && !args[j + 1].isOptionLike)))
                    || (w.utf8.count > 7 && w.hasPrefix("--help-"))
            })
        {
            return
        }
        let before = a.hits.count
        ShellAccess.check(a, k, inv)
        RemoteExecution.check(a, k, inv)
        Obfuscation.check(a, k, inv)
        IndirectAccess.check(a, k, inv)
        Secrets.check(a, k, inv)
        Exfiltration.check(a, k, inv)
        Destruction.check(a, k, inv)
        GitSafety.check(a, k, inv)
        Privilege.check(a, k, inv)
        Persistence.check(a, k, inv)
        Evasion.check(a, k, inv)
        SystemControl.check(a, k, inv)
        Packages.check(a, k, inv)
        Network.check(a, k, inv)
        Infrastructure.check(a, k, inv)
        Effects.check(a, k, inv)
        // R7: a dry run, simulation or preview asked for by an explicit option changes nothing,
        // whichever family spoke for the program (`aws s3 rm URL --dryrun`, `rclone --dry-run
        // delete`, `zmap --dryrun 10.0.0.0/8` sends no packet). Only the effects a dry run
        // suppresses are dropped: a shell, sudo, a secret read or a download piped into an
        // interpreter still happen.
        if a.hits.count > before, args.contains(where: dryRunOption) {
            let kept = a.hits[before...].filter { !($0.invocation == k && dryRunSuppresses.contains($0.signal)) }
            a.hits.replaceSubrange(before..<a.hits.count, with: kept)
        }
        if inv.pathClass != .dynamic && !inv.kind.contains(.known) {
            // Raised for about half of all commands: concatenated into one exact-size buffer
            // instead of interpolated; the text is the same. Figures: docs/benchmarks-gate.md.
            a.hit(
                .unknownProgram, k, reason: concat("'", inv.program, "' is not a program the gate knows"))
        }
    }
}

extension Detectors {
    /// `--dry-run`, `--dryrun`, `--simulate`, `--pretend`, `--what-if`, `--no-act`,
    /// `--just-print`, `--noop`, `--dry-run=client|server` (kubectl's); not `--dry-run=none`
    /// or `=false`, which run for real.
    static func dryRunOption(_ w: String) -> Bool {
        guard w.utf8.count >= 7, w.hasPrefix("--") else { return false }
        if w.hasPrefix("--dry-run=") { return !(w.hasSuffix("=none") || w.hasSuffix("=false") || w.hasSuffix("=0")) }
        return Effects.dryRunFlags.contains(w) || w == "--pretend"
    }

    /// The approval band's effects (gate-classes.md A1-A4, A8, A9) a dry run does not carry out.
    static let dryRunSuppresses: Set<Signal> = [
        .egress, .remoteStateChange, .systemChange, .softwareChange, .fileDelete, .bulkChange, .outsideWrite,
        .infraDelete, .infraChange, .containerPrune, .packageInstall, .networkTool, .scanner, .networkListener,
    ]
}

/// Program families the detectors share.
enum Programs {
    static let downloaders: NameSet = [
        "curl", "wget", "wget2", "fetch", "aria2c", "lwp-download", "lwp-request", "GET", "http",
        "https", "xh", "axel",
        "curlie", "httpie",
    ]
    static let interpreters: NameSet = shellNames.union([
        "python", "python2", "python3", "pypy", "pypy3", "perl", "ruby", "node", "nodejs", "php", "lua",
        "luajit", "tclsh",
        "wish", "Rscript", "julia", "deno", "bun", "osascript", "pwsh", "powershell", "jjs",
        "jrunscript", "expect", "irb",
    ])
    static let netClients: NameSet = [
        "nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "telnet", "openssl",
        "cryptcat", "pwncat", "sbd",
    ]
    /// Programs that send data to another host when they run.
    static let senders: NameSet = downloaders.union(netClients).union([
        "ssh", "scp", "sftp", "rsync", "ftp", "tftp", "lftp", "mail", "mailx", "sendmail", "mutt",
        "smbclient", "whois",
        "finger", "dig", "nslookup", "host", "aws", "gsutil", "rclone", "s3cmd", "az", "gcloud",
    ])
    /// Programs whose arguments name files or programs without running them.
    static let informational: NameSet = [
        "which", "type", "whereis", "file", "ls", "stat", "readlink", "realpath", "info", "ldd",
        "update-alternatives", "command", "hash", "apropos", "whatis", "strings", "objdump", "nm",
        "sha256sum", "md5sum",
        "sha1sum", "dpkg", "dpkg-query", "apt", "apt-get", "apt-cache", "dnf", "yum", "pacman", "grep",
        "rg",
        "echo", "printf", "test", "[", "basename", "dirname", "du", "wc", "ldconfig", "tldr", "namei",
        "getfacl", "lsattr", "chsh",
        "checkbashisms", "shellcheck", "shfmt", "bat", "diff", "cmp", "head", "tail", "hexdump", "xxd",
        "od", "cat",
        "readelf", "chmod", "chown", "cp", "mv", "ln", "install", "docker", "podman", "kubectl",
        "systemd-analyze",
    ]

    /// Whether `inv` would execute a script read from standard input (`curl | sh`).
    static func readsScriptFromStdin(_ inv: Invocation) -> Bool {
        let p = inv.program
        guard interpreters.contains(p) else { return false }
        let a = inv.args
        if inv.kind.contains(.shell) {
            if a.contains(where: {
                $0 == "-s"
                    || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("s") && !$0.contains("c"))
            }) {
                return true
            }
            if inv.hasAny(["-c"])
                || a.contains(where: { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("c") })
            {
                return false
            }
        } else {
            if inv.hasAny(["-c", "-e", "-E", "-m", "-r", "--eval", "-p", "--print"]) { return false }
        }
        guard let first = a.first(where: { !$0.hasPrefix("-") }) else { return true }
        return first == "-" || first == "/dev/stdin"
    }

    static func isShellPath(_ s: String) -> Bool {
        guard s.utf8.count >= 7, s.has("/bin/") else { return false }
        for sh in [
            "/bin/sh", "/bin/bash", "/bin/dash", "/bin/zsh", "/bin/ksh", "/bin/ash", "/bin/csh",
            "/bin/tcsh",
            "/bin/mksh", "/bin/fish", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/zsh", "/usr/bin/dash",
        ]
        where s.has(sh) {
            return true
        }
        return false
    }
}
