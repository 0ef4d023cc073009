// The one error type of the audit boundary: what failed, on which file (and line), and why.
// The CLI maps `kind` to an exit code; the message is already the sentence a person reads.
import CordonBase

public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The log or trace could not be written: the command must not run (fail closed, exit 125).
        case write
        /// A file could not be read or opened.
        case read
        /// Input that is not what it claims: a torn trace line, an unknown version, garbage.
        case malformed
        /// `--log-dir`, `CORDON_HOME` or an option value that cannot be used.
        case usage
    }
    public var kind: Kind
    /// Lower-case, names the operation and the object: `append to /x/.cordon/gate.log: No space left on device`.
    public var message: String
    public var path: String?
    /// 1-based line in `path`, when the problem is in one line.
    public var line: Int?
    /// The errno behind it, if any.
    public var errno: Int32?

    public init(_ kind: Kind, _ message: String, path: String? = nil, line: Int? = nil, errno: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.line = line
        self.errno = errno
    }

    public var description: String { message }

    /// `operation PATH: strerror(errno)`, the shape every syscall failure takes here.
    public static func system(_ kind: Kind, _ operation: String, path: String, errno e: Int32) -> AuditError {
        AuditError(kind, SystemError(operation, path: path, errno: Errno(e)).description, path: path, errno: e)
    }

    public init(_ kind: Kind, _ failure: SystemError) {
        self.init(kind, failure.description, path: failure.path, errno: failure.errno.rawValue)
    }

    /// A whole input file (trace, gate.log, policy test), its failure as a read error.
    static func readFile(_ path: String) throws(AuditError) -> [UInt8] {
        do throws(SystemError) {
            return try FileIO.readFile(path)
        } catch {
            throw AuditError(.read, error)
        }
    }
}

func errnoString(_ e: Int32) -> String { Errno.text(e) }
