// Owns every C allocation the child reads. The child only reads them, and CLONE_VM is not used
// for the first clone, so they just need to outlive the cs_spawn call.
import Glibc

final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit { for b in blocks { free(b) } }

    func string(_ s: String) -> UnsafePointer<CChar> {
        // Allocation failure here is unrecoverable (the spawn cannot be described): say so.
        guard let p = strdup(s) else { fatalError("cordon: out of memory preparing the spawn plan") }
        blocks.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
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
        guard let raw = calloc(max(count, 1), MemoryLayout<T>.stride) else {
            fatalError("cordon: out of memory preparing the spawn plan")
        }
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }
}
