import Foundation
import XCTest
@testable import SkeinKickstart
import SkeinTestSupport

/// The pure-Swift SHA-256 against the FIPS 180-2 / NIST example vectors, against itself fed in
/// odd-sized pieces, and against `sha256sum` on a file bigger than the 64 KiB read chunk.
final class SHA256Tests: XCTestCase {
    func testNISTVectors() {
        XCTAssertEqual(SHA256.hash(Array("".utf8)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hash(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hash(Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                          + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        XCTAssertEqual(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testStreamingInPiecesEqualsOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hash(message)
        for piece in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + piece, message.count)
                hasher.update(message[start..<end])
                start = end
            }
            XCTAssertEqual(hasher.hexDigest(), expected, "pieces of \(piece)")
        }
        // Every length around the padding boundaries.
        for length in 50...130 {
            let bytes = Array(message.prefix(length))
            var hasher = SHA256()
            hasher.update(bytes.prefix(length / 2))
            hasher.update(bytes.dropFirst(length / 2))
            XCTAssertEqual(hasher.hexDigest(), SHA256.hash(bytes), "length \(length)")
        }
    }

    func testFileDigestMatchesSha256sum() throws {
        let sha256sum = URL(fileURLWithPath: "/usr/bin/sha256sum")
        guard FileManager.default.isExecutableFile(atPath: sha256sum.path) else { throw missingRealPart("no /usr/bin/sha256sum") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ks-sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 65_536, 65_537, 300_001] {
            let file = dir.appendingPathComponent("f\(size)")
            try Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: file)
            let reference = try KickstartBinary.runProgram(sha256sum, [file.path], in: dir)
            XCTAssertEqual(try SHA256.hash(file: file.path), String(reference.stdout.prefix(64)), "size \(size)")
        }
        XCTAssertThrowsError(try SHA256.hash(file: dir.appendingPathComponent("missing").path))
    }
}
