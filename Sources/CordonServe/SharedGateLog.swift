// One gate.log writer for all the threads of one process (the server's workers, the MCP
// proxy's pumps and approval waits). A mutex orders them in-process; the writer's `flock`
// still orders this process against other cordon processes. One writer instead of one per
// thread: threads of one process would otherwise contend on `flock` (which has no blocking
// wait with a timeout, so it is polled) and re-read the chain the other thread just wrote.
import CordonAudit
import CordonGate
import CordonPolicy
import Synchronization

public final class SharedGateLog: Sendable {
    let writer: Mutex<GateLogWriter>
    public let directory: LogDirectory

    public init(directory: LogDirectory, policy: LogPolicy) throws(RequestFailure) {
        self.directory = directory
        do throws(AuditError) {
            writer = Mutex(try GateLogWriter(directory: directory, maxSize: policy.maxSize, keep: policy.keep))
        } catch {
            throw RequestService.logFailure(error)
        }
    }

    public func append(_ d: Decision, for action: Action) throws(RequestFailure) {
        let failure: AuditError? = writer.withLock { w in
            do throws(AuditError) {
                _ = try w.append(d, for: action)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw RequestService.logFailure(failure) }
    }

    /// A line that is not a gate decision (a refused request); a failure is only reported.
    @discardableResult
    public func append(_ record: LogRecord) -> Bool {
        writer.withLock { w in (try? w.append(record)) != nil }
    }
}
