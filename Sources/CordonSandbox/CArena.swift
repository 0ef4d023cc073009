// Owns every C allocation the child reads. The child only reads them, and CLONE_VM is not used
// for the first clone, so they just need to outlive the cs_spawn call. They live in blocks of
// their own (anonymous mappings, not malloc's heap): the child gets a copy of these blocks and
// of its stack only; the rest of cordon's private memory it gets empty (forkmarks.c), so the
// blocks are what `spans` hands to cs_spawn.
import Glibc

final class CArena {
    private var blocks: [(base: UnsafeMutableRawPointer, size: Int)] = []
    /// Bytes used in the last block.
    private var used = 0
    private static let blockSize = 64 * 1024

    deinit { for b in blocks { munmap(b.base, b.size) } }

    /// Start and length of each block, flat, for cs_spawn.
    var spans: [UInt] { blocks.flatMap { [UInt(bitPattern: Int(bitPattern: $0.base)), UInt($0.size)] } }

    /// Zeroed memory (a fresh mapping is), aligned to 16.
    private func raw(_ bytes: Int) -> UnsafeMutableRawPointer {
        let n = max(bytes, 1)
        let start = (used + 15) & ~15
        if let last = blocks.last, start + n <= last.size {
            used = start + n
            return last.base + start
        }
        let size = max(Self.blockSize, (n + 4095) & ~4095)
        // Allocation failure here is unrecoverable (the spawn cannot be described): say so.
        guard let m = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), m != MAP_FAILED
        else { fatalError("cordon: out of memory preparing the spawn plan") }
        blocks.append((m, size))
        used = n
        return m
    }

    func string(_ s: String) -> UnsafePointer<CChar> {
        var s = s
        return s.withUTF8 { utf8 in
            let p = raw(utf8.count + 1)
            if let b = utf8.baseAddress { p.copyMemory(from: b, byteCount: utf8.count) }
            return UnsafePointer(p.bindMemory(to: CChar.self, capacity: utf8.count + 1))
        }
    }

    func optionalString(_ s: String?) -> UnsafePointer<CChar>? { s.map(string) }

    /// A NULL-terminated `char *const[]`.
    func stringArray(_ list: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let arr = allocate(UnsafeMutablePointer<CChar>?.self, count: list.count + 1)
        for (i, s) in list.enumerated() { arr[i] = UnsafeMutablePointer(mutating: string(s)) }
        arr[list.count] = nil
        return arr
    }

    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        precondition(MemoryLayout<T>.alignment <= 16)
        let n = max(count, 1)
        return raw(n * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: n)
    }
}
