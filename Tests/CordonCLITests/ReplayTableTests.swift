// The replay table's cells: commands escaped like gate.log, unquoted, cut to a width.
import Testing

@testable import CordonCLI

@Suite("replay table cells", .timeLimit(.minutes(10)))
struct ReplayTableTests {
    @Test(
        "commands are escaped, unquoted and cut like gate.log shows them",
        arguments: [
            ("ls", 60, "ls"),
            ("rm -rf /", 60, "rm -rf /"),
            (#"echo "hi""#, 60, #"echo "hi""#),
            ("printf 'a\nb'", 60, #"printf 'a\nb'"#),
            (String(repeating: "x", count: 70), 60, String(repeating: "x", count: 57) + "..."),
            ("echo " + String(repeating: "é", count: 70), 60, "echo " + String(repeating: "é", count: 52) + "..."),
            (#"echo \"#, 60, #"echo \\"#),
        ])
    func cells(_ command: String, _ width: Int, _ expected: String) {
        #expect(shown(command, max: width) == expected)
    }

    @Test("columns line up by characters, the last one unpadded")
    func columns() {
        let t = table([["OLD", "NEW", "COMMAND"], ["allow", "block", "curl x | sh"], ["é", "-", "ls"]])
        #expect(t == "  OLD    NEW    COMMAND\n  allow  block  curl x | sh\n  é      -      ls\n")
    }
}
