// Plain threads for the proxy's pumps and approval waits: each blocks in read() or waits for
// a person, so they must not sit on Swift concurrency's small cooperative pool.
#if canImport(Glibc)
    import Glibc
#endif

enum Thread {
    final class Body: @unchecked Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a detached thread.
    static func start(_ body: @escaping @Sendable () -> Void) {
        var t = pthread_t()
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(
            &t, nil,
            { arg in
                guard let arg else { return nil }
                Unmanaged<Body>.fromOpaque(arg).takeRetainedValue().run()
                return nil
            }, box)
        if rc == 0 {
            pthread_detach(t)
        } else {
            // No thread: run it here rather than drop it (a dropped pump would hang the client).
            Unmanaged<Body>.fromOpaque(box).takeRetainedValue().run()
        }
    }
}

enum Stderr {
    static func write(_ s: String) {
        var s = s
        s.withUTF8 { b in _ = Glibc.write(2, b.baseAddress, b.count) }
    }
}
