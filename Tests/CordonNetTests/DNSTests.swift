// The sandbox's DNS as messages (DNSMessage), the addresses it hands out (SandboxNames), and the
// proxy's answers under a policy (NetworkProxy.answer): pure, so every case is checked here;
// the sandbox end to end is in CordonCLITests' NetworkByNameTests.
import CordonPolicy
import Testing

@testable import CordonNet

/// A question as a stub resolver sends it (RD set, one question, optionally an EDNS record).
func dnsQuestion(_ name: String, type: UInt16 = 1, id: UInt16 = 0xBEEF, edns: Bool = false) -> [UInt8] {
    var m: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0]
    for label in name.split(separator: ".") {
        m.append(UInt8(label.utf8.count))
        m += Array(label.utf8)
    }
    m += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
    if edns { m += [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0] }
    return m
}

/// The answer's rcode, answer count and (for one A record) the address.
func dnsReply(_ r: [UInt8]) -> (code: UInt8, answers: Int, address: [UInt8]?) {
    let answers = Int(r[6]) << 8 | Int(r[7])
    return (r[3] & 0x0F, answers, answers == 1 ? Array(r[(r.count - 4)...]) : nil)
}

final class NullObserver: ProxyObserver, @unchecked Sendable {
    var events: [ProxyEvent] = []
    func proxyDecided(_ event: ProxyEvent) { events.append(event) }
    func proxyAsk(host: String, port: Int, rule: String, stopping: @escaping @Sendable () -> Bool) -> ProxyAnswer {
        .rejected("no person in a unit test")
    }
}

@Suite("the sandbox's DNS")
struct DNSTests {
    @Test("a question parses to its lower-cased name, type and id; the answer echoes id, RD and the question")
    func parseAndAnswer() throws {
        guard case .question(let q) = DNSMessage.parse(dnsQuestion("PyPI.org", id: 7, edns: true)) else {
            Issue.record("not parsed as a question")
            return
        }
        #expect(q.name == "pypi.org")
        #expect(q.type == 1)
        #expect(q.id == 7)
        #expect(q.qclass == 1)
        let r = DNSMessage.answer(q, code: .noError, address: [198, 18, 0, 1])
        #expect(r[0] == 0 && r[1] == 7)
        #expect(r[2] & 0x80 != 0, "QR: a response")
        #expect(r[2] & 0x01 != 0, "RD echoed")
        #expect(Array(r[12..<(12 + q.section.count)]) == q.section)
        let (code, answers, address) = dnsReply(r)
        #expect(code == 0 && answers == 1 && address == [198, 18, 0, 1])
    }

