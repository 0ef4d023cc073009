// Shared helpers for the gate tests: a policy like the shipped default, built in code, and
// access to the real corpora in ../shared/corpora (tests that need them skip when absent).
import CordonBase
import CordonPolicy
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
func decide(_ shell: String, policy: Policy = .testDefault, environment: String? = nil) -> Decision
{
  var a = Action(id: "t", payload: .shell(shell))
  a.environment = environment
  return Gate.evaluate(a, policy: policy)
}

func detectors(_ d: Decision) -> Set<String> { Set(d.findings.map(\.detector)) }

/// Test data read at test time; never copied into the project.
enum Corpus {
  struct Record: Sendable {
    var id: String
    var command: String
    var group: String
  }

  static let directory: String? = {
    // Tests run from the package root; the corpora live beside it.
    for d in ["../shared/corpora", "../../shared/corpora"]
    where access(d + "/tldr.jsonl", R_OK) == 0 { return d }
    return nil
  }()

  static var available: Bool { directory != nil }

  static func load(_ file: String, group: String) -> [Record] {
    guard let dir = directory, let text = readText(dir + "/" + file) else { return [] }
    return text.split(separator: "\n").compactMap { line -> Record? in
      guard let v = try? JSONValue.parse(String(line)), let id = v["id"]?.stringValue,
        let c = v["command"]?.stringValue
      else { return nil }
      return Record(id: id, command: c, group: v[group]?.stringValue ?? "")
    }
  }

  static func command(_ id: String) -> String? { tldrById[id] ?? gtfoById[id] }

  static let tldrById: [String: String] = Dictionary(
    load("tldr.jsonl", group: "page").map { ($0.id, $0.command) }, uniquingKeysWith: { a, _ in a })
  static let gtfoById: [String: String] = Dictionary(
    load("gtfobins.jsonl", group: "function").map { ($0.id, $0.command) },
    uniquingKeysWith: { a, _ in a })
}

func readText(_ path: String) -> String? {
  guard let bytes = try? FileIO.readFile(path) else { return nil }
  return String(decoding: bytes, as: UTF8.self)
}
