import CordonBase
// cordon-bench scan DIR...: the scanner's throughput over real source trees (the Python
// standard library, an agent project): every file of a kind it reads is loaded into memory
// first, then scanned on one thread (MB/s of source per core), then through the tree walker
// on every core as `cordon scan -r` does (files/s, wall time), with and without a warm cache.
// Findings are counted so a fast scan that finds nothing shows as such.
import CordonScan

#if canImport(Glibc)
    import Glibc
#endif

enum ScanBench {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func main(_ args: [String]) -> Int32 {
        guard !args.isEmpty else {
            print("usage: cordon-bench scan DIR...   (e.g. the Python stdlib, an agent repository)")
            return 64
        }
        var req = ScanRequest(paths: args)
        req.recursive = true
        let files: [String]
        do throws(ScanError) {
            files = try ProjectScanner.files(req)
        } catch {
            print("cordon-bench: \(error.message)")
            return 65
        }
        var loaded: [(String, FileKind, [UInt8])] = []
        for f in files {
            guard let bytes = try? FileIO.readFile(f, limit: FileScanner.maximumBytes),
                let kind = FileKind.of(path: f, head: Array(bytes.prefix(4096)))
            else { continue }
            loaded.append((f, kind, bytes))
        }
        let total = loaded.reduce(0) { $0 + $1.2.count }
        var best = Double.infinity
        var bestCPU = Double.infinity
        var findings = 0
        for _ in 0..<3 {
            let t0 = now()
            let c0 = threadCPU()
            findings = 0
            for (f, k, b) in loaded { findings += FileScanner.scan(path: f, kind: k, bytes: b).findings.count }
            best = min(best, now() - t0)
            bestCPU = min(bestCPU, threadCPU() - c0)
        }
        let mb = Double(total) / 1e6
        // Wall time counts the moments another process had the core; the thread's CPU time
        // does not, so it is the figure per core on a shared machine.
        print(
            "in memory, one thread: \(loaded.count) files, \(format1(mb)) MB, \(findings) findings: "
                + "best of 3 \(format1(best * 1000)) ms = \(format1(mb / best)) MB/s wall, "
                + "\(format1(bestCPU * 1000)) ms CPU = \(format1(mb / bestCPU)) MB/s per CPU second")
        var dir = Array("/tmp/cordon-bench-scan-XXXXXX".utf8CString)
        let cache = mkdtemp(&dir).map { String(cString: $0) } ?? "/tmp"
        for label in ["tree walk, all cores, no cache", "tree walk, all cores, cold cache", "tree walk, warm cache"] {
            var r = req
            if label != "tree walk, all cores, no cache" { r.cacheDirectory = cache }
            let t0 = now()
            let report = try? ProjectScanner.scan(r)
            let dt = now() - t0
            print(
                "\(label): \(report?.files.count ?? 0) files in \(format1(dt * 1000)) ms (\(Int(Double(report?.files.count ?? 0) / dt)) files/s)"
            )
        }
        unlink(cache + "/scan-cache.jsonl")
        rmdir(cache)
        return 0
    }

    /// CPU time of the calling thread, in seconds.
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func format1(_ x: Double) -> String { String(Double(Int(x * 10)) / 10) }
}
