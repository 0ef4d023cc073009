// The proxy's decision on a requested host name, from `sandbox.network_domains`. Pure: the
// same name and policy give the same answer, and every rule is a unit test.
import CordonPolicy
import Glibc

public enum HostVerdict: String, Sendable, Equatable {
    case allow
    /// Refused: a deny entry, or no entry at all.
    case deny
    /// Goes to the approval queue; the connection waits for the answer.
    case ask
}

public struct HostDecision: Sendable, Equatable {
    public var verdict: HostVerdict
    /// What decided it: `allow:pypi.org`, `deny:*.example.com`, `unlisted`, `invalid-host`.
    public var rule: String
    /// The host was named by an exact entry (not only by a `*.` pattern): only such an entry
    /// lets a loopback, private or link-local destination through.
    public var explicit: Bool
}

public struct DomainRules: Sendable {
    let allow: [String]
    let deny: [String]
    let ask: [String]

    public init(_ domains: NetworkDomains) {
        // The policy loader normalised them already; lower-casing again keeps hand-built
        // policies (tests, `--network domains`) honest.
        allow = domains.allow.map { $0.lowercased() }
        deny = domains.deny.map { $0.lowercased() }
        ask = domains.ask.map { $0.lowercased() }
    }

    /// The host as the proxy compares it: lower case, no trailing dot, IPv6 without brackets.
    /// nil when it is no host name or address at all (spaces, control bytes, `*`, empty).
    public static func normalise(_ host: String) -> String? {
        var h = host.lowercased()
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") && !h.contains(":") { h.removeLast() }
        // One spelling per IPv6 address (0:0::1 is ::1), as the policy's entries are written.
        if h.contains(":"), let b = AddressClass.literal(h), b.count == 16 { h = Sockets.text(b, family: AF_INET6) }
        guard !h.isEmpty, h.utf8.count <= 253 else { return nil }
        let ok = h.utf8.allSatisfy { c in DomainPattern.isLabelByte(c) || c == 0x2E || c == 0x3A }
        guard ok, !h.hasPrefix("."), !h.contains("..") else { return nil }
        return h
    }

    /// Whether `pattern` names `host`: equal, or `*.x` and the host ends in `.x` (a subdomain
    /// only: `*.x` does not match `x`).
    public static func matches(_ pattern: String, _ host: String) -> Bool {
        if pattern.hasPrefix("*.") {
            let base = pattern.dropFirst(2)
            return host.count > base.count + 1 && host.hasSuffix("." + base)
        }
        return pattern == host
    }

    /// Deny wins over ask, ask over allow; unlisted is denied. The strictest list that names
    /// the host decides, so `allow: ["*.example.com"]` with `deny: [evil.example.com]` refuses
    /// that one subdomain, and an `ask` entry cannot be side-stepped by a broader allow.
    public func decide(_ rawHost: String) -> HostDecision {
        guard let host = Self.normalise(rawHost) else {
            return HostDecision(verdict: .deny, rule: "invalid-host", explicit: false)
        }
        if let p = deny.first(where: { Self.matches($0, host) }) {
            return HostDecision(verdict: .deny, rule: "deny:" + p, explicit: p == host)
        }
        let asked = ask.filter { Self.matches($0, host) }
        if let p = asked.first {
            return HostDecision(verdict: .ask, rule: "ask:" + p, explicit: asked.contains(host))
        }
        let allowed = allow.filter { Self.matches($0, host) }
        if let p = allowed.first {
            return HostDecision(verdict: .allow, rule: "allow:" + p, explicit: allowed.contains(host))
        }
        return HostDecision(verdict: .deny, rule: "unlisted", explicit: false)
    }
}
