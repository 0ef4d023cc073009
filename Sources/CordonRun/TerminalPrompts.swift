// Questions about execs inside the sandbox, asked on the terminal without ever blocking the
// monitor (security issue F.17). A prompt that nobody answered used to stop the whole
// supervisor in a read(2) of /dev/tty: the run's timeout was not enforced and every other exec
// or write inside hung. Now each question is a pending approval like a queued one (so
// `cordon approvals approve` from another terminal works too, and approvals.timeout expires it),
// and the answer is read from /dev/tty without blocking, whenever the loop looks at held execs.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

final class TerminalPrompts {
    /// /dev/tty, non-blocking: answers come from the person at the terminal, never from stdin.
    private let fd: Int32
    /// Questions in the order asked; only the first is on screen.
    private var queue: [(id: String, question: String)] = []
    private var line: [UInt8] = []

    /// nil when there is no terminal to ask on.
    init?() {
        fd = open("/dev/tty", O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    /// Puts a question in line; shown at once when no other is waiting for its answer.
    func ask(_ id: String, _ question: String) {
        queue.append((id, question))
        if queue.count == 1 { show() }
    }

    private func show() {
        guard let q = queue.first else { return }
        say(q.question)
    }

    private func say(_ s: String) {
        var text = s
        text.withUTF8 { b in
            guard let base = b.baseAddress else { return }
            var off = 0
            while off < b.count {
                let n = write(fd, base + off, b.count - off)
                if n > 0 {
                    off += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return  // a full terminal buffer: the question can still be answered
                }
            }
        }
    }

    /// The answer to the question on screen, if a whole line has been typed: (approval id, yes).
    func poll() -> (String, Bool)? {
        guard !queue.isEmpty else { return nil }
        var buf = [UInt8](repeating: 0, count: 256)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            line += buf[0..<n]
            // Bounded: a stuck key cannot grow this without end.
            if line.count > 4096 { line.removeFirst(line.count - 4096) }
        }
        guard let nl = line.firstIndex(of: 0x0a) else { return nil }
        let answer = line[..<nl]
        line.removeSubrange(...nl)
        let yes = answer.first == UInt8(ascii: "y") || answer.first == UInt8(ascii: "Y")
        let id = queue.removeFirst().id
        show()
        return (id, yes)
    }

    /// The approval was decided some other way (another terminal, a timeout): its question goes.
    func drop(_ id: String, because: String) {
        guard let i = queue.firstIndex(where: { $0.id == id }) else { return }
        queue.remove(at: i)
        if i == 0 {
            line.removeAll()
            say("\n\(because)\n")
            show()
        }
    }

    var waiting: Bool { !queue.isEmpty }
}
