// The proxy's host decisions, address classes, and the request parsers, as tables.
import CordonPolicy
import Testing

@testable import CordonNet

@Suite("domain rules")
struct DomainRulesTests {
    let rules = DomainRules(
        NetworkDomains(
            allow: ["pypi.org", "*.pythonhosted.org", "*.example.com", "127.0.0.1"],
            deny: ["evil.example.com", "*.bad.example.com"], ask: ["api.example.com", "*.ask.example.org"]))

    @Test(
        "decisions: exact names, subdomain patterns, deny wins, ask before allow, unlisted refused",
        arguments: [
            ("pypi.org", HostVerdict.allow, "allow:pypi.org", true),
            ("PyPI.ORG.", .allow, "allow:pypi.org", true),
            ("sub.pypi.org", .deny, "unlisted", false),
            ("files.pythonhosted.org", .allow, "allow:*.pythonhosted.org", false),
            ("pythonhosted.org", .deny, "unlisted", false),
            ("a.b.pythonhosted.org", .allow, "allow:*.pythonhosted.org", false),
            ("evilpythonhosted.org", .deny, "unlisted", false),
            ("evil.example.com", .deny, "deny:evil.example.com", true),
            ("x.bad.example.com", .deny, "deny:*.bad.example.com", false),
            ("api.example.com", .ask, "ask:api.example.com", true),
            ("www.example.com", .allow, "allow:*.example.com", false),
            ("q.ask.example.org", .ask, "ask:*.ask.example.org", false),
            ("example.com", .deny, "unlisted", false),
            ("127.0.0.1", .allow, "allow:127.0.0.1", true),
            ("169.254.169.254", .deny, "unlisted", false),
            ("bad host", .deny, "invalid-host", false),
            ("", .deny, "invalid-host", false),
            ("a..pypi.org", .deny, "invalid-host", false),
        ])
    func decide(_ host: String, _ verdict: HostVerdict, _ rule: String, _ explicit: Bool) {
        let d = rules.decide(host)
        #expect(d.verdict == verdict)
        #expect(d.rule == rule)
        #expect(d.explicit == explicit)
    }

    @Test("a *.x pattern never matches x itself or a name that merely ends in x")
    func wildcardBoundary() {
        #expect(DomainRules.matches("*.x.org", "a.x.org"))
        #expect(!DomainRules.matches("*.x.org", "x.org"))
        #expect(!DomainRules.matches("*.x.org", "ax.org"))
        #expect(!DomainRules.matches("x.org", "a.x.org"))
    }

    @Test(
        "address classes: loopback, private, link-local (metadata) and unusable are told apart",
        arguments: [
            ("127.0.0.1", AddressClass.loopback), ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork),
            ("172.32.0.1", .publicAddress), ("192.168.1.1", .privateNetwork), ("169.254.169.254", .linkLocal),
            ("100.64.0.1", .privateNetwork), ("0.0.0.0", .unusable), ("224.0.0.1", .unusable),
            ("203.0.113.80", .publicAddress), ("93.184.216.34", .publicAddress), ("::1", .loopback),
            ("::", .unusable), ("fe80::1", .linkLocal), ("fd00::1", .privateNetwork),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
            ("64:ff9b::a9fe:a9fe", .linkLocal), ("2606:4700::1", .publicAddress),
        ])
    func classes(_ text: String, _ c: AddressClass) throws {
        let bytes = try #require(AddressClass.literal(text))
        #expect(AddressClass.of(bytes) == c)
    }
}
