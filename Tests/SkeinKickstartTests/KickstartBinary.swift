import Foundation
import XCTest
import SkeinTestSupport

/// Runs the real `skein-kickstart` that `swift build` put beside the test bundle, in a scratch
/// folder of its own, and reads back the record it wrote.
struct KickstartBinary {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var record: String
    }

    static let url: URL = {
        var dir = Bundle(for: BundleMarker.self).bundleURL
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("skein-kickstart")
    }()

    static let fixtures = TestFixtures.kickstart

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    static func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw missingRealPart("\(url.path) not built: run `swift build` first (the test target does not depend on the executable)")
        }
    }

    /// Runs `skein-kickstart -r record.yml ARGS` in `directory`; the record is read afterwards.
    static func run(_ arguments: [String], in directory: URL, record: String = "record.yml") throws -> Run {
        try requireBinary()
        let recordURL = directory.appendingPathComponent(record)
        try? FileManager.default.removeItem(at: recordURL)
        let result = try runProgram(url, ["-r", recordURL.path] + arguments, in: directory)
        let text = (try? String(contentsOf: recordURL, encoding: .utf8)) ?? ""
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr, record: text)
    }

    static func runProgram(_ program: URL, _ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outURL = directory.appendingPathComponent(".runner-out-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent(".runner-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (process.terminationStatus,
                String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Whether python3 with PyYAML is available.
    static let hasPyYAML: Bool = {
        guard let python = try? runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import yaml"],
                                           in: FileManager.default.temporaryDirectory) else { return false }
        return python.status == 0
    }()

    /// Loads `file` with PyYAML's safe loader and prints `expression` (Python, over `d`) as JSON.
    static func pyYAML(_ file: URL, _ expression: String = "None") throws -> (status: Int32, output: String) {
        guard hasPyYAML else { throw missingRealPart("python3 with PyYAML is not installed") }
        let script = "import yaml,sys,json; d=yaml.safe_load(open(sys.argv[1],encoding='utf-8')); print(json.dumps(\(expression)))"
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file.path],
                                    in: file.deletingLastPathComponent())
        return (result.status, result.status == 0 ? result.stdout : result.stderr)
    }
}

private final class BundleMarker {}
