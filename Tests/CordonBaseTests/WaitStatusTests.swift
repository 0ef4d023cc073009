// Wait statuses and errno: the decoding every spawner shares.
import Glibc
import Testing

@testable import CordonBase

@Suite("wait statuses and errno", .timeLimit(.minutes(10)))
struct WaitStatusTests {
    /// Runs `sh -c script` and returns its raw wait(2) status.
    func status(_ script: String) throws -> Int32 {
        var pid: pid_t = 0
        let args = ["sh", "-c", script]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        try #require(posix_spawnp(&pid, "sh", nil, nil, &argv, environ) == 0)
        var st: Int32 = 0
        _ = Errno.retryingEINTR { waitpid(pid, &st, 0) }
        return st
    }

    @Test("an exit code above 128 is an exit, not a signal")
    func highExit() throws {
        #expect(WaitStatus(raw: try status("exit 130")) == .exited(130))
        #expect(WaitStatus(raw: try status("exit 0")) == .exited(0))
        #expect(WaitStatus(raw: try status("exit 255")) == .exited(255))
    }

    @Test("a death by signal is the signal, whatever the core-dump bit")
    func signals() throws {
        // SIGKILL: a test thread may block SIGTERM, and posix_spawn passes the mask on.
        #expect(WaitStatus(raw: try status("kill -KILL $$")) == .signaled(SIGKILL))
        #expect(WaitStatus(raw: SIGTERM) == .signaled(SIGTERM))
        #expect(WaitStatus(raw: SIGSEGV | 0x80) == .signaled(SIGSEGV), "core dumped")
    }

    @Test("errno reads as strerror, and a system error names the operation and the path")
    func errnoText() {
        #expect(Errno(ENOENT).description == "No such file or directory")
        #expect(SystemError("open", path: "/x", errno: .notFound).description == "open /x: No such file or directory")
        #expect(throws: SystemError("open", path: "/nonexistent/x", errno: .notFound)) {
            try FileIO.readFile("/nonexistent/x")
        }
        #expect(throws: SystemError("read", path: "/dev/zero", errno: .fileTooLarge)) {
            try FileIO.readFile("/dev/zero", limit: 4096)
        }
    }
}
