#if canImport(Glibc)
    import Glibc
#endif

/// The process environment as a dictionary (first occurrence wins, as getenv does).
public func processEnvironment() -> [String: String] {
    var env: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let s = String(cString: entry)
        if let eq = s.firstIndex(of: "=") {
            let k = String(s[..<eq])
            if env[k] == nil { env[k] = String(s[s.index(after: eq)...]) }
        }
        p += 1
    }
    return env
}
