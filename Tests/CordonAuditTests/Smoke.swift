import Testing
@testable import CordonAudit

@Test("the CordonAudit module links") func links() { #expect(Bool(true)) }
