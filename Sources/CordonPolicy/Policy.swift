// The validated policy model. Every section of DESIGN's policy shape is represented here, even
// those a later component acts on, so a policy file is fully checked the day it is written.
// Loading (YAML/JSON, positions, defaults, extends) lives in PolicyLoader; this file is data only.

/// Where a policy came from: shown in traces and `policy show`, hashed for the seccomp cache.
public struct PolicySource: Sendable, Equatable {
    /// Path as given, or `<embedded default>`.
    public var path: String
    /// Lower-case hex SHA-256 of the policy text as read (before `${VAR}` expansion). For a
    /// policy that `extends` another: of its text followed by `\nextends:` and the parent's
    /// hash, so editing a parent changes the child's hash too.
    public var sha256: String
    /// The parent files read from disk for `extends` (embedded parents are not files), in the
    /// order read. With `path`, every file the policy depends on.
    public var parents: [String] = []
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// A position in a policy file, 1-based, for `FILE:LINE:COL` messages.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

public struct Policy: Sendable, Equatable {
    public var agentId: String?
    public var version: String?
    public var environment: String?
    public var scan = ScanPolicy()
    public var monitor = MonitorPolicy()
    public var gate = GatePolicy()
    public var sandbox = SandboxPolicy()
    public var log = LogPolicy()
    public var approvals = ApprovalPolicy()
    public var source = PolicySource(path: "<none>", sha256: "")
    public init() {}
}

public struct ScanPolicy: Sendable, Equatable {
    public var minScore: Int?
    /// Levels that fail a scan, upper-case as in AgentCop files: CRITICAL, HIGH, MEDIUM, LOW.
    public var failOn: [String] = []
    /// `cordon run` scans `paths` (relative to the workspace) before starting the command.
    public var onStart = false
    public var paths: [String] = ["."]
    /// `block` (the run does not start, exit 77) or `warn` (findings on stderr, it starts).
    public var onFail = "block"
    public init() {}
}

public struct AlertChannel: Sendable, Equatable {
    public var type: String
    /// Remaining string keys of the channel (url, webhook, secret, to, path, ...), after
    /// `${VAR}` expansion. A slack channel's `url` is stored as `webhook`.
    public var settings: [String: String] = [:]
    /// A `command` channel's program and arguments (argv[0] a path or a name on PATH).
    public var argv: [String] = []
    /// Alerts below this level (`low medium high critical`) are not sent on this channel.
    public var minLevel = "low"
    public init(type: String, settings: [String: String] = [:], argv: [String] = [], minLevel: String = "low") {
        self.type = type
        self.settings = settings
        self.argv = argv
        self.minLevel = minLevel
    }
}

/// What raises an alert besides the anomaly detector (`monitor.alert_on`).
public struct AlertTriggers: Sendable, Equatable {
    /// A block of critical level (score 80-100), by the gate before the run or inside it.
    public var criticalBlock = true
    /// The monitor saw tampering (an exec changed after the gate approved it).
    public var tamper = true
    /// Seconds an approval may wait for a person before an alert says so (nil: never).
    public var approvalWait: Double? = 5 * 60
    public init() {}
}

/// How alerts are delivered (`monitor.alert_delivery`): never on the run's own path.
public struct AlertDelivery: Sendable, Equatable {
    /// Seconds one attempt may take (connect, send, answer) before it counts as failed.
    public var timeout: Double = 5
    /// Further attempts after a failed one, with growing pauses (0.25s, 0.5s, 1s, ...).
    public var retries = 3
    /// Seconds cordon waits at the run's end for alerts still queued or in flight.
    public var drain: Double = 2
    /// Alerts each channel holds while earlier ones are sent; past it the oldest is dropped.
    public var queue = 256
    public init() {}
}

/// What the monitor can be asked to report (`monitor.events`): the one list the policy
/// accepts, the sandbox turns into notify rules, and the monitor names its trace events by.
public enum MonitorEventKind: String, CaseIterable, Sendable {
    case exec, connect
    case fileWrite = "file_write"
    case unlink, rename, chmod, chown, truncate, link, mknod

