import CordonPolicy
import Foundation
import Testing

@testable import CordonSandbox

@Suite("spawn plan", .timeLimit(.minutes(10)))
struct PlanBuilderTests {
    func request(workspace: String = "/tmp", env: [String: String] = [:]) -> SandboxRequest {
        SandboxRequest(
            argv: ["sh", "-c", "true"], policy: Policy(), workspace: workspace, cwd: workspace, hostEnvironment: env)
    }

    @Test("merged-/usr symlinks on the host are recreated as symlinks, not bound")
    func mergedUsr() throws {
        guard case .symlink(let text) = PathTools.lkind("/bin") else { return }  // split-/usr host: nothing to check
        let ops = try PlanBuilder.mountOps(request(), rootfs: nil)
        #expect(ops.contains { $0.kind == .symlink && $0.target == "/newroot/bin" && $0.source == text })
        #expect(!ops.contains { $0.kind == .bind && $0.target == "/newroot/bin" })
    }

    @Test("a workspace under /tmp is bound after the /tmp tmpfs, so the tmpfs cannot hide it")
    func tmpfsBeforeWorkspace() throws {
        let ws = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-plan-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: ws, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: ws) }
        let path = ws.resolvingSymlinksInPath().path
        let ops = try PlanBuilder.mountOps(request(workspace: path), rootfs: nil)
        let tmpfs = try #require(ops.firstIndex { $0.kind == .tmpfs && $0.target == "/newroot/tmp" })
        let bind = try #require(ops.firstIndex { $0.kind == .bind && $0.target == "/newroot" + path })
        let mkdir = try #require(ops.lastIndex { $0.kind == .mkdir && $0.target == "/newroot" + path })
        #expect(tmpfs < mkdir && mkdir < bind)
    }

    @Test("hide paths are covered only where a bind made them visible, and .cordon in the workspace is hidden")
    func hides() throws {
        let ws = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cordon-plan-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(
            at: ws.appendingPathComponent(".cordon"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: ws.appendingPathComponent("home/.ssh"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: ws) }
        let path = ws.resolvingSymlinksInPath().path
        var req = request(workspace: path, env: ["HOME": path + "/home"])
        req.hide = [path + "/.cordon", "/nonexistent/place"]
        let ops = try PlanBuilder.mountOps(req, rootfs: nil)
        let hidden = ops.filter { $0.flags.contains(.readOnly) && ($0.kind == .tmpfs || $0.source == "/hidden-empty") }
            .map(\.target)
        #expect(hidden.contains("/newroot" + path + "/.cordon"))
        #expect(hidden.contains("/newroot" + path + "/home/.ssh"))
        #expect(!hidden.contains { $0.contains("nonexistent") })
    }

    @Test("the environment is clean, passes only what is asked, and PATH finds commands")
    func environment() {
        var req = request(env: ["SECRET": "x", "KEEP": "y", "TERM": "xterm"])
        req.envPass = ["KEEP"]
        let env = PlanBuilder.environment(req)
        #expect(env.contains("KEEP=y"))
        #expect(!env.contains { $0.hasPrefix("SECRET=") })
        #expect(env.contains("TERM=xterm"))
        #expect(PlanBuilder.candidates("ls", req).contains("/usr/bin/ls"))
        #expect(PlanBuilder.candidates("./x", req) == ["./x"])
    }

    @Test("an empty command is refused before anything is spawned")
    func emptyCommand() {
        var req = request()
        req.argv = [""]
        #expect(throws: SandboxError.self) {
            try PlanBuilder.build(req, namespaces: true, landlockABI: nil, seccomp: nil, cgroups: false)
        }
    }
}
