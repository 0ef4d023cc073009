import Testing
@testable import CordonGate

@Test("the CordonGate module links") func links() { #expect(Bool(true)) }
