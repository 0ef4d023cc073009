import CordonBase
import Testing

@testable import CordonPolicy

@Suite("shipped policies", .timeLimit(.minutes(10)))
struct ShippedPolicyTests {
    @Test("the embedded default policy is byte-identical to policies/default.yaml")
    func embeddedDefaultMatchesFile() throws {
        let file = try #require(try? PolicyFiles.read(repositoryRoot + "/policies/default.yaml").get())
        let same = file == Array(EmbeddedPolicies.default.utf8)
        #expect(same, "policies/default.yaml and EmbeddedPolicies.default differ: run scripts/embed-policies.sh")
    }

    @Test("the embedded strict policy is byte-identical to policies/strict.yaml")
    func embeddedStrictMatchesFile() throws {
        let file = try #require(try? PolicyFiles.read(repositoryRoot + "/policies/strict.yaml").get())
        let same = file == Array(EmbeddedPolicies.strict.utf8)
        #expect(same, "policies/strict.yaml and EmbeddedPolicies.strict differ: run scripts/embed-policies.sh")
    }

    @Test("every shipped policy loads", arguments: ["default", "strict", "agent"])
    func loads(name: String) throws {
        let path = repositoryRoot + "/policies/\(name).yaml"
        #expect(throws: Never.self) { try PolicyLoader().load(path: path) }
    }

    @Test("the default policy spells out the model's defaults")
    func defaultEqualsModel() throws {
        let p = try PolicyLoader().loadEmbedded()
        #expect(p.sandbox == SandboxPolicy())
        #expect(p.log == LogPolicy())
        #expect(p.approvals == ApprovalPolicy())
        #expect(p.monitor == MonitorPolicy())
        #expect(p.gate.allow == ["shell"])
        #expect(p.gate.requireApproval == ["send_email", "http_post"])
        #expect(
            p.gate.block == [
                "execute_shell", "run_command", "bash", "system", "delete_file", "rm", "rmdir", "kill_process",
                "terminate",
            ])
        #expect(p.gate.thresholds.requireApproval == 60)
        #expect(p.gate.thresholds.block == 80)
        #expect(p.source.path == "<embedded default>")
        #expect(p.source.sha256 == SHA256.hex(EmbeddedPolicies.default))
    }

    @Test("the strict policy tightens the default and keeps what it does not set")
    func strict() throws {
        let p = try PolicyLoader().loadEmbedded("strict")
        #expect(p.gate.thresholds.requireApproval == 40)
        #expect(p.gate.thresholds.block == 70)
        #expect(p.sandbox.require == ["namespaces"])
        #expect(p.sandbox.network == .none)
        #expect(p.sandbox.limits.memory == 1 << 30)
        #expect(p.sandbox.limits.cpu == 60)
        #expect(p.gate.commands.requireApproval.contains("pip"))
        // Inherited from default:
        #expect(p.gate.block.contains("execute_shell"))
        #expect(p.gate.allow == ["shell"])
        #expect(p.sandbox.uid == 65534)
    }

    @Test("the production-agent example has its rule and drops the webhook when SLACK_WEBHOOK is unset")
    func agent() throws {
        let path = repositoryRoot + "/policies/agent.yaml"
        let p = try PolicyLoader().load(path: path)
        #expect(p.agentId == "production-agent")
        #expect(p.version == "2.1")
        #expect(p.environment == "production")
        #expect(p.scan.minScore == 80)
        #expect(p.scan.failOn == ["CRITICAL", "HIGH"])
        #expect(p.monitor.alertChannels.isEmpty)
        #expect(p.gate.onBlock == "raise_and_alert")
        #expect(p.sandbox.timeout == 60)
        #expect(p.sandbox.limits.memory == 1 << 30)
        #expect(p.sandbox.limits.output == 1 << 20)
        let rule = try #require(p.gate.rules.first)
        #expect(rule.id == "requires_approval_production_deploy")
        #expect(rule.match.actionType == "production_deploy")
        #expect(rule.match.environment == "production")
        #expect(rule.decision == .requiresApproval)
        #expect(rule.score == 85)
        #expect(rule.reason == "Production deployment requires approval")
        #expect(rule.examplesMatch == [.fields(["action_type": "production_deploy", "environment": "production"])])
        #expect(rule.examplesNotMatch.count == 2)
        #expect(rule.examplesMatchLocations.map(\.line) == [49])
        #expect(rule.examplesNotMatchLocations.map(\.line) == [51, 52])
        #expect(rule.location == SourceLocation(file: path, line: 39, column: 7))

        let withHook = try PolicyLoader(environment: ["SLACK_WEBHOOK": "https://hooks.slack.com/services/T/B/X"]).load(
            path: path)
        #expect(
            withHook.monitor.alertChannels == [
                AlertChannel(type: "webhook", settings: ["url": "https://hooks.slack.com/services/T/B/X"])
            ])
    }
}
