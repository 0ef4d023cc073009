// Fixture helpers: the fixtures are real agent-shaped files under Fixtures/, each line that
// must produce a finding marked with `expect: RULE` in a comment (several: `expect: A, B`).
// A fixture without marks must scan clean: that is what makes a near miss a test.
import CordonBase
import CordonScan
import CordonTestSupport

#if canImport(Glibc)
    import Glibc
#endif

enum Fixtures {
    static let root = Repository.path("Tests/CordonScanTests/Fixtures")

    /// Every file under `dir` (relative to Fixtures), recursively, sorted.
    static func files(_ dir: String = "") -> [String] {
        var out: [String] = []
        func walk(_ rel: String) {
            let abs = rel.isEmpty ? root : root + "/" + rel
            guard let d = opendir(abs) else { return }
            defer { closedir(d) }
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                if stat(root + "/" + child, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                    walk(child)
                } else if !name.hasSuffix(".expect") {
                    out.append(child)
                }
            }
        }
        walk(dir)
        return out.sorted()
    }

    static func bytes(_ rel: String) throws -> [UInt8] { try FileIO.readFile(root + "/" + rel) }

    /// `(line, rule)` pairs the fixture's `expect:` marks name.
    static func expected(_ rel: String) throws -> Set<String> {
        // JSON has no comments: its marks are `LINE RULE` lines in FILE.expect.
        if rel.hasSuffix(".json") {
            let text = String(decoding: try bytes(rel + ".expect"), as: UTF8.self)
            return Set(text.split(separator: "\n").map(String.init).filter { !$0.isEmpty })
        }
        return marks(in: String(decoding: try bytes(rel), as: UTF8.self))
    }

    /// `(line, rule)` pairs of a source text's `expect: RULE, RULE` comments.
    static func marks(in text: String) -> Set<String> {
        var out: Set<String> = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let r = line.firstRange(of: "expect: ") else { continue }
            for rule in line[r.upperBound...].split(separator: ",") {
                let id = rule.split(separator: " ").first.map(String.init) ?? ""
                if !id.isEmpty { out.insert("\(i + 1) \(id)") }
            }
        }
        return out
    }

    static func scan(_ rel: String) throws -> FileReport {
        let b = try bytes(rel)
        guard let kind = FileKind.of(path: rel, head: Array(b.prefix(4096))) else {
            throw Missing(description: "\(rel): not a kind the scanner reads")
        }
        return FileScanner.scan(path: rel, kind: kind, bytes: b)
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }
}
