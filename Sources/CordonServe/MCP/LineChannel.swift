// Newline-delimited JSON-RPC over pipes (the MCP stdio transport): messages are one line each,
// UTF-8, with no embedded newlines. Lines are read whole however large they are (up to a
// bound), and writes from several threads never interleave within a line.
import CordonBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reads lines from a file descriptor; the buffer grows to hold the longest line seen. Owned by
/// the one thread that reads (handed to it at start, hence unchecked Sendable).
final class LineReader: @unchecked Sendable {
    let fd: Int32
    /// A line longer than this is an error (a peer that never sends a newline would otherwise
    /// grow the buffer until the proxy is killed for memory).
    let maxLine: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var eof = false

    init(fd: Int32, maxLine: Int = 256 << 20) {
        self.fd = fd
        self.maxLine = maxLine
        buffer.reserveCapacity(64 << 10)
    }

    enum Next {
        case line([UInt8])
        case end
        case tooLong
        case failed(Errno)
    }

    /// The next line without its newline (a `\r` before it is kept: JSON ignores it), or the end.
    func next() -> Next {
        while true {
            if let nl = buffer[scanned...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                scanned = start
                if start > 1 << 20 || start == buffer.count {
                    buffer.removeSubrange(0..<start)
                    start = 0
                    scanned = 0
                }
                return .line(line)
            }
            scanned = buffer.count
            if eof {
                guard start < buffer.count else { return .end }
                let line = Array(buffer[start...])
                start = buffer.count
                scanned = start
                return .line(line)
            }
            if buffer.count - start > maxLine { return .tooLong }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(.current)
            }
            if n == 0 {
                eof = true
                continue
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Writes whole lines to a file descriptor, one writer at a time. After the peer is gone
/// (EPIPE) every write reports false.
final class LineWriter: Sendable {
    let fd: Int32
    private let lock = Mutex<Bool>(true)

    init(fd: Int32) { self.fd = fd }

    @discardableResult
    func send(_ line: [UInt8]) -> Bool {
        lock.withLock { open in
            guard open else { return false }
            var bytes = line
            bytes.append(0x0A)
            let (_, err) = bytes.withUnsafeBytes { FileIO.writeAll(fd, $0) }
            if err != 0 { open = false }
            return open
        }
    }

    @discardableResult
    func send(_ value: JSONValue) -> Bool { send(Array(value.serialized().utf8)) }

    func close() {
        lock.withLock { open in
            if open { Glibc.close(fd) }
            open = false
        }
    }
}
