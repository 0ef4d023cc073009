// The flat, fully resolved description of one sandboxed run. Everything the child needs is
// computed here, in the parent, from the policy and the request: the child only reads it.
import CSandbox
import CordonBase
import CordonPolicy
import Glibc

/// Which isolation layers a run uses. Recorded in the trace and printed by `doctor`.
public struct IsolationLayers: Sendable, Equatable, CustomStringConvertible {
    public var namespaces: Bool
    public var landlockABI: Int?
    public var seccomp: Bool
    public var rlimits: Bool
    public var cgroups: Bool
    public var monitor: Bool
    public init(namespaces: Bool, landlockABI: Int?, seccomp: Bool, rlimits: Bool, cgroups: Bool, monitor: Bool = false)
    {
        self.namespaces = namespaces
        self.landlockABI = landlockABI
        self.seccomp = seccomp
        self.rlimits = rlimits
        self.cgroups = cgroups
        self.monitor = monitor
    }
    public var names: [String] {
        var n: [String] = []
        if namespaces { n.append("namespaces") }
        if let abi = landlockABI { n.append("landlock(abi \(abi))") }
        if seccomp { n.append("seccomp") }
        if rlimits { n.append("rlimits") }
        if cgroups { n.append("cgroups") }
        if monitor { n.append("monitor") }
        return n
    }
    public var description: String { names.isEmpty ? "none" : names.joined(separator: ", ") }
    /// The trace's vocabulary (docs/trace.schema.json, run_start.isolation).
    public var traceNames: [String] {
        var n: [String] = []
        if namespaces { n += ["user-ns", "pid-ns", "mount-ns", "net-ns", "ipc-ns", "uts-ns", "cgroup-ns"] }
        if seccomp { n.append("seccomp") }
        if landlockABI != nil { n.append("landlock") }
        if rlimits { n.append("rlimits") }
        if cgroups { n.append("cgroups") }
        n.append("timeout")
        if monitor { n.append("monitor") }
        return n
    }
}

/// What a caller asks for: the command, where, and under which policy.
public struct SandboxRequest: Sendable {
    public var argv: [String]
    public var policy: Policy
    /// Absolute, symlinks resolved.
    public var workspace: String
    /// Absolute working directory for the command (the caller's cwd when inside the workspace).
    public var cwd: String
    /// The caller's environment: source of `--env-pass` values, `HOME` for `~` in hide paths.
    public var hostEnvironment: [String: String]
    /// Extra host paths to hide (cordon's own `.cordon/` state, log and trace directories).
    public var hide: [String] = []
    /// Variables to pass through besides the policy's `sandbox.env.pass`.
    public var envPass: [String] = []
    /// The run's private HOME on the host (PrivateHome), bound writable at its own path.
    public var home: String?
    /// `network: domains`: where the sandbox's proxy ports go (cordon's proxy).
    public var proxyBridge: ProxyBridge?
    /// Give the command its own pseudo-terminal, relayed to the caller's (PseudoTerminal).
    public var pty = false
    public init(argv: [String], policy: Policy, workspace: String, cwd: String, hostEnvironment: [String: String]) {
        self.argv = argv
        self.policy = policy
        self.workspace = workspace
        self.cwd = cwd
        self.hostEnvironment = hostEnvironment
    }

    /// Every input of the plan equal (PreparedSandbox.madeFor): the same plan would be built.
    /// A proxy bridge belongs to one run, so a request with one is never the same run.
    func sameRun(as o: SandboxRequest) -> Bool {
        argv == o.argv && workspace == o.workspace && cwd == o.cwd && hostEnvironment == o.hostEnvironment
            && hide == o.hide && envPass == o.envPass && pty == o.pty && proxyBridge == nil && o.proxyBridge == nil
            && policy == o.policy
    }
}

/// One mount-building step, in Swift form (see `struct cs_op`).
public struct MountOp: Sendable, Equatable {
    public enum Kind: Sendable {
        case mkdir, mkfile, bind, tmpfs, proc, devpts, symlink, setattr
        /// A writable place as root: `source` is the host path (no /oldroot prefix). The parent
        /// clones its mount tree, idmapped from its owner to the sandbox's host uid, and the
        /// child moves it onto `target` (Sandbox.prepareAttachments).
        case attach

