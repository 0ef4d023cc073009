// Shared helpers for the gate tests: a policy like the shipped default, built in code, and
// access to the real corpora in ../shared/corpora (skipped when absent, failing when absent
// under CORDON_REQUIRE_CORPUS=1).
import CordonBase
import CordonPolicy
import CordonTestSupport
import Testing

@testable import CordonGate

#if canImport(Glibc)
    import Glibc
#endif

extension Policy {
    /// The default policy's gate section, built in code so gate tests do not depend on the loader.
    static var testDefault: Policy {
        var p = Policy()
        p.gate.allow = ["shell"]
        p.gate.requireApproval = ["send_email", "http_post"]
        p.gate.block = [
            "execute_shell", "run_command", "bash", "system", "delete_file", "rm", "rmdir",
            "kill_process", "terminate",
        ]
        return p
    }
}

/// The decision for shell text under the default policy (or `policy`).
func decide(_ shell: String, policy: Policy = .testDefault, environment: String? = nil) -> Decision {
    var a = Action(id: "t", payload: .shell(shell))
    a.environment = environment
    return Gate.evaluate(a, policy: policy)
}

func detectors(_ d: Decision) -> Set<String> { Set(d.findings.map(\.detector)) }

/// Test data read at test time; never copied into the project. Suites that use it are enabled
/// by `Corpus.available` (the corpora are here, or CORDON_REQUIRE_CORPUS=1 makes them required)
/// and fail with a clear message when required but absent.
enum Corpus {
    struct Record: Sendable {
        var id: String
        var command: String
        var group: String
    }

    static var available: Bool { Corpora.shouldRun }

    static func load(_ file: String, group: String) throws -> [Record] {
        let path = try Corpora.file(file)
        guard let text = readText(path) else { throw Corpora.Missing(description: "cannot read \(path)") }
        return text.split(separator: "\n").compactMap { line -> Record? in
            guard let v = try? JSONValue.parse(String(line)), let id = v["id"]?.stringValue,
                let c = v["command"]?.stringValue
            else { return nil }
            return Record(id: id, command: c, group: v[group]?.stringValue ?? "")
        }
    }

    /// The command of a corpus record by id; throws when the corpora are absent or the id is not
    /// in them.
    static func command(_ id: String) throws -> String {
        let (tldr, gtfo) = try byId.get()
        guard let c = tldr[id] ?? gtfo[id] else {
            throw Corpora.Missing(description: "corpus record \(id) is not in \(Corpora.expectedDirectory)")
        }
        return c
    }

    static var tldrById: [String: String] { get throws { try byId.get().0 } }

    static let byId: Result<([String: String], [String: String]), Error> = Result {
        (
            Dictionary(
                try load("tldr.jsonl", group: "page").map { ($0.id, $0.command) }, uniquingKeysWith: { a, _ in a }),
            Dictionary(
                try load("gtfobins.jsonl", group: "function").map { ($0.id, $0.command) },
                uniquingKeysWith: { a, _ in a })
        )
    }
}

func readText(_ path: String) -> String? {
    guard let bytes = try? FileIO.readFile(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}
