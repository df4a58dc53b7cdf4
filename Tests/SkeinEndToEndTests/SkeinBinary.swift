import Foundation
import XCTest
import SkeinTestSupport

/// Runs the real `skein` executable that `swift build` put beside the test bundle.
struct SkeinBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let url: URL = {
        var dir = Bundle(for: BundleMarker.self).bundleURL
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("skein")
    }()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The Pegasus fixtures (`Tests/Fixtures`).
    static let fixtures = TestFixtures.root

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Output {
        try runProgram(url, arguments, environment: environment, in: directory)
    }

    static func runProgram(_ program: URL, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = directory ?? repository
        // stdout through a pipe read to the end before waiting (a large output cannot block
        // the child); stderr into a file, so the two need no second reader.
        let out = Pipe()
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("skein-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: errURL)
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
    /// The scratch folder a run's plan names (each run has its own, keyed by its UUID).
    static func scratchDirectory(of runDirectory: URL) throws -> String {
        struct Plan: Decodable { var scratchDirectory: String }
        let data = try Data(contentsOf: runDirectory.appendingPathComponent("plan.json"))
        return try JSONDecoder().decode(Plan.self, from: data).scratchDirectory
    }
}

private final class BundleMarker {
}
