// The state store on real SQLite files in fresh temporary directories: creation, WAL, the
// schema version, transitions that happen once, rollback when the gate.log step fails,
// concurrent deciders, and clear errors for damaged, foreign and planted files.
import CordonBase
import Foundation
import Glibc
import Synchronization
import Testing

@testable import CordonStore

/// The directories `tempDir` made, removed when the test process exits (each run of the suite
/// left two dozen behind in /tmp before).
let madeTempDirs = Mutex<[String]>([])
let removeTempDirsAtExit: Void = {
    atexit {
        for d in madeTempDirs.withLock({ $0 }) {
            // Removes what the tests made there (the store, its WAL, sealed keys, planted files).
            try? FileManager.default.removeItem(atPath: d)
        }
    }
}()

func tempDir(_ tag: String = #function) -> String {
    let clean = tag.filter { $0.isLetter || $0.isNumber }
    var template = Array("/tmp/cordon-store-\(clean.prefix(30))-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(p != nil, "mkdtemp failed")
    let dir = String(cString: p!)
    _ = removeTempDirsAtExit
    madeTempDirs.withLock { $0.append(dir) }
    return dir
}

func sample(agent: String = "ci-agent", session: String = "s-1", score: Int = 70) -> Approval {
    Approval(
        id: "", actionId: "a-1", runId: "r-1", session: session, agent: agent, project: "/ws",
        command: "git push origin main", commandKind: "argv", score: score, level: "high", rule: "git-push",
        reasons: ["pushes to a remote", "second; reason"], source: "gate", createdAt: 1_000, deadline: 2_000)
}

@Suite struct StoreTests {
    func open(_ dir: String) throws -> SQLiteStore {
        try #require(try SQLiteStore.open(directory: dir, create: true))
    }

    @Test func createdOnFirstUseWithWALAndPrivateMode() throws {
        let dir = tempDir()
        #expect(try SQLiteStore.open(directory: dir, create: false) == nil)
        let store = try open(dir)
        var st = stat()
        #expect(stat(dir + "/state.db", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        let s = try store.db.prepare("PRAGMA journal_mode")
        #expect(try s.step())
        #expect(s.text(0) == "wal")
        #expect(try store.userVersion() == SQLiteStore.schemaVersion)
        // A second open of a migrated store changes nothing.
        let again = try open(dir)
        #expect(try again.userVersion() == SQLiteStore.schemaVersion)
    }

    @Test func approvalRoundTripsEveryField() throws {
        let store = try open(tempDir())
        var a = sample()
        a.waiter = Waiter(pid: 42, startTicks: 12345, bootID: "boot")
        let made = try store.create(a) { _ in nil }
        #expect(made.id.hasPrefix("A-") && made.id.count == 7)
        let read = try #require(try store.approval(made.id))
        #expect(read == made)
        #expect(read.reasons == ["pushes to a remote", "second; reason"])
        #expect(try store.approvals(actionId: "a-1").map(\.id) == [made.id])
        #expect(try store.approvals(status: .pending, agent: nil).count == 1)
        #expect(try store.approvals(status: .approved, agent: nil).isEmpty)
        #expect(try store.approvals(status: nil, agent: "other").isEmpty)
    }

    @Test func aTransitionHappensOnceAndTheFirstDecisionStands() throws {
        let store = try open(tempDir())
        let a = try store.create(sample()) { _ in nil }
        let first = try store.transition(a.id, to: ApprovalDecision(status: .approved, by: "alice", at: 1_500)) { _ in
            nil
        }
        guard case .done(let done) = first else {
            Issue.record("expected done, got \(first)")
            return
        }
        #expect(done.status == .approved && done.decidedBy == "alice" && done.decidedAt == 1_500)
        var recorded = false
        let second = try store.transition(a.id, to: ApprovalDecision(status: .rejected, by: "bob", at: 1_600)) { _ in
            recorded = true
            return nil
        }
        guard case .alreadyDecided(let now) = second else {
            Issue.record("expected alreadyDecided")
            return
        }
        #expect(now.status == .approved && now.decidedBy == "alice")
        #expect(!recorded, "no gate.log line for a transition that did not happen")
        #expect(
            try store.transition("A-NONE0", to: ApprovalDecision(status: .approved, by: "x", at: 1)) { _ in nil }
                == .unknown)
    }

    @Test func aFailedRecordRollsTheTransitionBack() throws {
        let store = try open(tempDir())
        let a = try store.create(sample()) { _ in nil }
        let rule = RememberedRule(
            id: "R-1", scope: .session, session: "s-1", agent: "ci-agent", project: "/ws", prefix: ["git", "push"],
            maxScore: 70, approvalId: a.id, createdAt: 1, createdBy: "alice")
        #expect(throws: StoreError.self) {
            try store.transition(a.id, to: ApprovalDecision(status: .approved, by: "alice", at: 2, rule: rule)) { _ in
                "gate.log: disk full"
            }
        }
        #expect(try store.approval(a.id)?.status == .pending)
        #expect(try store.rules().isEmpty)
        #expect(throws: StoreError.self) { try store.create(sample()) { _ in "no log" } }
        #expect(try store.approvals(status: nil, agent: nil).count == 1)
    }

    @Test func rulesAreStoredWithTheDecisionAndRemoved() throws {
        let store = try open(tempDir())
        let a = try store.create(sample()) { _ in nil }
        let rule = RememberedRule(
            id: "R-ABCDE", scope: .agent, session: "s-1", agent: "ci-agent", project: "/ws",
            prefix: ["git", "push", "origin"], maxScore: 70, approvalId: a.id, createdAt: 5, createdBy: "alice")
        _ = try store.transition(
            a.id, to: ApprovalDecision(status: .approved, by: "alice", at: 5, remember: .agent, rule: rule)
        ) { _ in nil }
        #expect(try store.rules() == [rule])
        #expect(try store.approval(a.id)?.remember == .agent)
        #expect(rule.covers(session: "s-2", agent: "ci-agent", project: "/ws"))
        #expect(!rule.covers(session: "s-1", agent: "other", project: "/ws"))
        #expect(!rule.covers(session: "s-1", agent: "ci-agent", project: "/elsewhere"))
        #expect(try store.removeRule("R-NONE") { _ in nil } == nil)
        #expect(try store.removeRule("R-ABCDE") { _ in nil } == rule)
        #expect(try store.rules().isEmpty)
    }

    @Test func approverKeysAreKeptAsHashes() throws {
        let store = try open(tempDir())
        #expect(try !store.isApproverKey(hash: "abc"))
        try store.addApproverKey(hash: "abc", by: "alice", at: 1)
        try store.addApproverKey(hash: "abc", by: "alice", at: 2)
        #expect(try store.isApproverKey(hash: "abc"))
    }

    @Test func anotherConnectionsCommitChangesTheCounter() throws {
        let dir = tempDir()
        let waiter = try open(dir)
        let decider = try open(dir)
        let a = try waiter.create(sample()) { _ in nil }
        let before = try waiter.changeCounter()
        #expect(try waiter.changeCounter() == before)
        _ = try decider.transition(a.id, to: ApprovalDecision(status: .rejected, by: "bob", at: 3)) { _ in nil }
        #expect(try waiter.changeCounter() != before)
        #expect(try waiter.approval(a.id)?.status == .rejected)
    }

    /// 20 pending approvals decided at once by four threads, each with its own connection,
    /// every approval raced by two deciders: each is decided exactly once, no lock error.
    @Test func concurrentDecidersNeverDoubleATransition() throws {
        let dir = tempDir()
        let store = try open(dir)
        var ids: [String] = []
        for k in 0..<20 { ids.append(try store.create(sample(session: "s-\(k)")) { _ in nil }.id) }
        let wins = Mutex([String: Int]())
        let failures = Mutex([String]())
        let idList = ids
        let threads = (0..<4).map { t in
            Thread {
                do {
                    let mine = try SQLiteStore(path: dir + "/state.db", seal: StoreSeal.shared)
                    for id in (t % 2 == 0 ? idList : idList.reversed()) {
                        let status: ApprovalStatus = t < 2 ? .approved : .rejected
                        let r = try mine.transition(id, to: ApprovalDecision(status: status, by: "t\(t)", at: 9)) {
                            _ in nil
                        }
                        if case .done = r { wins.withLock { $0[id, default: 0] += 1 } }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        for t in threads { t.join() }
        #expect(failures.withLock { $0 } == [])
        #expect(wins.withLock { $0 }.count == 20)
        #expect(wins.withLock { $0 }.values.allSatisfy { $0 == 1 })
        #expect(try store.approvals(status: .pending, agent: nil).isEmpty)
    }

    @Test func aDamagedOrForeignFileIsAClearError() throws {
        let dir = tempDir()
        let fd = Glibc.open(dir + "/state.db", O_WRONLY | O_CREAT, 0o600)
        let junk = Array(repeating: UInt8(ascii: "x"), count: 8192)
        _ = junk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        do {
            _ = try SQLiteStore.open(directory: dir, create: true)
            Issue.record("a file of junk opened as a store")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.description.contains("damaged or not a cordon store"))
            #expect(error.description.contains(dir + "/state.db"))
        }
    }

    @Test func aNewerSchemaIsRefusedByName() throws {
        let dir = tempDir()
        let store = try open(dir)
        try store.db.exec("PRAGMA user_version=\(SQLiteStore.schemaVersion + 5)")
        do {
            _ = try SQLiteStore.open(directory: dir, create: false)
            Issue.record("opened a store from the future")
        } catch {
            #expect(error.kind == .newerSchema)
            #expect(error.description.contains("newer than this cordon"))
        }
    }

    @Test func aPlantedSymlinkIsRefused() throws {
        let dir = tempDir()
        let target = dir + "/elsewhere.db"
        #expect(symlink(target, dir + "/state.db") == 0)
        #expect(throws: StoreError.self) { try SQLiteStore.open(directory: dir, create: true) }
        #expect(access(target, F_OK) != 0, "nothing was created through the link")
    }

    @Test func shortIdsAreTypeable() {
        let id = ShortID.make(prefix: "A-")
        #expect(id.count == 7)
        #expect(id.dropFirst(2).allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(ShortID.normalise("a-7k2qo") == "A-7K2Q0")
    }
}

/// A plain pthread, joined: the tests need real parallel connections.
final class Thread: @unchecked Sendable {
    var handle = pthread_t()
    let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let box = Unmanaged.passRetained(self)
        pthread_create(
            &handle, nil,
            { raw in
                let me = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                me.body()
                return nil
            }, box.toOpaque())
    }

    func join() { pthread_join(handle, nil) }
}

@Suite("anomaly state")
struct AnomalyStoreTests {
    @Test("the WAL a run must read back when it opens the store stays small across many runs' writes")
    func walStaysSmall() throws {
        // Each connection opened, written once and closed, as one `cordon run` does; each write
        // a profile of 20 KB (five or six pages). Left to SQLite's automatic checkpoint the WAL
        // held every frame of these 80 runs, 3 MB, and the next run's open read and checksummed
        // all of it.
        let dir = tempDir()
        let json = "{\"pad\":\"" + String(repeating: "x", count: 20_000) + "\"}"
        for run in 0..<80 {
            let store = try #require(try SQLiteStore.open(directory: dir, create: true))
            try store.saveProfile(
                StoredProfile(project: "p", agent: "a", json: json, runs: run, updatedAt: Double(run)),
                learned: ["r-\(run)"])
        }
        var st = stat()
        #expect(stat(dir + "/state.db-wal", &st) == 0)
        // At most the trim threshold and one run's write.
        #expect(Int(st.st_size) <= SQLiteStore.walTrimBytes + 20 * (4096 + 24))
        let store = try #require(try SQLiteStore.open(directory: dir, create: true))
        #expect(try store.profile(project: "p", agent: "a")?.runs == 79)
    }

    @Test("profiles, learned runs and session scores are kept per project and agent, and reset")
    func roundTrip() throws {
        let dir = tempDir()
        let store = try #require(try SQLiteStore.open(directory: dir, create: true))
        try store.saveProfile(
            StoredProfile(project: "p", agent: "a", json: "{}", runs: 3, updatedAt: 1), learned: ["r-1", "r-2"])
        try store.saveProfile(
            StoredProfile(project: "q", agent: "a", json: "{\"x\":1}", runs: 1, updatedAt: 1), learned: ["r-9"])
        #expect(try store.profile(project: "p", agent: "a")?.runs == 3)
        #expect(try store.learnedRuns(project: "p", agent: "a") == ["r-1", "r-2"])
        let s1 = try store.addRunScore(project: "p", agent: "a", session: "s", score: 0.7, at: 1) { $0.reduce(0, +) }
        let s2 = try store.addRunScore(project: "p", agent: "a", session: "s", score: 0.6, at: 2) { $0.reduce(0, +) }
        #expect(s1.score == 0.7)
        #expect(abs(s2.score - 1.3) < 1e-9)
        #expect(try store.latestSessionScore(project: "p", agent: "a")?.runScores == [0.7, 0.6])
        #expect(try store.resetProfiles(project: "p", agent: nil) == 1)
        #expect(try store.profile(project: "p", agent: "a") == nil)
        #expect(try store.sessionScore(project: "p", agent: "a", session: "s") == nil)
        #expect(try store.profile(project: "q", agent: "a")?.json == "{\"x\":1}")
    }

    @Test("a version-1 store (approvals only) is migrated to the anomaly tables and the seal, keeping its approvals")
    func migratesFromVersionOne() throws {
        let dir = tempDir()
        let first = try #require(try SQLiteStore.open(directory: dir, create: true))
        let a = try first.create(sample()) { _ in nil }
        // Back to version 1's tables: no anomaly tables, no seal columns.
        try first.db.exec(
            "DROP TABLE anomaly_profiles; DROP TABLE anomaly_learned; DROP TABLE anomaly_sessions; ALTER TABLE rules DROP COLUMN seal; ALTER TABLE approver_keys DROP COLUMN seal; PRAGMA user_version=1"
        )
        let again = try #require(try SQLiteStore.open(directory: dir, create: false))
        #expect(try again.userVersion() == SQLiteStore.schemaVersion)
        #expect(try again.approval(a.id)?.command == "git push origin main")
        #expect(try again.profiles(project: "p").isEmpty)
    }
}
