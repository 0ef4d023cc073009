import CordonBase
import CordonTestSupport
import Glibc
import Testing

@testable import CordonAudit

@Suite("cordon log --follow", .timeLimit(.minutes(10)))
struct FollowTests {
    func texts(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test("new lines appear, a partial line waits for its newline")
    func newLines() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/f.log", "old\n")
        let f = LogFollower(path: dir + "/f.log")
        #expect(f.poll().lines.isEmpty, "starts at the end")
        let fd = open(dir + "/f.log", O_WRONLY | O_APPEND)
        defer { close(fd) }
        _ = Array("one\ntw".utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        #expect(texts(f.poll().lines) == ["one"])
        _ = Array("o\n".utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        #expect(texts(f.poll().lines) == ["two"])
    }

    @Test("rotation: the rest of the old file, then the new file from its start")
    func rotation() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/gate.log", "a\n")
        let f = LogFollower(path: dir + "/gate.log")
        let fd = open(dir + "/gate.log", O_WRONLY | O_APPEND)
        _ = Array("b\n".utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        close(fd)
        rename(dir + "/gate.log", dir + "/gate.log.1")
        writeText(dir + "/gate.log", "c\n")
        let r = f.poll()
        #expect(texts(r.lines) == ["b", "c"])
        #expect(r.warnings.isEmpty)
    }

    @Test("a file that disappears is reported once, and followed again when it comes back")
    func disappears() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/gate.log", "a\n")
        let f = LogFollower(path: dir + "/gate.log")
        unlink(dir + "/gate.log")
        let r1 = f.poll()
        #expect(r1.warnings == ["\(dir)/gate.log: disappeared (deleted or moved); waiting for it to come back"])
        #expect(f.poll().warnings.isEmpty, "said once")
        writeText(dir + "/gate.log", "again\n")
        let r3 = f.poll()
        #expect(texts(r3.lines) == ["again"])
        #expect(r3.warnings == ["\(dir)/gate.log: back; following the new file"])
    }

    @Test("a truncated file is read again from its start, with a warning")
    func truncated() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/gate.log", "aaaa\nbbbb\n")
        let f = LogFollower(path: dir + "/gate.log")
        truncate(dir + "/gate.log", 0)
        let fd = open(dir + "/gate.log", O_WRONLY | O_APPEND)
        _ = Array("x\n".utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        close(fd)
        let r = f.poll()
        #expect(texts(r.lines) == ["x"])
        #expect(r.warnings.first?.contains("truncated") == true)
    }

    @Test("the cordon binary keeps following across a rotation done by other writers")
    func binaryAcrossRotation() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        _ = cordon(["log", "append", "--log-dir", dir, "--decision", "allow", "--cmd", "before"])
        let out = dir + "/follow.out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, dir + "/follow.err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let args = [cordonBinary(), "log", "--log-dir", dir, "--follow", "--json"]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, args[0], &actions, nil, &argv, environ) == 0)
        defer {
            kill(pid, SIGKILL)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
        }
        func batchLines() -> Int {
            readText(out).split(separator: "\n").filter { $0.contains("\"cmd\":\"batch-") }.count
        }
        // Synchronise on what the follower printed, not on time: it is following once the line
        // written before it started is out, and it has read a batch once the batch is out.
        try #require(
            waitUntil(seconds: 10) { readText(out).contains("\"cmd\":\"before\"") }, "the follower never started")
        // 60 lines with a 4 KiB limit: several rotations, each batch read before the next.
        for i in 0..<3 {
            _ = cordon([
                "log", "append", "--log-dir", dir, "--decision", "allow", "--cmd", "batch-\(i)", "--repeat", "20",
                "--max-size", "4096", "--keep", "50",
            ])
            _ = waitUntil(seconds: 10) { batchLines() >= 20 * (i + 1) }
        }
        let seen = batchLines()
        #expect(LogDirectory(path: dir).logFiles().count > 2, "rotation happened")
        #expect(readText(out).split(separator: "\n").first?.contains("\"cmd\":\"before\"") == true)
        #expect(seen == 60, "every line once, across rotations; stderr: \(readText(dir + "/follow.err"))")
    }
}
