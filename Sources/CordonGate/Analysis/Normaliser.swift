// Sees through wrappers to the program that really runs. `sudo -u x env A=1 nice -n 5 \rm -rf /`
// is `rm -rf /`, elevated. Strings that are themselves scripts (`sh -c`, `eval`, `su -c`,
// `ssh HOST CMD`, `docker exec C CMD`, `kubectl exec P -- CMD`, `watch CMD`, `find -exec`)
// are parsed one level deeper and their commands analysed like any other.

/// Context a nested command inherits from the command that carries it.
struct Inherited {
    var elevated = false
    var remote: String?
    var wrappers: [String] = []
}

/// Options taking a value, per wrapper (so the value is not mistaken for the program).
private let wrapperOptionLists: [(String, NameSet)] = [
    (
        "sudo",
        [
            "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group", "--chdir",
            "--prompt", "--close-from", "--host", "--role", "--type", "--other-user",
            "--command-timeout",
        ]
    ),
    ("doas", ["-u", "-C"]),
    // Graphical and vendor sudo front ends run as root the same way.
    ("gksudo", ["-u", "--user", "-D", "--description", "-m", "--message"]),
    ("gksu", ["-u", "--user", "-D", "--description", "-m", "--message"]),
    ("kdesu", ["-u", "-c", "-i", "-n", "-p"]), ("kdesudo", ["-u", "-c", "-i", "-n", "-p"]),
    ("dzdo", ["-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U"]), ("pfexec", []),
    ("pkexec", ["--user", "-u"]),
    ("run0", ["--user", "-u", "--group", "-g"]),
    ("env", ["-u", "-C", "--unset", "--chdir", "-S", "--split-string"]),
    ("nice", ["-n", "--adjustment"]),
    ("ionice", ["-c", "-n", "-t", "-p", "-P", "-u"]),
    ("timeout", ["-s", "-k", "--signal", "--kill-after"]),
    ("time", ["-f", "-o", "--format", "--output"]),
    ("stdbuf", ["-i", "-o", "-e", "--input", "--output", "--error"]),
    ("setsid", []),
    ("nohup", []),
    ("chroot", ["--userspec", "--groups"]),
    ("exec", ["-a"]),
    ("command", []),
    ("builtin", []),
    ("flock", ["-w", "--timeout", "-E", "--conflict-exit-code"]),
    (
        "xargs",
        [
            "-I", "-i", "-n", "-P", "-d", "-L", "-l", "-s", "-a", "-E", "-e", "--max-args",
            "--max-procs", "--delimiter", "--arg-file", "--max-lines", "--replace", "--process-slot-var",
        ]
    ),
    ("runuser", ["-u", "-g", "-G", "--user", "--group"]),
    ("unbuffer", []),
    ("torsocks", []),
    ("proxychains", ["-f"]),
    ("proxychains4", ["-f"]),
    ("firejail", []),
    ("strace", ["-o", "-e", "-p", "-s", "-u", "-E", "-a"]),
    ("ltrace", ["-o", "-e", "-p", "-s", "-u", "-a"]),
    ("catchsegv", []),
    ("fakeroot", []),
    ("chrt", ["-p"]),
    ("taskset", ["-c", "--cpu-list"]),
    // Runs a program in an existing control group (resource limits), as nice and taskset run
    // one at a priority or on a set of processors: the program decides (cgcreate, cgset and
    // cgclassify, which change groups or move running processes, keep their rule).
    ("cgexec", ["-g"]),
    ("caffeinate", []),
    ("systemd-run", ["-p", "--property", "-u", "--unit", "--uid", "--gid"]),
    ("watch", ["-n", "--interval", "-d", "--differences", "-q", "-g"]),
    ("sg", []),
    ("cpulimit", ["-l", "-p", "--limit"]),
    ("nsenter", ["-t", "--target", "-S", "-G", "--setuid", "--setgid"]),
    ("unshare", []),
    ("aa-exec", ["-p", "-n", "--profile"]),
    ("stdbuf.", []),
    // The dynamic loader runs the program named by its first argument: `ld.so /usr/bin/dd ...`
    // is dd, whatever the loader is called (security issue A.3).
    ("ld.so", loaderOptions),
    ("ld-linux.so.2", loaderOptions),
    ("ld-linux-x86-64.so.2", loaderOptions),
    ("ld-linux-aarch64.so.1", loaderOptions),
    ("ld-linux-armhf.so.3", loaderOptions),
    ("ld64.so.1", loaderOptions),
    ("ld64.so.2", loaderOptions),
    ("ld-linux-riscv64-lp64d.so.1", loaderOptions),
    ("ld-musl-x86_64.so.1", loaderOptions),
    ("ld-musl-aarch64.so.1", loaderOptions),
]

