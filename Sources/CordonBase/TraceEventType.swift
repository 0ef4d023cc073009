// The trace's event types: the one list in code. Writers (the Runner, the recorder, the
// monitor) name these cases; readers know them; docs/trace.schema.json enumerates the same
// names, and a test holds the two together.

public enum TraceEventType: String, CaseIterable, Sendable {
    case runStart = "run_start"
    case decision
    /// The monitor's events: one per exec, connect and file change inside the sandbox.
    case exec, connect
    case fileWrite = "file_write"
    case unlink, rename, chmod, chown, truncate, link, mknod
    /// The monitor saw the sandbox try to break a promise (an exec changed after approval).
    case violation
    case anomaly
    case approvalRequested = "approval_requested"
    case approvalApproved = "approval_approved"
    case approvalRejected = "approval_rejected"
    /// An approval's transition (requested, approved, rejected, expired, cancelled) with its
    /// id and who moved it; the three above are read from older traces only.
    case approval
    /// An alert was raised (what, for whom, which channels take it), and one a channel did not
    /// take after its retries (or dropped from a full queue, or left at exit).
    case alert
    case alertFailed = "alert_failed"
    case limit, timeout
    case isolationFallback = "isolation_fallback"
    case runEnd = "run_end"
}
