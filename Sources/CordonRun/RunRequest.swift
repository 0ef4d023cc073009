// What one `cordon run` is asked to do, resolved by the caller (the CLI parses options; the
// Runner decides, records and runs).
import CordonAudit
import CordonPolicy
import CordonSandbox

/// What to do when the gate says requires_approval.
public enum ApprovalMode: String, Sendable, CaseIterable {
    /// Ask a person on the terminal (/dev/tty); without one, queue.
    case prompt
    /// Queue the approval in the store and wait for `cordon approvals approve|reject`.
    case queue
    /// Refuse: the run exits 75 and execs inside are refused (recorded as expired approvals).
    case deny
}

public struct RunRequest: Sendable {
    public var argv: [String]
    /// The effective policy (command-line overrides of timeout, network and monitor applied).
    public var policy: Policy
    /// The policy file as given (absolute), hidden from the command; nil for the embedded one.
    public var policyFile: String?
    /// The real path of the read-write workspace.
    public var workspace: String
    /// Where the command starts (inside the workspace).
    public var startDirectory: String
    public var logDirectory: LogDirectory
    /// A trace file outside the log directory (`--trace`).
    public var tracePath: String?
    public var agent: String
    public var session: String
    public var project: String?
    /// Host variables passed through (`--env-pass`).
    public var envPass: [String] = []
    public var approval: ApprovalMode
    /// A person can answer on the terminal (stdin is a TTY).
    public var terminal: Bool
    /// Run without any sandbox (`--unsandboxed`): only the gate decides.
    public var unsandboxed = false
    /// Give the command its own pseudo-terminal (`--pty`, the default in a terminal).
    public var pty = false
    public var hostEnvironment: [String: String]
    public var probe: Probe

    public init(
        argv: [String], policy: Policy, policyFile: String?, workspace: String, startDirectory: String,
        logDirectory: LogDirectory, tracePath: String?, agent: String, session: String, project: String?,
        approval: ApprovalMode, terminal: Bool, hostEnvironment: [String: String], probe: Probe
    ) {
        self.argv = argv
        self.policy = policy
        self.policyFile = policyFile
        self.workspace = workspace
        self.startDirectory = startDirectory
        self.logDirectory = logDirectory
        self.tracePath = tracePath
        self.agent = agent
        self.session = session
        self.project = project
        self.approval = approval
        self.terminal = terminal
        self.hostEnvironment = hostEnvironment
        self.probe = probe
    }
}
