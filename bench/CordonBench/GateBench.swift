// cordon-bench gate: the gate over the real corpora in ../shared/corpora (GTFOBins, tldr) and
// the labelled set in Tests/CordonGateTests/Fixtures (labelled.jsonl). Prints detection rates per
// GTFOBins function, tldr decision shares with every blocked command listed, the false-positive
// rate on the labelled safe commands, and speed (median per decision, decisions per second).
// Options: --corpora DIR, --misses FUNCTION|all (print GTFOBins records under the threshold),
// --approvals (print every tldr command that requires approval), --decisions-out FILE (every
// corpus decision as a JSON line, to check that a speed change kept every decision), --worst-case
// (hostile shapes up to 1 MiB: GateWorstCaseBench.swift), --policy-load (the embedded default
// policy loaded and checked, as `cordon run` does: PolicyLoadBench.swift).
import CordonBase
import CordonGate
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

enum GateBench {
    struct Record {
        var id: String
        var command: String
        var group: String
    }

    static func main(_ args: [String]) -> Int32 {
        if args.contains("--policy-load") {
            return PolicyLoadBench.main(args)
        }
        if args.contains("--worst-case") {
            do throws(PolicyLoadFailure) {
                return GateWorstCaseBench.main(args, policy: try PolicyLoader().loadEmbedded())
            } catch {
                print("gate: cannot load the embedded default policy: \(error.errors.map(\.description))")
                return 1
            }
        }
        let dir = value(args, "--corpora") ?? "../shared/corpora"
        guard let gtfo = load("\(dir)/gtfobins.jsonl", group: "function"),
            let tldr = load("\(dir)/tldr.jsonl", group: "page")
        else {
            print("gate: corpora not found under \(dir); skipping (pass --corpora DIR)")
            return 0
        }
        let policy: Policy
        do throws(PolicyLoadFailure) {
            policy = try PolicyLoader().loadEmbedded()
        } catch {
            print("gate: cannot load the embedded default policy: \(error.errors.map(\.description))")
            return 1
        }
        let misses = value(args, "--misses")
        if args.contains("--score-table") {
            // The table in docs/gate.md, generated from the code (DocsTests checks they agree).
            for sig in Signal.allCases {
                let summary = sig.summary.split(separator: "|", omittingEmptySubsequences: false).joined(
                    separator: "\\|")
                print("| `\(sig.rawValue)` | \(sig.detector) | \(sig.score) | \(summary) |")
            }
            return 0
        }
        if args.contains("--micro") {
            for c
                in (value(args, "--one").map { [$0] }
                ?? [
                    "git status", "ls -la | grep foo > out.txt", "ffmpeg -i in.mkv -c copy out.mp4",
                    "sudo apt install htop",
                ])
            {
                let a = Action(id: "m", payload: .shell(c))
                let t0 = now()
                for _ in 0..<100_000 { _ = Gate.evaluate(a, policy: policy) }
                print("\(c): \(Double(now() - t0) / 100_000 / 1000) µs")
                let t1 = now()
                for _ in 0..<100_000 { _ = Shell.parse(c) }
                print("  parse only: \(Double(now() - t1) / 100_000 / 1000) µs")
            }
            return 0
        }
        if args.contains("--decide") {
            // One command a line on stdin, its decision on stdout: for reading what a candidate
            // rule does to commands typed by hand. A line that is a JSON object is a script:
            // its `command` (several lines) is decided whole.
            while let line = readLine() {
                let command =
                    line.hasPrefix("{") ? ((try? JSONValue.parse(line))?["command"]?.stringValue ?? line) : line
                let d = Gate.evaluate(Action(id: "decide", payload: .shell(command)), policy: policy)
                let why = d.findings.first.map { "\($0.detector): \($0.reason)" } ?? ""
                print("\(d.decision.rawValue) \(d.score) | \(line.prefix(160)) | \(why)")
            }
            return 0
        }
        if let out = value(args, "--decisions-out") {
            // Every corpus decision as one JSON line: a change meant to keep behaviour (speed work)
            // must leave this file byte-identical (the speed checksum only sums scores).
            guard let f = fopen(out, "w") else {
                print("gate: cannot write \(out)")
                return 1
            }
            for r in gtfo + tldr {
                let d = Gate.evaluate(Action(id: r.id, payload: .shell(r.command)), policy: policy)
                fputs(d.json + "\n", f)
            }
            fclose(f)
            return 0
        }
        if args.contains("--speed-only") {
            speed(
                gtfo + tldr, policy: policy, rounds: value(args, "--rounds").flatMap { Int($0) } ?? 5,
                batch: !args.contains("--one-thread"))
            return 0
        }

        print("# gate benchmark (embedded default policy, thresholds 60/80)\n")
        print("## GTFOBins (\(gtfo.count) snippets): share with decision >= requires_approval\n")
        print("| function | snippets | flagged | share | goal |")
        print("| --- | ---: | ---: | ---: | --- |")
        let goalFunctions: Set<String> = [
            "shell", "reverse-shell", "non-interactive-reverse-shell", "bind-shell",
            "non-interactive-bind-shell", "sudo", "suid", "limited-suid", "capabilities",
            "library-load", "file-upload", "file-download",
        ]
        var byFunction: [String: (Int, Int)] = [:]
        var goalTotal = (0, 0)
        var missed: [(Record, Decision)] = []
        for r in gtfo {
            let d = Gate.evaluate(Action(id: r.id, payload: .shell(r.command)), policy: policy)
            let flagged = d.decision != .allow
            byFunction[r.group, default: (0, 0)].0 += 1
            if flagged { byFunction[r.group, default: (0, 0)].1 += 1 }
            if goalFunctions.contains(r.group) {
                goalTotal.0 += 1
                if flagged { goalTotal.1 += 1 }
            }
            if !flagged && (misses == "all" || misses == r.group) { missed.append((r, d)) }
        }
        for f in byFunction.keys.sorted(by: {
            goalFunctions.contains($0) == goalFunctions.contains($1)
                ? $0 < $1 : goalFunctions.contains($0)
        }) {
            let (n, k) = byFunction[f] ?? (0, 0)
            print(
                "| \(f) | \(n) | \(k) | \(pct(k, n)) | \(goalFunctions.contains(f) ? ">= 97%" : "reported") |"
            )
        }
        print(
            "| **goal functions together** | \(goalTotal.0) | \(goalTotal.1) | \(pct(goalTotal.1, goalTotal.0)) | >= 97% |\n"
        )
        for (r, d) in missed {
            print(
                "MISS \(r.id) score=\(d.score) \(d.findings.map { "\($0.detector):\($0.score)" }.joined(separator: ",")) :: \(r.command.replacingNewlines)"
            )
        }

        let usable = tldr.filter { !$0.command.hasPrefix("tldr ") && !$0.command.hasPrefix("<") }
        print(
            "## tldr (\(tldr.count) records, \(usable.count) after skipping page pointers and keystrokes)\n"
        )
        var counts: [DecisionKind: Int] = [:]
        var blocked: [(Record, Decision)] = []
        var approvals: [(Record, Decision)] = []
        for r in usable {
            let d = Gate.evaluate(Action(id: r.id, payload: .shell(r.command)), policy: policy)
            counts[d.decision, default: 0] += 1
            if d.decision == .block { blocked.append((r, d)) }
            if d.decision == .requiresApproval { approvals.append((r, d)) }
        }
        print("| decision | commands | share |")
        print("| --- | ---: | ---: |")
        for k in DecisionKind.allCases {
            print("| \(k.rawValue) | \(counts[k] ?? 0) | \(pct(counts[k] ?? 0, usable.count)) |")
        }
        print("\nBlocked tldr commands (goal: at most 1%, each genuinely destructive):\n")
        for (r, d) in blocked {
            print("- `\(r.id)` score \(d.score) \(d.policyRule ?? ""): `\(r.command.replacingNewlines)`")
        }
        if args.contains("--approvals") {
            print("\nRequires approval:\n")
            for (r, d) in approvals {
                print(
                    "- `\(r.id)` \(d.score) \(d.findings.first.map { "\($0.detector)" } ?? ""): `\(r.command.replacingNewlines)`"
                )
            }
        }

        labelled(tldr + gtfo, policy: policy, misses: args.contains("--labelled-misses"))
        speed(gtfo + tldr, policy: policy)
        return 0
    }

