// Effects: ATT&CK for Linux techniques the program families do not reach on their own, each
// judged from what a path, program, flag or typed line means (gate-classes.md, issue 12):
// programs staged in shared temporary directories, transient services and timers, typed
// commands recorded, password and setuid searches, logins with inline passwords, tunnels,
// hidden files where nobody looks, CPU burnt for nothing, audit rules and accounts changed,
// and lines fed to line editors and to other programs' shells.

extension Effects {
    /// Directories every local user can write to: whatever runs from there, anyone on the host
    /// could have put there.
    static let sharedTempDirs = ["/tmp/", "/var/tmp/", "/dev/shm/"]
    /// Programs that build executables (`gcc -o /tmp/a a.c && /tmp/a` runs what it just built).
    static let builders: NameSet = [
        "cc", "gcc", "g++", "c++", "clang", "clang++", "tcc", "ld", "lld", "rustc", "swiftc", "go", "zig", "gfortran",
        "nim", "ghc", "ocamlfind", "ocamlopt", "javac", "kotlinc", "dmd", "ldc2", "fpc", "crystal", "cargo",
    ]
    /// Scripts run as files (`/tmp/check.sh`): judged like `sh /tmp/check.sh`, which is allowed.
    static let scriptExtensions = [".sh", ".bash", ".py", ".rb", ".pl", ".js", ".mjs", ".ts", ".php", ".lua"]
    /// Tools that dump stored passwords (browsers, keyrings, memory of login processes).
    static let passwordDumpers = Needles(["lazagne", "mimipenguin", "linikatz", "swap_digger", "3snake", "dumpcreds"])
    /// Scripts that enumerate a host for privilege-escalation paths.
    static let privescFinders = Needles([
        "linpeas", "linenum", "linux-exploit-suggester", "linux_exploit_suggester", "lse.sh", "unix-privesc-check",
        "pspy", "les.sh", "linuxprivchecker", "beroot",
    ])
    /// Every program name the rules below ask about, looked up once (Effects.families) so the
    /// rest of the programs skip them.
    static let tradecraftPrograms: NameSet = [
        "trap", "sshpass", "pw", "chflags", "auditctl", "yes", "cat",
        "dd", "ed", "red", "ex", "cpan", "cpanp", "m4", "wine", "wine64", "iperf", "iperf3", "mkdir", "touch", "cp",
        "mv",
        "install", "ln", "gotty", "ttyd", "wetty", "tty-share", "shellinaboxd", "sshx", "upterm", "tmate",
        "speedtest", "speedtest-cli", "speedtest-rs", "speedtest++", "librespeed-cli", "fast", "fast-cli",
        "ooniprobe", "ndt7-client", "ng", "nx", "vue", "astro", "ignite", "expo", "nuxi", "sv", "react-native",
    ]
    static let wineRegVerbs: Set<String> = ["add", "delete", "copy", "import", "restore", "load", "unload"]
    /// Programs whose purpose is to serve a terminal over the web or a relay (B3).
    static let webTerminals: NameSet = [
        "gotty", "ttyd", "wetty", "tty-share", "shellinaboxd", "sshx", "upterm", "tmate",
    ]
    /// Network measurements against public servers (A3): `speedtest`, `fast`, `ooniprobe`.
    static let speedTesters: NameSet = [
        "speedtest", "speedtest-cli", "speedtest-rs", "speedtest++", "librespeed-cli", "fast", "fast-cli", "ooniprobe",
        "ndt7-client",
    ]
    /// Framework CLIs whose `add`/`update` installs a dependency into the project (A4).
    static let frameworkCLIs: NameSet = ["ng", "nx", "vue", "astro", "ignite", "expo", "nuxi", "sv", "react-native"]
    /// Words a search for passwords looks for.
    static let passwordWords = ["password", "passwd", "pwd=", "secret", "api_key", "apikey", "token", "credential"]
    /// Roots whose search covers the system or every user, not the project.
    static let systemRoots: Set<String> = [
        "/", "/etc", "/home", "/root", "/var", "/opt", "/usr", "/srv", "~", "$HOME", "/etc/", "/home/", "/root/",
        "/var/", "/opt/", "/usr/", "/srv/", "~/", "$HOME/", "//",
    ]
    /// `find -perm` values that select setuid or setgid programs.
    static let setuidModes: Set<String> = [
        "-4000", "/4000", "4000", "-2000", "/2000", "2000", "-6000", "/6000", "-u=s", "/u=s", "-g=s", "/g=s", "-u+s",
        "/u+s", "-g+s", "/g+s", "-04000", "-02000",
    ]

