// Which resource limits a run ran into, and how cordon knows. The kernel does not report a
// limit hit to anyone but the process that hit it, so each is read from the best evidence
// there is, strongest first:
//   - output: cordon itself cut the stream (certain);
//   - memory, processes: the cgroup's event counters (memory.events oom_kill, pids.events max),
//     when cordon runs as root with cgroups (certain);
//   - file size, CPU: the command died of SIGXFSZ / SIGXCPU, the signals RLIMIT_FSIZE and
//     RLIMIT_CPU send (certain), or it exited 128+25 / 128+24, which is how a shell reports a
//     child of its own killed by them (named as such in the detail);
//   - open files, and memory or processes without cgroups: the failure only shows as an errno
//     inside the command (EMFILE, ENOMEM, EAGAIN from fork), so cordon looks for the
//     standard messages of those errors on the command's stderr (named as such in the detail).
import CSandbox
import CordonBase
import CordonPolicy
import Glibc

public struct LimitHit: Sendable, Equatable {
    /// The key under `sandbox.limits` (and the trace's `limit` name): output, file_size, cpu,
    /// memory, processes, open_files.
    public var limit: String
    /// The limit as configured, in the policy's units (bytes, seconds, a count).
    public var value: UInt64
    /// How cordon knows, in words.
    public var detail: String

    public init(limit: String, value: UInt64, detail: String) {
        self.limit = limit
        self.value = value
        self.detail = detail
    }

    /// The policy key that raises it.
    public var policyKey: String { "sandbox.limits.\(limit)" }

    /// The limit in words, for the stderr line.
    public var name: String {
        switch limit {
        case "file_size": "file size"
        case "open_files": "open files"
        case "cpu": "CPU time"
        default: limit
        }
    }

    /// The configured value, as a person would write it in the policy.
    public var valueText: String {
        switch limit {
        case "output", "file_size", "memory":
            PolicyUnits.formatSize(value).allSatisfy(\.isNumber) ? "\(value) bytes" : PolicyUnits.formatSize(value)
        case "cpu": "\(value) s"
        default: "\(value)"
        }
    }
}

/// The limit-related messages a command's stderr may carry, scanned as it streams through.
struct StderrHints {
    /// (pattern, limit) pairs: the strerror texts of the errnos a limit causes, and the
    /// runtimes' own wording for them.
    static let patterns: [(String, String)] = [
        ("Too many open files", "open_files"),
        ("Cannot allocate memory", "memory"),
        ("MemoryError", "memory"),
        ("out of memory", "memory"),
        ("memory exhausted", "memory"),
        ("fork: Resource temporarily unavailable", "processes"),
        ("Cannot fork", "processes"),
        ("can't fork", "processes"),
    ]
    /// Patterns are looked for only for limits the plan sets.
    let active: [([UInt8], String)]
    private(set) var seen: [String: String] = [:]
    /// The end of the previous chunk, so a message split across two reads is still found.
    private var tail: [UInt8] = []
    private let keep: Int

    init(limits: Set<String>) {
        active = Self.patterns.filter { limits.contains($0.1) }.map { (Array($0.0.utf8), $0.1) }
        keep = active.map(\.0.count).max() ?? 0
    }

    mutating func scan(_ buf: UnsafeRawBufferPointer) {
        guard !active.isEmpty, seen.count < active.count else { return }
        let window = tail + buf
        for (p, limit) in active where seen[limit] == nil {
            if Self.contains(window, p) { seen[limit] = String(decoding: p, as: UTF8.self) }
        }
        tail = Array(window.suffix(keep - 1))
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let first = needle.first else { return false }
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}

enum LimitDetection {
    /// Every limit the run hit, from the evidence the supervisor gathered.
    static func hits(
        plan: SpawnPlan, ended: WaitStatus, outputCut: Bool, cgroup: CgroupEvents?, hints: [String: String]
    ) -> [LimitHit] {
        var out: [LimitHit] = []
        func rlimit(_ resource: Int32) -> UInt64? { plan.rlimits.first { $0.resource == resource }?.value }
        if outputCut, let cap = plan.outputLimit {
            out.append(LimitHit(limit: "output", value: cap, detail: "output past \(cap) bytes was dropped"))
        }
        let signalLimits: [(Int32, String, Int32)] = [
            (SIGXFSZ, "file_size", Int32(CS_RLIMIT_FSIZE)), (SIGXCPU, "cpu", Int32(CS_RLIMIT_CPU)),
        ]
        for (sig, limit, resource) in signalLimits {
            guard let v = rlimit(resource) else { continue }
            switch ended {
            case .signaled(let s) where s == sig:
                out.append(LimitHit(limit: limit, value: v, detail: "the command was killed by \(signalName(sig))"))
            case .exited(let c) where c == 128 + sig:
                out.append(
                    LimitHit(
                        limit: limit, value: v,
                        detail:
                            "the command exited \(c), how a shell reports a child killed by \(signalName(sig))"))
            default: break
            }
        }
        if let m = plan.memoryLimit {
            if let n = cgroup?.oomKills, n > 0 {
                out.append(
                    LimitHit(
                        limit: "memory", value: m,
                        detail: "the kernel's OOM killer ended \(n) process\(n == 1 ? "" : "es") (cgroup memory.events)"
                    ))
            } else if let text = hints["memory"] {
                out.append(LimitHit(limit: "memory", value: m, detail: "the command reported '\(text)' on stderr"))
            }
        }
        if let p = plan.processLimit {
            if let n = cgroup?.pidsMax, n > 0 {
                out.append(
                    LimitHit(
                        limit: "processes", value: UInt64(p),
                        detail: "\(n) fork\(n == 1 ? " was" : "s were") refused (cgroup pids.events)"))
            } else if let text = hints["processes"] {
                out.append(
                    LimitHit(limit: "processes", value: UInt64(p), detail: "the command reported '\(text)' on stderr"))
            }
        }
        if let text = hints["open_files"], let v = rlimit(Int32(CS_RLIMIT_NOFILE)) {
            out.append(LimitHit(limit: "open_files", value: v, detail: "the command reported '\(text)' on stderr"))
        }
        return out
    }

    static func signalName(_ s: Int32) -> String {
        switch s {
        case SIGXFSZ: "SIGXFSZ"
        case SIGXCPU: "SIGXCPU"
        default: "signal \(s)"
        }
    }
}
