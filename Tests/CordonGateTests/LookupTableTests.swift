// The byte-level tables and helpers the gate's fast paths use must give the same answers as
// the plain String operations they replace (see docs/benchmarks-gate.md, Speed).
import CordonTestSupport
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

    @Test(
        "KnownPrograms.swift holds exactly the names of scripts/known-programs.txt (run scripts/gen-known-programs.sh)")
    func knownProgramsGenerated() throws {
        let text = try #require(readText(Repository.path("scripts/known-programs.txt")))
        var listed: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            listed += code.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        let sorted = listed.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(Set(listed).count == listed.count, "a name is listed twice")
        #expect(KnownPrograms.sorted == sorted)
        // Files that only sit in a bin directory are not programs anyone runs.
        for junk in ["LICENSE.txt", "X11", "FileCheck-14"] { #expect(!KnownPrograms.contains(junk)) }
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

    @Test("NameSet and NameTable drop duplicates by bytes as the Set and Dictionary they replace did")
    func uniqueNames() {
        // Enough names to make UniqueNames grow past its first table.
        let names = (0..<300).map { "n\($0 % 170)" } + ["a", "b", "a", "", "c", "b"]
        var seen = Set<String>()
        let plain = names.filter { seen.insert($0).inserted }
        #expect(NameSet(names).members == plain)
        for n in plain { #expect(NameSet(names).contains(n)) }
        #expect(!NameSet(names).contains("n170"))
        let table = NameTable(names.enumerated().map { ($1, $0) })
        var last: [String: Int] = [:]
        for (i, n) in names.enumerated() { last[n] = i }
        for n in plain { #expect(table[n] == last[n], "\(n)") }
        // The merged program families agree with the sets they are merged from.
        for (set, family) in [
            (Effects.textOnly, Effects.Family.textOnly), (Effects.remoteClients, .remoteClient),
            (Effects.remoteStateCLIs, .remoteState), (Effects.thirdPartyServices, .service),
        ] {
            for n in set { #expect(Effects.families[n]?.contains(family) == true, "\(n)") }
        }
    }
}
