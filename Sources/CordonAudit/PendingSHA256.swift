// TEMPORARY until the policy branch (CordonPolicy.SHA256) is merged: the same name and call
// shape, so deleting this file is the whole switch-over. Not a second implementation: it is
// libcrypto's one-shot SHA256().
import CCrypto

enum SHA256 {
    static func hex(_ bytes: [UInt8]) -> String {
        var md = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { b in _ = CCrypto.SHA256(b.baseAddress, b.count, &md) }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for x in md {
            out.append(hex[Int(x >> 4)])
            out.append(hex[Int(x & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
