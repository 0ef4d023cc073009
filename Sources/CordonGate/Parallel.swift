// Many decisions at once (`cordon check --batch`, `cordon replay`): the gate is a pure function
// of action and policy with no shared mutable state (every evaluation builds and drops its own
// Analysis; the tables it reads are immutable globals initialised once), so actions can be
// decided on several threads and the answers are the ones `evaluate` gives one by one, in order.
#if canImport(Glibc)
  import Glibc
#endif
import CordonPolicy

extension Gate {
  /// Processors online, at least 1.
  public static var availableThreads: Int {
    #if canImport(Glibc)
      return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
      return 1
    #endif
  }

  /// Decides every action, on up to `threads` threads; `result[i]` is `evaluate(actions[i])`.
  ///
  /// Work is interleaved (thread t takes actions t, t+n, t+2n, ...), so a run of long scripts
  /// is shared rather than landing on one thread. Below 256 actions, or with one thread, it
  /// runs inline: a thread costs more than that many decisions.
  public static func evaluate(_ actions: [Action], policy: Policy, threads: Int) -> [Decision] {
    let n = min(max(1, threads), 64, max(1, actions.count / 128))
    if n == 1 || actions.count < 256 {
      return actions.map { evaluate($0, policy: policy) }
    }
    #if canImport(Glibc)
      let out = UnsafeMutableBufferPointer<Decision?>.allocate(capacity: actions.count)
      out.initialize(repeating: nil)
      defer { out.deallocate() }
      let job = BatchJob(actions: actions, policy: policy, out: out, stride: n)
      var workers: [pthread_t] = []
      for t in 1..<n {
        let context = Unmanaged.passRetained(BatchSlice(job: job, first: t)).toOpaque()
        var thread = pthread_t()
        if pthread_create(&thread, nil, batchWorker, context) == 0 {
          workers.append(thread)
        } else {
          // No thread: take this slice here instead (slower, same answers).
          Unmanaged<BatchSlice>.fromOpaque(context).takeRetainedValue().run()
        }
      }
      BatchSlice(job: job, first: 0).run()
      for thread in workers { pthread_join(thread, nil) }
      // Every index was written by exactly one slice (t, t+n, ...), all joined above.
      let decisions = out.map { $0! }
      out.deinitialize()
      return decisions
    #else
      return actions.map { evaluate($0, policy: policy) }
    #endif
  }
}

#if canImport(Glibc)
  /// Shared, read-only inputs of one batch plus the output slots. Each slot is written by one
  /// thread only and read after every thread is joined, so there is no data race.
  private final class BatchJob: @unchecked Sendable {
    let actions: [Action]
    let policy: Policy
    let out: UnsafeMutableBufferPointer<Decision?>
    let stride: Int
    init(actions: [Action], policy: Policy, out: UnsafeMutableBufferPointer<Decision?>, stride: Int) {
      self.actions = actions
      self.policy = policy
      self.out = out
      self.stride = stride
    }
  }

  private final class BatchSlice: @unchecked Sendable {
    let job: BatchJob
    let first: Int
    init(job: BatchJob, first: Int) {
      self.job = job
      self.first = first
    }
    func run() {
      var i = first
      while i < job.actions.count {
        job.out[i] = Gate.evaluate(job.actions[i], policy: job.policy)
        i += job.stride
      }
    }
  }

  private func batchWorker(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<BatchSlice>.fromOpaque(context).takeRetainedValue().run()
    return nil
  }
#endif
