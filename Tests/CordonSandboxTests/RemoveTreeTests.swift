// cs_remove_tree, which removes private HOMEs (as root, trees the sandbox's uid wrote): it
// removes links as links and never deletes through one, whether the link is inside the tree or
// is the path given.
import CSandbox
import Foundation
import Glibc
import Testing

@Suite("removing a tree (cs_remove_tree)")
struct RemoveTreeTests {
    static func scratch() throws -> String {
        var t = Array((NSTemporaryDirectory() + "cordon-rmtree-XXXXXX").utf8CString)
        guard let p = mkdtemp(&t) else { throw POSIXError(.EIO) }
        return String(cString: p)
    }

    static func write(_ path: String) throws {
        try "x".write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test("a tree of files, directories and links goes; what its links point to stays")
    func linksInside() throws {
        let base = try Self.scratch()
        defer { _ = cs_remove_tree(base) }
        let outside = base + "/outside"
        let tree = base + "/tree"
        try FileManager.default.createDirectory(atPath: outside + "/keep", withIntermediateDirectories: true)
        try Self.write(outside + "/keep/file")
        try FileManager.default.createDirectory(atPath: tree + "/a/b/c", withIntermediateDirectories: true)
        try Self.write(tree + "/a/b/c/f")
        try Self.write(tree + "/top")
        #expect(symlink(outside, tree + "/a/dirlink") == 0)
        #expect(symlink(outside + "/keep/file", tree + "/a/b/filelink") == 0)
        #expect(symlink("/nonexistent", tree + "/dangling") == 0)
        #expect(cs_remove_tree(tree) == 0)
        #expect(!FileManager.default.fileExists(atPath: tree))
        #expect(FileManager.default.fileExists(atPath: outside + "/keep/file"))
    }

    @Test("a link given as the tree is removed itself, its target untouched; a missing path is no error")
    func linkAtTop() throws {
        let base = try Self.scratch()
        defer { _ = cs_remove_tree(base) }
        try FileManager.default.createDirectory(atPath: base + "/target", withIntermediateDirectories: true)
        try Self.write(base + "/target/file")
        #expect(symlink(base + "/target", base + "/link") == 0)
        #expect(cs_remove_tree(base + "/link") == 0)
        var st = stat()
        #expect(lstat(base + "/link", &st) != 0)
        #expect(FileManager.default.fileExists(atPath: base + "/target/file"))
        #expect(cs_remove_tree(base + "/missing") == 0)
    }
}
