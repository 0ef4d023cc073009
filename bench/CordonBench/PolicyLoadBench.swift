// cordon-bench gate --policy-load: what loading the embedded default policy costs a `cordon run`
// (CheckedPolicy.load with no path: YAML parse, decoding, validation, the rules' examples run
// through the gate). The first load in a process is what every run pays; later loads show the
// part that is not first-use work. Run it several times: each run is one fresh process.
import CordonGate
import CordonPolicy

enum PolicyLoadBench {
    static func main(_ args: [String]) -> Int32 {
        if args.contains("--parts") {
            // The first load split in two: YAML to the policy model, then the rules' examples.
            let a = GateBench.now()
            guard let policy = try? PolicyLoader().loadEmbedded() else { return 1 }
            let b = GateBench.now()
            let violations = Gate.exampleViolations(in: policy)
            let c = GateBench.now()
            _ = Gate.evaluate(Action(id: "a", payload: .argv(["/bin/true"])), policy: policy)
            let d = GateBench.now()
            print(
                "first load: YAML to model \(GateBench.fmt(Double(b - a) / 1000)) us, examples \(GateBench.fmt(Double(c - b) / 1000)) us (\(violations.count) violations), then the first decision (/bin/true) \(GateBench.fmt(Double(d - c) / 1000)) us"
            )
            return 0
        }
        let t0 = GateBench.now()
        do throws(InvalidPolicy) {
            _ = try CheckedPolicy.load(path: nil, environment: [:])
        } catch {
            print("policy-load: the embedded default does not load: \(error)")
            return 1
        }
        let first = Double(GateBench.now() - t0) / 1000
        if args.contains("--once") {
            // One load per process (for perf record over many processes).
            print("embedded default policy: first load \(GateBench.fmt(first)) us")
            return 0
        }
        var samples: [Double] = []
        for _ in 0..<200 {
            let t = GateBench.now()
            _ = try? CheckedPolicy.load(path: nil, environment: [:])
            samples.append(Double(GateBench.now() - t) / 1000)
        }
        samples.sort()
        print(
            "embedded default policy: first load \(GateBench.fmt(first)) us, then median \(GateBench.fmt(samples[100])) us (200 loads)"
        )
        return 0
    }
}