    /// Every kind, by name: the default when a policy names none.
    public static var allNames: [String] { allCases.map(\.rawValue) }
}

public struct MonitorPolicy: Sendable, Equatable {
    public var enabled = true
    /// low | medium | high
    public var sensitivity = "medium"
    public var alertChannels: [AlertChannel] = []
    public var alertOn = AlertTriggers()
    public var alertDelivery = AlertDelivery()
    /// Event kinds the monitor asks the kernel about (nil = the monitor's default set).
    public var events: [String]?
    /// Anomaly detection against the agent's profile (AnomalyPolicy.swift).
    public var anomaly = AnomalyPolicy()
    public init() {}
}

/// The three answers the gate can give. Raw values are the wire format everywhere.
public enum DecisionKind: String, Sendable, Equatable, Comparable, CaseIterable {
    case allow
    case requiresApproval = "requires_approval"
    case block

    /// Strictness order: the strictest decision wins.
    public var strictness: Int {
        switch self {
        case .allow: 0
        case .requiresApproval: 1
        case .block: 2
        }
    }
    public static func < (a: DecisionKind, b: DecisionKind) -> Bool { a.strictness < b.strictness }
}

public struct CommandLists: Sendable, Equatable {
    /// Program names or token prefixes with `|` alternatives, e.g. `git push --force|-f`.
    public var allow: [String] = []
    public var requireApproval: [String] = []
    public var block: [String] = []
    public init() {}
}

public struct Thresholds: Sendable, Equatable {
    public var requireApproval = 60
    public var block = 80
    public init() {}
}

/// One example attached to a rule: a shell command, or a set of action fields
/// (`action_type`, `environment`, `tool`, context keys) for non-shell actions.
public enum RuleExample: Sendable, Equatable {
    case command(String)
    case fields([String: String])
}

public struct RuleMatch: Sendable, Equatable {
    /// Glob on the tool name (`shell` for commands from `cordon run`).
    public var tool: String?
    public var actionType: String?
    public var environment: String?
    /// Exact matches on request context fields.
    public var context: [String: String] = [:]
    /// Program/token prefix with `|` alternatives, as in `gate.commands`.
    public var command: String?
    public init() {}
}

public struct GateRule: Sendable, Equatable {
    public var id: String
    public var match = RuleMatch()
    public var decision: DecisionKind
    public var score: Int?
    public var reason: String?
    public var examplesMatch: [RuleExample] = []
    public var examplesNotMatch: [RuleExample] = []
    /// Where each example was written, index for index with `examplesMatch` and
    /// `examplesNotMatch` (empty for rules built in code), so a violated example is
    /// reported at its own line rather than the rule's.
    public var examplesMatchLocations: [SourceLocation] = []
    public var examplesNotMatchLocations: [SourceLocation] = []
    public var location: SourceLocation?
    public init(id: String, decision: DecisionKind) {
        self.id = id
        self.decision = decision
    }
}

/// Silences one named detector for actions matching `match` (a command prefix like the
/// `gate.commands` syntax, e.g. `rm -rf build/`). The only way to quiet a detector.
public struct GateException: Sendable, Equatable {
    public var detector: String
    public var match: String
    public var reason: String?
    public var location: SourceLocation?
    public init(detector: String, match: String) {
        self.detector = detector
        self.match = match
    }
}

public struct GatePolicy: Sendable, Equatable {
    /// Tool-name globs.
    public var allow: [String] = []
    public var requireApproval: [String] = []
    public var block: [String] = []
    public var commands = CommandLists()
    /// AgentCop's `on_block`: raise | raise_and_alert | log.
    public var onBlock: String?
    public var thresholds = Thresholds()
    public var rules: [GateRule] = []
    public var exceptions: [GateException] = []
    public init() {}
}

public enum SandboxMode: String, Sendable, Equatable {
    case namespaces
    case landlock
    case rootfs
}

public enum NetworkMode: String, Sendable, Equatable {
    case none
    case host
    case allowList = "allow-list"
    /// An empty network namespace whose only way out is cordon's filtering proxy, which decides
    /// on the requested host name (`network_domains`).
    case domains
}

/// `sandbox.network_domains`: host name patterns for `network: domains`. `name` matches that
/// host only; `*.name` matches its subdomains only (not `name` itself). Deny wins over ask,
/// ask over allow; a host no entry matches is refused.
public struct NetworkDomains: Sendable, Equatable {
    public var allow: [String] = []
    public var deny: [String] = []
    public var ask: [String] = []
    /// `proxy_env`: set the proxy variables inside (HTTP_PROXY and the rest, docs/network.md).
    /// false: tools reach hosts by name only (cordon's DNS and connects), whose bytes never pass
    /// through cordon; the decisions are the same.
    public var proxyEnvironment = true
    public init(allow: [String] = [], deny: [String] = [], ask: [String] = [], proxyEnvironment: Bool = true) {
        self.allow = allow
        self.deny = deny
        self.ask = ask
        self.proxyEnvironment = proxyEnvironment
    }
}

public struct FilesystemPolicy: Sendable, Equatable {
    /// Read-write workspace, mounted at its own absolute path. Relative to the cwd.
    public var workspace = "."
    /// Host paths bound read-only into the sandbox (system paths).
    public var readOnly: [String] = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/opt"]
    /// Extra host paths bound read-write.
    public var readWrite: [String] = []
    public var tmpfs: [String] = ["/tmp"]
    /// Covered by empty read-only mounts; `~` is the invoking user's home.
    public var hide: [String] = FilesystemPolicy.defaultHide

