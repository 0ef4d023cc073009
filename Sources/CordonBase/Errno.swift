// A typed errno: the value every syscall wrapper in cordon reports, with strerror's words as its
// description (after apple/swift-system's `Errno`). Raw `Int32`s lose what they are once they
// leave the call site; this keeps "an errno" a type, so an error's cause cannot be confused
// with an exit code or a stage number.
#if canImport(Glibc)
    import Glibc
#endif

public struct Errno: RawRepresentable, Error, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`, read right after the failed call.
    public static var current: Errno { Errno(errno) }

    /// strerror(3)'s text: "No such file or directory".
    public var description: String { Errno.text(rawValue) }

    /// strerror(3) for a raw value (glibc's table, never NULL on Linux, but say so if it were).
    public static func text(_ e: Int32) -> String {
        guard let s = strerror(e) else { return "errno \(e)" }
        return String(cString: s)
    }

    public static let notFound = Errno(ENOENT)
    public static let permissionDenied = Errno(EPERM)
    public static let accessDenied = Errno(EACCES)
    public static let interrupted = Errno(EINTR)
    public static let isDirectory = Errno(EISDIR)
    public static let noSpace = Errno(ENOSPC)
    public static let notSupported = Errno(EOPNOTSUPP)
    public static let fileTooLarge = Errno(EFBIG)

    /// Runs a call that returns -1 and sets errno, again while it fails with EINTR (a signal
    /// arrived: cordon's own signalfd-handled SIGINT/SIGTERM, or SIGCHLD). Returns the result.
    @inlinable
    public static func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let r = call()
            if r >= 0 || errno != EINTR { return r }
        }
    }
}

/// One failed syscall on one object: `open /x/.cordon/gate.log: Permission denied`. The shape of
/// every file-level error here; boundaries (audit, policy, sandbox) wrap it in their own type.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation as a person names it: `open`, `read`, `stat`, `append to`.
    public var operation: String
    public var path: String
    public var errno: Errno
    public init(_ operation: String, path: String, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }
    public var description: String { "\(operation) \(path): \(errno)" }
}
