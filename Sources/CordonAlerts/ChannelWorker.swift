// One channel's queue and the thread that empties it. A channel that hangs (a webhook that
// accepts and never answers) holds only its own thread; the run and the other channels go on.
//
// The queue is bounded: past `capacity` the oldest alert is dropped and counted (a loop that
// raises alerts must not grow cordon's memory). A failed attempt is retried after 0.25s, 0.5s,
// 1s, ... up to `retries` times, unless the failure will not change (a 4xx, a bad URL). When
// the run ends, `drain` gives the queue until a deadline: retries happen at once instead of
// after their backoff, every attempt ends by the deadline, and what is left is reported.
import CordonBase
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

final class ChannelWorker: @unchecked Sendable {
    struct Pending {
        var alert: Alert
        var attempts = 0
        var notBefore = 0.0
    }

    let sender: ChannelSender
    let delivery: AlertDelivery
    let failed: @Sendable (AlertFailure) -> Void
    // pthread primitives, not Synchronization.Mutex: the thread also needs a condition variable
    // with timed waits on CLOCK_MONOTONIC. Everything below them is guarded by `mutex`.
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let cond: UnsafeMutablePointer<pthread_cond_t>
    var queue: [Pending] = []
    var inFlight: Pending?
    var started = false
    var dropped = 0
    var lastDropped: Alert?
    /// Set by `drain`: the time by which everything must be done.
    var drainDeadline: Double?
    /// After `drain` returned: nothing more is reported (run_end has been written).
    var closed = false
    /// Attempts and successes so far (for the benchmark and tests).
    var delivered = 0

    init(_ sender: ChannelSender, delivery: AlertDelivery, failed: @escaping @Sendable (AlertFailure) -> Void) {
        self.sender = sender
        self.delivery = delivery
        self.failed = failed
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Queues `alert` and returns at once (a lock held for a few instructions, no I/O).
    func enqueue(_ alert: Alert) {
        let start = locked { () -> Bool in
            guard !closed else { return false }
            if queue.count >= delivery.queue {
                lastDropped = queue.removeFirst().alert
                dropped += 1
            }
            queue.append(Pending(alert: alert))
            pthread_cond_signal(cond)
            if started { return false }
            started = true
            return true
        }
        if start { startThread() }
    }

    /// Started on the first alert: a run that raises none pays nothing. Every signal is blocked
    /// in the new thread (the mask is inherited from the creator, so it is set around
    /// pthread_create): cordon takes SIGINT/SIGTERM/SIGCHLD through signalfds, which only work
    /// while no thread can take the signal, and a SIGPIPE from a closed socket must not kill it.
    func startThread() {
        var all = sigset_t()
        sigfillset(&all)
        var old = sigset_t()
        pthread_sigmask(SIG_SETMASK, &all, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        var tid = pthread_t()
        let me = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &tid, nil,
            { arg in
                guard let arg else { return nil }
                let worker = Unmanaged<ChannelWorker>.fromOpaque(arg).takeRetainedValue()
                worker.loop()
                return nil
            }, me)
        if rc == 0 {
            pthread_detach(tid)
        } else {
            Unmanaged<ChannelWorker>.fromOpaque(me).release()
            locked {
                let lost = queue
                queue.removeAll()
                for p in lost {
                    failed(
                        AlertFailure(
                            alert: p.alert, channel: sender.label, error: "cannot start the alert thread: \(Errno(rc))",
                            attempts: 0))
                }
            }
        }
    }

    func loop() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !closed {
            if dropped > 0, let alert = lastDropped {
                failed(
                    AlertFailure(
                        alert: alert, channel: sender.label,
                        error:
                            "queue full: \(dropped) alert(s) dropped, oldest first (monitor.alert_delivery.queue is \(delivery.queue))",
                        attempts: 0, dropped: dropped))
                dropped = 0
                lastDropped = nil
            }
            let now = Clock.now()
            guard let next = queue.indices.min(by: { queue[$0].notBefore < queue[$1].notBefore }) else {
                pthread_cond_broadcast(cond)  // drain waits for an empty queue
                pthread_cond_wait(cond, mutex)
                continue
            }
            if queue[next].notBefore > now {
                wait(until: queue[next].notBefore)
                continue
            }
            var p = queue.remove(at: next)
            if let dd = drainDeadline, now >= dd {
                // No time left: not attempted at all (an attempt would only time out at once).
                failed(AlertFailure(alert: p.alert, channel: sender.label, error: notSent, attempts: p.attempts))
                continue
            }
            inFlight = p
            let deadline = min(now + delivery.timeout, drainDeadline ?? .infinity)
            pthread_mutex_unlock(mutex)
            var outcome: DeliveryError?
            do throws(DeliveryError) { try sender.deliver(p.alert, deadline: deadline) } catch { outcome = error }
            pthread_mutex_lock(mutex)
            inFlight = nil
            p.attempts += 1
            guard !closed else { break }
            guard let error = outcome else {
                delivered += 1
                continue
            }
            if let dd = drainDeadline, deadline >= dd, Clock.now() >= dd {
                // Cut by the drain, not by the channel's own timeout: say so.
                failed(AlertFailure(alert: p.alert, channel: sender.label, error: cutByDrain, attempts: p.attempts))
                continue
            }
            if error.retry && p.attempts <= delivery.retries {
                // While draining there is no time for a backoff: retry at once, until the deadline.
                p.notBefore =
                    drainDeadline != nil ? 0 : Clock.now() + min(8, 0.25 * Double(1 << min(p.attempts - 1, 5)))
                queue.append(p)
                continue
            }
            // Reported under the lock: `drain` then cannot return (and run_end be written) while
            // this event is half written.
            failed(AlertFailure(alert: p.alert, channel: sender.label, error: error.message, attempts: p.attempts))
        }
        pthread_cond_broadcast(cond)
    }

    func wait(until t: Double) {
        var ts = timespec(tv_sec: Int(t), tv_nsec: Int((t - t.rounded(.down)) * 1e9))
        _ = pthread_cond_timedwait(cond, mutex, &ts)
    }

    var drainText: String { "monitor.alert_delivery.drain \(PolicyUnits.formatDuration(delivery.drain)) passed" }
    var notSent: String { "not sent before cordon exited (\(drainText))" }
    var cutByDrain: String { "no answer before cordon exited (\(drainText) during the attempt)" }

    /// The run is ending: everything must be done by `deadline`, and alerts waiting for a retry
    /// are tried now rather than after their backoff.
    func beginDrain(deadline: Double) {
        locked {
            drainDeadline = deadline
            for i in queue.indices { queue[i].notBefore = 0 }
            pthread_cond_broadcast(cond)
        }
    }

    /// Waits until the queue is empty and nothing is in flight, or the deadline; then closes the
    /// channel and reports what was not delivered.
    func endDrain(deadline: Double) {
        locked {
            while started && (!queue.isEmpty || inFlight != nil) && Clock.now() < deadline {
                wait(until: deadline)
            }
            closed = true
            if let p = inFlight {
                failed(AlertFailure(alert: p.alert, channel: sender.label, error: cutByDrain, attempts: p.attempts + 1))
            }
            for p in queue {
                failed(AlertFailure(alert: p.alert, channel: sender.label, error: notSent, attempts: p.attempts))
            }
            queue.removeAll()
            pthread_cond_broadcast(cond)
        }
    }
}
