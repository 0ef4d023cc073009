enum AuditBench { static func main(_ args: [String]) -> Int32 { print("not yet"); return 1 } }
