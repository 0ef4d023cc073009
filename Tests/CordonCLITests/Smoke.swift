import Testing
@testable import CordonCLI

@Test("the CordonCLI module links") func links() { #expect(Bool(true)) }
