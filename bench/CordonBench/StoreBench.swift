// cordon-bench store: what the state store's seal (CordonStore/StoreSeal.swift) costs a run, side
// by side with the store work it rides on. A run loads the key once (`ensure`, before its
// sandbox), verifies its agent's profile when it reads it and tags it again when it saves it at
// the end; a remembered rule is verified each time rules are read.
import CordonBase
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

enum StoreBench {
    static func median(_ rounds: Int, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<rounds {
            let t = GateBench.now()
            body()
            samples.append(Double(GateBench.now() - t) / 1000)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func main(_ args: [String]) -> Int32 {
        var template = Array("/tmp/cordon-bench-store-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { return 1 }
        let dir = String(cString: p)
        defer { _ = system("rm -rf '\(dir)'") }
        // A profile the size of one after 362 runs of an agent (17 KB of JSON, docs/anomaly.md).
        var json = "{\"runs\":362,\"programs\":{"
        var k = 0
        while json.utf8.count < 17_000 {
            json += "\"prog\(k)\":{\"runs\":\(k % 50),\"args\":[\"-x\",\"--flag-\(k)\"]},"
            k += 1
        }
        json += "\"end\":{}}}"
        let first = GateBench.now()
        guard case .success(let seal) = StoreSeal.load(home: dir, create: true) else {
            print("store: cannot make a key in \(dir)")
            return 1
        }
        let made = Double(GateBench.now() - first) / 1000
        let load = median(500) { _ = StoreSeal.load(home: dir, create: true) }
        let fields = ["profile", dir, "repo", "agent", json, "362"]
        let tagProfile = median(2000) { _ = seal.tag(fields) }
        let ruleFields = [
            "rule", dir, "R-ABCDE", "project", "", "", "repo", "[\"git\",\"push\"]", "70", "A-1", "0", "me",
        ]
        let tagRule = median(2000) { _ = seal.tag(ruleFields) }
        guard let store = try? SQLiteStore.open(directory: dir, create: true) else {
            print("store: cannot open a store in \(dir)")
            return 1
        }
        var runs = 0
        let save = median(300) {
            runs += 1
            try? store.saveProfile(
                StoredProfile(project: "repo", agent: "agent", json: json, runs: runs, updatedAt: 0), learned: [])
        }
        let read = median(1000) { _ = try? store.profile(project: "repo", agent: "agent") }
        let sealed = (try? store.profile(project: "repo", agent: "agent"))??.sealed == true
        func f(_ x: Double) -> String { GateBench.fmt(x) }
        print("store seal (medians, microseconds; a run pays: key load once, profile tag twice)")
        print("  key: first made \(f(made)) us, loaded \(f(load)) us")
        print("  tag of a 17 KB profile: \(f(tagProfile)) us; of a remembered rule: \(f(tagRule)) us")
        print(
            "  beside the store work: sealed profile save \(f(save)) us (tag \(f(tagProfile)) of it), read and verify \(f(read)) us (tag \(f(tagProfile)) of it); verified: \(sealed)"
        )
        return sealed ? 0 : 1
    }
}