/// The loader's options that take a value (`--argv0 NAME` chooses the argv[0] the program sees).
private let loaderOptions: NameSet = [
    "--argv0", "--library-path", "--preload", "--audit", "--inhibit-rpath", "--glibc-hwcaps-prepend",
    "--glibc-hwcaps-mask",
]
private let wrapperOptions = NameTable(wrapperOptionLists)
/// ssh options that take a value: what follows them is the host, then the remote command.
let sshOptionsWithValue: NameSet = [
    "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q",
    "-R", "-S", "-W", "-w", "-B",
]
/// `docker|podman|nerdctl exec|run` options that take a value (the image or container follows).
private let containerOptionsWithValue: NameSet = [
    "-e", "--env", "-u", "--user", "-w", "--workdir", "-v", "--volume", "-p", "--publish", "--name",
    "--network", "--net", "--entrypoint", "--mount", "-l", "--label", "--env-file", "-h",
    "--hostname", "--platform", "--cap-add", "--cap-drop", "--device", "--pid", "--ipc",
    "--security-opt", "-m", "--memory", "--cpus", "--restart", "--add-host", "--gpus",
]

/// Shells whose `-c STRING` argument is a script, and whose bare invocation is an interactive shell.
let shellNames: NameSet = [
    "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish", "tcsh", "csh", "rbash", "yash", "posh",
    "pdksh",
    "ksh93", "busybox-sh", "sash", "oksh", "elvish", "pwsh", "xonsh", "nu", "ion", "rc", "es",
]

/// Environment variables whose value is a command line some program runs.
private let programVariables: NameSet = [
    "PAGER", "GIT_PAGER", "MANPAGER", "EDITOR", "VISUAL", "GIT_EDITOR", "SYSTEMD_PAGER",
    "LESSOPEN", "GIT_SSH_COMMAND",
]

private let elevating: NameSet = [
    "sudo", "doas", "pkexec", "run0", "gksudo", "gksu", "kdesu", "kdesudo", "dzdo", "pfexec",
]

extension Analysis {
    /// Normalises every command, including the ones nested strings add while this runs.
    func normaliseAll(from start: Int = 0) {
        var k = start
        while k < sink.script.commands.count {
            if invocations.count >= Self.maxInvocations {
                sink.fail("more than \(Self.maxInvocations) programs", at: 0)
                break
            }
            normalise(command: k)
            k += 1
        }
    }

    /// Parses `text` as a script one level below command `k`, inheriting its context.
    /// - Parameter guessed: the text was lifted out of code or data by a heuristic (a string
    ///   literal in `os.system(...)`, an echoed cron line); if it does not parse, that says
    ///   nothing about the command, so its parse problems are dropped and analysis goes on.
    func parseNested(_ text: String, under k: Int, context: Inherited, guessed: Bool = false) {
        guard !sink.abandoned else { return }
        let before = sink.script.commands.count
        let problems = sink.script.problems.count
        ShellParser.parse(text, into: sink, depth: sink.script.commands[k].depth + 1, vars: variables)
        if guessed && sink.abandoned && sink.script.problems.count > problems
            && !sink.script.problems[problems].message.hasPrefix("nesting deeper")
            && !sink.script.problems[problems].message.hasPrefix("more than")
        {
            sink.script.problems.removeSubrange(problems...)
            sink.abandoned = false
        }
        for j in before..<sink.script.commands.count { inherited[j] = context }
    }

