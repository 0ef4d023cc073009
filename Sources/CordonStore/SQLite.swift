// A thin, typed wrapper over the sqlite3 C API: one connection, prepared statements, typed
// binds and columns, and every failure as a StoreError naming the database and SQLite's own
// message. Only SQLiteStore uses it; the rest of cordon talks to the CordonStore protocol.
import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

final class SQLiteConnection {
    let path: String
    private(set) var handle: OpaquePointer?

    /// Opens `path`. `create`: make the file when missing. Symbolic links are refused
    /// (SQLITE_OPEN_NOFOLLOW): a `.cordon/state.db` link committed to a repository would
    /// otherwise point cordon's writes anywhere the user can write.
    init(path: String, create: Bool, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        var flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        handle = db
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            handle = nil
            throw StoreError(Self.kind(rc), "open \(path): \(message)", path: path)
        }
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    static func kind(_ rc: Int32) -> StoreError.Kind {
        switch rc & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH: return .unreadable
        default: return .io
        }
    }

    func error(_ rc: Int32, _ what: String) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
        return StoreError(Self.kind(rc), "\(what): \(message)", path: path)
    }

    /// Runs one or more statements without results.
    func exec(_ sql: String) throws(StoreError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, "\(sql.prefix(60))") }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "prepare \(sql.prefix(60))") }
        return Statement(stmt, connection: self)
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Changes whenever another connection commits (PRAGMA data_version): a cheap way to learn
    /// that a decision may have arrived without reading any table.
    func dataVersion() throws(StoreError) -> Int64 {
        let s = try prepare("PRAGMA data_version")
        defer { s.reset() }
        guard try s.step() else { return 0 }
        return s.int64(0)
    }
}

final class Statement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ stmt: OpaquePointer, connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { sqlite3_finalize(stmt) }

    enum Value {
        case text(String)
        case int(Int64)
        case real(Double)
        case null
    }

    @discardableResult
    func bind(_ values: [Value]) throws(StoreError) -> Statement {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .text(let s): rc = sqlite3_bind_text(stmt, idx, s, -1, csqlite_transient())
            case .int(let n): rc = sqlite3_bind_int64(stmt, idx, n)
            case .real(let d): rc = sqlite3_bind_double(stmt, idx, d)
            case .null: rc = sqlite3_bind_null(stmt, idx)
            }
            if rc != SQLITE_OK { throw connection.error(rc, "bind") }
        }
        return self
    }

    /// Steps once: true when a row is ready, false when done.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc, "step")
    }

    /// Ends a read early: a statement left on a row keeps its read transaction open, and a
    /// COMMIT on the same connection would then fail ("SQL statements in progress").
    func reset() { sqlite3_reset(stmt) }

    /// Runs a statement to completion.
    func run() throws(StoreError) { while try step() {} }

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }
    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(stmt, i)) }
    func double(_ i: Int32) -> Double { sqlite3_column_double(stmt, i) }
    func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, i) else { return "" }
        return String(cString: p)
    }
    func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
    func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    func optionalInt(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }
}
