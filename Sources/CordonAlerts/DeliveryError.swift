// Why one attempt to deliver an alert failed, in the words the `alert_failed` event carries.

public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Worth another attempt (a timeout, a refused connection, a 5xx, 429); a 4xx or a bad
    /// URL will fail the same way again.
    public var retry: Bool
    public init(_ message: String, retry: Bool = true) {
        self.message = message
        self.retry = retry
    }
    public var description: String { message }
}

/// Seconds on CLOCK_MONOTONIC: deadlines that a changed wall clock cannot stretch.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Milliseconds left until `deadline` for poll(2): at least 0, at most a day.
    static func pollTimeout(_ deadline: Double) -> Int32 {
        Int32(max(0, min(86_400_000, ((deadline - now()) * 1000).rounded(.up))))
    }
}

#if canImport(Glibc)
    import Glibc
#endif
