import CordonGate
import CordonPolicy
// Subcommands get their Policy from CheckedPolicy (CordonGate: load + rule examples); this file
// only turns its error into the CLI's: every problem on its own line under one
// `cordon: error:` line, exit 78.
import CordonRun

/// Loads the policy at `path`, or the embedded default when `path` is nil.
func loadPolicy(path: String?, environment: [String: String]) throws(CLIError) -> Policy {
    do throws(InvalidPolicy) {
        return try CheckedPolicy.load(path: path, environment: environment)
    } catch {
        throw invalidPolicy(error)
    }
}

func invalidPolicy(_ e: InvalidPolicy) -> CLIError {
    let name = e.path ?? EmbeddedPolicies.displayPath("default")
    let count = e.problems.count == 1 ? "1 error" : "\(e.problems.count) errors"
    return CLIError(
        .invalidPolicy, "invalid policy \(name) (\(count)):\n" + e.lines.joined(separator: "\n"),
        hint: "see docs/policy.md; 'cordon policy lint \(e.path ?? "FILE")' checks a policy without running anything")
}
