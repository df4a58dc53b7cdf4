import XCTest

/// The error to throw for a missing real part: an `XCTSkip` on a developer's machine, a
/// failure under `CI=true` (see `MissingRealPart`).
public func missingRealPart(_ why: String, file: StaticString = #filePath, line: UInt = #line) -> Error {
    if MissingRealPart.mustFail { return MissingRealPart(why) }
    return XCTSkip(why, file: file, line: line)
}
