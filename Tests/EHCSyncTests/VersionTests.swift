import Testing
@testable import EHCSync

@Test func versionIsSemantic() {
    #expect(EHCSyncVersion.string.split(separator: ".").count == 3)
}
