// cordon-bench anomaly tokens: research mode on ADFA-LD (Creighton and Hu, UNSW Canberra 2013;
// bench/data/README.md says where the copy comes from). Train on Training_Data_Master (833
// normal traces) only. Validation_Data_Master (4,372 normal) and Attack_Data_Master (746
// attacks in 60 folders, 10 per attack type) are cut in two: the *tuning* part (the even-
// numbered normal files in path order, attack folders 1-5 of each type) is where choices
// (order, the views' weights) were made; the *test* part (odd-numbered normals, attack folders
// 6-10: other runs of each attack) was only scored to report. Prints AUC and detection at 1%,
// 5% and 10% false alarms for cordon's model (each view alone and the mean that ships; with
// the order view's contrast weight that ships and with 0, the plain surprise of sessions 9-10)
// and for stide on the same split, with training time and scoring speed.
import CordonAnomaly
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum AnomalyTokensBench {
    static func main(_ args: [String]) -> Int32 {
        var data: String?
        var orders = [TokenModel.defaultOrder]
        var weights: [Double] = []
        var contrasts = [0, TokenModel.defaultContrastWeight]
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--data": data = value
            case "--orders": orders = value.split(separator: ",").compactMap { Int($0) }
            case "--weights": weights = value.split(separator: ",").compactMap { Double($0) }
            case "--contrasts": contrasts = value.split(separator: ",").compactMap { Double($0) }
            default:
                print(
                    "usage: cordon-bench anomaly tokens [--data ADFA-LD-DIR] [--orders 6,8,10] [--weights 0.3,0.7] [--contrasts 0,0.75]"
                )
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
        let train = load(root + "/Training_Data_Master").map(\.1)
        let normal = load(root + "/Validation_Data_Master").map(\.1)
        let attacks = load(root + "/Attack_Data_Master")
        guard !train.isEmpty, !normal.isEmpty, !attacks.isEmpty else {
            print("no traces under \(root) (expected Training_Data_Master, Validation_Data_Master, Attack_Data_Master)")
            return 1
        }
        // Tuning part: even normals, attack folders 1-5; test part: the rest.
        let tuneNormal = normal.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let testNormal = normal.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let tuneAttacks = attacks.filter { folderNumber($0.0) <= 5 }.map(\.1)
        let testAttacks = attacks.filter { folderNumber($0.0) > 5 }.map(\.1)
        print(
            "ADFA-LD: train \(train.count) normal; tuning part \(tuneNormal.count) normal + \(tuneAttacks.count) attacks; test part \(testNormal.count) normal + \(testAttacks.count) attacks"
        )
        print(
            "method                                  part    AUC    det@1%  det@5%  det@10%  train s  traces/s (1 core)"
        )
        for order in orders {
            for contrast in contrasts {
                let t0 = now()
                let model = TokenModel.train(train, order: order, contrastWeight: contrast)
                let trainS = now() - t0
                let t1 = now()
                let views = (tuneNormal + tuneAttacks + testNormal + testAttacks).map { model.views($0) }
                let rate = Double(views.count) / (now() - t1)
                let parts:
                    [(
                        String, ArraySlice<(order: Double, content: Double)>,
                        ArraySlice<(order: Double, content: Double)>
                    )] =
                        {
                            var at = 0
                            func next(_ n: Int) -> ArraySlice<(order: Double, content: Double)> {
                                defer { at += n }
                                return views[at..<(at + n)]
                            }
                            let tn = next(tuneNormal.count)
                            let ta = next(tuneAttacks.count)
                            let sn = next(testNormal.count)
                            let sa = next(testAttacks.count)
                            return [("tuning", tn, ta), ("test", sn, sa)]
                        }()
                let c = contrast == 0 ? "" : " - \(format3(contrast)) x order \(model.contrastOrder)"
                for (name, n, a) in parts {
                    row("order \(order)\(c) (order view)", name, n.map(\.order), a.map(\.order), trainS, rate)
                    row("token sets 1-NN (content view)", name, n.map(\.content), a.map(\.content), trainS, rate)
                    for w in weights {
                        func mix(_ v: (order: Double, content: Double)) -> Double { w * v.order + (1 - w) * v.content }
                        row(
                            "weights order \(format3(w)), content \(format3(1 - w))", name, n.map(mix), a.map(mix),
                            trainS,
                            rate)
                    }
                    func mean(_ v: (order: Double, content: Double)) -> Double { (v.order + v.content) / 2 }
                    let isDefault = order == TokenModel.defaultOrder && contrast == TokenModel.defaultContrastWeight
                    row(
                        "mean of both" + (isDefault ? " (the default)" : c), name, n.map(mean), a.map(mean), trainS,
                        rate)
                }
            }
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
        let scored = [tuneNormal, tuneAttacks, testNormal, testAttacks].map { $0.map { stide.score(ids($0)) } }
        let rate = Double(scored.map(\.count).reduce(0, +)) / (now() - t1)
        row("stide (window 6)", "tuning", scored[0], scored[1], trainS, rate)
        row("stide (window 6)", "test", scored[2], scored[3], trainS, rate)
        return 0
    }

    /// `.../Attack_Data_Master/Hydra_FTP_7/UAD-Hydra-FTP-7-1.txt` → 7.
    static func folderNumber(_ path: String) -> Int {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, let n = parts[parts.count - 2].split(separator: "_").last.flatMap({ Int($0) }) else {
            return 0
        }
        return n
    }

    static func row(_ name: String, _ part: String, _ n: [Double], _ a: [Double], _ trainS: Double, _ rate: Double) {
        func f(_ x: Double, _ w: Int) -> String { pad(String(format3(x)), w) }
        let auc = Evaluation.auc(normal: n, anomalous: a)
        let d = [0.01, 0.05, 0.10].map { Evaluation.detection(normal: n, anomalous: a, falseAlarms: $0) }
        print(
            pad(name, 40) + pad(part, 8) + f(auc, 7) + f(d[0], 8) + f(d[1], 8) + f(d[2], 9) + pad(format3(trainS), 9)
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

    /// One trace per .txt file under `dir` (recursively), in path order, with its path.
    static func load(_ dir: String) -> [(String, [String])] {
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
            return (p, TokenText.split(bytes))
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