    /// The hand-labelled set (Tests/CordonGateTests/Fixtures/labelled.jsonl: tldr and GTFOBins
    /// ids labelled by ../shared/gate-classes.md), reported per split: `tune` is what the gate
    /// was tuned against, `holdout` was labelled with it and never looked at while tuning.
    /// `--labelled-misses` lists every disagreement of the tune split.
    static func labelled(_ records: [Record], policy: Policy, misses: Bool) {
        guard let text = readFile("Tests/CordonGateTests/Fixtures/labelled.jsonl") else {
            print("\n(labelled set not found; run from the package root)")
            return
        }
        let byId = Dictionary(records.map { ($0.id, $0.command) }, uniquingKeysWith: { a, _ in a })
        struct Tally {
            var n: [String: Int] = [:]
            var flagged: [String: Int] = [:]
            var blocked: [String: Int] = [:]
            var exact = 0
            var total = 0

            mutating func add(label: String, got: String) {
                total += 1
                n[label, default: 0] += 1
                if got != "allow" { flagged[label, default: 0] += 1 }
                if got == "block" { blocked[label, default: 0] += 1 }
                if got == label { exact += 1 }
            }
        }
        var tallies: [String: Tally] = ["tune": Tally(), "holdout": Tally()]
        var wrong: [String] = []
        var samples: [String] = []
        for line in text.split(separator: "\n") {
            guard let v = try? JSONValue.parse(String(line)), let id = v["id"]?.stringValue,
                let label = v["label"]?.stringValue, let split = v["split"]?.stringValue, let command = byId[id]
            else { continue }
            let d = Gate.evaluate(Action(id: id, payload: .shell(command)), policy: policy)
            let got: String
            switch d.decision {
            case .allow: got = "allow"
            case .requiresApproval: got = "approve"
            case .block: got = "block"
            }
            tallies[split, default: Tally()].add(label: label, got: got)
            // A fresh sample (field `sample`) also gets its own column: labelled before the gate was
            // run on it, it is the honest estimate of unseen commands for the session that drew it.
            if let sample = v["sample"]?.stringValue {
                if tallies["sample " + sample] == nil { samples.append("sample " + sample) }
                tallies["sample " + sample, default: Tally()].add(label: label, got: got)
            }
            if misses, split == "tune", got != label, (got == "allow") != (label == "allow") || label == "block" {
                let rule = v["rule"]?.stringValue ?? ""
                wrong.append(
                    "- `\(id)`\(v["sample"]?.stringValue.map { " [\($0)]" } ?? "") labelled \(label) (\(rule)), gate \(got) \(d.score): `\(command.replacingNewlines)`"
                )
            }
        }
        print("\n## Labelled set (gate-classes.md): tuned part and untouched part\n")
        let columns = ["tune", "holdout"] + samples
        print("| measure | goal | " + columns.joined(separator: " | ") + " |")
        print("| --- | --- |" + String(repeating: " --- |", count: columns.count))
        func row(_ name: String, _ goal: String, _ f: (Tally) -> (Int, Int)) {
            let cells = columns.map { column -> String in
                let c = f(tallies[column] ?? Tally())
                return "\(c.0)/\(c.1) = \(pct(c.0, c.1))"
            }
            print("| \(name) | \(goal) | " + cells.joined(separator: " | ") + " |")
        }
        row("safe commands flagged (allow-labelled)", "<= 5%") { ($0.flagged["allow"] ?? 0, $0.n["allow"] ?? 0) }
        row("safe commands blocked", "<= 0.5%") { ($0.blocked["allow"] ?? 0, $0.n["allow"] ?? 0) }
        row("approval-worthy commands flagged", ">= 90%") { ($0.flagged["approve"] ?? 0, $0.n["approve"] ?? 0) }
        row("block-worthy commands flagged", "100%") { ($0.flagged["block"] ?? 0, $0.n["block"] ?? 0) }
        row("block-worthy commands blocked", "") { ($0.blocked["block"] ?? 0, $0.n["block"] ?? 0) }
        row("exact class", "") { ($0.exact, $0.total) }
        for w in wrong { print(w) }
    }

