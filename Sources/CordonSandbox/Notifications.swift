import CSandbox
// The seam between the supervisor's poll loop (here) and the monitor (CordonMonitor): the
// loop owns the listener fd and calls the handler whenever it is readable.
import CordonBase

public enum NotifyOutcome: Sendable {
    case handled
    /// The monitor cannot go on safely: the sandbox is killed (fail closed) and cordon exits 125.
    case fatal(String)
}

public protocol NotificationHandler: AnyObject {
    /// Receives and answers one notification from `listener`.
    func handle(listener: Int32) -> NotifyOutcome
    /// Every notification before the command's first successful execve is the worker trying
    /// the exec candidates of the command cordon already gated: answered "continue".
    func initialExec(listener: Int32) -> NotifyOutcome
}

/// The default handling of the setup phase, shared by every handler.
public enum InitialExec {
    public static func allow(listener: Int32) -> NotifyOutcome {
        var n = cs_notif()
        let r = cs_notif_recv(listener, &n)
        if r == -Errno.notFound.rawValue { return .handled }
        if r < 0 { return .fatal("receiving a notification: \(Errno.text(-r))") }
        let s = cs_notif_respond(listener, n.id, 0, 1)
        if s < 0 && s != -Errno.notFound.rawValue { return .fatal("answering a notification: \(Errno.text(-s))") }
        return .handled
    }
}