    static func tradecraft(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation, _ fam: Family) {
        let p = inv.program
        // Only as written in shell text: the monitor judges each exec by its resolved path, and
        // a workspace or home under /tmp (tests, scratch checkouts) is where builds run from.
        if inv.pathClass == .absolute, !(a.fromArgv && inv.command == 0),
            let dir = sharedTempDirs.first(where: { inv.written.hasPrefix($0) }),
            !scriptExtensions.contains(where: { p.hasSuffix($0) }),
            // A tool installed under a prefix there (`/tmp/venv/bin/python`) is that tool.
            !(inv.written.has("/bin/") && !inv.kind.isEmpty),
            !builtInScript(a, inv.written)
        {
            a.hit(
                .stagedExecution, k,
                reason:
                    "runs \(inv.written), a program in \(dir) the command did not build: any user could have put it there"
            )
            return
        }
        // The tool is the program, or the script an interpreter or shell runs; only names the
        // gate does not know otherwise are looked at (most programs are known).
        let runsScript = inv.kind.contains(.interpreter) || inv.kind.contains(.shell)
        if runsScript || !inv.kind.contains(.known) {
            // A script is named by a path (inline code given with -c is not a name).
            let script = runsScript ? inv.positionals.first ?? "" : p
            let name = script.utf8.count <= 4096 ? lowerASCII(script.basename) : ""
            if name.containsAny(passwordDumpers) {
                a.hit(
                    .secretFileRead, k, score: 85, reason: "\(name) dumps stored passwords (browsers, keyrings, logins)"
                )
                return
            }
            if name.containsAny(privescFinders) {
                a.hit(.privilegeSearch, k, reason: "\(name) looks for ways to become root on this host")
                return
            }
        }
        if inv.wrappers.last == "systemd-run" {
            // `systemd-run [options] CMD`: the options are the wrapper's words before CMD.
            let words = a[commandOf: k].words
            let own = words.prefix { $0.value != inv.written }.map(\.value)
            if own.contains(where: { $0.hasPrefix("--on-") || $0.hasPrefix("--timer-property") }) {
                a.hit(.systemdUnit, k, reason: "systemd-run schedules \(p) with a transient timer")
            } else if !own.contains("--user") {
                a.hit(.systemChange, k, reason: "systemd-run runs \(p) as a transient system service")
            }
        }
        if !inv.args.isEmpty && inv.args.contains(where: { $0.utf8.count >= 11 && $0.hasPrefix("--subdomain") }) {
            a.hit(.networkListener, k, score: 60, reason: "\(p) shares this machine under a public subdomain")
            return
        }
        if inv.positionals.first == "tunnel" || p.has("tunnel") { tunnel(a, k, inv) }
        if fam.contains(.technique) { searches(a, k, inv) }
        guard fam.contains(.tradecraft) || inv.hasRedirects else { return }
        hiddenInSharedTemp(a, k, inv)
        guard fam.contains(.tradecraft) else { return }
        let pos = inv.positionals
        switch Name(p) {
        case "systemd-run":
            // Seen only when it runs nothing (the normaliser sees through it to the program).
            break
        case "trap":
            // A DEBUG trap runs before every command: with $BASH_COMMAND it records all typed.
            if pos.dropFirst().contains(where: { $0 == "DEBUG" }) {
                a.hit(.inputCapture, k, reason: "a DEBUG trap runs before every command typed in this shell")
            }
        case "sshpass":
            if inv.args.contains(where: { $0.hasPrefix("-p") && $0 != "-P" }) {
                a.hit(.switchUser, k, reason: "sshpass logs in with a password written on the command line")
            }
        case "pw":
            if let sub = pos.first,
                ["useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel", "lock", "unlock"].contains(sub)
            {
                a.hit(.systemChange, k, reason: "pw \(sub) changes users or groups")
            }
        case "chflags":
            a.hit(.permissionChange, k, reason: "chflags changes file flags (immutable, append-only, hidden)")
        case "auditctl":
            if !inv.hasAny(["-l", "-s", "-v", "-h"]) {
                a.hit(.systemChange, k, reason: "auditctl changes the kernel's audit rules")
            }
        case "yes", "cat", "dd":
            let endless =
                p.eq("yes") || inv.args.contains { $0 == "/dev/zero" || $0 == "/dev/urandom" || $0 == "if=/dev/zero" }
            if endless, !inv.args.contains(where: { $0.hasPrefix("count=") }),
                a[commandOf: k].redirects.contains(where: {
                    $0.isOutput && ($0.fd == nil || $0.fd == 1) && $0.target.value == "/dev/null"
                }) || inv.args.contains("of=/dev/null")
            {
                a.hit(.cpuBurn, k, reason: "\(p) writes endlessly into /dev/null: a processor burnt for nothing")
            }
        case "ed", "red", "ex":
            for line in fedLines(a, k) {
                let w = line.split(separator: " ", maxSplits: 1)
                if line.hasPrefix("!") {
                    a.hit(.shellEscape, k, reason: "\(p) runs the shell command typed after '!'")
                    return
                }
                if w.count == 2, ["e", "E", "r"].contains(w[0]), Secrets.secretPath(String(w[1])) {
                    a.hit(.secretFileRead, k, reason: "\(p) is told to read \(w[1])")
                    return
                }
            }
        case "m4":
            // m4's `syscmd(...)`/`esyscmd(...)` run a shell command (GTFOBins `command`).
            if fedLines(a, k).contains(where: { $0.contains("syscmd(") })
                || inv.args.contains(where: { $0.has("syscmd(") })
            {
                a.hit(.shellEscape, k, reason: "m4 runs the command given to syscmd")
            }
        case "cpan", "cpanp":
            // The CPAN shell runs the Perl typed after `!`.
            if fedLines(a, k).contains(where: { $0.hasPrefix("!") }) {
                a.hit(.shellEscape, k, reason: "\(p) runs the Perl code typed after '!'")
            }
        default:
            break
        }
        if webTerminals.contains(p) {
            // B3: a shell served over the network, whatever the page around it.
            a.hit(.bindShell, k, reason: "\(p) serves a terminal to other machines over the web")
        } else if speedTesters.contains(p) || (p.eq("iperf") || p.eq("iperf3")) && inv.hasAny(["-c", "--client"]) {
            a.hit(.egress, k, reason: "\(p) sends and receives test traffic with other hosts")
        } else if (p.eq("iperf") || p.eq("iperf3")) && inv.hasAny(["-s", "--server"]) {
            a.hit(.networkListener, k, score: 60, reason: "\(p) -s listens for test traffic from other machines")
        } else if p.eq("wine") || p.eq("wine64"),
            pos.first == "regedit" && pos.count > 1  // alone it opens the editor (L8)
                || pos.first == "reg" && wineRegVerbs.contains((pos.dropFirst().first ?? "").lowercased())
        {
            a.hit(
                .outsideWrite, k,
                reason: "\(p) \(pos.prefix(2).joined(separator: " ")) changes the Wine registry in the user's prefix")
        } else if frameworkCLIs.contains(p), let sub = pos.first,
            ["add", "install", "update", "upgrade", "remove"].contains(sub)
        {
            a.hit(.softwareChange, k, reason: "\(p) \(sub) installs or changes the project's dependencies")
        }
    }

