import Foundation

/// Pegasus's own `pegasus-statistics` and `pegasus-analyzer`, from the `pegasus-wms` PyPI
/// package in a venv cached at `.build-pegasus-venv` in the repository root: the
/// compatibility tests run them on what Skein writes. Shared by the test targets that do.
public struct PegasusTools: Sendable {
    /// Why the tools are not available (tests skip with it).
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The one pegasus-wms release the compatibility tests are checked against.
    public static let pinnedVersion = "5.1.3"

    public let python: String
    /// The folder of `pegasus-statistics.py` and `pegasus-analyzer.py`.
    public let cli: String

    /// Finds or creates the venv with pegasus-wms beside the repository's build folders.
    public static func locate(repository: URL) throws -> PegasusTools {
        let fm = FileManager.default
        let venv = repository.appendingPathComponent(".build-pegasus-venv").path
        let python = venv + "/bin/python"
        func cliDir() -> String? {
            guard let libs = try? fm.contentsOfDirectory(atPath: venv + "/lib") else { return nil }
            return libs.filter { $0.hasPrefix("python") }
                .map { "\(venv)/lib/\($0)/site-packages/Pegasus/cli" }
                .first { fm.fileExists(atPath: $0 + "/pegasus-statistics.py") }
        }
        // A venv made for another version (or before pinning) is brought to the pinned one.
        let stamp = venv + "/pegasus-wms-" + pinnedVersion
        if let cli = cliDir(), fm.isExecutableFile(atPath: python), fm.fileExists(atPath: stamp) { return PegasusTools(python: python, cli: cli) }
        guard (try? Command.run(["python3", "--version"]))?.status == 0 else {
            throw Unavailable(description: "python3 not found: cannot install pegasus-wms")
        }
        if !fm.isExecutableFile(atPath: python) {
            let made = try Command.run(["python3", "-m", "venv", venv])
            guard made.status == 0 else { throw Unavailable(description: "python3 -m venv failed: \(made.stderr)") }
        }
        let pip = try Command.run([venv + "/bin/pip", "install", "--quiet", "pegasus-wms==" + pinnedVersion])
        guard pip.status == 0, let cli = cliDir() else {
            throw Unavailable(description: "pip install pegasus-wms failed (no network to PyPI?): \(pip.stderr.suffix(500))")
        }
        fm.createFile(atPath: stamp, contents: nil)
        return PegasusTools(python: python, cli: cli)
    }

    /// Runs `pegasus-statistics` or `pegasus-analyzer` (the name without `.py`).
    public func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Command.Output {
        try Command.run([python, cli + "/" + tool + ".py"] + arguments, environment: environment)
    }

    /// The numbers of one row of a statistics summary table ("Jobs", "Tasks", ...).
    public static func row(_ name: String, in text: String) -> [Int] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }) else { return [] }
        return line.split(separator: " ").dropFirst().compactMap { Int($0) }
    }
}

/// A program run through `/usr/bin/env`, its output through files so a chatty one cannot
/// fill a pipe and hang.
public enum Command {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("skein-cmd-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
