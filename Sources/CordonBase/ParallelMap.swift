// Pure work over independent items on every processor: `cordon check --batch` and `cordon
// replay` decide actions this way, and the audit code reads trace and gate.log lines this way.
#if canImport(Glibc)
    import Glibc
#endif

/// `(0..<count).map(body)` on up to `threads` threads, results in index order. For pure work
/// over independent items (decisions, trace lines): `body` must not touch shared mutable state.
///
/// Work is interleaved (thread t takes items t, t+n, t+2n, ...), so a run of expensive items
/// (long scripts, long lines) is shared rather than landing on one thread. With fewer than
/// `2 * minimumPerThread` items, or one thread, it runs inline: starting a thread costs more.
public enum ParallelMap {
    /// Processors online, at least 1.
    public static var availableThreads: Int {
        #if canImport(Glibc)
            return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            return 1
        #endif
    }

    // Inlinable so callers in other modules get it specialised for their T: unspecialised, every
    // copy and destroy of a result went through value witnesses (a third of reading a trace).
    @inlinable
    public static func map<T>(
        count: Int, threads: Int, minimumPerThread: Int, _ body: @escaping @Sendable (Int) -> T
    ) -> [T] {
        let n = min(max(1, threads), 64, max(1, count / max(1, minimumPerThread)))
        if n == 1 {
            return (0..<count).map(body)
        }
        #if canImport(Glibc)
            // Results are built in place: each worker initialises its own slots of the array's
            // storage, so nothing is copied, retained or released afterwards.
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let job = MapJob(count: count, body: body, out: buffer, stride: n)
                var workers: [pthread_t] = []
                for t in 1..<n {
                    let context = Unmanaged.passRetained(MapSlice(run: { job.run(first: t) })).toOpaque()
                    var thread = pthread_t()
                    if pthread_create(&thread, nil, mapWorker, context) == 0 {
                        workers.append(thread)
                    } else {
                        // No thread: take this slice here instead (slower, same results).
                        Unmanaged<MapSlice>.fromOpaque(context).takeRetainedValue().run()
                    }
                }
                job.run(first: 0)
                for thread in workers { pthread_join(thread, nil) }
                // Every slot was initialised by exactly one slice (t, t+n, ...), all joined above.
                initialized = count
            }
        #else
            return (0..<count).map(body)
        #endif
    }
}

#if canImport(Glibc)
    /// The body and the output slots of one map. Each slot is initialised by one thread only
    /// and read after every thread is joined, so there is no data race. The body must not
    /// throw or trap half-way: Swift has no unwinding, so a trap ends the process anyway.
    @usableFromInline
    final class MapJob<T>: @unchecked Sendable {
        @usableFromInline let count: Int
        @usableFromInline let body: @Sendable (Int) -> T
        @usableFromInline let out: UnsafeMutableBufferPointer<T>
        @usableFromInline let stride: Int
        @inlinable
        init(count: Int, body: @escaping @Sendable (Int) -> T, out: UnsafeMutableBufferPointer<T>, stride: Int) {
            self.count = count
            self.body = body
            self.out = out
            self.stride = stride
        }
        @inlinable
        func run(first: Int) {
            var i = first
            while i < count {
                (out.baseAddress! + i).initialize(to: body(i))
                i += stride
            }
        }
    }

    /// What one thread runs; boxed so it can cross `pthread_create` as a raw pointer.
    @usableFromInline
    final class MapSlice: @unchecked Sendable {
        @usableFromInline let run: () -> Void
        @inlinable
        init(run: @escaping () -> Void) { self.run = run }
    }

    @usableFromInline
    func mapWorker(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let context else { return nil }
        Unmanaged<MapSlice>.fromOpaque(context).takeRetainedValue().run()
        return nil
    }
#endif
