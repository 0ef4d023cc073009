import CordonBase
import Testing

@testable import CordonPolicy

@Suite("${VAR} expansion", .timeLimit(.minutes(10)))
struct EnvExpansionTests {
    static let env = ["HOME": "/home/a", "EMPTY": "", "HOOK": "https://h/x"]

    @Test(
        "variables expand from the environment handed in",
        arguments: [
            ("${HOME}/w", "/home/a/w"),
            ("a${HOME}b${HOOK}", "a/home/ab" + "https://h/x"),
            ("${MISSING:-fallback}", "fallback"),
            ("${EMPTY:-fallback}", "fallback"),
            ("${EMPTY}", ""),
            ("${HOME:-x}", "/home/a"),
            ("${MISSING:-}", ""),
            ("$${HOME}", "${HOME}"),
            ("$HOME and $", "$HOME and $"),
            ("cost: $5", "cost: $5"),
            ("no dollars", "no dollars"),
        ])
    func expands(text: String, expected: String) {
        let (value, problems) = EnvExpansion.expand(text, Self.env)
        #expect(problems.isEmpty)
        #expect(value == expected)
    }

    @Test(
        "problems are reported, all of them",
        arguments: [
            ("${NOPE}", [EnvExpansion.Problem.unset("NOPE")]),
            ("${A}${B}", [.unset("A"), .unset("B")]),
            ("${1A}", [.badName("1A")]),
            ("${}", [.badName("")]),
            ("${A-B}", [.badName("A-B")]),
            ("${HOME", [.unterminated]),
        ])
    func problems(text: String, expected: [EnvExpansion.Problem]) {
        #expect(EnvExpansion.expand(text, Self.env).1 == expected)
    }

    @Test("string values in a policy are expanded; command patterns and examples are not")
    func whereExpansionApplies() throws {
        let p = try load(
            """
            agent_id: ${AGENT}
            environment: ${STAGE:-dev}
            monitor:
              alert_channels:
                - {type: webhook, url: "${HOOK}"}
            sandbox:
              env:
                set: {TOKEN: "${TOKEN}", LITERAL: "$${NOT}"}
            gate:
              commands:
                block: ["rm -rf ${HOME}"]
              rules:
                - id: r
                  match: {command: "cat ${SECRET}", environment: "${STAGE:-dev}"}
                  decision: block
                  examples: {match: ["cat ${SECRET}"]}
            """,
            environment: ["AGENT": "bot", "HOOK": "https://hooks/x", "TOKEN": "t0k"])
        #expect(p.agentId == "bot")
        #expect(p.environment == "dev")
        #expect(p.monitor.alertChannels.first?.settings["url"] == "https://hooks/x")
        #expect(p.sandbox.env.set == ["TOKEN": "t0k", "LITERAL": "${NOT}"])
        #expect(p.gate.commands.block == ["rm -rf ${HOME}"])
        #expect(p.gate.rules.first?.match.command == "cat ${SECRET}")
        #expect(p.gate.rules.first?.match.environment == "dev")
        #expect(p.gate.rules.first?.examplesMatch == [.command("cat ${SECRET}")])
    }

    @Test("an optional channel whose url expands to nothing is dropped")
    func optionalChannel() throws {
        let yaml = "monitor:\n  alert_channels:\n    - {type: slack, url: \"${SLACK:-}\"}\n    - {type: stderr}\n"
        #expect(try load(yaml).monitor.alertChannels == [AlertChannel(type: "stderr")])
        #expect(
            try load(yaml, environment: ["SLACK": "https://s"]).monitor.alertChannels == [
                AlertChannel(type: "slack", settings: ["webhook": "https://s"]), AlertChannel(type: "stderr"),
            ])
    }

    @Test("the hash is of the text as read, before expansion")
    func hashBeforeExpansion() throws {
        let text = "agent_id: ${A}\n"
        let one = try load(text, environment: ["A": "x"])
        let two = try load(text, environment: ["A": "y"])
        #expect(one.source.sha256 == SHA256.hex(text))
        #expect(one.source.sha256 == two.source.sha256)
        #expect(one.agentId != two.agentId)
    }
}