    static func speed(_ records: [Record], policy: Policy, rounds: Int = 1, batch: Bool = true) {
        // Warm up (first-use tables), then time each decision and the whole pass.
        for r in records.prefix(200) {
            _ = Gate.evaluate(Action(id: r.id, payload: .shell(r.command)), policy: policy)
        }
        var samples: [UInt64] = []
        samples.reserveCapacity(records.count)
        var sink = 0
        let start = now()
        for _ in 0..<rounds {
            for r in records {
                let t0 = now()
                let d = Gate.evaluate(Action(id: r.id, payload: .shell(r.command)), policy: policy)
                samples.append(now() - t0)
                sink &+= d.score
            }
        }
        let total = now() - start
        samples.sort()
        let median = Double(samples[samples.count / 2]) / 1000
        let p99 = Double(samples[samples.count * 99 / 100]) / 1000
        let perSecond = Double(records.count * rounds) / (Double(total) / 1e9)
        print("\n## Speed (one process, one thread, \(records.count) corpus records)\n")
        print(
            "- median \(fmt(median)) µs per decision, p99 \(fmt(p99)) µs, max \(fmt(Double(samples.last ?? 0) / 1000)) µs"
        )
        print(
            "- \(Int(perSecond)) decisions/s on one thread (budget: median < 20 µs, >= 200,000/s)  [checksum \(sink)]")

        guard batch else { return }
        // The same records through the batch API `cordon check --batch` and `cordon replay` use:
        // one process, every processor it may run on. Same answers (checksum), in order.
        let threads = ParallelMap.availableThreads
        let actions = records.map { Action(id: $0.id, payload: .shell($0.command)) }
        var batchSink = 0
        let b0 = now()
        for _ in 0..<rounds {
            for d in Gate.evaluate(actions, policy: policy, threads: threads) { batchSink &+= d.score }
        }
        let batchTotal = now() - b0
        let batchPerSecond = Double(records.count * rounds) / (Double(batchTotal) / 1e9)
        print(
            "- \(Int(batchPerSecond)) decisions/s in one process on \(threads) threads (Gate.evaluate(_:policy:threads:))  [checksum \(batchSink)\(batchSink == sink ? "" : " MISMATCH")]"
        )
    }

    // MARK: helpers

    static func load(_ path: String, group: String) -> [Record]? {
        guard let text = readFile(path) else { return nil }
        var out: [Record] = []
        for line in text.split(separator: "\n") {
            guard let v = try? JSONValue.parse(String(line)), let id = v["id"]?.stringValue,
                let c = v["command"]?.stringValue
            else { continue }
            out.append(Record(id: id, command: c, group: v[group]?.stringValue ?? ""))
        }
        return out
    }

    static func readFile(_ path: String) -> String? {
        guard let bytes = try? FileIO.readFile(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func value(_ args: [String], _ name: String) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    static func pct(_ k: Int, _ n: Int) -> String {
        n == 0 ? "n/a" : fmt(Double(k) * 100 / Double(n)) + "%"
    }

    static func fmt(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return String(r)
    }
}

extension String {
    var replacingNewlines: String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ⏎ ")
    }
}
