// The direct path's head start (issue 19): as soon as the policy is loaded, `cordon run`
// prepares the sandbox for this very run (PreparedSandbox, as a warm runner does), so the
// child joins its cgroups and builds its root on the other core while this process opens the
// evidence, asks the gate and sets up the monitor. The run then hands its part of the plan to
// that sandbox; a refused command's sandbox is discarded before anything ran in it.
//
// Nothing is decided here: preparing does no more than a spawn's own set-up (the workspace
// and HOME binds, the namespaces, the cgroups, the root) and stops before the command's part
// (argv, environment, limits, Landlock, the seccomp filter), which only the run sends, after
// the gate allowed it. A failure to prepare is not reported here: the run then clones as
// usual, and the same failure, if it is one, is reported there with its stage.
import CordonRun
import CordonSandbox

#if canImport(Glibc)
    import Glibc
#endif

enum EarlySandbox {
    /// What the main thread does while the other opens the evidence and asks the gate: prepare
    /// the run's sandbox, or in a warm runner, plan the run for the sandbox it already holds.
    static func alongside(_ request: RunRequest, _ ctx: Context) {
        guard suits(request) else { return }
        if WarmRunner.isRunner {
            Isolation.planAhead(
                Runner.sandboxRequest(request, bridge: nil), probe: request.probe,
                monitored: request.policy.monitor.enabled)
            PhaseTimer.shared.mark("planned for the warm sandbox")
            return
        }
        prepare(request, ctx)
    }

    static func prepare(_ request: RunRequest, _ ctx: Context) {
        // A warm runner holds its own prepared sandbox.
        guard !WarmRunner.isRunner, suits(request), ctx.environment["CORDON_EARLY_SANDBOX"] != "0" else { return }
        // The evidence directory first, as the run makes it: a workspace's `.cordon/` is hidden
        // inside the sandbox only when it exists, and the prepared mounts must be the run's.
        // (Failing here, the run's own attempt reports it.)
        try? request.logDirectory.create()
        PreparedSandbox.reusesWork = true
        PreparedSandbox.standing = try? Isolation.prepare(
            Runner.sandboxRequest(request, bridge: nil), probe: request.probe,
            monitored: request.policy.monitor.enabled, forThisRun: true, notice: { _ in })
        PhaseTimer.shared.mark(
            "sandbox prepared early (cordon \(getpid()), HOME \(PreparedSandbox.standing?.home ?? "none"))")
    }

    /// Runs a prepared sandbox can take: a pty is made per run, and a domains proxy's bridge
    /// belongs to the run's proxy (PreparedSandbox.suits).
    static func suits(_ request: RunRequest) -> Bool {
        !request.unsandboxed && !request.pty && request.policy.sandbox.network != .domains
    }

    /// After the run: an unused sandbox (a refused command, a run that needed another shape)
    /// is killed and its HOME removed, and the run's cgroups go.
    /// A warm runner waits for the removals only after it has answered its caller (WarmRunner),
    /// so they are not on the caller's clock.
    static func finish() {
        WarmRunner.abandonPrepared()
        if !WarmRunner.isRunner { PreparedSandbox.finishDeferredWork() }
        PhaseTimer.shared.mark("deferred work finished")
    }
}
