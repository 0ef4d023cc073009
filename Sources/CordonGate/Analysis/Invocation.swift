// A program that would really run, after seeing through wrappers (`sudo env nice rm` is `rm`,
// elevated). Detectors read invocations, not raw words.

public enum PathClass: String, Sendable, Equatable {
    /// `rm`: looked up on PATH.
    case bare
    /// `/bin/rm`, `/usr/sbin/x`: a system directory.
    case system
    /// `./rm`, `bin/x`: relative to the working directory (a copied binary, a built tool).
    case relative
    /// `/tmp/x`, `/home/u/x`: some other absolute path.
    case absolute
    /// `$CMD`, `$(...)`: decided only at run time.
    case dynamic
}

/// Program families the detectors ask about again and again, looked up once per invocation.
public struct ProgramKind: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    static let shell = ProgramKind(rawValue: 1 << 0)
    static let interpreter = ProgramKind(rawValue: 1 << 1)
    static let netClient = ProgramKind(rawValue: 1 << 2)
    static let informational = ProgramKind(rawValue: 1 << 3)
    static let known = ProgramKind(rawValue: 1 << 4)
    static let editor = ProgramKind(rawValue: 1 << 5)
    static let downloader = ProgramKind(rawValue: 1 << 6)
    static let sender = ProgramKind(rawValue: 1 << 7)
    static let writer = ProgramKind(rawValue: 1 << 8)

    static let table: NameTable<ProgramKind> = {
        var t: [(String, ProgramKind)] = []
        var seen: [String: Int] = [:]
        func add(_ names: NameSet, _ k: ProgramKind) {
            for n in names {
                if let i = seen[n] {
                    t[i].1.insert(k)
                } else {
                    seen[n] = t.count
                    t.append((n, k))
                }
            }
        }
        add(shellNames, .shell)
        add(Programs.interpreters, .interpreter)
        add(Programs.netClients, .netClient)
        add(Programs.informational, .informational)
        add(editorNames, .editor)
        add(Programs.downloaders, .downloader)
        add(Programs.senders, .sender)
        add(Analysis.writers, .writer)
        return NameTable(t)
    }()

    static func of(_ program: String) -> ProgramKind {
        var k = table[program] ?? []
        // The known-program list is its own table (see KnownPrograms), kept apart from this one
        // so the ~1,500 names are hashed without the duplicate merging done here.
        if KnownPrograms.contains(program) { k.insert(.known) }
        return k
    }
}

/// Immutable once normalised (every field a `let`), so sharing one reads the same as a copy.
/// A class: detectors pass invocations around and read them out of `Analysis.invocations` many
/// times per decision, and a struct copy retains and releases each reference-counted field.
/// Figures: docs/benchmarks-gate.md.
public final class Invocation: Sendable {
    /// Basename of the program, e.g. `rm` for `/usr/bin/rm` and `\rm`.
    public let program: String
    /// The program word as written (after quote removal).
    public let written: String
    public let pathClass: PathClass
    /// Argument values after the program.
    public let args: [String]
    /// The argument words, for substitution and quoting details.
    public let argWords: ArraySlice<ShellWord>
    /// Index of the simple command it came from.
    public let command: Int
    /// Wrappers seen through, outermost first (`sudo`, `env`, `xargs`, `sh -c`, `ssh`...).
    public let wrappers: [String]
    /// Runs as another user: `sudo`, `doas`, `su`, `pkexec`, `run0`.
    public let elevated: Bool
    /// Runs elsewhere: `ssh HOST`, `docker exec C`, `kubectl exec P`.
    public let remote: String?
    /// `NAME=value` set for this program (prefix assignments, `env NAME=value`).
    public let environment: [(String, String)]
    /// Written as a line typed into an interactive program: `!/bin/sh` in `less`, `vi`.
    public let typedEscape: Bool
    /// Arguments come from standard input (`xargs`): unknown at check time.
    public let argsFromInput: Bool
    /// Which program families it belongs to.
    public let kind: ProgramKind
    /// Its command has redirections: `!redirects.isEmpty` of the command it came from. The
    /// redirection helpers, asked several times per program, test this before reaching the
    /// command's redirections through the script. Figures: docs/benchmarks-gate.md.
    let hasRedirects: Bool

    init(
        program: String, written: String, pathClass: PathClass, command: Int,
        argWords: ArraySlice<ShellWord>, wrappers: [String], elevated: Bool, remote: String?,
        environment: [(String, String)], typedEscape: Bool, argsFromInput: Bool, hasRedirects: Bool
    ) {
        self.kind = ProgramKind.of(program)
        self.program = program
        self.written = written
        self.pathClass = pathClass
        self.args = argWords.map(\.value)
        self.positionals = self.args.filter { !$0.isOptionLike }
        self.argWords = argWords
        self.command = command
        self.wrappers = wrappers
        self.elevated = elevated
        self.remote = remote
        self.environment = environment
        self.typedEscape = typedEscape
        self.argsFromInput = argsFromInput
        self.hasRedirects = hasRedirects
    }

    /// Whether any argument equals one of `options`, or (for single-letter short options)
    /// appears inside a bundle like `-rf`.
    public func has(_ options: String...) -> Bool { hasAny(options) }

