// Writes one run's JSON trace: one event per line, each with one `write` on an O_APPEND fd, so
// a crash leaves at most the last line torn, and the monitor thread and the main thread can
// both record (a mutex orders `seq`).
import CordonBase
import CordonPolicy
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

public final class TraceWriter: Sendable {
    public let path: String
    public let run: String
    private let state: Mutex<(fd: Int32, seq: Int)>

    /// Creates the file (0600; it must not exist yet: a trace is one run).
    public init(path: String, run: String) throws(AuditError) {
        self.path = path
        self.run = run
        let fd = FileIO.open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0o600)
        if fd < 0 { throw AuditError.system(.write, "create trace", path: path, errno: errno) }
        state = Mutex((fd, 0))
    }

    deinit {
        state.withLock { s in
            if s.fd >= 0 { close(s.fd) }
            s.fd = -1
        }
    }

    /// Appends one event; returns it (with its `seq`).
    @discardableResult
    public func write(_ type: String, _ fields: [(String, JSONValue)], at ts: Timestamp = .now()) throws(AuditError)
        -> TraceEvent
    {
        let result: Result<TraceEvent, AuditError> = state.withLock { s in
            let e = TraceEvent(ts: ts, run: run, seq: s.seq, type: type, fields: fields)
            var line: [UInt8] = []
            line.reserveCapacity(256)
            e.json.serialize(into: &line)
            line.append(0x0a)
            let (written, err) = line.withUnsafeBytes { FileIO.writeAll(s.fd, $0) }
            if err != 0 {
                if written > 0 {
                    var st = stat()
                    if fstat(s.fd, &st) == 0 { _ = ftruncate(s.fd, st.st_size - off_t(written)) }
                }
                return .failure(AuditError.system(.write, "append to trace", path: path, errno: err))
            }
            s.seq += 1
            return .success(e)
        }
        return try result.get()
    }
}