    @Test("responses, other opcodes, several questions, compression pointers and odd label bytes are not decided on")
    func malformed() {
        var response = dnsQuestion("a.example")
        response[2] |= 0x80
        #expect(DNSMessage.parse(response) == .reply([]))
        #expect(DNSMessage.parse([1, 2, 3]) == .reply([]))
        var status = dnsQuestion("a.example")
        status[2] |= 2 << 3  // opcode 2 (STATUS)
        guard case .reply(let notImp) = DNSMessage.parse(status) else { return }
        #expect(notImp[3] & 0x0F == 4)
        var two = dnsQuestion("a.example")
        two[5] = 2
        guard case .reply(let formErr) = DNSMessage.parse(two) else { return }
        #expect(formErr[3] & 0x0F == 1)
        // A pointer in a question would make cordon follow an offset the sender chose.
        let pointer: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]
        guard case .reply(let p) = DNSMessage.parse(pointer) else { return }
        #expect(p[3] & 0x0F == 1)
        // "evil.com\0.pypi.org" as one label must not compare as a name under pypi.org.
        var odd: [UInt8] = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        odd += [9] + Array("evil.com\u{0}".utf8) + [4] + Array("pypi".utf8) + [3] + Array("org".utf8) + [0, 0, 1, 0, 1]
        guard case .question(let q) = DNSMessage.parse(odd) else {
            Issue.record("not parsed")
            return
        }
        #expect(q.name == nil)
        // Truncated questions.
        let cut = Array(dnsQuestion("pypi.org").dropLast(3))
        guard case .reply(let c) = DNSMessage.parse(cut) else { return }
        #expect(c[3] & 0x0F == 1)
    }

    @Test("each name gets one address of 198.18.0.0/15 for the run; other addresses name nothing")
    func names() {
        let t = SandboxNames()
        let a = t.address(for: "pypi.org")
        let b = t.address(for: "files.pythonhosted.org")
        #expect(a == [198, 18, 0, 1] && b == [198, 18, 0, 2])
        #expect(t.address(for: "pypi.org") == a)
        #expect(t.name(for: [198, 18, 0, 2]) == "files.pythonhosted.org")
        #expect(t.name(for: [198, 18, 0, 3]) == nil)
        #expect(t.name(for: [198, 18, 0, 0]) == nil)
        #expect(t.name(for: [10, 18, 0, 1]) == nil)
        // The 65,536th name is in 198.19.0.0/16.
        #expect(SandboxNames.bytes(65_535) == [198, 19, 0, 0])
        #expect(SandboxNames.bytes(255) == [198, 18, 1, 0])
    }

    @Test("allowed and asked names get an address, refused ones NXDOMAIN (recorded), AAAA no record")
    func policyAnswers() throws {
        let domains = NetworkDomains(
            allow: ["pypi.org", "*.example.org"], deny: ["bad.example.org"], ask: ["api.example.net"])
        let obs = NullObserver()
        let proxy = NetworkProxy(rules: DomainRules(domains), observer: obs)
        let allowed = dnsReply(proxy.answer(dnsQuestion("pypi.org")))
        #expect(allowed.code == 0 && allowed.address?.prefix(2) == [198, 18])
        let sub = dnsReply(proxy.answer(dnsQuestion("cdn.example.org")))
        #expect(sub.code == 0 && sub.address != nil)
        let asked = dnsReply(proxy.answer(dnsQuestion("api.example.net")))
        #expect(asked.code == 0 && asked.address != nil, "the connect asks, not the lookup")
        let denied = dnsReply(proxy.answer(dnsQuestion("bad.example.org")))
        #expect(denied.code == 3 && denied.answers == 0)
        let unlisted = dnsReply(proxy.answer(dnsQuestion("example.com")))
        #expect(unlisted.code == 3)
        #expect(dnsReply(proxy.answer(dnsQuestion("example.org"))).code == 3, "*.x does not match x")
        let v6 = dnsReply(proxy.answer(dnsQuestion("pypi.org", type: 28)))
        #expect(v6.code == 0 && v6.answers == 0)
        #expect(obs.events.map(\.host) == ["bad.example.org", "example.com", "example.org"])
        #expect(obs.events.allSatisfy { $0.decision == .deny && $0.via == .dns })
        // The address maps back to the name for the connect.
        #expect(proxy.host(for: try #require(allowed.address)) == "pypi.org")
    }

    @Test("a literal address leaves directly only when an entry names it exactly; loopback never")
    func literals() {
        let domains = NetworkDomains(allow: ["203.0.113.7", "*.example.org", "127.0.0.1"], deny: [], ask: [])
        let proxy = NetworkProxy(rules: DomainRules(domains), observer: NullObserver())
        #expect(proxy.host(for: [203, 0, 113, 7]) == "203.0.113.7")
        #expect(proxy.host(for: [203, 0, 113, 8]) == nil)
        // IPv4-mapped IPv6 is the same address.
        #expect(proxy.host(for: [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 203, 0, 113, 7]) == "203.0.113.7")
        // Loopback inside is the sandbox's own, whatever the policy lists.
        #expect(proxy.host(for: [127, 0, 0, 1]) == nil)
    }
}
