// cordon-bench anomaly tokens: research mode on ADFA-LD (Creighton and Hu, UNSW Canberra 2013;
// bench/data/README.md says where the copy comes from). The usual split: train on
// Training_Data_Master (833 normal traces), test on Validation_Data_Master (4,372 normal) and
// Attack_Data_Master (746 attacks). Prints AUC and detection at 1%, 5% and 10% false alarms
// for cordon's model and for stide on the same split, with training time and scoring speed.
import CordonAnomaly
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum AnomalyTokensBench {
    static func main(_ args: [String]) -> Int32 {
        var data: String?
        var orders = [TokenModel.defaultOrder]
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--data": data = value
            case "--orders": orders = value.split(separator: ",").compactMap { Int($0) }
            default:
                print("usage: cordon-bench anomaly tokens [--data ADFA-LD-DIR] [--orders 6,8,10]")
                return 64
            }
            i += 2
        }
        let root: String
        if let data {
            root = data
        } else {
            guard let unpacked = unpackBundled() else { return 1 }
            root = unpacked
        }
        let train = load(root + "/Training_Data_Master")
        let normal = load(root + "/Validation_Data_Master")
        let attacks = load(root + "/Attack_Data_Master")
        guard !train.isEmpty, !normal.isEmpty, !attacks.isEmpty else {
            print("no traces under \(root) (expected Training_Data_Master, Validation_Data_Master, Attack_Data_Master)")
            return 1
        }
        print("ADFA-LD: train \(train.count) normal, test \(normal.count) normal + \(attacks.count) attacks")
        print("method                          AUC    det@1%  det@5%  det@10%  train s  traces/s (1 core)")
        for order in orders {
            let t0 = now()
            let model = TokenModel.train(train, order: order)
            let trainS = now() - t0
            let t1 = now()
            let n = normal.map { model.score($0) }
            let a = attacks.map { model.score($0) }
            let rate = Double(normal.count + attacks.count) / (now() - t1)
            row("cordon n-gram LM (order \(order))", n, a, trainS, rate)
        }
        var stide = Stide(width: 6)
        var vocab: [String: Int32] = [:]
        func ids(_ t: [String]) -> [Int32] {
            t.map { s in
                if let v = vocab[s] { return v }
                vocab[s] = Int32(vocab.count)
                return vocab[s] ?? 0
            }
        }
        let t0 = now()
        for t in train { stide.add(ids(t)) }
        let trainS = now() - t0
        let t1 = now()
        let n = normal.map { stide.score(ids($0)) }
        let a = attacks.map { stide.score(ids($0)) }
        row("stide (window 6)", n, a, trainS, Double(normal.count + attacks.count) / (now() - t1))
        return 0
    }

    static func row(_ name: String, _ n: [Double], _ a: [Double], _ trainS: Double, _ rate: Double) {
        func f(_ x: Double, _ w: Int) -> String { pad(String(format3(x)), w) }
        let auc = Evaluation.auc(normal: n, anomalous: a)
        let d = [0.01, 0.05, 0.10].map { Evaluation.detection(normal: n, anomalous: a, falseAlarms: $0) }
        print(
            pad(name, 32) + f(auc, 7) + f(d[0], 8) + f(d[1], 8) + f(d[2], 9) + pad(format3(trainS), 9)
                + String(Int(rate)))
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count)
    }
    static func format3(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return "\(r)"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// One trace per .txt file under `dir` (recursively), in path order.
    static func load(_ dir: String) -> [[String]] {
        var files: [String] = []
        func walk(_ d: String) {
            for name in FileIO.list(d).sorted() {
                let p = d + "/" + name
                if FileIO.isDirectory(p) { walk(p) } else if name.hasSuffix(".txt") { files.append(p) }
            }
        }
        walk(dir)
        return files.compactMap { p in
            guard let bytes = try? FileIO.readFile(p) else { return nil }
            return TokenText.split(bytes)
        }
    }

    /// bench/data/adfa-ld.tar.xz unpacked into a temporary folder (tar and xz from Debian).
    static func unpackBundled() -> String? {
        let archive = repositoryRoot() + "/bench/data/adfa-ld.tar.xz"
        guard FileIO.exists(archive) else {
            print("missing \(archive): pass --data DIR (an unpacked ADFA-LD)")
            return nil
        }
        let dir = "/tmp/cordon-adfa-\(getpid())"
        guard mkdir(dir, 0o700) == 0 else {
            print("could not make \(dir): errno \(errno)")
            return nil
        }
        let rc = system("tar -xJf '\(archive)' -C '\(dir)'")
        guard rc == 0 else {
            print("could not unpack \(archive) (tar -xJf exited \(rc))")
            return nil
        }
        return dir + "/ADFA-LD"
    }

    /// The repository: this file is bench/CordonBench/AnomalyTokensBench.swift.
    static func repositoryRoot() -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
}