    func normalise(command k: Int) {
        // The fields it needs, read one by one (binding the whole command copied it).
        var words = sink.script.commands[k].words
        guard !words.isEmpty else { return }
        if words[0].splitsIntoWords && words[0].isStatic {
            // `X="base64 -d"; ... | $X`: the shell splits the unquoted value into the program
            // and its first arguments.
            words = words[0].value.split(separator: " ").map { ShellWord(value: String($0)) } + words.dropFirst()
        }
        var ctx = inherited[k] ?? Inherited()
        var env: [(String, String)] = sink.script.commands[k].assignments.map {
            ($0.name, $0.value.value)
        }
        var p = 0
        var typedEscape = false
        var fromInput = false
        unwrapping: while p < words.count {
            var name = words[p].value
            if p == 0 && name.hasPrefix("!") && name.utf8.count > 1 && words[p].isStatic {
                // `!/bin/sh` typed into less, vi, ftp...: a shell escape from the program.
                name.removeFirst()
                typedEscape = true
            }
            let (base, _) = programName(name, isStatic: words[p].isStatic)
            // Only wrappers need the remaining words as strings; most programs are not wrappers.
            guard wrapperOptions[base] != nil || base == "busybox" || base == "toybox" else {
                break unwrapping
            }
            let vals = words[p...].map(\.value)
            switch Name(base) {
            case _ where wrapperOptions[base] != nil && base != "watch" && base != "sg":
                if elevating.contains(base) { ctx.elevated = true }
                // `runuser USER -c CMD` names a user, not a program; only `runuser -u USER -- CMD` wraps.
                if base == "runuser" && !vals.contains("-u") && !vals.contains("--user") {
                    break unwrapping
                }
                if base == "command" || base == "builtin",
                    vals.dropFirst().first.map({ $0 == "-v" || $0 == "-V" }) == true
                {
                    break unwrapping  // `command -v x` looks x up; it runs nothing.
                }
                var q = skipOptions(vals, from: 1, withValue: wrapperOptions[base] ?? [])
                if base == "env" || base == "sudo" {
                    while q < vals.count, vals[q].containsByte(UInt8(ascii: "=")),
                        let eq = vals[q].firstIndex(of: "="), eq != vals[q].startIndex,
                        !vals[q].hasPrefix("-")
                    {
                        env.append((String(vals[q][..<eq]), String(vals[q][vals[q].index(after: eq)...])))
                        q += 1
                    }
                    if base == "env", let split = valueOf(vals, "-S", "--split-string") {
                        parseNested(split, under: k, context: ctx)
                    }
                }
                if base == "sudo", vals.contains("-e") || vals.contains("--edit") { break unwrapping }
                if base == "timeout" || base == "chroot" || base == "flock" || base == "taskset"
                    || base == "chrt"
                {
                    q += 1  // the duration, new root, lock file, cpu mask or priority
                }
                if base == "flock", let c = valueOf(vals, "-c", "--command") {
                    parseNested(c, under: k, context: ctx)
                    break unwrapping
                }
                if base == "xargs" { fromInput = true }
                guard q < vals.count else {
                    // `sudo -s`, `sudo -i`, `chroot /`: a shell with no command.
                    break unwrapping
                }
                ctx.wrappers.append(base)
                p += q
            case "busybox", "toybox":
                guard vals.count > 1 else { break unwrapping }
                ctx.wrappers.append(base)
                p += 1
            case "watch":
                let q = skipOptions(vals, from: 1, withValue: wrapperOptions["watch"] ?? [])
                guard q < vals.count else { break unwrapping }
                ctx.wrappers.append("watch")
                if vals.contains("-x") || vals.contains("--exec") {
                    p += q
                } else {
                    parseNested(vals[q...].joined(separator: " "), under: k, context: ctx)
                    break unwrapping
                }
            default:
                break unwrapping
            }
        }
        guard p < words.count else { return }
        var (program, pathClass) = programName(
            typedEscape && p == 0 ? String(words[p].value.dropFirst()) : words[p].value,
            isStatic: words[p].isStatic)
        if program.eq("$SHELL") || program.eq("${SHELL}") {
            // The user's login shell: a shell, whichever it is.
            (program, pathClass) = ("sh", .bare)
        } else if pathClass == .dynamic, let named = programNamedBy(variable: program) {
            (program, pathClass) = (named, .bare)
        }
        let index = invocations.count
        invocations.append(
            Invocation(
                program: program, written: words[p].value, pathClass: pathClass, command: k,
                argWords: words[(p + 1)...], wrappers: ctx.wrappers, elevated: ctx.elevated,
                remote: ctx.remote, environment: env, typedEscape: typedEscape, argsFromInput: fromInput,
                hasRedirects: !sink.script.commands[k].redirects.isEmpty))
        nestedScripts(of: invocations[index], index: index, under: k, context: ctx)
    }

