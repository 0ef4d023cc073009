// `--help` is rendered from the option table the parser uses; these tests hold the two
// together for every subcommand.
import CordonRun
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCLI

@Suite("--help", .timeLimit(.minutes(10)))
struct HelpTests {
    static let commands = CordonCommand.commands.map { ($0.name, $0.helpText) }

    @Test("every option a subcommand accepts is in its --help", arguments: commands)
    func documented(_ name: String, _ text: HelpText) {
        let help = text.rendered
        for o in text.options {
            #expect(help.contains("--\(o.name)"), "cordon \(name): --\(o.name) is accepted but not documented")
            if let c = o.short { #expect(help.contains("-\(c)"), "cordon \(name): -\(c) is not documented") }
        }
        #expect(help.contains("-h, --help"))
    }

    @Test("every --option its --help names is accepted", arguments: commands)
    func accepted(_ name: String, _ text: HelpText) throws {
        for word in Self.optionWords(text.rendered) where word != "help" {
            let spec = text.options.first { $0.name == word }
            #expect(spec != nil, "cordon \(name) --help names --\(word), which the parser refuses")
            guard let spec else { continue }
            let args = spec.takesValue ? ["--\(word)", "x"] : ["--\(word)"]
            #expect(throws: Never.self) { try ArgumentParser.parse(args, options: text.options, command: name) }
        }
    }

    @Test("the README's synopsis of cordon run names every option run accepts")
    func readme() throws {
        let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
        for o in RunCommand.helpText.options {
            #expect(readme.contains("[--\(o.name)"), "README.md does not mention cordon run --\(o.name)")
        }
    }

    @Test("an undocumented option is refused with a suggestion")
    func refused() {
        #expect(throws: CLIError.self) {
            try ArgumentParser.parse(["--polcy", "x"], options: RunCommand.helpText.options, command: "run")
        }
        do {
            _ = try ArgumentParser.parse(["--polcy", "x"], options: RunCommand.helpText.options, command: "run")
        } catch {
            #expect(error.message.contains("did you mean --policy?"))
            #expect(error.code == .usage)
        }
    }

    /// `--word` tokens of a help text (letters, digits and dashes after two dashes).
    static func optionWords(_ help: String) -> Set<String> {
        var out: Set<String> = []
        let chars = Array(help)
        var i = 0
        while i + 2 < chars.count {
            if chars[i] == "-", chars[i + 1] == "-", chars[i + 2].isLetter, i == 0 || !chars[i - 1].isLetter {
                var j = i + 2
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "-" { j += 1 }
                out.insert(String(chars[(i + 2)..<j]))
                i = j
            } else {
                i += 1
            }
        }
        return out
    }
}
