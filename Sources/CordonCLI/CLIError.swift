// The error every subcommand reports: an exit code (from CordonRun's one map), a message and a hint.
import CordonRun

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
