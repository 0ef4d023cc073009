// Two pieces of work at once: one on a new thread, one on the calling thread, then a join.
// `cordon run` opens its evidence and asks the gate on the new thread while the calling (main)
// thread prepares the sandbox, which must be cloned by the thread that supervises it: the
// child's parent-death signal follows the thread that created it.
#if canImport(Glibc)
    import Glibc
#endif

public enum Alongside {
    /// Runs `background` on a new thread and `here` on this one, and returns once both are done.
    /// Without a thread (pthread_create failed), `background` runs here first: the same result,
    /// one after the other. Memory written by `background` is visible here after the join.
    public static func run(_ background: @escaping @Sendable () -> Void, while here: () -> Void) {
        #if canImport(Glibc)
            // The same boxed body and thread entry as ParallelMap's workers.
            let context = Unmanaged.passRetained(MapSlice(run: background)).toOpaque()
            var thread = pthread_t()
            guard pthread_create(&thread, nil, mapWorker, context) == 0 else {
                Unmanaged<MapSlice>.fromOpaque(context).takeRetainedValue().run()
                here()
                return
            }
            here()
            pthread_join(thread, nil)
        #else
            background()
            here()
        #endif
    }
}