    /// `X tunnel ...`, `devtunnel host`: a tunnel reaching this machine from outside (R6).
    static func tunnel(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        let pos = inv.positionals
        if !textOnly.contains(p), !pos.prefix(2).contains(where: { readVerbs.contains($0) }), !asksForHelp(inv) {
            a.hit(.networkListener, k, score: 60, reason: "\(p) opens a tunnel that reaches this machine from outside")
        }
    }

    /// Whether the script builds `path` itself (`gcc -o /tmp/a a.c`, `go build -o /tmp/x`).
    static func builtInScript(_ a: Analysis, _ path: String) -> Bool {
        a.invocations.contains { b in
            builders.contains(b.program)
                && (b.value(of: "-o", "--output") == path || b.args.contains("-o" + path))
        }
    }

    /// Searches whose target is not the project: passwords over the whole system, credential
    /// stores by name, setuid programs.
    static func searches(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        guard searchers.contains(p) else { return }
        let args = inv.args
        if p.eq("find") {
            if let j = args.firstIndex(of: "-perm"), j + 1 < args.count, setuidModes.contains(args[j + 1]) {
                a.hit(.privilegeSearch, k, reason: "find lists setuid or setgid programs (\(args[j + 1]))")
                return
            }
        }
        if p.eq("find") || p.has("locate") || p.eq("fd") || p.eq("fdfind"),
            let store = args.first(where: { w in
                let n = w.homeNormalised
                return credentialStores.contains { n == $0 || n.has("/" + $0) || n.hasPrefix($0 + "/") }
            })
        {
            a.hit(.secretSearch, k, reason: "\(p) searches credential stores (\(store))")
            return
        }
        if !p.eq("find") && !p.has("locate") {
            let recursive =
                p.eq("rg") || p.eq("ag") || p.eq("ack")
                || inv.hasAny(["-r", "-R", "--recursive", "--dereference-recursive"])
            let pattern = (inv.value(of: "-e", "--regexp") ?? inv.positionals.first ?? "").asciiLowercased
            if recursive, passwordWords.contains(where: { pattern.has($0) }),
                let root = inv.positionals.dropFirst().first(where: { systemRoots.contains($0) })
            {
                a.hit(.secretSearch, k, reason: "\(p) searches \(root) for passwords")
            }
        }
    }

