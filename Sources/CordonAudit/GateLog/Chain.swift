// The hash chain of gate.log: chain(n) = first 16 hex digits of SHA-256(chain(n-1) + body(n)),
// where body is the line without ` chain=...` and the newline, and chain(0) is "" (the first
// line of a new log). Rotation does not restart it: the first line of a new file continues
// from the last line of the old one.
//
// Unkeyed: it shows edits, drops, inserts and reordering by anyone who does not recompute every
// later line. Someone who rewrites the file from the edit on can forge it; keep a copy of a
// recent chain value elsewhere (CI logs, a ticket) to pin the history up to that point.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public enum Chain {
    public static let genesis = ""
    /// Hex digits of the digest kept in each line.
    public static let length = 16

    public static func next(previous: String, body: [UInt8]) -> String {
        var input = Array(previous.utf8)
        input.reserveCapacity(previous.utf8.count + body.count)
        input.append(contentsOf: body)
        return String(SHA256.hex(input).prefix(length))
    }

    /// Reads the chain value at the end of a file from its last bytes only: a well-formed line
    /// ends in ` chain=` + 16 hex + newline.
    static func lastValue(fd: Int32, size: Int, path: String) throws(AuditError) -> String {
        let want = min(size, 64)
        guard let tail = FileIO.pread(fd, count: want, at: size - want), tail.count == want else {
            throw AuditError.system(.write, "read tail of", path: path, errno: errno)
        }
        guard tail.last == 0x0a else {
            throw AuditError(
                .write,
                "continue hash chain in \(path): the last line is incomplete (torn write or edit); run 'cordon log verify'",
                path: path)
        }
        let marker = Array(" chain=".utf8)
        let valueStart = tail.count - 1 - length
        guard valueStart - marker.count >= 0, Array(tail[(valueStart - marker.count)..<valueStart]) == marker,
            tail[valueStart..<(tail.count - 1)].allSatisfy({ Logfmt.hexValue($0) != nil })
        else {
            throw AuditError(
                .write,
                "continue hash chain in \(path): the last line has no chain value (edited by hand?); run 'cordon log verify'",
                path: path)
        }
        return String(decoding: tail[valueStart..<(tail.count - 1)], as: UTF8.self)
    }
}