    public func hasAny(_ options: [String]) -> Bool {
        for a in args {
            for o in options {
                if a == o { return true }
                if o.hasPrefix("--"), a.hasPrefix(o + "=") { return true }
                // `-rf` contains `-r` and `-f`; only for short options, not `--long` or `-exec`.
                if o.utf8.count == 2, o.hasPrefix("-"), a.hasPrefix("-"), !a.hasPrefix("--"),
                    a.utf8.count > 2,
                    a.utf8.count <= 6,
                    a.utf8.dropFirst().allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) }
                    ),
                    let letter = o.utf8.last, a.utf8.dropFirst().contains(letter)
                {
                    return true
                }
            }
        }
        return false
    }

    /// The value of an option: `-o V`, `-oV`, `--opt V`, `--opt=V`.
    public func value(of options: String...) -> String? {
        for (k, a) in args.enumerated() {
            for o in options {
                if a == o { return k + 1 < args.count ? args[k + 1] : nil }
                if o.hasPrefix("--") {
                    if a.hasPrefix(o + "=") { return String(a.dropFirst(o.count + 1)) }
                } else if o.utf8.count == 2, a.hasPrefix(o), a.utf8.count > 2, !a.hasPrefix("--") {
                    return String(a.dropFirst(2))
                }
            }
        }
        return nil
    }

    /// Arguments that do not start with `-` (a rough positional list). Computed once: the
    /// detectors ask for it many times per invocation.
    public let positionals: [String]

    /// Global options that take their value as the next word, per program: skipped with
    /// their value before the subcommand, so `git -C dir push` is `push`.
    static let globalValueOptions: [String: Set<String>] = [
        "git": [
            "-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--config-env",
            "--list-cmds",
        ],
        "docker": [
            "--context", "-c", "-H", "--host", "--config", "--log-level", "-l", "--tlscacert", "--tlscert", "--tlskey",
        ],
        "podman": [
            "--connection", "-c", "--url", "--root", "--runroot", "--log-level", "--storage-driver", "--cgroup-manager",
        ],
        "nerdctl": ["--namespace", "-n", "--address", "-a", "--host", "-H", "--snapshotter"],
        "kubectl": [
            "-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--token",
            "--as", "--as-group", "--request-timeout", "-v", "--v", "--certificate-authority", "--client-key",
            "--client-certificate",
        ],
        "oc": ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--token"],
        "helm": ["-n", "--namespace", "--kube-context", "--kubeconfig", "--registry-config", "--repository-config"],
        "npm": ["--prefix", "-C", "--workspace", "-w", "--userconfig", "--globalconfig", "--cache", "--registry"],
        "pnpm": ["--dir", "-C", "--filter", "-F", "--workspace-dir"],
        "yarn": ["--cwd", "--modules-folder"],
        "cargo": ["-C", "--config", "-Z", "--manifest-path", "--color"],
        "gh": ["-R", "--repo", "--hostname"],
        "glab": ["-R", "--repo"],
        "aws": ["--profile", "--region", "--output", "--endpoint-url", "--query", "--ca-bundle", "--cli-read-timeout"],
        "gcloud": [
            "--project", "--account", "--configuration", "--format", "--verbosity", "--impersonate-service-account",
        ],
        "az": ["--subscription", "--output", "-o", "--query"],
        "systemctl": ["-H", "--host", "-M", "--machine", "--root", "-t", "--type", "-p", "--property", "--state"],
        "terraform": [],
        "make": ["-C", "--directory", "-f", "--file", "--makefile", "-j", "--jobs", "-I", "--include-dir"],
        "go": ["-C"],
        "svn": ["--username", "--password", "--config-dir"],
        "hg": ["-R", "--repository", "--cwd", "--config"],
        "ssh": [
            "-p", "-i", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-b", "-c", "-E", "-e", "-m", "-O", "-Q", "-S", "-W",
            "-w", "-B", "-I",
        ],
    ]

    /// The positional words that follow the program's global options (and a cargo/rustup
    /// `+toolchain`): what subcommand patterns match.
    public var commandWords: [String] {
        let values = Invocation.globalValueOptions[program] ?? []
        var j = 0
        while j < args.count {
            let a = args[j]
            if a.hasPrefix("-") {
                j += values.contains(a) ? 2 : 1
            } else if a.hasPrefix("+") && (program == "cargo" || program == "rustup") {
                j += 1
            } else {
                break
            }
        }
        guard j < args.count else { return [] }
        return [args[j]] + args[(j + 1)...].filter { !$0.isOptionLike }
    }

    /// The first argument that is not an option: the subcommand of `git`, `kubectl`, `docker`.
    public var subcommand: String? { args.first { !$0.isOptionLike } }
}

/// Classifies a program word and reduces it to its basename.
func programName(_ written: String, isStatic: Bool) -> (String, PathClass) {
    guard isStatic else { return (written, .dynamic) }
    guard let slash = written.lastSlashOffset else { return (written, .bare) }
    let base = String(decoding: written.utf8.dropFirst(slash + 1), as: UTF8.self)
    if written.hasPrefix("/") {
        for dir in [
            "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/",
            "/usr/libexec/",
        ]
        where written.hasPrefix(dir) {
            return (base, .system)
        }
        return (base, .absolute)
    }
    return (base, .relative)
}
