// The one way subcommands get a Policy: load (or take the embedded default), then check
// every rule's examples against the gate. Any problem is an invalid policy, exit 78.
import CordonGate
import CordonPolicy

/// Loads the policy at `path`, or the embedded default when `path` is nil.
/// - Parameter environment: values for `${VAR}` in the policy (the process environment).
func loadPolicy(path: String?, environment: [String: String]) throws(CLIError) -> Policy {
    let policy: Policy
    do throws(PolicyLoadFailure) {
        let loader = PolicyLoader(environment: environment)
        if let path { policy = try loader.load(path: path) } else { policy = try loader.loadEmbedded() }
    } catch {
        throw invalidPolicy(path, error.errors.map(\.description))
    }
    let violations = Gate.exampleViolations(in: policy).map { atExample($0, in: policy) }
    guard violations.isEmpty else {
        throw invalidPolicy(path, violations.map { v in v.location == nil ? "\(policy.source.path): \(v)" : v.description })
    }
    return policy
}

/// Every problem on its own line under one `cordon: error:` line, so `FILE:LINE:COL`
/// stays at the start of a line for editors and grep.
func invalidPolicy(_ path: String?, _ lines: [String]) -> CLIError {
    let name = path ?? EmbeddedPolicies.displayPath("default")
    let count = lines.count == 1 ? "1 error" : "\(lines.count) errors"
    return CLIError(
        .invalidPolicy, "invalid policy \(name) (\(count)):\n" + lines.joined(separator: "\n"),
        hint: "see docs/policy.md; 'cordon policy lint \(path ?? "FILE")' checks a policy without running anything")
}

/// The violation placed at the example's own line when the loader recorded it (the gate
/// knows only the rule's position).
func atExample(_ v: ExampleViolation, in policy: Policy) -> ExampleViolation {
    guard let rule = policy.gate.rules.first(where: { $0.id == v.ruleId }) else { return v }
    let (examples, locations) =
        v.expectedMatch
        ? (rule.examplesMatch, rule.examplesMatchLocations) : (rule.examplesNotMatch, rule.examplesNotMatchLocations)
    guard let i = examples.firstIndex(of: v.example), i < locations.count else { return v }
    var placed = v
    placed.location = locations[i]
    return placed
}
