import CSandbox
// The seam between the supervisor's poll loop (here) and the monitor (CordonMonitor): the
// loop owns the listener fd and calls the handler whenever it is readable.
import CordonBase
import Glibc

public enum NotifyOutcome: Sendable {
    case handled
    /// The monitor cannot go on safely: the sandbox is killed (fail closed) and cordon exits 125.
    case fatal(String)
}

public protocol NotificationHandler: AnyObject {
    /// Receives and answers one notification from `listener`.
    func handle(listener: Int32) -> NotifyOutcome
    /// Before the command's first successful execve. The worker's own attempts at the exec
    /// candidates of the command cordon already gated are answered "continue" — identified
    /// exactly (cordon's own image, a candidate path, the approved argv), because the command
    /// that starts running before cordon sees the error pipe's EOF may notify too, and its
    /// first exec or connect must be judged like any other (security issue A.1).
    func initialExec(listener: Int32, candidates: [String], argv: [String]) -> NotifyOutcome
    /// Seconds until the handler wants `tick` called (it holds notifications unanswered while a
    /// person decides); nil when it holds none.
    var tickInterval: Double? { get }
    /// Called every `tickInterval` while the run goes on: answers what has been decided.
    func tick(listener: Int32) -> NotifyOutcome
    /// A NETLINK_SOCK_DIAG socket of the sandbox's own network namespace (SpawnPlan.sendsDiagSocket),
    /// which the handler then owns: it lists the unix sockets bound inside the sandbox.
    func adopt(socketDiagnostics fd: Int32)
    /// pidfd_getfd is refused here: calls cannot be made for the process (Probe.takesDescriptors).
    func cannotActForProcess()
}

extension NotificationHandler {
    public func adopt(socketDiagnostics fd: Int32) { close(fd) }
    public func cannotActForProcess() {}
}
