// Bytes both ways between the sandbox's connection and the server, until both sides are done
// or nothing moved for the idle timeout. Backpressure: each direction has one fixed buffer,
// and a side is read only while its buffer is empty, so a slow reader slows the writer down
// (TCP's own flow control, end to end) instead of growing cordon's memory.
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

    /// One direction: read into the buffer when it is empty, write it out until it is.
    final class Direction {
        let from: Int32
        let to: Int32
        let size: Int
        let buffer: UnsafeMutableRawPointer
        var start = 0
        var end = 0
        var eof = false
        var total = 0
        var done = false

        init(from: Int32, to: Int32, size: Int) {
            self.from = from
            self.to = to
            self.size = size
            buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        }

        func free() { buffer.deallocate() }

        func want(_ fromFD: inout pollfd, _ toFD: inout pollfd) {
            guard !done else { return }
            if start == end && !eof { fromFD.events |= Int16(POLLIN) }
            if start < end { toFD.events |= Int16(POLLOUT) }
        }

        /// false: the connection is broken both ways (an error, not an orderly end).
        func step(fromEvents: Int16, toEvents: Int16) -> Bool {
            guard !done else { return true }
            if start == end && !eof && fromEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let n = recv(from, buffer, size, 0)
                if n > 0 {
                    start = 0
                    end = n
                } else if n == 0 {
                    eof = true
                } else if errno != EAGAIN && errno != EINTR {
                    return false
                }
            }
            if start < end {
                let n = send(to, buffer + start, end - start, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    start += n
                    total += n
                } else if n < 0 && errno != EAGAIN && errno != EINTR {
                    return false
                }
            } else if toEvents & Int16(POLLERR) != 0 {
                return false
            }
            if eof && start == end {
                // The sender finished: pass the half-close on, so request/response protocols
                // that wait for EOF (an HTTP/1.0 body, git's pack upload) still complete.
                shutdown(to, Int32(SHUT_WR))
                done = true
            }
            return true
        }
    }
}