        /// csandbox.h's `enum cs_op_kind` value for this step.
        public var rawValue: Int32 {
            let c: cs_op_kind
            switch self {
            case .mkdir: c = CS_OP_MKDIR
            case .mkfile: c = CS_OP_MKFILE
            case .bind: c = CS_OP_BIND
            case .tmpfs: c = CS_OP_TMPFS
            case .proc: c = CS_OP_PROC
            case .devpts: c = CS_OP_DEVPTS
            case .symlink: c = CS_OP_SYMLINK
            case .setattr: c = CS_OP_SETATTR
            case .attach: c = CS_OP_ATTACH
            }
            return Int32(c.rawValue)
        }
    }
    public struct Flags: OptionSet, Sendable, Equatable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        // The bits of csandbox.h's `enum cs_op_flags`, read from the header.
        public static let readOnly = Flags(rawValue: CS_F_RDONLY.rawValue)
        public static let noExec = Flags(rawValue: CS_F_NOEXEC.rawValue)
        public static let noSuid = Flags(rawValue: CS_F_NOSUID.rawValue)
        public static let noDev = Flags(rawValue: CS_F_NODEV.rawValue)
        public static let optional = Flags(rawValue: CS_F_OPTIONAL.rawValue)
    }
    public var kind: Kind
    public var flags: Flags = []
    public var source: String?
    public var target: String
    public var data: String?
}

public struct LandlockRule: Sendable, Equatable {
    public var path: String
    public var access: UInt64
}

public struct SpawnPlan {
    public var layers: IsolationLayers
    public var argv: [String]
    public var environment: [String]
    public var execCandidates: [String]
    public var cwd: String
    public var mounts: [MountOp]
    public var landlockRules: [LandlockRule]
    public var landlockHandledFS: UInt64
    public var landlockHandledNet: UInt64
    public var landlockScoped: UInt64
    public var rlimits: [(resource: Int32, value: UInt64)]
    /// uid/gid inside the sandbox and the host ids they map to.
    public var uid: UInt32
    public var gid: UInt32
    public var hostUID: UInt32
    public var hostGID: UInt32
    public var hostIsRoot: Bool
    /// The workspace's host path: as root, the fallback when its filesystem cannot idmap is
    /// decided for it (Sandbox.prepareAttachments).
    public var workspace: String = ""
    public var timeout: Double
    public var grace: Double
    public var outputLimit: UInt64?
    public var memoryLimit: UInt64?
    public var processLimit: Int?
    public var network: NetworkMode
    public var seccomp: SeccompProgram?
    /// Install the filter with a notification listener and hand it to this handler.
    public var monitor: NotificationHandler?
    /// The run's private HOME on the host, owned by the sandbox's host uid (PrivateHome).
    public var home: String?
    /// `network: domains`: the child binds the proxy ports on its loopback and hands them here.
    public var bridge: ProxyBridge?
    /// The command's stdio is a pty of its own (SandboxRequest.pty).
    public var pty = false
    /// The worker writes the listener's number and cordon takes it with pidfd_getfd (false:
    /// SCM_RIGHTS, where pidfd_getfd is refused; Probe.takesDescriptors).
    public var takesListener = true

    /// Whether the worker sends, with the listener, a sock_diag socket of the sandbox's private
    /// network namespace: only there does "bound in this namespace" mean "bound inside the
    /// sandbox" (the monitor's unix-socket check, security issue B.6).
    public var sendsDiagSocket: Bool {
        monitor != nil && layers.namespaces && (network == .none || network == .domains)
    }
}

enum PathTools {
    /// Joins and normalises `.`/`..` lexically (no symlink resolution).
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isUnder(_ path: String, _ dir: String) -> Bool {
        dir == "/" || path == dir || path.hasPrefix(dir + "/")
    }

    enum Kind {
        case missing
        case directory
        case file
        case symlink(String)
        case other
    }

    static func lkind(_ path: String) -> Kind {
        var st = stat()
        if lstat(path, &st) != 0 { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        case S_IFLNK:
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(path, &buf, buf.count - 1)
            if n < 0 { return .missing }
            return .symlink(String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        default: return .other
        }
    }

    /// realpath(3), or nil when the path does not exist.
    public static func real(_ path: String) -> String? { FileIO.realPath(path) }

    static func expandHome(_ path: String, home: String?) -> String? {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home.map { $0 + String(path.dropFirst(1)) } }
        return path
    }
}
