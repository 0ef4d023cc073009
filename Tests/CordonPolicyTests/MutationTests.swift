// Seeded mutations of valid documents: whatever the bytes, the parsers answer (a value or an
// error, never a crash), and whatever loads survives its own serialisation unchanged.
import CordonBase
import Testing

@testable import CordonPolicy

/// SplitMix64: a fixed seed keeps these tests reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("mutated input", .timeLimit(.minutes(10)))
struct MutationTests {
    static let alphabet: [UInt8] =
        Array("{}[]:,\"\\u0123456789eE+-.tfnrl \n\t#&*!|>?%@`'~$".utf8) + [0xC3, 0xA9, 0xE2, 0x80, 0xA8, 0xFF, 0x00]

    static func mutate(_ seed: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var b = seed
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let i = Int.random(in: 0...b.count, using: &rng)
            let c = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: b.insert(c, at: i)
            case 1: if i < b.count { b.remove(at: i) }
            default: if i < b.count { b[i] = c }
            }
        }
        return b
    }

    static func comparable(_ p: Policy) -> Policy {
        var p = p
        p.source = PolicySource(path: "", sha256: "")
        for i in p.gate.rules.indices {
            p.gate.rules[i].location = nil
            p.gate.rules[i].examplesMatchLocations = []
            p.gate.rules[i].examplesNotMatchLocations = []
        }
        for i in p.gate.exceptions.indices { p.gate.exceptions[i].location = nil }
        return p
    }

    @Test("mutated JSON either fails with a position or round-trips through serialized()")
    func json() throws {
        var rng = SeededGenerator(state: 1)
        let seed = Array(#"{"a":[1,2.5e3,-0,"x\u00e9\ud83d\ude00",true,false,null,{"b":{}}],"c":"\n\u2028"}"#.utf8)
        var parsed = 0
        for _ in 0..<3000 {
            let b = Self.mutate(seed, &rng)
            do {
                let v = try JSONValue.parse(b)
                parsed += 1
                #expect(try JSONValue.parse(v.serialized()) == v)
            } catch {
                #expect(error.line >= 1 && error.column >= 1 && error.offset <= b.count)
            }
        }
        // The mutations must leave some documents valid, or the round trip is never tried.
        #expect(parsed > 50)
    }

    @Test("mutated policies either fail with positions or survive policy show", arguments: ["p.yaml", "p.json"])
    func policies(path: String) throws {
        var rng = SeededGenerator(state: 2)
        let seed =
            path.hasSuffix(".json")
            ? Array(
                #"{"agent_id":"a","sandbox":{"timeout":"1s","limits":{"memory":"1GiB"}},"gate":{"rules":[{"id":"r","match":{"tool":"x"},"decision":"block","examples":{"match":[{"tool":"x"}]}}]}}"#
                    .utf8)
            : Array(EmbeddedPolicies.strict.utf8)
        var loaded = 0
        for _ in 0..<1500 {
            let b = Self.mutate(seed, &rng)
            do {
                let p = try memoryLoader([:]).load(bytes: b, path: path)
                loaded += 1
                let back = try memoryLoader([:]).load(text: PolicyYAML.render(p), path: "shown.yaml")
                #expect(Self.comparable(back) == Self.comparable(p))
            } catch {
                #expect(!error.errors.isEmpty)
                #expect(error.errors.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
            }
        }
        #expect(loaded > 20)
    }
}
