// Host name patterns of `sandbox.network_domains`: `pypi.org` (that host), `*.pythonhosted.org`
// (its subdomains, not the name itself), or an address literal (`127.0.0.1`, `[::1]`), which is
// how a loopback or private destination is listed explicitly. Checked when the policy loads,
// so the proxy only ever compares normalised, lower-case text.
import Glibc

public enum DomainPattern {
    public struct Invalid: Error, Sendable, Equatable {
        public var message: String
    }

    /// The pattern as the proxy compares it (lower case, no trailing dot, IPv6 without
    /// brackets), or why it is not one.
    public static func normalise(_ raw: String) -> Result<String, Invalid> {
        func bad(_ why: String) -> Result<String, Invalid> {
            .failure(
                Invalid(
                    message:
                        "'\(raw)' is not a host pattern: \(why) (write a host name such as pypi.org, *.pythonhosted.org for its subdomains, or an address such as 127.0.0.1)"
                ))
        }
        var text = raw.lowercased()
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.contains(":") {
            // An IPv6 literal: hex digits, colons and dots (an embedded IPv4) only.
            var v6 = in6_addr()
            guard text.utf8.allSatisfy({ isHex($0) || $0 == 0x3A || $0 == 0x2E }), inet_pton(AF_INET6, text, &v6) == 1
            else {
                return bad("a port or scheme does not belong here (the proxy allows any port of a listed host)")
            }
            // One spelling per address (0:0::1 is ::1), as the proxy writes what it is asked for.
            var buf = [CChar](repeating: 0, count: 64)
            guard inet_ntop(AF_INET6, &v6, &buf, 64) != nil else { return bad("not an IPv6 address") }
            return .success(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        if text.hasSuffix(".") { text.removeLast() }
        var name = Substring(text)
        if name.hasPrefix("*.") { name = name.dropFirst(2) }
        guard !name.isEmpty else { return bad("empty") }
        guard name.utf8.count <= 253 else { return bad("longer than 253 bytes") }
        if name.contains("*") { return bad("* may only start a pattern, as in *.example.com") }
        if name.contains("/") { return bad("a path or a scheme does not belong here") }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 else { return bad("an empty or over-long label") }
            guard label.utf8.allSatisfy(isLabelByte) else {
                return bad("only letters, digits, - and _ may appear in a label")
            }
        }
        return .success(text)
    }

    static func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }

    /// Letters, digits, `-` and `_` (the latter appears in real names such as SRV-style hosts).
    public static func isLabelByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
    }
}
