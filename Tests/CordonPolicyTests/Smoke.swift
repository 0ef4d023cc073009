import Testing
@testable import CordonPolicy

@Test("the CordonPolicy module links") func links() { #expect(Bool(true)) }