    /// Arguments that are scripts in their own right.
    func nestedScripts(of inv: borrowing Invocation, index: Int, under k: Int, context: Inherited) {
        // The context nested commands inherit; built only when something is nested (this runs
        // for every program, and most have nothing inside).
        guard !inv.args.isEmpty || !inv.environment.isEmpty else { return }
        // Built only when a case below nests something: most programs nest nothing.
        let program = inv.program
        lazy var ctx: Inherited = {
            var c = context
            c.wrappers.append(program)
            return c
        }()
        let a = inv.args
        switch Name(inv.program) {
        case _ where inv.kind.contains(.shell):
            if let c = shellScriptArgument(a) { parseNested(c, under: k, context: ctx) }
        case "eval":
            parseNested(a.joined(separator: " "), under: k, context: ctx)
        case "su", "script", "runuser":
            if let c = inv.value(of: "-c", "--command") {
                if inv.program == "su" { ctx.elevated = true }
                parseNested(c, under: k, context: ctx)
            }
        case "ssh":
            let q = skipOptions(a, from: 0, withValue: sshOptionsWithValue)
            if q + 1 < a.count {
                ctx.remote = a[q]
                parseNested(a[(q + 1)...].joined(separator: " "), under: k, context: ctx)
            }
        case "docker", "podman", "nerdctl":
            guard let sub = inv.subcommand, sub == "exec" || sub == "run", let s = a.firstIndex(of: sub)
            else { return }
            let q = skipOptions(a, from: s + 1, withValue: containerOptionsWithValue)
            if q + 1 < a.count {
                ctx.remote = "\(inv.program):\(a[q])"
                parseNested(quoteJoin(a[(q + 1)...]), under: k, context: ctx)
            }
        case "kubectl", "oc":
            if inv.subcommand == "exec", let dd = a.firstIndex(of: "--"), dd + 1 < a.count {
                ctx.remote = "kubectl"
                parseNested(quoteJoin(a[(dd + 1)...]), under: k, context: ctx)
            }
        case "find":
            var j = 0
            while j < a.count {
                if ["-exec", "-execdir", "-ok", "-okdir"].contains(a[j]) {
                    var e = j + 1
                    while e < a.count && a[e] != ";" && a[e] != "+" && a[e] != "\\;" { e += 1 }
                    if e > j + 1 { parseNested(quoteJoin(a[(j + 1)..<e]), under: k, context: ctx) }
                    j = e
                }
                j += 1
            }
        case "zip":
            if let c = inv.value(of: "-TT", "--unzip-command") { parseNested(c, under: k, context: ctx) }
        case "tar", "gtar", "bsdtar":
            for a in a {
                for key in [
                    "--checkpoint-action=exec=", "--to-command=", "--use-compress-program=", "--rsh-command=",
                    "--info-script=", "--new-volume-script=",
                ]
                where a.hasPrefix(key) {
                    parseNested(String(a.dropFirst(key.count)), under: k, context: ctx)
                }
            }
            if let c = inv.value(of: "-I") { parseNested(c, under: k, context: ctx) }
        case "rsync":
            if let c = inv.value(of: "-e", "--rsh", "--rsync-path") {
                parseNested(c, under: k, context: ctx)
            }
        case "git":
            for (j, x) in a.enumerated() where x == "-c" && j + 1 < a.count {
                let kv = a[j + 1]
                for key in [
                    "core.pager=", "core.sshCommand=", "core.editor=", "core.fsmonitor=", "sequence.editor=",
                ]
                where kv.hasPrefix(key) {
                    parseNested(String(kv.dropFirst(key.count)), under: k, context: ctx)
                }
            }
        case "make", "gmake":
            // `make --eval=$'x:\n\t-CMD'`: recipe lines run as shell commands.
            if let e = inv.value(of: "--eval", "-E") {
                for line in e.split(separator: "\n") where line.hasPrefix("\t") {
                    parseNested(
                        String(line.dropFirst().drop(while: { $0 == "-" || $0 == "@" || $0 == "+" })), under: k,
                        context: ctx)
                }
            }
        case "rpm":
            if let c = inv.value(of: "--pipe") { parseNested(c, under: k, context: ctx) }
            if let e = inv.value(of: "--eval"), e.has("lua:") {
                inlineCode.append((index, "lua", e))
                for s in shellOutLiterals(e, awk: false) {
                    parseNested(s, under: k, context: ctx, guessed: true)
                }
            }
        default:
            inlineScripts(of: inv, index: index, under: k, context: context)
            // `in-toto-run ... -- /bin/sh -c "..."`, `srun bash -c ...`: a wrapped script.
            if !inv.kind.contains(.interpreter) {
                for j in a.indices.dropLast(2)
                where a[j + 1].utf8.count == 2 && a[j + 1] == "-c" && shellNames.contains(a[j].basename) {
                    parseNested(a[j + 2], under: k, context: ctx)
                    break
                }
            }
        }
        // `PAGER='sh -c "exec sh 0<&1"' git -p help`: pager and editor variables name programs.
        for (name, value) in inv.environment where programVariables.contains(name) && !value.isEmpty {
            parseNested(value, under: k, context: ctx)
        }
        if inv.program.eq("ssh") || inv.program.eq("scp") || inv.program.eq("sftp") {
            for (j, x) in a.enumerated()
            where x == "-o" && j + 1 < a.count || x.hasPrefix("-o") && x.utf8.count > 2 {
                let o = x == "-o" ? a[j + 1] : String(x.dropFirst(2))
                for key in ["ProxyCommand=", "LocalCommand=", "ProxyCommand ", "LocalCommand "]
                where o.hasPrefix(key) {
                    parseNested(String(o.dropFirst(key.count)), under: k, context: ctx)
                }
            }
        }
    }

