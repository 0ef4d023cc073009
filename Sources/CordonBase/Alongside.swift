// Two pieces of work at once: one on a new thread, one on the calling thread, then a join.
// `cordon run` opens its evidence and asks the gate on the new thread while the calling (main)
// thread prepares the sandbox, which must be cloned by the thread that supervises it: the
// child's parent-death signal follows the thread that created it. After the command, the run's
// HOME and cgroups are removed on a started thread while the last evidence is written.
#if canImport(Glibc)
    import Glibc
#endif

public enum Alongside {
    /// Runs `background` on a new thread and `here` on this one, and returns once both are done.
    /// Without a thread (pthread_create failed), `background` runs here first: the same result,
    /// one after the other. Memory written by `background` is visible here after the join.
    public static func run(_ background: @escaping @Sendable () -> Void, while here: () -> Void) {
        let started = start(background)
        here()
        started.join()
    }

    /// Starts `body` on a new thread; `join()` waits for it. Without a thread (pthread_create
    /// failed) `body` has already run, here, when this returns. The thread blocks every signal.
    public static func start(_ body: @escaping @Sendable () -> Void) -> Started {
        #if canImport(Glibc)
            guard let thread = spawn(body) else {
                body()
                return Started(thread: nil)
            }
            return Started(thread: thread)
        #else
            body()
            return Started(thread: nil)
        #endif
    }

    /// Starts `body` on a detached thread that nobody waits for (a watcher that lives as long
    /// as the process); false when no thread could be made, and then `body` did not run.
    public static func detached(_ body: @escaping @Sendable () -> Void) -> Bool {
        #if canImport(Glibc)
            guard let thread = spawn(body) else { return false }
            pthread_detach(thread)
            return true
        #else
            return false
        #endif
    }

    #if canImport(Glibc)
        /// The thread, or nil (then `body` was released unrun).
        static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
            // The same boxed body and thread entry as ParallelMap's workers.
            let context = Unmanaged.passRetained(MapSlice(run: body)).toOpaque()
            var thread = pthread_t()
            // Created with every signal blocked (a thread inherits its creator's mask): cordon
            // takes SIGINT, SIGTERM and the rest through signalfds on the thread that supervises
            // the run, and a process-directed signal goes to any thread that does not block it,
            // where its default action would end cordon without its evidence.
            var all = sigset_t()
            var old = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_SETMASK, &all, &old)
            defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
            guard pthread_create(&thread, nil, mapWorker, context) == 0 else {
                Unmanaged<MapSlice>.fromOpaque(context).release()
                return nil
            }
            return thread
        }
    #endif

    /// A started thread, to be joined exactly once.
    public struct Started: @unchecked Sendable {
        #if canImport(Glibc)
            let thread: pthread_t?
        #else
            let thread: Int?
        #endif

        public func join() {
            #if canImport(Glibc)
                if let thread { pthread_join(thread, nil) }
            #endif
        }
    }
}
