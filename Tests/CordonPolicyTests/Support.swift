import CordonTestSupport

@testable import CordonPolicy

/// The repository root (CordonTestSupport finds it from its own path).
let repositoryRoot = Repository.root

/// A loader over an in-memory file tree, so extends and read errors are tested without disk.
func memoryLoader(_ files: [String: String], environment: [String: String] = [:]) -> PolicyLoader {
    PolicyLoader(environment: environment) { path in
        // Keys are normalised paths, as a filesystem would resolve `./a.yaml` or `b/../a.yaml`.
        if let text = files[path] ?? files[PolicyLoader.normalize(path)] { return .success(Array(text.utf8)) }
        return .failure(PolicyFileError("No such file or directory"))
    }
}

/// Loads `text` as `test.yaml` and returns the error lines (empty when it loaded).
func errorLines(_ text: String, path: String = "test.yaml", environment: [String: String] = [:]) -> [String] {
    do {
        _ = try memoryLoader([:], environment: environment).load(text: text, path: path)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

/// Loads `text`, failing the calling test with every error when it does not load.
func load(_ text: String, path: String = "test.yaml", environment: [String: String] = [:]) throws -> Policy {
    try memoryLoader([:], environment: environment).load(text: text, path: path)
}

/// The error lines of loading `path` with `loader` (empty when it loaded).
func errorLines(_ loader: PolicyLoader, path: String) -> [String] {
    do {
        _ = try loader.load(path: path)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}
