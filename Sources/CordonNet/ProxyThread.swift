// The proxy's threads: its accept loop, and one per connection while it lives. Every signal is
// blocked in them (they inherit the mask set around pthread_create), so Ctrl-C, SIGTERM and
// SIGCHLD keep reaching cordon's supervisor through its signalfd, never a proxy thread's
// default action; sockets are written with MSG_NOSIGNAL, so a closed peer is EPIPE, not death.
import Glibc

final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

enum ProxyThread {
    /// Starts a thread running `body`; nil when the system refuses one (the caller refuses the
    /// connection rather than run it on its own thread).
    static func start(detached: Bool, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var all = sigset_t()
        var old = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        // Relays need little stack; 256 KiB keeps 256 connections' threads small.
        pthread_attr_setstacksize(&attr, 256 << 10)
        if detached { pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED)) }
        var thread = pthread_t()
        let r = pthread_create(
            &thread, &attr,
            { arg in
                guard let arg else { return nil }
                Unmanaged<ThreadBody>.fromOpaque(arg).takeRetainedValue().run()
                return nil
            }, context)
        if r != 0 {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            return nil
        }
        return thread
    }
}

/// A pthread mutex around a value, for state the accept loop and connection threads share.
final class Locked<Value>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value: Value
    init(_ v: Value) {
        value = v
        pthread_mutex_init(&mutex, nil)
    }
    deinit { pthread_mutex_destroy(&mutex) }
    func with<R>(_ body: (inout Value) -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body(&value)
    }
}
