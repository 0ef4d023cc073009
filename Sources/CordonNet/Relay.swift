// Bytes both ways between the sandbox's connection and the server, until both sides are done
// or nothing moved for the idle timeout. Bytes go socket -> pipe -> socket with splice(2), so
// they never pass through cordon's memory (a userspace copy cost half the throughput); where a
// pipe cannot be had, one buffer per direction does the same job. Backpressure: a side is read
// only while its pipe (or buffer) is empty, so at most one pipe's worth is in flight per
// direction and a slow reader slows the writer through TCP's own flow control instead of
// growing cordon's memory.
import CSandbox
import Glibc

struct Relay {
    let client: Int32
    let server: Int32
    let idleTimeout: Double
    let bufferSize: Int

    /// Bytes moved: from the sandbox up, and from the server down.
    struct Moved {
        var up = 0
        var down = 0
    }

    func run(stop: () -> Bool) -> Moved {
        Sockets.setNonBlocking(client)
        Sockets.setNonBlocking(server)
        let up = Direction(from: client, to: server, size: bufferSize)
        let down = Direction(from: server, to: client, size: bufferSize)
        defer {
            up.free()
            down.free()
        }
        var lastMove = Sockets.now()
        while !(up.done && down.done) {
            if stop() { break }
            var c = pollfd(fd: client, events: 0, revents: 0)
            var s = pollfd(fd: server, events: 0, revents: 0)
            up.want(&c, &s)
            down.want(&s, &c)
            var fds = [c, s]
            let left = lastMove + idleTimeout - Sockets.now()
            if left <= 0 { break }
            // At most a second between looks at `stop`, so a run's end never waits on a relay.
            let r = poll(&fds, 2, Int32(min(left * 1000 + 1, 1000)))
            if r < 0 {
                if errno == EINTR { continue }
                break
            }
            if r == 0 { continue }
            let before = up.total + down.total
            if !up.step(fromEvents: fds[0].revents, toEvents: fds[1].revents) { break }
            if !down.step(fromEvents: fds[1].revents, toEvents: fds[0].revents) { break }
            if up.total + down.total != before { lastMove = Sockets.now() }
        }
        return Moved(up: up.total, down: down.total)
    }

    /// One direction: fill the pipe (or buffer) when it is empty, drain it until it is.
    final class Direction {
        let from: Int32
        let to: Int32
        var size: Int
        /// The splice pipe (read end, write end), or -1s with `buffer` instead.
        var pipeR: Int32 = -1
        var pipeW: Int32 = -1
        var buffer: UnsafeMutableRawPointer?
        var start = 0
        /// Bytes waiting: in the pipe, or buffer[start..<pending].
        var pending = 0
        var eof = false
        var total = 0
        var done = false

        init(from: Int32, to: Int32, size: Int) {
            self.from = from
            self.to = to
            self.size = size
            var p: [Int32] = [-1, -1]
            let cap = cs_pipe_relay(&p, Int32(size))
            if cap > 0 {
                (pipeR, pipeW) = (p[0], p[1])
                self.size = Int(cap)
            } else {
                buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            }
        }

        func free() {
            buffer?.deallocate()
            if pipeR >= 0 { close(pipeR) }
            if pipeW >= 0 { close(pipeW) }
        }

        var empty: Bool { buffer == nil ? pending == 0 : start == pending }

        func want(_ fromFD: inout pollfd, _ toFD: inout pollfd) {
            guard !done else { return }
            if empty && !eof { fromFD.events |= Int16(POLLIN) }
            if !empty { toFD.events |= Int16(POLLOUT) }
        }

        /// Fills: bytes read, 0 at EOF, -1 would block, nil on error.
        func fill() -> Int? {
            if let b = buffer {
                let n = recv(from, b, size, Int32(MSG_DONTWAIT))
                if n >= 0 {
                    (start, pending) = (0, n)
                    return n
                }
                return errno == EAGAIN || errno == EINTR ? -1 : nil
            }
            let n = cs_splice(from, pipeW, size)
            if n >= 0 {
                pending = n
                return n
            }
            return n == -Int(EAGAIN) || n == -Int(EINTR) ? -1 : nil
        }

        /// Drains: bytes written, -1 would block, nil on error.
        func drain() -> Int? {
            if let b = buffer {
                let n = send(to, b + start, pending - start, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if n > 0 { start += n }
                return n >= 0 ? n : (errno == EAGAIN || errno == EINTR ? -1 : nil)
            }
            let n = cs_splice(pipeR, to, pending)
            if n > 0 { pending -= n }
            return n >= 0 ? n : (n == -Int(EAGAIN) || n == -Int(EINTR) ? -1 : nil)
        }

        /// false: the connection is broken (an error, not an orderly end).
        func step(fromEvents: Int16, toEvents: Int16) -> Bool {
            guard !done else { return true }
            if empty && toEvents & Int16(POLLERR) != 0 { return false }
            // Move as much as the two sockets take now (a bounded number of rounds, so the
            // other direction gets its turn), rather than one poll per pipeful.
            var readable = fromEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0
            var writable = true
            for _ in 0..<16 {
                if empty && !eof && readable {
                    guard let n = fill() else { return false }
                    if n == 0 { eof = true } else if n < 0 { readable = false }
                }
                if !empty && writable {
                    guard let n = drain() else { return false }
                    if n > 0 { total += n }
                    if n < 0 || !empty { writable = false }
                }
                if (!empty && !writable) || (empty && (!readable || eof)) { break }
            }
            if eof && empty {
                // The sender finished: pass the half-close on, so request/response protocols
                // that wait for EOF (an HTTP/1.0 body, git's pack upload) still complete.
                shutdown(to, Int32(SHUT_WR))
                done = true
            }
            return true
        }
    }
}