    /// The script of `sh -c SCRIPT`, `bash -xc SCRIPT`, `bash -lc SCRIPT`.
    func shellScriptArgument(_ a: [String]) -> String? {
        for (j, x) in a.enumerated() {
            if !x.hasPrefix("-") && !x.hasPrefix("+") { return nil }
            if x.hasPrefix("-") && !x.hasPrefix("--") && x.contains("c") {
                return j + 1 < a.count ? a[j + 1] : nil
            }
        }
        return nil
    }
}

/// Index of the first argument after `from` that is not an option (or after `--`).
func skipOptions(_ vals: [String], from: Int, withValue: NameSet) -> Int {
    var q = from
    while q < vals.count {
        let v = vals[q]
        if v == "--" { return q + 1 }
        guard v.hasPrefix("-"), v.utf8.count > 1 else { return q }
        if withValue.contains(v) { q += 2 } else { q += 1 }
    }
    return q
}

func valueOf(_ vals: [String], _ options: String...) -> String? {
    for (k, v) in vals.enumerated() {
        for o in options {
            if v == o { return k + 1 < vals.count ? vals[k + 1] : nil }
            if v.hasPrefix(o + "=") { return String(v.dropFirst(o.count + 1)) }
        }
    }
    return nil
}

/// Joins argv words back into a script, quoting words that need it, so `find -exec sh -c
/// 'rm -rf "$1"' _ {} \;` reparses to the same argv.
func quoteJoin<S: Sequence>(_ words: S) -> String where S.Element == String {
    words.map { w in
        if w.isEmpty { return "''" }
        if w.utf8.allSatisfy({
            !isWordBreak($0) && $0 != 0x27 && $0 != 0x22 && $0 != 0x5c && $0 != 0x24 && $0 != 0x60
        }) {
            return w
        }
        return "'" + w.replacingAll("'", with: "'\\''") + "'"
    }.joined(separator: " ")
}