    /// Credentials and secrets a command has no business reading, even with the workspace at
    /// `$HOME`: keys and cloud logins, git and package-registry tokens, password stores and
    /// keyrings, and shell and REPL histories (which hold pasted tokens). A shell builtin such as
    /// `read l < ~/.git-credentials` is no command the gate sees, so these are hidden from the
    /// filesystem itself. Only paths that exist are covered (docs/policy.md).
    public static let defaultHide: [String] = [
        "~/.ssh", "~/.aws", "~/.gnupg", "~/.kube", "~/.docker", "~/.config/gcloud", "~/.netrc", "~/.git-credentials",
        "~/.config/git/credentials", "~/.config/gh", "~/.npmrc", "~/.yarnrc.yml", "~/.pypirc",
        "~/.cargo/credentials", "~/.cargo/credentials.toml", "~/.gem/credentials",
        "~/.terraform.d/credentials.tfrc.json", "~/.azure", "~/.vault-token", "~/.pgpass", "~/.my.cnf",
        "~/.m2/settings.xml", "~/.password-store", "~/.local/share/keyrings", "~/.bash_history", "~/.zsh_history",
        "~/.python_history", "~/.psql_history", "~/.mysql_history", "~/.node_repl_history", "~/.sqlite_history",
        // cordon's own keys: whoever reads the approver key can approve, whoever reads the
        // store key can forge remembered rules (docs/approvals.md). Hidden even when a policy's
        // own list leaves it out (PlanBuilder).
        cordonKeys,
    ]
    public static let cordonKeys = "~/.config/cordon"
    /// Where execution is allowed (Landlock); nil = read-only system paths + workspace.
    public var exec: [String]?
    /// Whether a program may run from an anonymous memory file (memfd_create + fexecve): off by
    /// default, since such a program has no file to be judged by (security issue A.3).
    public var execMemfd = false
    /// Files and directories in the workspace (relative to it) that the command may read but
    /// not change: code there runs later on the host, outside any sandbox (git hooks and
    /// config, CI and editor task files, shell start-up files). Mounted read-only when they
    /// exist (security issue C.7; docs/policy.md).
    public var protect: [String] = FilesystemPolicy.defaultProtect

