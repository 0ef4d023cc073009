// Real directories and files for tests: each test gets its own temporary directory.
import CordonBase
import CordonTestSupport
import Glibc

@testable import CordonAudit

func makeTempDir(_ tag: String = #function) -> String {
    let clean = tag.filter { $0.isLetter || $0.isNumber }
    var template = Array("/tmp/cordon-audit-\(clean.prefix(30))-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(p != nil, "mkdtemp failed")
    return String(cString: p!)
}

func removeTree(_ path: String) {
    // `rm -rf` in a subprocess: simpler than nftw, and only tests use it.
    var pid: pid_t = 0
    let args: [String] = ["rm", "-rf", "--", path]
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    guard posix_spawnp(&pid, "rm", nil, nil, &argv, environ) == 0 else { return }
    var st: Int32 = 0
    while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
}

func readText(_ path: String) -> String {
    (try? FileIO.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

func writeBytes(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "open \(path)")
    _ = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
    close(fd)
}

func writeText(_ path: String, _ s: String) { writeBytes(path, Array(s.utf8)) }

func sampleRecord(_ n: Int, decision: String = "allow", score: Int = 5, agent: String = "ci-agent") -> LogRecord {
    LogRecord(
        timestamp: Timestamp(milliseconds: 1_795_000_000_000 + Int64(n)), decision: decision, score: score,
        level: "safe", agent: agent, session: "s-1", run: "r-1", action: "a-\(n)", source: "gate", pid: 4242,
        rule: "", command: Array("echo \(n)".utf8), reasons: [])
}

/// Runs `argv` with `env` added to the environment (CordonTestSupport's one process runner).
func runProcess(_ argv: [String], env: [String: String] = [:]) -> ProcessResult {
    TestProcess.run(argv, env: env)
}

/// The built `cordon` binary, next to the test bundle in the build directory.
func cordonBinary() -> String { TestProcess.cordon }

/// Polls `condition` until it holds or `seconds` pass; true when it held. For waiting on another
/// process's visible effect (a file's content), never as a fixed sleep standing in for one.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + seconds
    while true {
        if condition() { return true }
        clock_gettime(CLOCK_MONOTONIC, &now)
        if Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 > deadline { return false }
        var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
        nanosleep(&pause, nil)
    }
}
