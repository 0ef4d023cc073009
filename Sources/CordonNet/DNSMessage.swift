// The sandbox's DNS under `network: domains`, as messages: a question in (RFC 1035 section 4),
// an answer out. Pure: bytes in, bytes out, every case a unit test. cordon never forwards a
// question anywhere: a name the policy refuses gets NXDOMAIN, so a lookup cannot carry data out
// through a resolver (DNS tunnelling), and a name it allows (or asks about) gets an address of
// cordon's own from 198.18.0.0/15 (SandboxNames), which only cordon's connect path leads from.
import CordonPolicy

public enum DNSMessage {
    public static let typeA: UInt16 = 1
    public static let typeAAAA: UInt16 = 28
    public static let classIN: UInt16 = 1

    public enum Code: UInt8, Sendable {
        case noError = 0
        case formatError = 1
        case serverFailure = 2
        case nameError = 3
        case notImplemented = 4
        case refused = 5
    }

    public struct Question: Sendable, Equatable {
        public var id: UInt16
        /// Lower case, no trailing dot; nil when a label holds bytes no host name has (the
        /// answer is then REFUSED: such a name is never decided on).
        public var name: String?
        public var type: UInt16
        public var qclass: UInt16
        /// The question section's bytes as sent (echoed in the answer).
        var section: [UInt8]
        /// The header's RD bit (echoed).
        var recursionDesired: Bool
    }

    public enum Parsed: Sendable, Equatable {
        case question(Question)
        /// Not a question cordon answers: the reply to send (empty: none, e.g. a response).
        case reply([UInt8])
    }

    /// Parses one datagram from the sandbox.
    public static func parse(_ m: [UInt8]) -> Parsed {
        guard m.count >= 12 else { return .reply([]) }  // no header: nothing to answer to
        let id = UInt16(m[0]) << 8 | UInt16(m[1])
        let flags = UInt16(m[2]) << 8 | UInt16(m[3])
        if flags & 0x8000 != 0 { return .reply([]) }  // a response, not a question
        let opcode = UInt8((flags >> 11) & 0xF)
        let qd = UInt16(m[4]) << 8 | UInt16(m[5])
        let rd = flags & 0x0100 != 0
        guard opcode == 0 else { return .reply(header(id, opcode: opcode, rd: rd, code: .notImplemented)) }
        guard qd == 1 else { return .reply(header(id, opcode: 0, rd: rd, code: .formatError)) }
        var i = 12
        var labels: [String] = []
        var clean = true
        var length = 0
        while true {
            guard i < m.count else { return .reply(header(id, opcode: 0, rd: rd, code: .formatError)) }
            let n = Int(m[i])
            i += 1
            if n == 0 { break }
            // A question has no compression pointers (0xC0) or extended labels: refuse them
            // instead of following offsets a sender chose.
            guard n <= 63, i + n <= m.count else { return .reply(header(id, opcode: 0, rd: rd, code: .formatError)) }
            length += n + 1
            guard length <= 255 else { return .reply(header(id, opcode: 0, rd: rd, code: .formatError)) }
            // DNS names compare without case (RFC 4343): lower-cased ASCII, as the policy's are.
            let label = m[i..<(i + n)].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
            // Letters, digits, '-' and '_' only: a dot or a control byte inside a label would
            // make the name compare as another one.
            if !label.allSatisfy({ DomainPattern.isLabelByte($0) }) { clean = false }
            labels.append(String(decoding: label, as: UTF8.self))
            i += n
        }
        guard i + 4 <= m.count else { return .reply(header(id, opcode: 0, rd: rd, code: .formatError)) }
        let type = UInt16(m[i]) << 8 | UInt16(m[i + 1])
        let qclass = UInt16(m[i + 2]) << 8 | UInt16(m[i + 3])
        let section = Array(m[12..<(i + 4)])
        let name = clean && !labels.isEmpty ? labels.joined(separator: ".") : nil
        return .question(
            Question(id: id, name: name, type: type, qclass: qclass, section: section, recursionDesired: rd))
    }

    /// The answer to `q`: `address` (4 bytes) as its one A record when given, otherwise no
    /// record with `code` (NOERROR and nothing: the name exists without that type).
    public static func answer(_ q: Question, code: Code, address: [UInt8]? = nil, ttl: UInt32 = 60) -> [UInt8] {
        var out = header(
            q.id, opcode: 0, rd: q.recursionDesired, code: code, questions: 1, answers: address == nil ? 0 : 1)
        out += q.section
        if let a = address, a.count == 4 {
            out += [0xC0, 0x0C]  // the name: a pointer to the question's, at offset 12
            out += [UInt8(typeA >> 8), UInt8(typeA & 0xFF), 0, UInt8(classIN)]
            out += [UInt8(ttl >> 24), UInt8(ttl >> 16 & 0xFF), UInt8(ttl >> 8 & 0xFF), UInt8(ttl & 0xFF)]
            out += [0, 4] + a
        }
        return out
    }

    static func header(
        _ id: UInt16, opcode: UInt8, rd: Bool, code: Code, questions: UInt16 = 0, answers: UInt16 = 0
    ) -> [UInt8] {
        // QR (a response), the opcode asked, RD echoed, RA: cordon answers every name itself.
        let hi = 0x80 | (opcode & 0xF) << 3 | (rd ? 1 : 0)
        let lo = 0x80 | code.rawValue
        return [
            UInt8(id >> 8), UInt8(id & 0xFF), hi, lo, UInt8(questions >> 8), UInt8(questions & 0xFF),
            UInt8(answers >> 8), UInt8(answers & 0xFF), 0, 0, 0, 0,
        ]
    }
}

/// The addresses the sandbox's DNS hands out, one per name for the run: 198.18.0.0/15, the
/// range RFC 2544 sets aside for benchmarks, routed nowhere. A connect to one of them is the
/// process asking for that name; cordon decides on the name and connects itself.
public final class SandboxNames: @unchecked Sendable {
    /// Names a run may be given addresses for: past it the DNS answers SERVFAIL, so a command
    /// resolving ever new names cannot grow cordon's memory without bound.
    public static let capacity = 65_536
    struct State {
        var byName: [String: UInt32] = [:]
        var byIndex: [String] = []
    }
    let state = Locked(State())

    public init() {}

    /// The address for `name` (the same one every time in a run), nil when the table is full.
    public func address(for name: String) -> [UInt8]? {
        state.with { s -> [UInt8]? in
            if let i = s.byName[name] { return Self.bytes(i) }
            guard s.byIndex.count < Self.capacity else { return nil }
            let i = UInt32(s.byIndex.count)
            s.byIndex.append(name)
            s.byName[name] = i
            return Self.bytes(i)
        }
    }

    /// The name an address was given for; nil when cordon never gave it out.
    public func name(for address: [UInt8]) -> String? {
        guard address.count == 4, address[0] == 198, address[1] & 0xFE == 18 else { return nil }
        let n = (UInt32(address[1] & 1) << 16 | UInt32(address[2]) << 8 | UInt32(address[3]))
        guard n >= 1 else { return nil }
        return state.with { s in Int(n - 1) < s.byIndex.count ? s.byIndex[Int(n - 1)] : nil }
    }

    /// 198.18.0.1 for the first name, then on through 198.19.255.255.
    static func bytes(_ index: UInt32) -> [UInt8] {
        let n = index + 1
        return [198, 18 | UInt8(n >> 16 & 1), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    }
}
