// The parts of an http:// or https:// webhook URL a POST needs. No user:password@ (credentials
// belong in the path or a header the service documents), no fragments sent.

public struct WebhookURL: Sendable, Equatable {
    public var tls: Bool
    /// A name or an address; IPv6 without its brackets.
    public var host: String
    public var port: UInt16
    /// The path and query, at least `/`.
    public var target: String

    public init(_ text: String) throws(DeliveryError) {
        let rest: Substring
        if text.hasPrefix("https://") {
            tls = true
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            tls = false
            rest = text.dropFirst(7)
        } else {
            throw DeliveryError("url '\(text)' must start with https:// or http://", retry: false)
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.first == "?" { target = "/" + target }
        self.target = target
        guard !authority.contains("@") else {
            throw DeliveryError("url '\(text)': user:password@ is not supported", retry: false)
        }
        var hostPart = authority
        var portPart: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                throw DeliveryError("url '\(text)': unterminated [ in the host", retry: false)
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.first == ":" {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw DeliveryError("url '\(text)': unexpected '\(after)' after the host", retry: false)
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !hostPart.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw DeliveryError("url '\(text)' has no host", retry: false)
        }
        host = String(hostPart)
        if let portPart {
            guard let p = UInt16(portPart), p > 0 else {
                throw DeliveryError("url '\(text)': port '\(portPart)' is not a number from 1 to 65535", retry: false)
            }
            port = p
        } else {
            port = tls ? 443 : 80
        }
        guard !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw DeliveryError("url '\(text)': spaces and line breaks must be percent-encoded", retry: false)
        }
    }

    /// `host:port` for messages and the Host header (the port only when not the scheme's own).
    public var authority: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? h : "\(h):\(port)"
    }
}
