// SOCKS5 (RFC 1928) as far as the proxy serves it: no authentication, CONNECT only, and the
// destination as the client sent it. A name (ATYP 3, what `socks5h://` clients send) is decided
// on as a name; an address the client resolved itself (ATYP 1/4) is decided on as that address
// literal, which only an explicit policy entry allows. Pure: bytes in, a step out.
import Glibc

public enum SOCKS5 {
    public enum Greeting: Sendable, Equatable {
        case incomplete
        /// The greeting's length; the reply is `05 00` (no authentication).
        case accepted(consumed: Int)
        /// The reply to send (`05 FF`: no acceptable method) and why.
        case refused([UInt8], String)
    }

    public static func greeting(_ b: [UInt8]) -> Greeting {
        guard b.count >= 2 else { return .incomplete }
        guard b[0] == 5 else { return .refused([], "not SOCKS5 (version byte \(b[0]))") }
        let n = Int(b[1])
        guard b.count >= 2 + n else { return .incomplete }
        guard b[2..<(2 + n)].contains(0) else {
            return .refused([5, 0xFF], "the client offers no method without authentication")
        }
        return .accepted(consumed: 2 + n)
    }

    public enum Request: Sendable, Equatable {
        case incomplete
        case connect(host: String, port: Int, consumed: Int)
        /// The reply code to send (RFC 1928 REP) and why.
        case refused(UInt8, String)
    }

    /// REP codes.
    public static let succeeded: UInt8 = 0
    public static let generalFailure: UInt8 = 1
    public static let notAllowed: UInt8 = 2
    public static let hostUnreachable: UInt8 = 4
    public static let connectionRefused: UInt8 = 5
    public static let ttlExpired: UInt8 = 6
    public static let commandNotSupported: UInt8 = 7
    public static let addressNotSupported: UInt8 = 8

    public static func request(_ b: [UInt8]) -> Request {
        guard b.count >= 4 else { return .incomplete }
        guard b[0] == 5 else { return .refused(generalFailure, "not a SOCKS5 request") }
        guard b[1] == 1 else {
            return .refused(
                commandNotSupported, b[1] == 3 ? "UDP ASSOCIATE is not offered (UDP is refused)" : "only CONNECT")
        }
        var host: String
        var at: Int
        switch b[3] {
        case 1:
            guard b.count >= 10 else { return .incomplete }
            host = "\(b[4]).\(b[5]).\(b[6]).\(b[7])"
            at = 8
        case 3:
            guard b.count >= 5 else { return .incomplete }
            let n = Int(b[4])
            guard b.count >= 5 + n + 2 else { return .incomplete }
            guard n > 0 else { return .refused(addressNotSupported, "empty host name") }
            host = String(decoding: b[5..<(5 + n)], as: UTF8.self)
            at = 5 + n
        case 4:
            guard b.count >= 22 else { return .incomplete }
            host = Sockets.text(Array(b[4..<20]), family: AF_INET6)
            at = 20
        default:
            return .refused(addressNotSupported, "address type \(b[3])")
        }
        let port = Int(b[at]) << 8 | Int(b[at + 1])
        guard port > 0 else { return .refused(generalFailure, "port 0") }
        return .connect(host: host, port: port, consumed: at + 2)
    }

    /// A reply: REP code and a zero IPv4 bound address (clients ignore it for CONNECT).
    public static func reply(_ code: UInt8) -> [UInt8] { [5, code, 0, 1, 0, 0, 0, 0, 0, 0] }
}
