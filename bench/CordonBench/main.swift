// cordon-bench AREA: prints figures for one area, side by side with a baseline in the same run.
// Areas live in their own files: GateBench.swift, AuditBench.swift, SandboxBench.swift, StatsBench.swift,
// ScanBench.swift, AlertBench.swift, ServeBench.swift, NetworkBench.swift.
#if canImport(Glibc)
    import Glibc
#endif

let areas: [(String, String, ([String]) -> Int32)] = [
    ("gate", "gate decisions over ../shared/corpora (detection rates, speed)", GateBench.main),
    ("log", "gate.log appends and trace replay throughput", AuditBench.main),
    ("startup", "cordon run -- /bin/true vs bare exec vs bwrap", SandboxBench.main),
    ("monitor", "cost of exec gating and event recording inside the sandbox", MonitorBench.main),
    ("stats", "cordon stats over a generated 1,000,000-line gate.log", StatsBench.main),
    ("store", "the state store's seal: key load, HMAC tags, sealed profile save and read", StoreBench.main),
    (
        "anomaly", "anomaly detection: tokens (ADFA-LD vs stide) and agent (the scripted-agent scenario)",
        AnomalyBench.main
    ),
    ("scan", "cordon scan throughput over source trees (MB/s per core, files/s, cache)", ScanBench.main),
    ("alerts", "what alerts cost a run: send() and a run with unreachable/silent webhooks", AlertBench.main),
    ("serve", "cordon serve: inspect requests/s over the unix socket with keep-alive", ServeBench.main),
    (
        "network", "network: domains proxy vs --network host (100 MB download, added latency per connection)",
        NetworkBench.main
    ),
]
let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let area = areas.first(where: { $0.0 == name }) else {
    print("usage: cordon-bench AREA [options]\n")
    for a in areas { print("  \(a.0)\t\(a.1)") }
    exit(64)
}
exit(area.2(Array(args.dropFirst())))
