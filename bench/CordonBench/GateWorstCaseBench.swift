// cordon-bench gate --worst-case: the gate's decision time on hostile shapes of input, each at
// several sizes up to the 1 MiB analysis limit, so growth faster than linear shows as a ratio.
// An agent inside a monitored run can hand the gate such commands at will (issue 19); the
// goal is 1 MiB decided in under 50 ms, and time linear in the input.
// Options: --shape NAME (one shape only), --rounds N (best of N, default 3); --from-corpora
// [--top N] repeats every corpus command into a 64 KiB script instead (the slowest N listed);
// --repeat CMD [--sep S] [--bytes N] times one such script.
import CordonGate
import CordonPolicy

enum GateWorstCaseBench {
    /// A shape: its name and a builder of roughly `bytes` bytes of command text.
    struct Shape: Sendable {
        var name: String
        var build: @Sendable (Int) -> String
    }

    static let shapes: [Shape] = [
        Shape(name: "one huge word") { n in "echo " + String(repeating: "A", count: n - 5) },
        Shape(name: "one huge quoted word") { n in "echo \"" + String(repeating: "a b ", count: n / 4) + "\"" },
        Shape(name: "short commands joined by ;") { n in
            repeated("ls -la x;", toBytes: n)
        },
        Shape(name: "commands joined by && and newlines") { n in
            repeated("git status && echo ok\n", toBytes: n)
        },
        Shape(name: "long pipeline") { n in "cat f" + repeated(" | grep x", toBytes: n - 5) },
        Shape(name: "many redirections") { n in "cat" + repeated(" < in > out 2>> err", toBytes: n - 3) },
        Shape(name: "many arguments") { n in "rm -f" + repeated(" src/file.o", toBytes: n - 5) },
        Shape(name: "nested $( 60 deep, big inside") { n in
            let depth = 60
            let open = String(repeating: "echo $(", count: depth)
            let close = String(repeating: ")", count: depth)
            return open + "echo " + String(repeating: "y ", count: max(0, (n - open.utf8.count - depth - 5) / 2))
                + close
        },
        Shape(name: "nested $( past the depth limit") { n in
            String(repeating: "$(", count: n / 2)
        },
        Shape(name: "many $( ) substitutions") { n in "echo" + repeated(" $(date)", toBytes: n - 4) },
        Shape(name: "many backquotes") { n in "echo" + repeated(" `id`", toBytes: n - 4) },
        Shape(name: "huge heredoc") { n in
            "cat <<EOF > out.txt\n" + repeated("some line of text\n", toBytes: n - 24) + "EOF\n"
        },
        Shape(name: "many heredocs") { n in repeated("cat <<E\nx\nE\n", toBytes: n) },
        Shape(name: "sh -c with a big script") { n in
            "sh -c '" + repeated("ls; ", toBytes: n - 8) + "'"
        },
        Shape(name: "nested sh -c 6 deep") { n in
            var s = "echo " + String(repeating: "z", count: n / 2)
            for _ in 0..<6 { s = "sh -c " + quoteForShell(s) }
            return s
        },
        Shape(name: "eval of many words") { n in "eval" + repeated(" echo", toBytes: n - 4) },
        Shape(name: "find -exec many times") { n in "find ." + repeated(" -exec echo {} ;", toBytes: n - 6) },
        Shape(name: "ssh with a long remote command") { n in "ssh host" + repeated(" ls", toBytes: n - 8) },
        Shape(name: "python -c with big code") { n in
            "python3 -c '" + repeated("import os\n", toBytes: n - 14) + "'"
        },
        Shape(name: "variable assignments") { n in repeated("A=/etc/passwd;", toBytes: n) },
        Shape(name: "case arms") { n in "case x in " + repeated("a) ls;; ", toBytes: n - 16) + "esac" },
        Shape(name: "unterminated quote") { n in "echo '" + String(repeating: "q", count: n - 6) },
        Shape(name: "ANSI-C escapes") { n in "echo $'" + repeated("\\x41", toBytes: n - 8) + "'" },
    ]

