// `sandbox.network: domains` and `sandbox.network_domains` as the loader reads and checks them.
import Testing

@testable import CordonPolicy

@Suite("network_domains in policies")
struct NetworkDomainsPolicyTests {
    @Test("allow, deny and ask lists load normalised: lower case, no trailing dot, IPv6 unbracketed")
    func loads() throws {
        let p = try load(
            """
            sandbox:
              network: domains
              network_domains:
                allow: [PyPI.org, "*.pythonhosted.org", "127.0.0.1", "[::1]", "files.example.com."]
                deny: ["*.evil.example"]
                ask: [api.example.org]
            """)
        #expect(p.sandbox.network == .domains)
        #expect(
            p.sandbox.networkDomains.allow == [
                "pypi.org", "*.pythonhosted.org", "127.0.0.1", "::1", "files.example.com",
            ])
        #expect(p.sandbox.networkDomains.deny == ["*.evil.example"])
        #expect(p.sandbox.networkDomains.ask == ["api.example.org"])
        #expect(p.sandbox.networkDomains.proxyEnvironment, "the proxy variables are set unless turned off")
    }

    @Test("proxy_env: false turns the proxy variables off; a value that is no boolean is an error")
    func proxyEnv() throws {
        let p = try load("sandbox:\n  network: domains\n  network_domains: {allow: [pypi.org], proxy_env: false}\n")
        #expect(!p.sandbox.networkDomains.proxyEnvironment)
        let errors = errorLines(
            "sandbox:\n  network: domains\n  network_domains: {allow: [pypi.org], proxy_env: sometimes}\n")
        #expect(errors.contains { $0.contains("sandbox.network_domains.proxy_env") }, "\(errors)")
    }

    @Test("domains without allow or ask entries is an error naming the key to add")
    func needsEntries() {
        let errors = errorLines("sandbox:\n  network: domains\n")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("sandbox.network domains needs sandbox.network_domains.allow") == true)
        #expect(errorLines("sandbox:\n  network: domains\n  network_domains: {ask: [a.example]}\n").isEmpty)
    }

    @Test("network_domains with another network mode is an error")
    func otherMode() {
        let errors = errorLines("sandbox:\n  network: none\n  network_domains: {allow: [pypi.org]}\n")
        #expect(errors.first?.contains("only applies to network: domains (the network here is none)") == true)
    }

    @Test("domains with mode landlock is refused: there is no network namespace to confine it")
    func landlock() {
        let errors = errorLines(
            "sandbox:\n  mode: landlock\n  network: domains\n  network_domains: {allow: [pypi.org]}\n")
        #expect(errors.contains { $0.contains("needs a network namespace") })
    }

    @Test(
        "patterns that are not host names are refused with the reason",
        arguments: [
            ("https://pypi.org", "a port or scheme"), ("pypi.org:443", "a port or scheme"),
            ("py*.org", "* may only start a pattern"), ("*", "* may only start"), ("a..b", "empty or over-long label"),
            ("pypi.org/simple", "a path"), ("bad host", "only letters, digits"),
        ])
    func badPatterns(_ pattern: String, _ why: String) {
        let errors = errorLines(
            "sandbox:\n  network: domains\n  network_domains:\n    allow: [\"\(pattern)\"]\n")
        #expect(errors.contains { $0.contains("sandbox.network_domains.allow[0]") && $0.contains(why) }, "\(errors)")
    }

    @Test("an unknown key under network_domains is an error with a suggestion")
    func unknownKey() {
        let errors = errorLines("sandbox:\n  network: domains\n  network_domains: {allwo: [pypi.org]}\n")
        #expect(errors.contains { $0.contains("allwo") })
    }
}
