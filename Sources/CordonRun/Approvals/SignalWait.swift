import CSandbox

// Waiting for a person without dying mid-wait: SIGINT, SIGTERM and SIGHUP are read from a
// signalfd instead of killing cordon, so a stopped `cordon run` cancels its pending approval
// (and records that) instead of leaving it pending for an approver to grant to nobody.
#if canImport(Glibc)
    import Glibc
#endif

enum SignalWait {
    /// Blocks `signals` and returns a signalfd for them (or -1: then waits are plain sleeps).
    static func open(_ signals: UnsafeBufferPointer<Int32>) -> Int32 {
        let fd = cs_signalfd_for(signals.baseAddress, Int32(signals.count))
        return fd < 0 ? -1 : fd
    }

    /// Closes the fd and unblocks the signals; one that arrived unread stays pending and is
    /// delivered now, with its usual effect.
    static func close(_ fd: Int32, _ signals: [Int32]) {
        if fd >= 0 { Glibc.close(fd) }
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Waits up to `milliseconds`; returns the signal number when one arrived.
    static func poll(_ fd: Int32, milliseconds: Int32) -> Int32? {
        guard fd >= 0 else {
            usleep(UInt32(milliseconds) * 1000)
            return nil
        }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&p, 1, milliseconds) > 0 else { return nil }
        let s = cs_signalfd_read(fd)
        return s > 0 ? s : nil
    }
}
