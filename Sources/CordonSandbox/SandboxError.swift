// The one error type of the spawn boundary: which stage failed, what it was doing, and the
// errno behind it. The child reports `{stage, errno, index}` on its error pipe using csandbox.h's
// `enum cs_stage`; `ChildStage` reads those numbers through the header's own constants, so C
// and Swift cannot drift apart.
import CSandbox
import CordonBase

/// A step of the child between clone and execve, numbered by csandbox.h's `enum cs_stage`.
public struct ChildStage: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    init(_ c: cs_stage) { rawValue = Int32(c.rawValue) }

    public static let mount = ChildStage(CS_STAGE_MOUNT_OP)
    public static let exec = ChildStage(CS_STAGE_EXEC)

    /// The stage as the error message names it.
    public var name: String {
        switch cs_stage(rawValue: UInt32(bitPattern: rawValue)) {
        case CS_STAGE_SYNC: "sync with parent"
        case CS_STAGE_PDEATHSIG: "parent-death signal"
        case CS_STAGE_SETSID: "setsid"
        case CS_STAGE_HOSTNAME: "sethostname"
        case CS_STAGE_LOOPBACK: "loopback"
        case CS_STAGE_MOUNT_PRIVATE: "mount (private propagation)"
        case CS_STAGE_ROOT_TMPFS: "mount (root tmpfs)"
        case CS_STAGE_PIVOT_ROOT: "pivot_root"
        case CS_STAGE_MOUNT_OP: "mount"
        case CS_STAGE_ENTER_ROOT: "enter new root"
        case CS_STAGE_SPAWN_WORKER: "clone (worker)"
        case CS_STAGE_RLIMIT: "setrlimit"
        case CS_STAGE_STDIO: "stdio"
        case CS_STAGE_CLOSE_RANGE: "close_range"
        case CS_STAGE_SETGROUPS: "setgroups"
        case CS_STAGE_SETGID: "setgid"
        case CS_STAGE_SETUID: "setuid"
        case CS_STAGE_CAPS: "drop capabilities"
        case CS_STAGE_NO_NEW_PRIVS: "no_new_privs"
        case CS_STAGE_SIGNALS: "signal reset"
        case CS_STAGE_CHDIR: "chdir"
        case CS_STAGE_LANDLOCK: "landlock"
        case CS_STAGE_SECCOMP: "seccomp"
        case CS_STAGE_EXEC: "execve"
        case CS_STAGE_CLONE: "clone3"
        case CS_STAGE_BRIDGE: "proxy bridge (listen on the sandbox's loopback)"
        case CS_STAGE_WARM: "prepared sandbox (receive the run)"
        case CS_STAGE_CGROUP: "join cgroup"
        default: "stage \(rawValue)"
        }
    }
}

public struct SandboxError: Error, Sendable, CustomStringConvertible {
    public enum Stage: Sendable, Equatable, CustomStringConvertible {
        /// A step of the child, reported on its error pipe.
        case child(ChildStage)
        /// clone3 itself, in the parent: the kernel refused the new namespaces (the namespace
        /// fallback decides on this stage and its errno).
        case clone
        /// Turning the policy into a spawn plan (paths, the rootfs).
        case plan
        case seccomp
        case landlock
        case namespaces
        /// No layer at all could be had.
        case isolation
        /// The monitor failed while the worker's own exec waited for it.
        case monitor
        /// One of the parent's own setup calls, named as a person would: `pipe`, `poll`,
        /// `write /proc/42/uid_map`, `cgroup mkdir /sys/fs/cgroup/...`.
        case setup(String)

        public var description: String {
            switch self {
            case .child(let c): c.name
            case .clone: "clone3"
            case .plan: "plan"
            case .seccomp: "seccomp"
            case .landlock: "landlock"
            case .namespaces: "namespaces"
            case .isolation: "isolation"
            case .monitor: "monitor"
            case .setup(let what): what
            }
        }
    }

    public var stage: Stage
    /// What was being done, lower-case: `(bind /oldroot/x -> /newroot/x)`, `rule for ptrace`.
    public var message: String
    /// The cause, when a syscall failed.
    public var errno: Errno?

    public init(_ stage: Stage, _ message: String = "", errno: Errno? = nil) {
        self.stage = stage
        self.message = message
        self.errno = errno
    }

    /// execve itself failed: ENOENT means "not found" (127), anything else "not executable" (126).
    public var isExec: Bool { stage == .child(.exec) }

    /// `mount: (tmpfs /newroot/tmp): Permission denied`.
    public var description: String {
        guard let e = errno else { return "\(stage): \(message)" }
        return "\(stage): \(message)\(message.isEmpty ? "" : ": ")\(e)"
    }
}
