// What the sandbox's first process inherits of cordon's memory (forkmarks.c): only its plan and
// the stack it runs on. Everything else of cordon's private memory (malloc's heap, other
// mappings) it gets empty, so the sandbox's init, which lives as long as the command, holds no
// copy of cordon's heap, and cordon's own writes during the run take no copy-on-write faults.
import CSandbox
import CordonPolicy
import Foundation
import Glibc
import Testing

@testable import CordonSandbox

@Suite("the sandbox's child and cordon's memory")
struct ForkMarksTests {
    /// `count` bytes at `address` in `pid`'s memory, through /proc/PID/mem.
    static func peek(_ pid: Int32, _ address: UnsafeMutableRawPointer, _ count: Int) -> [UInt8]? {
        let fd = open("/proc/\(pid)/mem", O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0xFF, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(Int(bitPattern: address))) }
        return n == count ? out : nil
    }

    @Test("the sandbox's init holds none of cordon's heap, yet runs the plan it was given")
    func initHoldsNoHeap() throws {
        let required = ProcessInfo.processInfo.environment["CORDON_REQUIRE_SANDBOX"] == "1"
        guard Probe().namespacesUsable() else {
            if required { Issue.record("namespaces unavailable, and CORDON_REQUIRE_SANDBOX=1") }
            return
        }
        // A secret-like marker in malloc's heap (a small block) and in a large block (its own
        // mapping), written before the spawn, as cordon's tokens and environment are.
        let marker = Array("cordon-forkmarks-\(UUID().uuidString)".utf8)
        let small = try #require(malloc(256))
        let large = try #require(malloc(4 << 20))
        defer {
            free(small)
            free(large)
        }
        for block in [small, large] {
            marker.withUnsafeBytes { block.copyMemory(from: $0.baseAddress!, byteCount: marker.count) }
        }

        let ws = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-forkmarks-\(getpid())")
        try FileManager.default.createDirectory(at: ws, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: ws) }
        let path = ws.resolvingSymlinksInPath().path
        chmod(path, 0o777)
        let req = SandboxRequest(argv: ["/bin/cat"], policy: Policy(), workspace: path, cwd: path, hostEnvironment: [:])
        var plan = try PlanBuilder.build(req, namespaces: true, landlockABI: nil, seccomp: nil, cgroups: false)
        let attachments = try Sandbox.prepareAttachments(&plan, notice: { _ in })
        defer { attachments.close() }
        var input: [Int32] = [-1, -1]
        #expect(cs_pipe_cloexec(&input) == 0)
        defer { close(input[1]) }
        let child = try Sandbox.spawn(plan, stdinFD: input[0], attachments: attachments)
        close(input[0])
        defer { Sandbox.abort(child, errR: -1, notify: -1) }

        // Our own memory still holds the marker: the reads below would find it in a copy.
        #expect(Self.peek(getpid(), small, marker.count) == marker)
        #expect(Self.peek(getpid(), large, marker.count) == marker)
        // The child (init, pid 1 of the sandbox) has the same addresses mapped, empty.
        let zeros = [UInt8](repeating: 0, count: marker.count)
        #expect(Self.peek(child.pid, small, marker.count) == zeros)
        #expect(Self.peek(child.pid, large, marker.count) == zeros)

        // And the plan reached the command: cat echoes what it is given.
        var line = Array("through the sandbox\n".utf8)
        #expect(write(input[1], &line, line.count) == line.count)
        var got = [UInt8](repeating: 0, count: line.count)
        var have = 0
        while have < line.count {
            let n = got.withUnsafeMutableBytes { read(child.stdoutR, $0.baseAddress! + have, line.count - have) }
            if n <= 0 { break }
            have += n
        }
        #expect(got == line)
    }
}
