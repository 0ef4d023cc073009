import CordonBase
import CordonGate
import CordonPolicy
// Subcommands get their Policy from CheckedPolicy (CordonGate: load + rule examples); this file
// only turns its error into the CLI's: every problem on its own line under one
// `cordon: error:` line, exit 78.
import CordonRun

/// Loads the policy at `path`, or the embedded default when `path` is nil.
func loadPolicy(path: String?, environment: [String: String]) throws(CLIError) -> Policy {
    // A warm runner loaded this policy already when it prepared: the same bytes under the same
    // environment (${VAR} expansion) give the same Policy.
    // The environment counts only for a policy that expands variables (`${VAR}`): a caller's
    // environment always differs in something (PWD, _, ...).
    var bytes: [UInt8] = []
    var expands = true
    if PolicyMemo.enabled {
        if let p = path { bytes = (try? FileIO.readFile(p)) ?? [] }
        let text = path == nil ? EmbeddedPolicies.default : String(decoding: bytes, as: UTF8.self)
        expands = text.contains("$")
        if let m = PolicyMemo.last, m.path == path, m.bytes == bytes, !expands || m.environment == environment {
            return m.policy
        }
    }
    do throws(InvalidPolicy) {
        let policy = try CheckedPolicy.load(path: path, environment: environment)
        // A parent file (`extends: FILE`) could change under the same child: not kept.
        let extends = bytes.count > 0 && String(decoding: bytes, as: UTF8.self).contains("extends")
        if PolicyMemo.enabled && (path == nil || (!bytes.isEmpty && !extends)) {
            PolicyMemo.last = (path, bytes, expands ? environment : [:], policy)
        }
        return policy
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
