import Foundation
import SkeinTestSupport
import XCTest

/// Every case of the malformed corpus (`Tests/SkeinWorkflowTests/Fixtures/malformed`, 80+
/// of them hostile: huge, deep, binary, alias bombs, names and paths that would escape)
/// through the real `skein validate`, and `skein plan` for the cases marked `! plan`, each
/// under a memory limit (`ulimit -v`) and a CPU limit (`ulimit -t`), set in the launched
/// shell before it execs skein, and a wall deadline. A case must give its expected
/// diagnostics, exit 2, and print a bounded amount of text (a 200 KB line is shown as an
/// excerpt around the column).
final class HostileCorpusTests: XCTestCase {
    /// Address space for one validation: the largest case needs a few tens of MB.
    static let memoryLimitKB = 1_048_576
    /// Wall (and CPU) seconds for one command, generous for a debug build on a loaded machine.
    static let deadline: TimeInterval = 60

    struct Outcome {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stdout: Data
        var stderr: String
    }

    func testEveryCaseThroughTheRealBinaryUnderLimits() throws {
        let folders = try CorpusExpectation.caseFolders()
        XCTAssertGreaterThanOrEqual(folders.filter { $0.lastPathComponent.hasPrefix("rel-") }.count, 80)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: folders.count) { i in
            let folder = folders[i]
            do {
                for problem in try HostileCorpusTests.check(folder, in: scratch.appendingPathComponent(folder.lastPathComponent)) {
                    failures.add("\(folder.lastPathComponent): \(problem)")
                }
            } catch {
                failures.add("\(folder.lastPathComponent): \(error)")
            }
        }
        for failure in failures.all.sorted() { XCTFail(failure) }
    }

    /// What is wrong with one case's run, if anything.
    static func check(_ folder: URL, in copy: URL) throws -> [String] {
        let expected = try CorpusExpectation.Case(folder: folder)
        try CorpusTemplate.materialize(folder, into: copy)
        var problems: [String] = []
        let json = try limited(["validate", "workflow.yml", "--json"], in: copy)
        problems += limitProblems("validate --json", json)
        if problems.isEmpty {
            problems += diagnosticProblems(expected, json)
        }
        let text = try limited(["validate", "workflow.yml"], in: copy)
        problems += limitProblems("validate", text)
        problems += textProblems("validate", expected, text)
        if expected.plan {
            let runs = copy.appendingPathComponent("runs")
            let plan = try limited(["plan", "workflow.yml", "--dir", runs.path], in: copy)
            problems += limitProblems("plan", plan)
            problems += textProblems("plan", expected, plan)
            let made = (try? FileManager.default.subpathsOfDirectory(atPath: runs.path)) ?? []
            if made.contains(where: { $0.hasSuffix("plan.json") }) { problems.append("plan wrote a run: \(made)") }
        }
        return problems
    }

    static func limitProblems(_ command: String, _ outcome: Outcome) -> [String] {
        if outcome.timedOut { return ["\(command) ran past the \(Int(Self.deadline)) s deadline"] }
        if outcome.signalled {
            return ["\(command) died of signal \(outcome.status) (over the \(Self.memoryLimitKB / 1024) MB memory limit, or a crash): \(outcome.stderr.suffix(500))"]
        }
        return []
    }

    static func diagnosticProblems(_ expected: CorpusExpectation.Case, _ outcome: Outcome) -> [String] {
        struct Report: Decodable {
            struct Item: Decodable { var severity: String, code: String, file: String, line: Int, column: Int, message: String }
            var diagnostics: [Item]
        }
        guard let report = try? JSONDecoder().decode(Report.self, from: outcome.stdout) else {
            return ["validate --json printed no report (exit \(outcome.status)): \(outcome.stderr.prefix(500))"]
        }
        var problems: [String] = []
        let wantsError = expected.expectations.contains { $0.severity == "error" }
        if wantsError && outcome.status != 2 { problems.append("validate exited \(outcome.status), not 2") }
        for e in expected.expectations where !report.diagnostics.contains(where: {
            e.matches(file: $0.file, line: $0.line, column: $0.column, severity: $0.severity, code: $0.code, message: $0.message)
        }) {
            let got = report.diagnostics.prefix(10).map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column): \($0.severity) \($0.code): \($0.message.prefix(200))" }
            problems.append("missing \(e.raw)\n  got:\n    " + got.joined(separator: "\n    "))
        }
        return problems
    }

    /// The text output: every expected error located as `file:line:col:`, exit 2, no raw
    /// control characters, and no huge source line.
    static func textProblems(_ command: String, _ expected: CorpusExpectation.Case, _ outcome: Outcome) -> [String] {
        var problems: [String] = []
        let errors = expected.expectations.filter { $0.severity == "error" }
        if !errors.isEmpty && outcome.status != 2 { problems.append("\(command) exited \(outcome.status), not 2: \(outcome.stderr.prefix(300))") }
        for e in errors where !outcome.stderr.contains("\(e.file):\(e.line):\(e.column): error:") {
            problems.append("\(command) does not locate \(e.raw)")
        }
        if outcome.stderr.utf8.count > 64 * 1024 { problems.append("\(command) printed \(outcome.stderr.utf8.count) bytes") }
        for line in outcome.stderr.split(separator: "\n") where line.count > 300 && line.contains(" | ") {
            problems.append("\(command) shows a source line of \(line.count) characters instead of an excerpt")
        }
        if outcome.stderr.unicodeScalars.contains(where: { ($0.value < 0x20 && $0.value != 0x0A) || $0.value == 0x202E }) {
            problems.append("\(command) printed a raw control or bidi character")
        }
        return problems
    }

    /// `skein ARGS` in `directory` under the memory limit and the deadline.
    static func limited(_ arguments: [String], in directory: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(Self.memoryLimitKB) && ulimit -t \(Int(Self.deadline)) && exec \"$0\" \"$@\"", SkeinBinary.url.path] + arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["SKEIN_STATE_DIR"] = directory.appendingPathComponent("state").path
        process.environment = env
        let out = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        var timedOut = false
        if exited.wait(timeout: .now() + Self.deadline) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        return Outcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            stdout: (try? Data(contentsOf: out)) ?? Data(),
            stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
    }

    /// Failures gathered from concurrent cases.
    final class Failures: @unchecked Sendable {
        private var items: [String] = []
        private let lock = NSLock()
        func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }
}
