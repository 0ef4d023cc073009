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
    /// Bytes the run's observed events may take (nil: no bound). Past it they are dropped and
    /// counted: a run that execs or writes in a loop must not fill the host's disk through
    /// cordon (security issue E.13).
    public let budget: UInt64?
    private let state: Mutex<(fd: Int32, seq: Int, bytes: UInt64, dropped: Int)>

    /// Creates the file (0600; it must not exist yet: a trace is one run). With `directory`,
    /// `name` is created in that open directory and `path` only names it in messages.
    public init(path: String, run: String, budget: UInt64? = nil, directory: Int32? = nil, name: String? = nil)
        throws(AuditError)
    {
        self.path = path
        self.run = run
        self.budget = budget
        // O_EXCL: never an existing file, nor a symlink planted in its place.
        let flags = O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC
        let fd: Int32
        if let directory, let name {
            fd = Errno.retryingEINTR { openat(directory, name, flags, mode_t(0o600)) }
            if fd >= 0 { FileIO.adoptOwner(fd, directory: directory) }
        } else {
            fd = FileIO.open(path, flags, 0o600)
        }
        if fd < 0 { throw AuditError.system(.write, "create trace", path: path, errno: errno) }
        state = Mutex((fd, 0, 0, 0))
    }

    /// Events dropped past the budget so far.
    public var dropped: Int { state.withLock { $0.dropped } }

    deinit {
        state.withLock { s in
            if s.fd >= 0 { close(s.fd) }
            s.fd = -1
        }
    }

    /// Appends one event; returns it (with its `seq`). With `bounded`, an event that would take
    /// the trace past its budget is dropped instead (nil is returned): the first drop writes one
    /// `limit` event saying so. Unbounded events (run_start, run_end, limits) are always written.
    @discardableResult
    public func write(
        _ type: String, _ fields: [(String, JSONValue)], at ts: Timestamp = .now(), bounded: Bool = false
    ) throws(AuditError) -> TraceEvent? {
        let result: Result<TraceEvent?, AuditError> = state.withLock { s in
            var line: [UInt8] = []
            line.reserveCapacity(256)
            var e = TraceEvent(ts: ts, run: run, seq: s.seq, type: type, fields: fields)
            e.json.serialize(into: &line)
            line.append(0x0a)
            // Sticky: once one event was dropped, every later bounded one is too, so the trace
            // says "later events are dropped" truthfully.
            if bounded, let budget, s.dropped > 0 || s.bytes + UInt64(line.count) > budget {
                s.dropped += 1
                guard s.dropped == 1 else { return .success(nil) }
                // Said once, in place of the first dropped event.
                e = TraceEvent(
                    ts: ts, run: run, seq: s.seq, type: TraceEventType.limit.rawValue,
                    fields: [
                        ("limit", .string("trace")), ("value", .string(PolicyUnits.formatSize(budget))),
                        ("detail", .string("later observed events are dropped; gate.log keeps every decision")),
                    ])
                line.removeAll(keepingCapacity: true)
                e.json.serialize(into: &line)
                line.append(0x0a)
            }
            let (written, err) = line.withUnsafeBytes { FileIO.writeAll(s.fd, $0) }
            if err != 0 {
                if written > 0 {
                    var st = stat()
                    if fstat(s.fd, &st) == 0 { _ = ftruncate(s.fd, st.st_size - off_t(written)) }
                }
                return .failure(AuditError.system(.write, "append to trace", path: path, errno: err))
            }
            s.seq += 1
            s.bytes += UInt64(line.count)
            return .success(e.type == type ? e : nil)
        }
        return try result.get()
    }
}
