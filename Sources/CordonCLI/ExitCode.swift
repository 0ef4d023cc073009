// The one map from failures to exit codes (DESIGN "Exit codes of cordon run").

public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 64
    case malformedInput = 65
    case approvalPending = 75
    case blocked = 77
    case invalidPolicy = 78
    case timedOut = 124
    case runnerFailed = 125
    case notExecutable = 126
    case notFound = 127
}

/// Every error a subcommand reports: a code, a lower-case message naming the operation and
/// the object, and an optional hint printed on its own line.
public struct CLIError: Error, Sendable {
    public var code: ExitCode
    public var message: String
    public var hint: String?
    public init(_ code: ExitCode, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }
    public static func usage(_ message: String, command: String? = nil) -> CLIError {
        CLIError(.usage, message, hint: "see 'cordon \(command.map { "\($0) " } ?? "")--help'")
    }
}
