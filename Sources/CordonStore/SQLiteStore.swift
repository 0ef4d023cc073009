// The CordonStore on SQLite: `.cordon/state.db`, WAL mode (readers never wait for the writer),
// a busy timeout (many cordon processes at once queue instead of failing with "database is
// locked"), and numbered forward migrations under `PRAGMA user_version`. All of cordon's SQL
// is in this file and its anomaly part (SQLiteStore+Anomaly.swift).
import CSQLite
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public final class SQLiteStore: CordonStore {
    public let path: String
    let db: SQLiteConnection
    /// The user's seal (or why there is none): tags the rows this cordon writes, tells which
    /// rows it can trust (StoreSeal.swift).
    public let seal: Result<StoreSeal, StoreError>
    /// Where the store is, as the seal binds it: the real path of its directory, so a sealed row
    /// copied into another project's store does not verify there.
    let place: String

    /// Milliseconds a connection waits for another process's write transaction. Transitions
    /// are a few statements long, so even 20 waiting runs and two approvers pass well inside.
    static let busyTimeoutMs: Int32 = 15_000

    /// Each entry moves the schema from version N to N+1; never edit a shipped one.
    static let migrations: [String] = [
        """
        CREATE TABLE approvals(
            id TEXT PRIMARY KEY, action_id TEXT NOT NULL, run_id TEXT NOT NULL, session TEXT NOT NULL,
            agent TEXT NOT NULL, project TEXT NOT NULL, command TEXT NOT NULL, command_kind TEXT NOT NULL,
            score INTEGER NOT NULL, level TEXT NOT NULL, rule TEXT NOT NULL, reasons TEXT NOT NULL,
            source TEXT NOT NULL, status TEXT NOT NULL, created_at REAL NOT NULL, deadline REAL,
            decided_at REAL, decided_by TEXT, note TEXT, remember TEXT,
            waiter_pid INTEGER, waiter_start INTEGER, waiter_boot TEXT);
        CREATE INDEX approvals_by_status ON approvals(status, created_at);
        CREATE INDEX approvals_by_action ON approvals(action_id);
        CREATE TABLE rules(
            id TEXT PRIMARY KEY, scope TEXT NOT NULL, session TEXT NOT NULL, agent TEXT NOT NULL,
            project TEXT NOT NULL, prefix TEXT NOT NULL, max_score INTEGER NOT NULL, approval_id TEXT NOT NULL,
            created_at REAL NOT NULL, created_by TEXT NOT NULL);
        CREATE TABLE approver_keys(hash TEXT PRIMARY KEY, created_at REAL NOT NULL, created_by TEXT NOT NULL);
        """,
        // 2: anomaly detection (issue 14): profiles per (project, agent), the runs learned into
        // them, and per-session run scores.
        """
        CREATE TABLE anomaly_profiles(
            project TEXT NOT NULL, agent TEXT NOT NULL, profile TEXT NOT NULL, runs INTEGER NOT NULL,
            updated_at REAL NOT NULL, PRIMARY KEY(project, agent));
        CREATE TABLE anomaly_learned(
            project TEXT NOT NULL, agent TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY(project, agent, run_id));
        CREATE TABLE anomaly_sessions(
            project TEXT NOT NULL, agent TEXT NOT NULL, session TEXT NOT NULL, run_scores TEXT NOT NULL,
            score REAL NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY(project, agent, session));
        """,
        // 3: the seal (StoreSeal.swift): rows that grant or define normal carry a tag under the
        // user's key; rows without one (older cordons, or written by something else) are ignored.
        """
        ALTER TABLE rules ADD COLUMN seal TEXT;
        ALTER TABLE approver_keys ADD COLUMN seal TEXT;
        ALTER TABLE anomaly_profiles ADD COLUMN seal TEXT;
        """,
    ]

    static var schemaVersion: Int { migrations.count }

    /// The store in `directory` (a log directory cordon already created and checked), created
    /// on first use when `create`; nil when it does not exist and `create` is false.
    public static func open(directory: String, create: Bool) throws(StoreError) -> SQLiteStore? {
        let path = directory + "/state.db"
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else {
                throw StoreError(.unreadable, "stat: \(Errno(errno))", path: path)
            }
            guard create else { return nil }
            // Made here, mode 0600, so SQLite (which would use 0644) never creates it, and
            // O_EXCL|O_NOFOLLOW so a planted link is not followed; -wal and -shm copy this mode.
            let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
            if fd < 0 && errno != EEXIST { throw StoreError(.unreadable, "create: \(Errno(errno))", path: path) }
            if fd >= 0 {
                // Root writing in a user's project gives the store to the directory's owner;
                // SQLite gives its -wal and -shm files the database file's owner itself.
                let dirFD = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if dirFD >= 0 {
                    FileIO.adoptOwner(fd, directory: dirFD)
                    close(dirFD)
                }
                close(fd)
            }
        } else if (st.st_mode & S_IFMT) != S_IFREG {
            throw StoreError(
                .unreadable, "not a regular file (refused: cordon keeps its state only in regular files)", path: path)
        }
        return try SQLiteStore(path: path, seal: StoreSeal.shared)
    }

    init(path: String, seal: Result<StoreSeal, StoreError>) throws(StoreError) {
        self.path = path
        self.seal = seal
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        place = FileIO.realPath(dir.isEmpty ? "." : dir) ?? dir
        db = try SQLiteConnection(path: path, create: false)
        sqlite3_busy_timeout(db.handle, Self.busyTimeoutMs)
        try setUp()
    }

    /// A close checkpoints the WAL and truncates it to nothing once it is larger than this.
    /// The first connection of a process (every `cordon run` is one) rebuilds the WAL's index
    /// by reading and checksumming every frame in it (SQLite's walIndexRecover: the -shm file
    /// is reset when no other process has the database open, and the frames a checkpoint
    /// already copied are read again). Left to SQLite's automatic checkpoint (1,000 pages) the
    /// WAL held up to 4 MB, about 2 MB on average, read on every run's path: 11 % of a run's
    /// CPU (issue 19, session 15). A run writes about ten pages (40 KB), so 400 KB means a
    /// checkpoint (two fsyncs) every ten runs or so.
    static let walTrimBytes = 400 * 1024

    deinit { trimWAL() }

    /// The checkpoint at close (walTrimBytes). Never waits: with another process's connection
    /// reading or writing, the checkpoint gives up (busy) and a later close trims the WAL.
    func trimWAL() {
        var st = stat()
        guard stat(path + "-wal", &st) == 0, Int(st.st_size) > Self.walTrimBytes else { return }
        sqlite3_busy_timeout(db.handle, 0)
        _ = sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
    }

    /// WAL, then migrations. A file that is not a database fails here, on the first read.
    func setUp() throws(StoreError) {
        var mode = ""
        let s = try db.prepare("PRAGMA journal_mode=WAL")
        if try s.step() { mode = s.text(0) }
        s.reset()
        if mode.lowercased() != "wal" {
            throw StoreError(.io, "could not switch to WAL mode (journal mode stays \(mode))", path: path)
        }
        try db.exec("PRAGMA synchronous=NORMAL")
        // Every `cordon run` opens and closes the store; checkpointing on each close cost an
        // fsync per run. Committed transactions are in the WAL either way (synchronous=NORMAL:
        // durable across a crash of cordon, as gate.log's lines are), and SQLite checkpoints it
        // automatically as it grows; a close trims it once it holds more than `walTrimBytes`
        // (trimWAL).
        _ = csqlite_no_checkpoint_on_close(db.handle)
        let version = try userVersion()
        if version > Self.schemaVersion {
            throw StoreError(
                .newerSchema,
                "state store \(path) has schema version \(version), newer than this cordon's \(Self.schemaVersion); use the newer cordon",
                path: path)
        }
        guard version < Self.schemaVersion else { return }
        try write { () throws(StoreError) in
            // Another process may have migrated while we waited for the write lock.
            let now = try userVersion()
            for k in now..<Self.schemaVersion {
                try db.exec(Self.migrations[k])
                try db.exec("PRAGMA user_version=\(k + 1)")
            }
        }
    }

    func userVersion() throws(StoreError) -> Int {
        let s = try db.prepare("PRAGMA user_version")
        defer { s.reset() }
        return try s.step() ? s.int(0) : 0
    }

    /// A write transaction. BEGIN IMMEDIATE takes the write lock up front (waiting up to the
    /// busy timeout), so a transaction never fails half-way on a lock upgrade.
    func write<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try db.exec("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try db.exec("COMMIT")
            return value
        } catch {
            try? db.exec("ROLLBACK")
            throw error
        }
    }

    // MARK: the seal

    /// The tag for a new row, or an error that says why this store cannot keep it.
    func tag(_ kind: String, _ fields: [String], what: String) throws(StoreError) -> String {
        switch seal {
        case .success(let s): return s.tag([kind, place] + fields)
        case .failure(let e):
            throw StoreError(
                .unreadable,
                "cannot keep \(what): the store key cannot be used (\(e.message): \(e.path)); cordon signs what it remembers with that key (docs/approvals.md)",
                path: path)
        }
    }

    /// Whether a row's tag is this user's key's tag for it, in this store.
    func verifies(_ tag: String?, _ kind: String, _ fields: [String]) -> Bool {
        guard case .success(let s) = seal else { return false }
        return s.verifies(tag, [kind, place] + fields)
    }

    static func ruleFields(_ r: RememberedRule) -> [String] {
        [
            r.id, r.scope.rawValue, r.session, r.agent, r.project, json(r.prefix), String(r.maxScore), r.approvalId,
            String(r.createdAt.bitPattern, radix: 16), r.createdBy,
        ]
    }

    // MARK: approvals

    static let approvalColumns = """
        id, action_id, run_id, session, agent, project, command, command_kind, score, level, rule, reasons,
        source, status, created_at, deadline, decided_at, decided_by, note, remember, waiter_pid, waiter_start,
        waiter_boot
        """

    func approvalRow(_ s: Statement) -> Approval {
        var a = Approval(
            id: s.text(0), actionId: s.text(1), runId: s.text(2), session: s.text(3), agent: s.text(4),
            project: s.text(5), command: s.text(6), commandKind: s.text(7), score: s.int(8), level: s.text(9),
            rule: s.text(10), reasons: Self.strings(s.text(11)), source: s.text(12),
            status: ApprovalStatus(rawValue: s.text(13)) ?? .pending, createdAt: s.double(14),
            deadline: s.optionalDouble(15))
        a.decidedAt = s.optionalDouble(16)
        a.decidedBy = s.optionalText(17)
        a.note = s.optionalText(18)
        a.remember = s.optionalText(19).flatMap(RememberScope.init(rawValue:))
        if let pid = s.optionalInt(20) {
            a.waiter = Waiter(pid: Int32(pid), startTicks: UInt64(s.int64(21)), bootID: s.text(22))
        }
        return a
    }

    static func json(_ strings: [String]) -> String { JSONValue.array(strings.map { .string($0) }).serialized() }
    static func strings(_ json: String) -> [String] {
        guard let v = try? JSONValue.parse(json), let items = v.arrayValue else { return [] }
        return items.compactMap(\.stringValue)
    }

    public func create(_ approval: Approval, record: (Approval) -> String?) throws(StoreError) -> Approval {
        try write { () throws(StoreError) -> Approval in
            var a = approval
            let insert = try db.prepare("INSERT OR IGNORE INTO approvals(\(Self.approvalColumns)) VALUES(\(marks(23)))")
            // 32^5 ids: retry on the rare collision.
            for _ in 0..<16 {
                a.id = ShortID.make(prefix: "A-")
                let w = a.waiter
                try insert.bind([
                    .text(a.id), .text(a.actionId), .text(a.runId), .text(a.session), .text(a.agent), .text(a.project),
                    .text(a.command), .text(a.commandKind), .int(Int64(a.score)), .text(a.level), .text(a.rule),
                    .text(Self.json(a.reasons)), .text(a.source), .text(a.status.rawValue), .real(a.createdAt),
                    a.deadline.map { .real($0) } ?? .null, a.decidedAt.map { .real($0) } ?? .null,
                    a.decidedBy.map { .text($0) } ?? .null, a.note.map { .text($0) } ?? .null,
                    a.remember.map { .text($0.rawValue) } ?? .null, w.map { .int(Int64($0.pid)) } ?? .null,
                    w.map { .int(Int64(bitPattern: $0.startTicks)) } ?? .null, w.map { .text($0.bootID) } ?? .null,
                ]).run()
                if db.changes == 1 {
                    if let why = record(a) { throw StoreError(.evidence, why, path: path) }
                    return a
                }
            }
            throw StoreError(.io, "could not find a free approval id", path: path)
        }
    }

    func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }

    public func approval(_ id: String) throws(StoreError) -> Approval? {
        let s = try db.prepare("SELECT \(Self.approvalColumns) FROM approvals WHERE id = ?").bind([.text(id)])
        defer { s.reset() }
        return try s.step() ? approvalRow(s) : nil
    }

    public func approvals(actionId: String) throws(StoreError) -> [Approval] {
        let s = try db.prepare(
            "SELECT \(Self.approvalColumns) FROM approvals WHERE action_id = ? ORDER BY created_at DESC, rowid DESC"
        ).bind([.text(actionId)])
        var out: [Approval] = []
        while try s.step() { out.append(approvalRow(s)) }
        return out
    }

    public func approvals(status: ApprovalStatus?, agent: String?) throws(StoreError) -> [Approval] {
        var sql = "SELECT \(Self.approvalColumns) FROM approvals WHERE 1=1"
        var values: [Statement.Value] = []
        if let status {
            sql += " AND status = ?"
            values.append(.text(status.rawValue))
        }
        if let agent {
            sql += " AND agent = ?"
            values.append(.text(agent))
        }
        let s = try db.prepare(sql + " ORDER BY created_at, rowid").bind(values)
        var out: [Approval] = []
        while try s.step() { out.append(approvalRow(s)) }
        return out
    }

    public func transition(_ id: String, to d: ApprovalDecision, record: (Approval) -> String?) throws(StoreError)
        -> TransitionResult
    {
        try write { () throws(StoreError) -> TransitionResult in
            // The status check is in the UPDATE itself: of two processes deciding at once, the
            // second changes no row and learns it was too late.
            try db.prepare(
                "UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, note = ?, remember = ? WHERE id = ? AND status = 'pending'"
            ).bind([
                .text(d.status.rawValue), .real(d.at), .text(d.by), d.note.map { .text($0) } ?? .null,
                d.remember.map { .text($0.rawValue) } ?? .null, .text(id),
            ]).run()
            let changed = db.changes == 1
            guard let now = try approval(id) else { return .unknown }
            guard changed else { return .alreadyDecided(now) }
            if let r = d.rule {
                let seal = try tag("rule", Self.ruleFields(r), what: "a remembered rule")
                try db.prepare(
                    "INSERT INTO rules(id, scope, session, agent, project, prefix, max_score, approval_id, created_at, created_by, seal) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
                ).bind([
                    .text(r.id), .text(r.scope.rawValue), .text(r.session), .text(r.agent), .text(r.project),
                    .text(Self.json(r.prefix)), .int(Int64(r.maxScore)), .text(r.approvalId), .real(r.createdAt),
                    .text(r.createdBy), .text(seal),
                ]).run()
            }
            if let why = record(now) { throw StoreError(.evidence, why, path: path) }
            return .done(now)
        }
    }

    // MARK: remembered rules

    public func rules() throws(StoreError) -> [RememberedRule] {
        let s = try db.prepare(
            "SELECT id, scope, session, agent, project, prefix, max_score, approval_id, created_at, created_by, seal FROM rules ORDER BY created_at, rowid"
        )
        var out: [RememberedRule] = []
        while try s.step() {
            var r = RememberedRule(
                id: s.text(0), scope: RememberScope(rawValue: s.text(1)) ?? .once, session: s.text(2),
                agent: s.text(3), project: s.text(4), prefix: Self.strings(s.text(5)), maxScore: s.int(6),
                approvalId: s.text(7), createdAt: s.double(8), createdBy: s.text(9))
            // The prefix is re-serialised for the tag: a row whose stored JSON differs from what
            // cordon writes for the same words was not written by cordon.
            r.sealed = Self.json(r.prefix) == s.text(5) && verifies(s.optionalText(10), "rule", Self.ruleFields(r))
            out.append(r)
        }
        return out
    }

    public func removeRule(_ id: String, record: (RememberedRule) -> String?) throws(StoreError) -> RememberedRule? {
        try write { () throws(StoreError) -> RememberedRule? in
            guard let rule = try rules().first(where: { $0.id == id }) else { return nil }
            try db.prepare("DELETE FROM rules WHERE id = ?").bind([.text(id)]).run()
            if let why = record(rule) { throw StoreError(.evidence, why, path: path) }
            return rule
        }
    }

    // MARK: approver keys

    public func addApproverKey(hash: String, by: String, at: Double) throws(StoreError) {
        let seal = try tag("approver", [hash], what: "an approver key")
        try write { () throws(StoreError) in
            // REPLACE: a row for the same hash without a valid seal (an older cordon's, or a
            // planted one) gets this user's seal when the key is registered again.
            try db.prepare("INSERT OR REPLACE INTO approver_keys(hash, created_at, created_by, seal) VALUES(?,?,?,?)")
                .bind([.text(hash), .real(at), .text(by), .text(seal)]).run()
        }
    }

    /// Only a key registered by this user's cordon (sealed) counts.
    public func isApproverKey(hash: String) throws(StoreError) -> Bool {
        let s = try db.prepare("SELECT seal FROM approver_keys WHERE hash = ?").bind([.text(hash)])
        defer { s.reset() }
        guard try s.step() else { return false }
        return verifies(s.optionalText(0), "approver", [hash])
    }

    public func changeCounter() throws(StoreError) -> Int64 { try db.dataVersion() }
}

/// Short ids people type: a prefix and five Crockford base32 digits (no I, L, O, U), e.g. `A-7K2Q9`.
public enum ShortID {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func make(prefix: String) -> String {
        // The stdlib generator reads getrandom(2).
        var g = SystemRandomNumberGenerator()
        var r: UInt64 = g.next()
        var digits: [UInt8] = []
        for _ in 0..<5 {
            digits.append(alphabet[Int(r & 31)])
            r >>= 5
        }
        return prefix + String(decoding: digits, as: UTF8.self)
    }

    /// Ids are typed by people: accept lower case and the letters Crockford reads as digits.
    public static func normalise(_ id: String) -> String {
        String(
            id.uppercased().map { c -> Character in
                switch c {
                case "O": return "0"
                case "I", "L": return "1"
                default: return c
                }
            })
    }
}
