// The store's seal on real SQLite files: rows written under one user's key verify under that
// key only; rows planted with SQL, tampered with, or copied from another project's store do
// not; the key file is refused when a link, another user's or readable by others; two makers
// at once end with one key.
import CordonBase
import Glibc
import Synchronization
import Testing

@testable import CordonStore

@Suite struct SealTests {
    static func seal(_ byte: UInt8) -> Result<StoreSeal, StoreError> {
        .success(StoreSeal(key: Array(SHA256.hexOf([UInt8](repeating: byte, count: 32)).utf8)))
    }

    func store(_ dir: String, _ seal: Result<StoreSeal, StoreError>) throws -> SQLiteStore {
        _ = try SQLiteStore.open(directory: dir, create: true)
        return try SQLiteStore(path: dir + "/state.db", seal: seal)
    }

    func rule(_ approval: String) -> RememberedRule {
        RememberedRule(
            id: "R-SEAL1", scope: .project, session: "s-1", agent: "ci-agent", project: "repo",
            prefix: ["git", "push"], maxScore: 70, approvalId: approval, createdAt: 5, createdBy: "alice")
    }

    func remember(_ s: SQLiteStore) throws {
        let a = try s.create(sample()) { _ in nil }
        _ = try s.transition(
            a.id, to: ApprovalDecision(status: .approved, by: "alice", at: 5, remember: .project, rule: rule(a.id))
        ) { _ in nil }
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let tag = SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hexOf(tag) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than the block is hashed first.
        let long = SHA256.hmac(
            key: [UInt8](repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(SHA256.hexOf(long) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func aRuleVerifiesOnlyUnderTheKeyThatWroteIt() throws {
        let dir = tempDir()
        let mine = try store(dir, Self.seal(1))
        try remember(mine)
        #expect(try mine.rules().map(\.sealed) == [true])
        // Another user's cordon (another key), and a cordon with no usable key.
        #expect(try store(dir, Self.seal(2)).rules().map(\.sealed) == [false])
        let none: Result<StoreSeal, StoreError> = .failure(StoreError(.unreadable, "no key", path: "/nokey"))
        #expect(try store(dir, none).rules().map(\.sealed) == [false])
        // Without a key nothing new can be remembered, and nothing changes.
        let blind = try store(dir, none)
        let a = try blind.create(sample()) { _ in nil }
        #expect(throws: StoreError.self) {
            try blind.transition(
                a.id, to: ApprovalDecision(status: .approved, by: "x", at: 6, remember: .project, rule: rule(a.id))
            ) { _ in nil }
        }
        #expect(try blind.approval(a.id)?.status == .pending)
    }

    @Test func plantedTamperedAndCopiedRowsAreNotSealed() throws {
        let dir = tempDir()
        let s = try store(dir, Self.seal(1))
        try remember(s)
        // Planted by SQL, with no seal or a made-up one.
        try s.db.exec(
            "INSERT INTO rules(id, scope, session, agent, project, prefix, max_score, approval_id, created_at, created_by, seal) VALUES('R-EVIL1','project','','','repo','[\"curl\"]',100,'A-0',1,'x',NULL)"
        )
        try s.db.exec(
            "INSERT INTO rules(id, scope, session, agent, project, prefix, max_score, approval_id, created_at, created_by, seal) VALUES('R-EVIL2','project','','','repo','[\"sh\"]',100,'A-0',1,'x','\(String(repeating: "0", count: 64))')"
        )
        // The real rule's score raised after it was sealed.
        try s.db.exec("UPDATE rules SET max_score = 100 WHERE id = 'R-SEAL1'")
        #expect(try s.rules().map(\.sealed) == [false, false, false])
    }

    @Test func aSealedRowCopiedIntoAnotherStoreDoesNotVerifyThere() throws {
        let original = tempDir("original")
        let source = try store(original, Self.seal(1))
        try remember(source)
        let copy = try store(tempDir("copy"), Self.seal(1))
        try copy.db.exec("ATTACH DATABASE '\(original)/state.db' AS src")
        try copy.db.exec("INSERT INTO rules SELECT * FROM src.rules")
        try copy.db.exec("DETACH DATABASE src")
        #expect(try source.rules().map(\.sealed) == [true], "the original verifies where it was written")
        #expect(try copy.rules().map(\.sealed) == [false], "a copy elsewhere does not")
    }

    @Test func approverKeysAndProfilesNeedTheSeal() throws {
        let dir = tempDir()
        let s = try store(dir, Self.seal(1))
        try s.db.exec("INSERT INTO approver_keys(hash, created_at, created_by, seal) VALUES('planted', 1, 'x', NULL)")
        #expect(try !s.isApproverKey(hash: "planted"))
        try s.addApproverKey(hash: "planted", by: "alice", at: 2)
        #expect(try s.isApproverKey(hash: "planted"), "registering it again seals it")
        #expect(try !store(dir, Self.seal(2)).isApproverKey(hash: "planted"))
        let p = StoredProfile(project: "repo", agent: "a", json: "{\"runs\":3}", runs: 3, updatedAt: 1)
        try s.saveProfile(p, learned: ["r-1"])
        #expect(try s.profile(project: "repo", agent: "a")?.sealed == true)
        #expect(try store(dir, Self.seal(2)).profile(project: "repo", agent: "a")?.sealed == false)
        try s.db.exec("UPDATE anomaly_profiles SET profile = '{\"runs\":300}'")
        #expect(try s.profile(project: "repo", agent: "a")?.sealed == false)
    }

    @Test func theKeyFileIsMadeOnceAndRefusedWhenUnsafe() throws {
        let home = tempDir()
        let path = StoreSeal.keyPath(home: home)
        if case .success = StoreSeal.load(home: home, create: false) { Issue.record("no key was made yet") }
        // Eight makers at once end with one key that all of them use.
        let tags = Mutex([String]())
        let threads = (0..<8).map { _ in
            Thread {
                if case .success(let s) = StoreSeal.load(home: home, create: true) {
                    tags.withLock { $0.append(s.tag(["x"])) }
                }
            }
        }
        for t in threads { t.join() }
        #expect(tags.withLock { $0 }.count == 8)
        #expect(Set(tags.withLock { $0 }).count == 1)
        var st = stat()
        #expect(lstat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(lstat(home + "/.config/cordon", &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect((FileIO.list(home + "/.config/cordon")) == ["store.key"], "no temporary file left")
        // Readable by others: refused.
        chmod(path, 0o644)
        guard case .failure(let e) = StoreSeal.load(home: home, create: true) else {
            Issue.record("a key others can read was used")
            return
        }
        #expect(e.message.contains("chmod 600"))
        // A symbolic link in its place: refused, not followed.
        let real = home + "/elsewhere.key"
        rename(path, real)
        chmod(real, 0o600)
        symlink(real, path)
        if case .success = StoreSeal.load(home: home, create: true) { Issue.record("a linked key was followed") }
    }
}