    /// Archive and compression libraries of the scripting languages (T1560.002).
    static let archiveModuleNames = [
        "gzip", "bz2", "zipfile", "tarfile", "lzma", "zlib", "shutil.make_archive", "Compress::", "Archive::",
        "IO::Compress", "Zlib", "createGzip", "archiver", "Zip::", "Minitar",
    ]
    static let archiveModules = Needles(archiveModuleNames)
    /// What collection archives: system account files, homes, keys and browser profiles.
    static let collectedInCode = Needles([
        "/etc/", "/home/", "/root/", "/.ssh", "/.gnupg", "/.mozilla", "/.aws", "/.config/google-chrome",
        "/.password-store", "/var/log/", "/var/mail", "expanduser(",
    ])

    /// Directories that hold keys and tokens, by name.
    static let credentialStores = [
        ".gnupg", ".ssh", ".aws", ".oci", ".azure", ".password-store", ".local/share/keyrings", ".mozilla",
        ".config/gcloud", ".config/google-chrome", ".config/chromium", ".docker/config.json", ".kube/config",
    ]

    /// `mkdir /var/tmp/.cache-x`, `> /dev/shm/.x`: a hidden name in a directory every user
    /// shares is a file meant not to be noticed (T1564.001).
    static func hiddenInSharedTemp(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        var targets = a.outputTargets(k)
        if p.eq("mkdir") || p.eq("touch") || p.eq("cp") || p.eq("mv") || p.eq("install") || p.eq("ln") {
            targets += inv.positionals.suffix(p.eq("mkdir") || p.eq("touch") ? inv.positionals.count : 1)
        }
        for t in targets {
            guard let dir = sharedTempDirs.first(where: { t.hasPrefix($0) }) else { continue }
            let rest = t.dropFirst(dir.count)
            if rest.split(separator: "/").contains(where: { $0.hasPrefix(".") && $0 != "." && $0 != ".." }) {
                a.hit(.hiddenArtifact, k, reason: "\(p) makes \(t), a hidden name in a directory every user shares")
                return
            }
        }
    }

    /// Lines fed to a program on standard input: here-documents, here-strings, and
    /// `echo`/`printf` piped in (with their `\n` escapes as line breaks).
    static func fedLines(_ a: Analysis, _ k: Int) -> [Substring] {
        let c = a[commandOf: k]
        var texts = c.redirects.compactMap(\.hereText)
        if c.position > 0, let prev = a.previous(before: k),
            a.invocations[prev].program == "echo" || a.invocations[prev].program == "printf"
        {
            texts.append(a.invocations[prev].args.joined(separator: " ").replacingAll("\\n", with: "\n"))
        }
        return texts.flatMap { $0.split(separator: "\n").map { $0.drop(while: { $0 == " " }) } }
    }
}
