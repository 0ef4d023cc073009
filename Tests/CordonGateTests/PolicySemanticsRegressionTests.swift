import CordonPolicy
import Testing

@testable import CordonGate

// Regression: strict.yaml lists `sudo` under gate.commands.block, but command lists were only
// matched against the program sudo runs, so `sudo ls /root` came out requires_approval.
@Test(
    "a bare name in gate.commands.block also matches the wrapper itself (sudo ls is blocked)",
    arguments: ["sudo ls /root", "sudo -u root env FOO=1 ls", "nice -n 5 sudo true"])
func bareNameMatchesWrapper(_ command: String) {
    var policy = Policy()
    policy.gate.commands.block = ["sudo"]
    let d = Gate.evaluate(Action(id: "a", payload: .shell(command)), policy: policy)
    #expect(d.decision == .block)
    #expect(d.policyRule == "command:sudo")
}

@Test("a pattern with arguments still needs its program: sudo git status does not match git push --force")
func patternWithArgumentsStillNeedsTheProgram() {
    var policy = Policy()
    policy.gate.commands.block = ["git push --force|-f"]
    let d = Gate.evaluate(Action(id: "a", payload: .shell("sudo git status")), policy: policy)
    #expect(d.policyRule != "command:git push --force|-f")
}
