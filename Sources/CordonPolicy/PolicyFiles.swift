// Reading policy files from disk: the one place CordonPolicy touches the filesystem, and
// only as the default `PolicyLoader.readFile` (tests hand in their own).
#if canImport(Glibc)
    import Glibc
#endif

/// Why a policy file could not be read, in strerror's words.
public struct PolicyFileError: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

public enum PolicyFiles {
    /// Policies are hand-written text; anything bigger is a wrong path, not a policy.
    public static let maxSize = 1 << 20

    @Sendable public static func read(_ path: String) -> Result<[UInt8], PolicyFileError> {
        readAll(path, limit: maxSize, what: "a policy file")
    }

    /// A whole file, refused past `limit` bytes (`what` names the kind of file in the error).
    public static func readAll(_ path: String, limit: Int, what: String = "this file") -> Result<[UInt8], PolicyFileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(PolicyFileError(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { return .failure(PolicyFileError("is a directory")) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(PolicyFileError(String(cString: strerror(errno))))
            }
            if n == 0 { return .success(out) }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return .failure(PolicyFileError("larger than \(PolicyUnits.formatSize(UInt64(limit))); not \(what)")) }
        }
    }
}
