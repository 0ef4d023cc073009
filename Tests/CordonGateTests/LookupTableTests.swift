// The byte-level tables and helpers the gate's fast paths use must give the same answers as
// the plain String operations they replace (see docs/benchmarks-gate.md, Speed).
import Testing

@testable import CordonGate

@Suite("lookup tables", .timeLimit(.minutes(10)))
struct LookupTableTests {
    @Test(
        "the known-program list is sorted, has no duplicate, and no name that Unicode can spell differently"
    )
    func knownProgramList() {
        let names = KnownPrograms.sorted
        #expect(Set(names).count == names.count)
        #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        // Byte equality equals String equality for ASCII names without K, ; or a backquote
        // (U+212A, U+037E and U+1FEF normalise to those).
        for n in names {
            #expect(n.utf8.allSatisfy { $0 < 0x80 && $0 != 0x4B && $0 != 0x3B && $0 != 0x60 }, "\(n)")
            #expect(KnownPrograms.contains(n), "\(n)")
        }
        for n in ["", "gi", "gitt", "Git", "rm ", "zzz", "\u{212A}ill", "7", "[[["] {
            #expect(KnownPrograms.contains(n) == names.contains(n), "\(n)")
        }
    }

    @Test("Needles finds a needle exactly when some needle is a substring")
    func needles() {
        let needles = ["id_", "ssh", ".env", "aws", "kube", "a", "abc", "bcd", "zz"]
        let n = Needles(needles)
        let hay = [
            "", "a", "b", "ab", "abc", "xbcd", "bc", "z", "zz", "~/.ssh/id_rsa", "/tmp/x.txt", ".en",
            "x.envy", "kub", "xkube", "id", "id_", "sshd", "é-ssh", "café",
        ]
        for h in hay {
            #expect(h.containsAny(n) == needles.contains { h.has($0) }, "\(h)")
        }
        #expect(!"anything".containsAny(Needles([])))
    }

    @Test("concat is the three strings one after the other")
    func concatenation() {
        for (a, b, c) in [
            ("'", "rm", "' is not"), ("", "", ""), ("é", "a very long program name ", "x"),
        ] {
            #expect(concat(a, b, c) == a + b + c)
        }
    }

    @Test("every reserved word is recognised, and words of the same shape are not")
    func reservedWordSwitch() {
        func peek(_ w: String) -> String? {
            ShellParser(bytes: Array((w + " x").utf8), sink: ScriptSink(text: ""), depth: 0, vars: [:])
                .peekReservedWord()
        }
        for w in reservedWords { #expect(peek(w) == w, "\(w)") }
        for w in ["iff", "git", "esacs", "dos", "fo", "selects", "thenx", "ls", "Do", "IF", "a"] {
            #expect(peek(w) == nil, "\(w)")
        }
    }

    @Test("pipelines are the commands' indices grouped by pipeline, in order, empty ones kept")
    func pipelines() {
        let s = Shell.parse("a | b $(c | d) | e; f && (g | h); x=$(( 1 + 2 ))")
        var expected = [[Int]](repeating: [], count: s.pipelineCount)
        for (k, c) in s.commands.enumerated() { expected[c.pipeline].append(k) }
        #expect(s.pipelines == expected)
        #expect(s.pipelines.joined().sorted() == Array(s.commands.indices))
        #expect(s.pipelines.allSatisfy { $0 == $0.sorted() })
    }
}
