// What a run cost, from the kernel's accounting (getrusage / wait4): CPU, peak memory, block I/O.
import CordonBase
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

public struct ResourceUsage: Sendable, Equatable {
    public var userMs: Double
    public var systemMs: Double
    /// Peak resident set size in KiB (ru_maxrss is KiB on Linux).
    public var maxRSSKiB: Int
    /// 512-byte blocks read and written (ru_inblock, ru_oublock).
    public var blocksIn: Int
    public var blocksOut: Int

    public init(userMs: Double, systemMs: Double, maxRSSKiB: Int, blocksIn: Int, blocksOut: Int) {
        self.userMs = userMs
        self.systemMs = systemMs
        self.maxRSSKiB = maxRSSKiB
        self.blocksIn = blocksIn
        self.blocksOut = blocksOut
    }

    public init(_ r: rusage) {
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        self.init(
            userMs: ms(r.ru_utime), systemMs: ms(r.ru_stime), maxRSSKiB: Int(r.ru_maxrss), blocksIn: Int(r.ru_inblock),
            blocksOut: Int(r.ru_oublock))
    }

    /// All waited-for children of this process (what `cordon run` reaped).
    public static func children() -> ResourceUsage {
        var r = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &r)
        return ResourceUsage(r)
    }

    public var json: JSONValue {
        .object([
            ("userMs", .number(userMs.roundedTo(3))), ("sysMs", .number(systemMs.roundedTo(3))),
            ("maxRssKiB", .number(Double(maxRSSKiB))), ("blocksIn", .number(Double(blocksIn))),
            ("blocksOut", .number(Double(blocksOut))),
        ])
    }
}

extension Double {
    func roundedTo(_ places: Int) -> Double {
        var p = 1.0
        for _ in 0..<places { p *= 10 }
        return (self * p).rounded() / p
    }
}
