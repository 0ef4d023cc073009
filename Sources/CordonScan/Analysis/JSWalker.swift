enum JSWalker {
    static func walk<V: CodeVisitor>(_ lexed: Lexed, _ visitor: inout V) -> Code {
        Code(language: .javascript, tokens: lexed.tokens)
    }
}
