import Testing

@testable import CordonAudit

@Suite("logfmt values", .timeLimit(.minutes(10)))
struct LogfmtTests {
    func roundTrip(_ bytes: [UInt8]) throws -> [UInt8] {
        var line = Array("k=".utf8)
        Logfmt.appendValue(bytes, to: &line)
        #expect(!line.contains(0x0a) && !line.contains(0x0d), "a value must never break the line")
        let fields = try Logfmt.parseFields(line[...])
        #expect(fields.count == 1)
        return fields.first?.value ?? []
    }

    @Test("every byte 0-255 round-trips, alone and inside a command")
    func everyByte() throws {
        for b in 0...255 {
            let v = [UInt8(b)]
            #expect(try roundTrip(v) == v, "byte \(b)")
            let inCmd = Array("echo ".utf8) + [UInt8(b)] + Array(" x".utf8)
            #expect(try roundTrip(inCmd) == inCmd, "byte \(b) inside a command")
        }
        let all = (0...255).map { UInt8($0) }
        #expect(try roundTrip(all) == all)
        #expect(try roundTrip(all.reversed()) == Array(all.reversed()))
    }

    @Test("valid UTF-8 stays readable, invalid UTF-8 and line breaks are escaped")
    func utf8() throws {
        var out: [UInt8] = []
        Logfmt.appendValue("grüß dich 日本", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"grüß dich 日本\"")
        out = []
        Logfmt.appendValue([0xff, 0xc3] + Array("\n\"\\".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""\xff\xc3\n\"\\""#)
    }

    @Test("NEL, U+2028 and bidi overrides are escaped so they cannot fake a line or reorder text")
    func dangerousUnicode() throws {
        for s in ["a\u{85}b", "a\u{2028}b", "a\u{2029}b", "a\u{202E}b", "a\u{2066}b"] {
            var out: [UInt8] = []
            Logfmt.appendValue(s, to: &out)
            #expect(out.allSatisfy { $0 < 0x80 }, "\(s.unicodeScalars.map { $0.value }) written raw")
            #expect(try roundTrip(Array(s.utf8)) == Array(s.utf8))
        }
    }

    @Test("simple values are bare, empty and spaced ones quoted")
    func bare() {
        func enc(_ s: String) -> String {
            var out: [UInt8] = []
            Logfmt.appendValue(s, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(enc("block") == "block")
        #expect(enc("") == "\"\"")
        #expect(enc("a b") == "\"a b\"")
        #expect(enc("a=b") == "\"a=b\"")
    }

    @Test(
        "malformed fields are rejected with a column",
        arguments: [
            "k", "k=\"open", "k=a  j=b", "k=\"\\q\"", "k=\"\\x4\"", "k=a\"b",
        ])
    func malformed(_ text: String) {
        #expect(throws: Logfmt.ParseError.self) { try Logfmt.parseFields(Array(text.utf8)[...]) }
    }
}
