// The caller's environment as the plan computes it (CallerEnvironment, PrivateHome's
// credential check): pure tables; the end-to-end tests in CordonCLITests run them for real.
import CordonPolicy
import Foundation
import Testing

@testable import CordonSandbox

@Suite("caller environment", .timeLimit(.minutes(10)))
struct CallerEnvironmentPlanTests {
    @Test(
        "configuration text with a credential marker is recognised",
        arguments: [
            "[http]\n\textraHeader = Authorization: Bearer abc", "//registry.npmjs.org/:_authToken=npm_x",
            "[pypi]\npassword = hunter2", "[url \"https://bob:pw@git.example.org/\"]", "GITHUB_TOKEN=ghp_x",
        ])
    func credentials(text: String) {
        #expect(CredentialMarkers.find(Array(text.utf8)) != nil)
    }

    @Test(
        "harmless configuration has no credential marker",
        arguments: [
            "[user]\n\tname = Ada\n\temail = ada@example.org", "[url \"https://git.example.org/\"]\n\tinsteadOf = gh:",
            "*.tmp\n*.log", "[alias]\n\tco = checkout",
        ])
    func harmless(text: String) {
        #expect(CredentialMarkers.find(Array(text.utf8)) == nil)
    }

    @Test("PATH keeps the caller's visible entries in order, drops hidden and relative ones, and binds toolchains")
    func path() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-callerenv-\(UUID().uuidString.prefix(6))"
        ).resolvingSymlinksInPath().path
        for d in [".pyenv/shims", ".ssh/bin", ".cargo/bin", "other/bin"] {
            try FileManager.default.createDirectory(atPath: home + "/" + d, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: home) }
        let req = SandboxRequest(
            argv: ["true"], policy: Policy(), workspace: "/cordon-no-such-workspace", cwd: "/cordon-no-such-workspace",
            hostEnvironment: [
                "HOME": home, "TZ": "UTC", "LC_TIME": "C", "SECRET": "x",
                "PATH": "\(home)/.pyenv/shims:.:\(home)/.ssh/bin:\(home)/other/bin:/usr/bin:\(home)/.cargo/bin",
            ])
        let c = CallerEnvironment.resolve(req, namespaces: true)
        let entries = c.path.split(separator: ":").map(String.init)
        #expect(Array(entries.prefix(3)) == ["\(home)/.pyenv/shims", "/usr/bin", "\(home)/.cargo/bin"], "\(entries)")
        #expect(!c.path.contains(".ssh") && !c.path.contains("other") && !entries.contains("."))
        #expect(c.toolchains == ["\(home)/.pyenv", "\(home)/.cargo/bin"])
        let vars = Dictionary(c.variables, uniquingKeysWith: { a, _ in a })
        #expect(vars["PYENV_ROOT"] == home + "/.pyenv")
        #expect(vars["TZ"] == "UTC" && vars["LC_TIME"] == "C" && vars["SECRET"] == nil)
        let ops = try PlanBuilder.mountOps(req, rootfs: nil, caller: c)
        #expect(
            ops.contains { $0.kind == .bind && $0.target == "/newroot\(home)/.pyenv" && $0.flags.contains(.readOnly) })
    }
}
