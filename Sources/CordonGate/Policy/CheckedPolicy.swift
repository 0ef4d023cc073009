// The one way every entry point gets a Policy (`run`, `check`, `inspect`, `validate`, `replay`,
// `test`, `policy lint|show`, and whatever plugs into the run flow later): load the file (or the
// embedded default), then check every rule's examples against the gate. A policy that
// contradicts its own examples does not load (Codex execpolicy's idea), whoever loads it.
import CordonPolicy

/// Why a policy did not load: every problem, each at its `FILE:LINE:COL` when known.
public struct InvalidPolicy: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        public var location: SourceLocation?
        public var message: String
    }
    /// The file given, or nil for the embedded default.
    public var path: String?
    /// The file the problems without a position belong to.
    public var file: String
    public var problems: [Problem]

    /// One problem a line, `FILE:LINE:COL: message` (`FILE: message` without a position), so the
    /// position stays at the start of a line for editors and grep.
    public var lines: [String] {
        problems.map { p in p.location.map { "\($0): \(p.message)" } ?? "\(file): \(p.message)" }
    }
    public var description: String { lines.joined(separator: "\n") }
}

public enum CheckedPolicy {
    /// Loads the policy at `path`, or the embedded default when `path` is nil, and checks its
    /// rules' examples.
    /// - Parameter environment: values for `${VAR}` in the policy (the process environment).
    public static func load(path: String?, environment: [String: String]) throws(InvalidPolicy) -> Policy {
        let policy: Policy
        do throws(PolicyLoadFailure) {
            let loader = PolicyLoader(environment: environment)
            if let path { policy = try loader.load(path: path) } else { policy = try loader.loadEmbedded() }
        } catch {
            throw InvalidPolicy(
                path: path, file: path ?? EmbeddedPolicies.displayPath("default"),
                problems: error.errors.map { .init(location: $0.location, message: $0.message) })
        }
        let violations = Gate.exampleViolations(in: policy).map { placed($0, in: policy) }
        guard violations.isEmpty else {
            throw InvalidPolicy(
                path: path, file: policy.source.path,
                problems: violations.map { .init(location: $0.location, message: $0.messageWithoutLocation) })
        }
        return policy
    }

    /// The violation placed at the example's own line when the loader recorded it (the gate
    /// knows only the rule's position).
    static func placed(_ v: ExampleViolation, in policy: Policy) -> ExampleViolation {
        guard let rule = policy.gate.rules.first(where: { $0.id == v.ruleId }) else { return v }
        let (examples, locations) =
            v.expectedMatch
            ? (rule.examplesMatch, rule.examplesMatchLocations)
            : (rule.examplesNotMatch, rule.examplesNotMatchLocations)
        guard let i = examples.firstIndex(of: v.example), i < locations.count else { return v }
        var placed = v
        placed.location = locations[i]
        return placed
    }
}

extension ExampleViolation {
    /// The description without its `FILE:LINE:COL: ` prefix (JSON has fields for it).
    public var messageWithoutLocation: String {
        var copy = self
        copy.location = nil
        return copy.description
    }
}
