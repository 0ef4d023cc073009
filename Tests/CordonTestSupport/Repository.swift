// What every test target shares: the checkout's root and the real corpora beside it, found from
// this file's own path (not the working directory), and the rule that makes a missing corpus
// a failure in CI instead of a silent skip.
#if canImport(Glibc)
    import Glibc
#endif

public enum Repository {
    /// The checkout's root: this file is `Tests/CordonTestSupport/Repository.swift`.
    public static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// A path inside the checkout: `Repository.path("policies/default.yaml")`.
    public static func path(_ relative: String) -> String { root + "/" + relative }
}

/// `../shared/corpora` (GTFOBins, tldr): real commands the gate is measured on. Never copied
/// into the project; read at test time.
public enum Corpora {
    /// CI sets CORDON_REQUIRE_CORPUS=1: the corpus suites then run and fail when the corpora are
    /// absent, instead of vanishing from the run.
    public static let required: Bool = {
        guard let v = getenv("CORDON_REQUIRE_CORPUS") else { return false }
        return String(cString: v) == "1"
    }()

    /// Where the corpora were looked for: beside the checkout.
    public static let expectedDirectory = Repository.root + "/../shared/corpora"

    /// The corpora directory, when its files are readable.
    public static let directory: String? = {
        access(expectedDirectory + "/tldr.jsonl", R_OK) == 0 && access(expectedDirectory + "/gtfobins.jsonl", R_OK) == 0
            ? expectedDirectory : nil
    }()

    /// For `.enabled(if:)`: run when the corpora are here, and also when they are required (so
    /// that their absence fails loudly).
    public static var shouldRun: Bool { directory != nil || required }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The path of one corpus file; throws a clear error when the corpora are absent.
    public static func file(_ name: String) throws -> String {
        guard let dir = directory else {
            throw Missing(
                description:
                    "the corpora are missing: \(expectedDirectory)/\(name) is not readable, and CORDON_REQUIRE_CORPUS=1 requires them (put shared/corpora beside the checkout, or unset CORDON_REQUIRE_CORPUS to skip these suites)"
            )
        }
        return dir + "/" + name
    }
}
