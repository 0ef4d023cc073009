// A token trace file's text: tokens separated by any ASCII white space (spaces, tabs, new
// lines), as the public system-call data sets write them.

public enum TokenText {
    public static func split(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var start = -1
        for (i, b) in bytes.enumerated() {
            let space = b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0B || b == 0x0C
            if space {
                if start >= 0 { out.append(String(decoding: bytes[start..<i], as: UTF8.self)) }
                start = -1
            } else if start < 0 {
                start = i
            }
        }
        if start >= 0 { out.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return out
    }
}