    static func main(_ args: [String], policy: Policy) -> Int32 {
        let rounds = GateBench.value(args, "--rounds").flatMap { Int($0) } ?? 3
        if let one = GateBench.value(args, "--repeat") {
            // One command repeated: `--repeat 'rev' --sep ' | ' --bytes 65536` (for perf record).
            let text = repeated(
                one + (GateBench.value(args, "--sep") ?? "; "),
                toBytes: GateBench.value(args, "--bytes").flatMap { Int($0) } ?? 65536)
            for _ in 0..<rounds {
                let t0 = GateBench.now()
                let d = Gate.evaluate(Action(id: "w", payload: .shell(text)), policy: policy)
                print("\(ms(Double(GateBench.now() - t0) / 1e6)) \(d.decision.rawValue) \(d.score)")
            }
            return 0
        }
        if args.contains("--from-corpora") {
            let dir = GateBench.value(args, "--corpora") ?? "../shared/corpora"
            guard let gtfo = GateBench.load("\(dir)/gtfobins.jsonl", group: "function"),
                let tldr = GateBench.load("\(dir)/tldr.jsonl", group: "page")
            else {
                print("gate: corpora not found under \(dir); skipping (pass --corpora DIR)")
                return 0
            }
            return fromCorpora(
                tldr + gtfo, policy: policy, top: GateBench.value(args, "--top").flatMap { Int($0) } ?? 15)
        }
        let only = GateBench.value(args, "--shape")
        let sizes = [64 << 10, 256 << 10, 1 << 20]
        print("# gate worst case: decision time by shape and size (best of \(rounds); goal: 1 MiB < 50 ms)\n")
        print("| shape | 64 KiB | 256 KiB | 1 MiB | 1 MiB / 256 KiB | decision at 1 MiB |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        var worst = 0.0
        var failed = false
        for shape in shapes where only == nil || shape.name == only {
            var times: [Double] = []
            var last: Decision?
            for n in sizes {
                let text = shape.build(n)
                let action = Action(id: "w", payload: .shell(text))
                var best = Double.infinity
                for _ in 0..<rounds {
                    let t0 = GateBench.now()
                    let d = Gate.evaluate(action, policy: policy)
                    best = min(best, Double(GateBench.now() - t0) / 1e6)
                    last = d
                }
                times.append(best)
            }
            let ratio = times[1] > 0 ? times[2] / times[1] : 0
            worst = max(worst, times[2])
            let d = last.map { "\($0.decision.rawValue) \($0.score) \($0.policyRule ?? "")" } ?? ""
            if times[2] >= 50 { failed = true }
            print(
                "| \(shape.name) | \(ms(times[0])) | \(ms(times[1])) | \(ms(times[2])) | \(GateBench.fmt(ratio))x | \(d) |"
            )
        }
        print("\nslowest 1 MiB shape: \(ms(worst)) (goal < 50 ms: \(failed ? "missed" : "met"))")
        print("(linear growth gives ~4x from 256 KiB to 1 MiB)")
        return 0
    }

    /// Every corpus command (one per tldr page or GTFOBins entry and function) repeated into a
    /// 64 KiB script, joined by `;` and by `|`: a detector that scans the whole script for each
    /// program shows up as a slow repetition. The slowest are then timed at 256 KiB as well.
    static func fromCorpora(_ records: [GateBench.Record], policy: Policy, top: Int) -> Int32 {
        var seen = Set<String>()
        var samples: [(String, Double, String)] = []
        for r in records where !r.command.contains("\n") && !r.command.hasPrefix("tldr ") {
            let page = r.id.split(separator: ":").dropLast().joined(separator: ":")
            guard seen.insert(page).inserted else { continue }
            for sep in ["; ", " | "] {
                let text = repeated(r.command + sep, toBytes: 64 << 10)
                let t0 = GateBench.now()
                _ = Gate.evaluate(Action(id: "w", payload: .shell(text)), policy: policy)
                samples.append((r.command, Double(GateBench.now() - t0) / 1e6, sep))
            }
        }
        samples.sort { $0.1 > $1.1 }
        print("# corpus commands repeated to 64 KiB (\(seen.count) pages, joined by ; and |): slowest \(top)\n")
        print("| command | joined by | 64 KiB | 256 KiB | ratio |")
        print("| --- | --- | ---: | ---: | ---: |")
        for (c, t, sep) in samples.prefix(top) {
            let text = repeated(c + sep, toBytes: 256 << 10)
            let t0 = GateBench.now()
            _ = Gate.evaluate(Action(id: "w", payload: .shell(text)), policy: policy)
            let t4 = Double(GateBench.now() - t0) / 1e6
            let shown = c.count > 60 ? String(c.prefix(60)) + "…" : c
            print(
                "| `\(shown.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|"))` | `\(sep == "; " ? ";" : "\\|")` | \(ms(t)) | \(ms(t4)) | \(GateBench.fmt(t4 / max(t, 0.001)))x |"
            )
        }
        return 0
    }

    static func ms(_ x: Double) -> String { GateBench.fmt(x) + " ms" }

    /// `unit` repeated until the text has about `bytes` bytes.
    static func repeated(_ unit: String, toBytes bytes: Int) -> String {
        String(repeating: unit, count: max(1, bytes / unit.utf8.count))
    }

    static func quoteForShell(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
