// cordon-bench anomaly tokens: research mode on ADFA-LD (Creighton and Hu, UNSW Canberra 2013;
// bench/data/README.md says where the copy comes from). Train on Training_Data_Master (833
// normal traces) only. Validation_Data_Master (4,372 normal) and Attack_Data_Master (746
// attacks in 60 folders, 10 per attack type) are cut in two: the *tuning* part (the even-
// numbered normal files in path order, attack folders 1-5 of each type) is where choices
// (order, the views' weights) were made; the *test* part (odd-numbered normals, attack folders
// 6-10: other runs of each attack) was only scored to report. Prints AUC and detection at 1%,
// 5% and 10% false alarms for cordon's model (each view alone and the mean that ships; with
// the order view's plain surprise, the default, and session 11's contrast, weight 0.75)
// and for stide on the same split, with training time and scoring speed.
// Session 16 added a second data set, the UNM / MIT system-call data (Forrest et al. 1996,
// Warrender et al. 1999; bench/data/unm.tar.xz, `unm(_:)` below for its split), so a choice
// is checked on two hosts: `--set adfa-ld|unm|all` (all by default), or `--data DIR` for an
// unpacked copy of either.
import CordonAnomaly
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum AnomalyTokensBench {
    /// One data set cut into training traces and the tuning and test parts.
    struct Split {
        var name: String
        var train: [[String]]
        var tuneNormal: [[String]]
        var tuneAttacks: [[String]]
        var testNormal: [[String]]
        var testAttacks: [[String]]
    }

    static func main(_ args: [String]) -> Int32 {
        var data: String?
        var set = "all"
        var orders = [TokenModel.defaultOrder]
        var weights: [Double] = []
        var contrasts = [0, 0.75]
        var dump: String?
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--data": data = value
            case "--set": set = value
            case "--orders": orders = value.split(separator: ",").compactMap { Int($0) }
            case "--weights": weights = value.split(separator: ",").compactMap { Double($0) }
            case "--contrasts": contrasts = value.split(separator: ",").compactMap { Double($0) }
            case "--dump": dump = value
            default:
                print(
                    "usage: cordon-bench anomaly tokens [--set adfa-ld|unm|all] [--data DIR] [--orders 6,8,10] [--weights 0.3,0.7] [--contrasts 0,0.75]"
                )
                return 64
            }
            i += 2
        }
        var splits: [Split] = []
        if let data {
            // An unpacked copy: ADFA-LD's three folders, or the UNM layout (UNM/<program>/...).
            if FileIO.isDirectory(data + "/Training_Data_Master") {
                guard let s = adfa(data) else { return 1 }
                splits.append(s)
            } else {
                let root = FileIO.isDirectory(data + "/UNM") ? data + "/UNM" : data
                guard let s = unm(root) else { return 1 }
                splits.append(s)
            }
        } else {
            guard ["all", "adfa-ld", "unm"].contains(set) else {
                print("--set: adfa-ld, unm or all")
                return 64
            }
            if set != "unm" {
                guard let root = unpackBundled("adfa-ld"), let s = adfa(root + "/ADFA-LD") else { return 1 }
                splits.append(s)
            }
            if set != "adfa-ld" {
                guard let root = unpackBundled("unm"), let s = unm(root + "/UNM") else { return 1 }
                splits.append(s)
            }
        }
        if let dump {
            for s in splits { dumpViews(s, to: dump + "/" + s.name) }
            return 0
        }
        for s in splits {
            evaluate(s, orders: orders, weights: weights, contrasts: contrasts)
            print("")
        }
        return 0
    }

    /// ADFA-LD: train on Training_Data_Master; tuning part = even normals of
    /// Validation_Data_Master and attack folders 1-5, test part = the rest.
    static func adfa(_ root: String) -> Split? {
        let train = load(root + "/Training_Data_Master").map(\.1)
        let normal = load(root + "/Validation_Data_Master").map(\.1)
        let attacks = load(root + "/Attack_Data_Master")
        guard !train.isEmpty, !normal.isEmpty, !attacks.isEmpty else {
            print("no traces under \(root) (expected Training_Data_Master, Validation_Data_Master, Attack_Data_Master)")
            return nil
        }
        return Split(
            name: "ADFA-LD", train: train,
            tuneNormal: normal.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
            tuneAttacks: attacks.filter { folderNumber($0.0) <= 5 }.map(\.1),
            testNormal: normal.enumerated().filter { $0.offset % 2 == 1 }.map(\.element),
            testAttacks: attacks.filter { folderNumber($0.0) > 5 }.map(\.1))
    }

    /// The UNM / MIT data sets (bench/data/unm_convert.py: UNM/<program>/{normal,intrusion}/,
    /// one process per file). One model for all programs, as on one host. Per program, in file
    /// order: normal traces 0, 4, 8, ... train, 1, 5, 9, ... are the tuning part, the rest the
    /// test part; intrusion traces are taken once per distinct trace (the 1,001 attack
    /// processes of each lpr set are 8 distinct traces), alternately into tuning and test.
    static func unm(_ root: String) -> Split? {
        var s = Split(name: "UNM", train: [], tuneNormal: [], tuneAttacks: [], testNormal: [], testAttacks: [])
        for program in FileIO.list(root).sorted() where FileIO.isDirectory(root + "/" + program) {
            for (i, t) in load(root + "/" + program + "/normal").map(\.1).enumerated() {
                switch i % 4 {
                case 0: s.train.append(t)
                case 1: s.tuneNormal.append(t)
                default: s.testNormal.append(t)
                }
            }
            var seen = Set<[String]>()
            for t in load(root + "/" + program + "/intrusion").map(\.1) where seen.insert(t).inserted {
                if seen.count % 2 == 1 { s.tuneAttacks.append(t) } else { s.testAttacks.append(t) }
            }
        }
        guard !s.train.isEmpty, !s.tuneAttacks.isEmpty, !s.testAttacks.isEmpty else {
            print("no traces under \(root) (expected UNM/<program>/normal and /intrusion, bench/data/README.md)")
            return nil
        }
        return s
    }

    static func evaluate(_ s: Split, orders: [Int], weights: [Double], contrasts: [Double]) {
        let (train, tuneNormal, tuneAttacks, testNormal, testAttacks) = (
            s.train, s.tuneNormal, s.tuneAttacks, s.testNormal, s.testAttacks
        )
        print(
            "\(s.name): train \(train.count) normal; tuning part \(tuneNormal.count) normal + \(tuneAttacks.count) attacks; test part \(testNormal.count) normal + \(testAttacks.count) attacks"
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
    }

    /// For the prototypes (bench/anomaly-prototypes/s16_*.py): per group (`cal`: the training
    /// traces, each scored by the model of the 4 folds without it, as the calibration does;
    /// `tuneN tuneA testN testA`), the token ids (`.tok`, int32; unseen = vocabulary size),
    /// trace lengths (`.len`, int32), every position's surprise under orders 1...8 (`.f32`,
    /// float32, 8 per position) and the content view's distance (`.content`, float64).
    static func dumpViews(_ s: Split, to dir: String) {
        _ = system("mkdir -p '\(dir)'")
        let model = TokenModel.train(s.train)
        let order = model.order
        func write<T>(_ name: String, _ values: [T]) {
            let f = fopen(dir + "/" + name, "wb")
            values.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
        func emit(_ name: String, _ traces: [[String]], _ m: TokenModel) {
            var lens: [Int32] = []
            var toks: [Int32] = []
            var sur: [Float] = []
            var content: [Double] = []
            var out = [Double](repeating: 0, count: order)
            for t in traces {
                let ids = model.ids(t).map { Int32($0) }
                let mids = m.ids(t)
                lens.append(Int32(t.count))
                toks.append(contentsOf: ids)
                for i in mids.indices {
                    m.model.orderSurprises(of: mids, at: i, into: &out)
                    sur.append(contentsOf: out.map { Float($0) })
                }
                content.append(m.distance(t))
            }
            write(name + ".len", lens)
            write(name + ".tok", toks)
            write(name + ".f32", sur)
            write(name + ".content", content)
        }
        // Calibration group: fold k (traces k, k+5, ...) scored by a model of the other folds.
        var calTraces: [[String]] = []
        var calParts: [(TokenModel, [[String]])] = []
        for k in 0..<5 {
            let others = s.train.enumerated().filter { $0.offset % 5 != k }.map(\.element)
            let held = s.train.enumerated().filter { $0.offset % 5 == k }.map(\.element)
            calParts.append((TokenModel.train(others), held))
            calTraces += held
        }
        // One file for the group: write each fold's part, then concatenate.
        for (k, part) in calParts.enumerated() { emit("cal\(k)", part.1, part.0) }
        emit("tuneN", s.tuneNormal, model)
        emit("tuneA", s.tuneAttacks, model)
        emit("testN", s.testNormal, model)
        emit("testA", s.testAttacks, model)
        emit("train", s.train, model)
        print("\(s.name): wrote \(dir) (\(calTraces.count) calibration traces)")
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

    /// bench/data/NAME.tar.xz unpacked into a temporary folder (tar and xz from Debian).
    static func unpackBundled(_ name: String) -> String? {
        let archive = repositoryRoot() + "/bench/data/\(name).tar.xz"
        guard FileIO.exists(archive) else {
            print("missing \(archive): pass --data DIR (an unpacked copy)")
            return nil
        }
        let dir = "/tmp/cordon-\(name)-\(getpid())"
        guard mkdir(dir, 0o700) == 0 else {
            print("could not make \(dir): errno \(errno)")
            return nil
        }
        let rc = system("tar -xJf '\(archive)' -C '\(dir)'")
        guard rc == 0 else {
            print("could not unpack \(archive) (tar -xJf exited \(rc))")
            return nil
        }
        return dir
    }

    /// The repository: this file is bench/CordonBench/AnomalyTokensBench.swift.
    static func repositoryRoot() -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
}
