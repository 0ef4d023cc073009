// Many decisions at once (`cordon check --batch`, `cordon replay`): the gate is a pure function
// of action and policy with no shared mutable state (every evaluation builds and drops its own
// Analysis; the tables it reads are immutable globals initialised once), so actions can be
// decided on several threads and the answers are the ones `evaluate` gives one by one, in order.
import CordonBase
import CordonPolicy

extension Gate {
    /// Decides every action, on up to `threads` threads; `result[i]` is `evaluate(actions[i])`.
    ///
    /// Below 256 actions, or with one thread, it runs inline: a thread costs more than that many
    /// decisions.
    public static func evaluate(_ actions: [Action], policy: Policy, threads: Int) -> [Decision] {
        ParallelMap.map(count: actions.count, threads: threads, minimumPerThread: 128) {
            evaluate(actions[$0], policy: policy)
        }
    }
}
