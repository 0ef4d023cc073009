// Sends alerts to the policy's channels from cordon's supervisor, never from the sandbox and
// never on the run's path: `send` queues and returns (microseconds, no I/O); each channel has a
// thread of its own (ChannelWorker) with a bounded queue, retries with backoff and a timeout per
// attempt; `drain` at the run's end waits a bounded time for what is still queued. What could
// not be delivered comes back through `failed` (the Runner writes an `alert_failed` event).
//
//   let alerts = AlertDispatcher(channels: policy.monitor.alertChannels, delivery: policy.monitor.alertDelivery,
//                                cwd: cwd) { failure in ... record it ... }
//   alerts.send(alert)      // never blocks
//   alerts.drain()          // at the run's end: at most monitor.alert_delivery.drain
import CordonPolicy

/// An alert a channel did not take.
public struct AlertFailure: Sendable {
    public var alert: Alert
    /// The channel's label (ChannelSender.label): its type and host, never a URL's path.
    public var channel: String
    public var error: String
    public var attempts: Int
    /// For a full queue: how many alerts were dropped (`alert` is the last of them).
    public var dropped: Int = 0

    public init(alert: Alert, channel: String, error: String, attempts: Int, dropped: Int = 0) {
        self.alert = alert
        self.channel = channel
        self.error = error
        self.attempts = attempts
        self.dropped = dropped
    }
}

public final class AlertDispatcher: Sendable {
    let workers: [ChannelWorker]
    let drainSeconds: Double

    /// `cwd` resolves relative `file` paths. `failed` is called from the channels' threads.
    public init(
        channels: [AlertChannel], delivery: AlertDelivery, cwd: String,
        failed: @escaping @Sendable (AlertFailure) -> Void
    ) {
        workers = channels.map { ChannelWorker(ChannelSender($0, cwd: cwd), delivery: delivery, failed: failed) }
        drainSeconds = delivery.drain
    }

    /// No channel is configured: nothing would be sent.
    public var isEmpty: Bool { workers.isEmpty }

    /// The labels of the channels that take alerts of `level`.
    public func channels(for level: AlertLevel) -> [String] {
        workers.filter { $0.sender.minLevel <= level }.map(\.sender.label)
    }

    /// Queues `alert` on every channel whose `min_level` it reaches. Returns at once.
    public func send(_ alert: Alert) {
        for w in workers where w.sender.minLevel <= alert.level { w.enqueue(alert) }
    }

    /// Waits at most `monitor.alert_delivery.drain` (all channels together) for queued alerts,
    /// then reports the rest as failed. Nothing is reported after it returns.
    public func drain() {
        let deadline = Clock.now() + drainSeconds
        for w in workers { w.beginDrain(deadline: deadline) }
        for w in workers { w.endDrain(deadline: deadline) }
    }

    /// Alerts the channels took so far.
    public var delivered: Int { workers.reduce(0) { n, w in n + w.locked { w.delivered } } }
}