    public static let defaultProtect: [String] = [
        ".git/hooks", ".git/config", ".git/info/attributes", ".gitmodules", ".github/workflows", ".gitlab-ci.yml",
        ".circleci", ".travis.yml", "Jenkinsfile", "azure-pipelines.yml", ".buildkite", ".drone.yml",
        ".vscode/tasks.json", ".vscode/launch.json", ".vscode/settings.json", ".idea/workspace.xml", ".envrc",
        ".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin",
        ".config/fish/config.fish", ".config/autostart", ".config/systemd/user", ".pre-commit-config.yaml",
        ".husky",
    ]
    public init() {}
}

public struct Limits: Sendable, Equatable {
    /// Bytes of address space (RLIMIT_AS) and, as root, the cgroup memory limit.
    public var memory: UInt64? = 4 << 30
    public var processes: Int? = 256
    public var openFiles: Int? = 1024
    public var fileSize: UInt64? = 1 << 30
    /// CPU seconds (RLIMIT_CPU).
    public var cpu: Int?
    /// Bytes of stdout+stderr passed through before the rest is dropped.
    public var output: UInt64? = 16 << 20
    /// Bytes each scratch tmpfs (/tmp, /dev/shm, `filesystem.tmpfs`) may hold. A tmpfs is host
    /// memory outside every rlimit: without a size the kernel allows half of RAM per mount.
    public var tmpfs: UInt64? = 1 << 30
    /// Bytes of the run's JSON trace for what it did (decisions, execs, connects, file changes);
    /// past it those events are dropped and counted (gate.log keeps every decision).
    public var trace: UInt64? = 64 << 20
    public init() {}
}

public struct EnvPolicy: Sendable, Equatable {
    /// Host variables passed through by name.
    public var pass: [String] = []
    /// Variables set explicitly.
    public var set: [String: String] = [:]
    /// The caller's variables the command gets by default (`NAME`, or `PREFIX_*`): PATH (only
    /// its entries the sandbox can see), locale, timezone and who the user is.
    public var inherit: [String] = EnvPolicy.defaultInherit
    /// Toolchain roots made visible read-only when an entry of the caller's PATH lies under
    /// them (`/opt`: the directory below it, e.g. /opt/swift). Never a hidden path.
    public var toolchains: [String] = EnvPolicy.defaultToolchains
    public init() {}

    public static let defaultInherit = [
        "PATH", "LANG", "LANGUAGE", "LC_*", "TZ", "USER", "LOGNAME", "TERM", "COLORTERM", "NO_COLOR", "TMPDIR",
    ]
    public static let defaultToolchains = ["/opt", "~/.pyenv", "~/.cargo/bin", "~/.local/bin", "~/.nvm"]
}

/// The command's private, writable HOME and what of the caller's home it holds.
public struct HomePolicy: Sendable, Equatable {
    /// Files or directories under the caller's home copied (read-only) into the private HOME,
    /// unless hidden (`filesystem.hide`) or holding credentials.
    public var copy: [String] = HomePolicy.defaultCopy
    public init() {}

    public static let defaultCopy = ["~/.gitconfig", "~/.config/git", "~/.npmrc", "~/.pypirc", "~/.config/pip"]
}

public struct SandboxPolicy: Sendable, Equatable {
    public var mode = SandboxMode.namespaces
    /// For `mode: rootfs`: an unpacked image directory.
    public var root: String?
    /// Layers that must be present or the run is refused (e.g. `namespaces`).
    public var require: [String] = []
    /// Wall-clock seconds.
    public var timeout: Double = 60
    /// Seconds between SIGTERM and SIGKILL at timeout.
    public var grace: Double = 2
    public var network = NetworkMode.none
    /// `host:port`, `CIDR:port` entries for `network: allow-list`.
    public var networkAllow: [String] = []
    /// Host name patterns for `network: domains`.
    public var networkDomains = NetworkDomains()
    /// Pathname unix sockets the command may connect to although they were not bound inside
    /// the sandbox (a host service's socket); with `network: none` or `domains` nothing else
    /// outside is reachable that way (security issue B.6).
    public var unixSockets: [String] = []
    public var filesystem = FilesystemPolicy()
    public var limits = Limits()
    /// A profile name from `sandbox/seccomp/`.
    public var seccomp = "default"
    public var env = EnvPolicy()
    public var home = HomePolicy()
    /// Host uid/gid the sandbox user maps to when cordon runs as root.
    public var uid: UInt32 = 65534
    public var gid: UInt32 = 65534
    public init() {}
}

public struct LogPolicy: Sendable, Equatable {
    public var maxSize: UInt64 = 64 << 20
    public var keep = 5
    public init() {}
}

public struct ApprovalPolicy: Sendable, Equatable {
    /// Seconds a pending approval waits for a person before it expires (a run then exits 75, a
    /// held exec gets EPERM); 0 = do not wait (expired at once, still recorded to look up).
    public var timeout: Double = 15 * 60
    public init() {}
}
