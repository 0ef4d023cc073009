import Testing
@testable import CordonSandbox

@Test("the CordonSandbox module links") func links() { #expect(Bool(true)) }
