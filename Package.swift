// swift-tools-version:6.0
// cordon: a sandboxed execution runner for AI agents (Linux only).
// No SwiftPM package dependencies by design: the toolchain plus Debian's C libraries.
import PackageDescription

/// Concrete generic types (`[String: Rule]`, `Mutex<State>`, ...) get their metadata through
/// direct accessors instead of demangling a type name at run time on first use. Every `cordon
/// run` is a fresh process, so each first use paid the demangler: 7 % of a run's CPU in
/// swift_getTypeByMangledName (perf, `cordon run -- /bin/true`), 2 % with this flag.
/// Costs a little code size; changes no behaviour.
let startup: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])]

let package = Package(
    name: "cordon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cordon", targets: ["cordon"]),
        .executable(name: "cordon-bench", targets: ["CordonBench"]),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libseccomp-dev, libyaml-dev, libssl-dev).
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libssl for https alert webhooks (CordonAlerts/TLSConnection.swift).
        .systemLibrary(name: "CSSL", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libevent's evhttp: the HTTP/1.1 parser and connection handling of `cordon serve`.
        .systemLibrary(name: "CEvent", pkgConfig: "libevent_extra", providers: [.apt(["libevent-dev"])]),
        // The only code that runs between clone and execve, plus syscall shims Swift cannot call.
        .target(name: "CSandbox", cSettings: [.unsafeFlags(["-O2", "-fno-stack-protector"])]),
        // What every target uses: typed errno, whole-file reads, wait statuses, JSON, SHA-256, ParallelMap.
        .target(name: "CordonBase", dependencies: ["CCrypto"], swiftSettings: startup),
        .target(name: "CordonPolicy", dependencies: ["CordonBase", "CYAML"], swiftSettings: startup),
        // The gate is pure, single-threaded code run ~30,000 times a second: dynamic exclusivity
        // checks on its working state cost ~7% of a decision (perf). Static checks still apply.
        .target(
            name: "CordonGate", dependencies: ["CordonBase", "CordonPolicy"],
            swiftSettings: startup + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(
            name: "CordonSandbox", dependencies: ["CordonBase", "CordonPolicy", "CSandbox", "CSeccomp"],
            swiftSettings: startup),
        .target(
            name: "CordonMonitor",
            dependencies: ["CordonBase", "CordonGate", "CordonSandbox", "CordonPolicy", "CSandbox"],
            swiftSettings: startup),
        .target(
            name: "CordonAudit", dependencies: ["CordonBase", "CordonPolicy", "CordonGate"], swiftSettings: startup),
        // `network: domains`: the filtering HTTP/SOCKS5 proxy outside the sandbox, on threads it owns.
        .target(name: "CordonNet", dependencies: ["CordonBase", "CordonPolicy", "CSandbox"], swiftSettings: startup),
        // `.cordon/state.db`: approvals, remembered rules, approver keys (SQLite behind a protocol).
        .target(name: "CordonStore", dependencies: ["CordonBase", "CSQLite"], swiftSettings: startup),
        // Alerts: the alert value, its formats, the channels (HTTP/1.1 and TLS webhooks, commands,
        // files, email) and the dispatcher's threads. Used by the Runner, outside the sandbox.
        .target(
            name: "CordonAlerts", dependencies: ["CordonBase", "CordonPolicy", "CSSL", "CSandbox"],
            swiftSettings: startup),
        // The `run` use case: evidence, decision, approval, isolation, monitor sink, outcome.
        .target(
            name: "CordonRun",
            dependencies: [
                "CordonBase", "CordonPolicy", "CordonGate", "CordonSandbox", "CordonMonitor", "CordonAudit",
                "CordonStore", "CordonScan", "CordonAlerts", "CordonAnomaly", "CordonNet",
            ], swiftSettings: startup),
        // Anomaly detection: per-(project, agent) profiles from traces, run scores with reasons, and
        // the same n-gram core on plain token sequences (research mode). Pure: no I/O of its own.
        .target(name: "CordonAnomaly", dependencies: ["CordonBase"], swiftSettings: startup),
        // `cordon scan`: tokenisers, rules, trust scores, JSON/SARIF/HTML reports, the result cache.
        .target(name: "CordonScan", dependencies: ["CordonBase"], swiftSettings: startup),
        // The gate served to agents: inspect/validate requests (one pipeline for the CLI and
        // HTTP), `cordon serve` over libevent, and the MCP stdio proxy.
        .target(
            name: "CordonServe",
            dependencies: [
                "CordonBase", "CordonPolicy", "CordonGate", "CordonAudit", "CordonStore", "CordonRun", "CEvent",
            ], swiftSettings: startup),
        .target(
            name: "CordonCLI",
            dependencies: [
                "CordonServe", "CordonRun", "CordonAlerts", "CordonBase", "CordonPolicy", "CordonGate", "CordonSandbox",
                "CordonMonitor", "CordonAudit", "CordonStore", "CordonScan", "CordonAnomaly",
            ], swiftSettings: startup),
        .executableTarget(name: "cordon", dependencies: ["CordonCLI"], swiftSettings: startup),
        .executableTarget(
            name: "CordonBench",
            dependencies: [
                "CordonBase", "CordonPolicy", "CordonGate", "CordonAudit", "CordonCLI", "CordonScan", "CordonAlerts",
                "CordonAnomaly", "CordonRun", "CordonStore", "CordonNet",
            ],
            path: "bench/CordonBench", swiftSettings: startup),
        // Attempts one syscall and prints the errno: the escape suite's probe (Tests/Helpers).
        .executableTarget(
            name: "cordon-try", path: "Tests/Helpers/cordon-try", linkerSettings: [.linkedLibrary("pthread")]),
        // Shared by the test targets: the repository root and the corpora, found from #filePath.
        .target(name: "CordonTestSupport", dependencies: ["CordonBase"], path: "Tests/CordonTestSupport"),
        .testTarget(name: "CordonBaseTests", dependencies: ["CordonTestSupport", "CordonBase", "CCrypto"]),
        .testTarget(name: "CordonPolicyTests", dependencies: ["CordonTestSupport", "CordonBase", "CordonPolicy"]),
        // Fixtures are read from the source tree by path (#filePath), not bundled.
        .testTarget(
            name: "CordonGateTests", dependencies: ["CordonTestSupport", "CordonBase", "CordonGate", "CordonPolicy"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CordonSandboxTests",
            dependencies: ["CordonTestSupport", "CordonBase", "CordonSandbox", "CordonPolicy", "CSandbox"]),
        .testTarget(name: "CordonMonitorTests", dependencies: ["CordonTestSupport", "CordonMonitor", "CordonPolicy"]),
        .testTarget(
            name: "CordonAuditTests",
            dependencies: ["CordonTestSupport", "CordonBase", "CordonAudit", "CordonGate", "CordonPolicy"]),
        .testTarget(
            name: "CordonAlertsTests",
            dependencies: ["CordonTestSupport", "CordonBase", "CordonAlerts", "CordonPolicy"]),
        .testTarget(name: "CordonNetTests", dependencies: ["CordonTestSupport", "CordonNet", "CordonPolicy"]),
        .testTarget(name: "CordonStoreTests", dependencies: ["CordonTestSupport", "CordonBase", "CordonStore"]),
        .testTarget(
            name: "CordonAnomalyTests", dependencies: ["CordonTestSupport", "CordonBase", "CordonAnomaly"]),
        .testTarget(
            name: "CordonScanTests", dependencies: ["CordonTestSupport", "CordonBase", "CordonScan"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CordonCLITests", dependencies: ["CordonTestSupport", "CordonBase", "CordonCLI", "CordonPolicy"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
