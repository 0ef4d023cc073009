// The one map from outcomes and failures to exit codes (DESIGN "Exit codes of cordon run").
// Every other file names these cases; no other file writes an exit-code number.
import CordonBase
import CordonGate
import CordonPolicy
import CordonSandbox

#if canImport(Glibc)
    import Glibc
#endif

public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    /// `doctor`: cordon must fall back to weaker isolation here.
    case degraded = 2
    case usage = 64
    case malformedInput = 65
    case approvalPending = 75
    case blocked = 77
    case invalidPolicy = 78
    /// An anomaly response of `kill` ended the run (monitor.anomaly.response).
    case anomalyKilled = 79
    case timedOut = 124
    case runnerFailed = 125
    case notExecutable = 126
    case notFound = 127

    /// Shells and DESIGN report a death by signal N as 128+N.
    static let signalBase: Int32 = 128

    /// What `check`, `inspect` and `validate` exit with for a decision.
    public static func of(_ decision: DecisionKind) -> ExitCode {
        switch decision {
        case .allow: .success
        case .requiresApproval: .approvalPending
        case .block: .blocked
        }
    }

    /// A process's own end: its exit code, or 128+N when killed by signal N.
    public static func of(_ status: WaitStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): signalBase + signal
        }
    }

    /// A sandboxed run's end.
    public static func of(_ status: RunOutcome.Status) -> Int32 {
        switch status {
        case .exited(let c): c
        case .signaled(let s), .interrupted(let s): signalBase + s
        case .timedOut: ExitCode.timedOut.rawValue
        case .monitorFailed, .stuck: ExitCode.runnerFailed.rawValue
        }
    }

    /// execve of the command itself failed: ENOENT is "not found" (127), anything else "not
    /// executable" (126), as shells report it.
    public static func ofExec(_ e: Errno) -> ExitCode {
        e == .notFound ? .notFound : .notExecutable
    }

    /// `doctor`: 0 with the full sandbox, 2 when cordon falls back, 1 when nothing isolates.
    public static func of(_ level: IsolationLevel) -> ExitCode {
        switch level {
        case .full: .success
        case .degraded: .degraded
        case .none: .failure
        }
    }

    public var isSuccess: Bool { self == .success }
}
