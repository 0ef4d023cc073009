// `--baseline FILE`: a previous `--format json` output. Its findings' fingerprints (rule,
// file, the trimmed masked line, the occurrence) mark the same findings in a new scan as
// known, so only new ones are reported and can fail CI, wherever lines have moved.
import CordonBase

public struct Baseline: Sendable {
    public var source: String
    public var fingerprints: Set<String>

    public init(source: String, fingerprints: Set<String>) {
        self.source = source
        self.fingerprints = fingerprints
    }

    /// Reads a JSON report; a clear error when it is not one.
    public static func parse(_ bytes: [UInt8], source: String) throws(ScanError) -> Baseline {
        let v: JSONValue
        do throws(JSONError) {
            v = try JSONValue.parse(bytes)
        } catch {
            throw ScanError(
                "baseline \(source): not JSON (\(error.line):\(error.column): \(error.message))",
                hint: "pass a file written by 'cordon scan --format json' (or --output FILE.json)")
        }
        guard let list = v["findings"]?.arrayValue else {
            throw ScanError(
                "baseline \(source): no \"findings\" array: not a cordon scan JSON report",
                hint: "pass a file written by 'cordon scan --format json' (or --output FILE.json)")
        }
        return Baseline(source: source, fingerprints: Set(list.compactMap { $0["fingerprint"]?.stringValue }))
    }

    /// Marks the findings of `report` that the baseline already has.
    public func apply(to report: inout ScanReport) {
        let prints = report.fingerprints()
        for i in report.files.indices {
            for j in report.files[i].findings.indices where fingerprints.contains(prints[i][j]) {
                report.files[i].findings[j].inBaseline = true
            }
        }
    }
}

extension ScanReport {
    /// Fingerprints per file and finding, the occurrence counted among equal lines.
    public func fingerprints() -> [[String]] {
        files.map { file in
            var seen: [String: Int] = [:]
            return file.findings.map { f in
                let key = f.rule + "\u{0}" + f.snippet.trimmingSpaces()
                let n = seen[key, default: 0]
                seen[key] = n + 1
                return f.fingerprint(occurrence: n)
            }
        }
    }
}
