import Foundation
import XCTest
import SkeinReports
import SkeinTestSupport
@testable import SkeinTUI

/// Fixtures for the TUI tests: a synthetic Skein run (decoded from JSON, as the reports'
/// structs are Codable), and the real Pegasus submit directories in Tests/Fixtures.
enum Fixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// A copy of the Pegasus submit directories at a path of fixed length: screens show run
    /// paths cut to the width, so a snapshot must not depend on where the repository was
    /// cloned (a symlink would not do: run paths are shown resolved). Removed at exit.
    static let pegasusRuns: URL = {
        let real = TestFixtures.pegasusRuns
        let copy = URL(fileURLWithPath: "/tmp/skein-tui-\(UUID().uuidString.prefix(8))/pegasus-runs")
        try? FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.copyItem(at: real, to: copy)
        atexit { try? FileManager.default.removeItem(at: Fixture.pegasusRuns.deletingLastPathComponent()) }
        return copy
    }()
    static let themes = repoRoot.appendingPathComponent("themes")
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// 2026-11-21 12:00:00 UTC.
    static let now = 1_795_262_400.0
    static let utc = TimeZone(identifier: "UTC")!
    static let runDir = "/runs/demo/run0001"

    static func pegasus(_ name: String) throws -> String {
        let path = pegasusRuns.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw missingRealPart("no Pegasus fixture at \(path)") }
        return path
    }

    struct Job {
        var id: String
        var state: String
        var attempt = 1
        var maxAttempts = 1
        var parents: [String] = []
        var transformation = "demo::tool:1.0"
        var duration: Double? = 1.5
        var exit: Int? = 0
        var reason: String? = nil
        var host: String? = "node1"
    }

    /// A run of 8 jobs: a diamond with a shared child under a failed branch, a running job,
    /// and a failure reason full of escape sequences.
    static var demoJobs: [Job] {
        [
            Job(id: "create_dir_demo_local", state: "done", transformation: "create-dir", duration: 0.01),
            Job(id: "prepare", state: "done", parents: ["create_dir_demo_local"], duration: 2.25),
            Job(id: "split_a", state: "done", parents: ["prepare"], duration: 12.5),
            Job(id: "split_b", state: "failed", attempt: 2, maxAttempts: 2, parents: ["prepare"], duration: 0.42, exit: 3,
                reason: "exit code 3: \u{1B}[2J\u{1B}]0;pwned\u{07}"),
            Job(id: "merge", state: "futile", attempt: 0, parents: ["split_a", "split_b"], duration: nil, exit: nil, reason: "split_b failed", host: nil),
            Job(id: "report", state: "futile", attempt: 0, parents: ["merge"], duration: nil, exit: nil, reason: "split_b failed", host: nil),
            Job(id: "watch", state: "running", parents: ["prepare"], duration: 95, exit: nil),
            Job(id: "lonely", state: "ready", attempt: 0, duration: nil, exit: nil, host: nil),
        ]
    }

    static func json(_ value: Any?) -> String {
        switch value {
        case nil: return "null"
        case let s as String:
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
            let text = String(decoding: data, as: UTF8.self)
            return String(text.dropFirst().dropLast())
        case let n as Int: return String(n)
        case let d as Double: return String(d)
        case let b as Bool: return b ? "true" : "false"
        default: return "null"
        }
    }

    static func counts(_ states: [String]) -> String {
        var c: [String: Int] = ["unready": 0, "ready": 0, "pre": 0, "queued": 0, "post": 0, "done": 0, "failed": 0, "futile": 0, "held": 0, "running": 0]
        for s in states {
            switch s {
            case "running": c["queued"]! += 1; c["running"]! += 1
            default: c[s, default: 0] += 1
            }
        }
        let total = states.count
        let pct = total == 0 ? 0 : (Double(c["done"]!) / Double(total) * 10000).rounded() / 100
        return "{" + c.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + ", \"total\": \(total), \"percentDone\": \(pct)}"
    }

    static func condition(phase: String, text: String, alive: Bool) -> String {
        """
        {"phase": "\(phase)", "text": "\(text)", "shortText": "\(text)", "hint": null, "engine": {"alive": \(alive), "pid": 4242},
         "started": \(now - 300), "finished": null, "restarts": 0, "status": null, "reason": null}
        """
    }

    /// The demo run as the Run screen receives it.
    static func demoRun(jobs: [Job] = demoJobs, phase: String = "running", alive: Bool = true, kind: String = "skein") -> RunData {
        let statusJSON = """
            {"directory": "\(runDir)", "kind": "\(kind)", "label": "demo", "wfUUID": "u-1", "source": "database", "database": "\(runDir)/demo-0.stampede.db",
             "condition": \(condition(phase: phase, text: phase == "running" ? "Running" : "Failure", alive: alive)),
             "workflows": [], "totals": \(counts(jobs.map(\.state))), "jobs": null, "notes": [], "readAt": \(now)}
            """
        let status = try! JSONDecoder().decode(StatusReport.self, from: Data(statusJSON.utf8))
        let statuses: [JobStatus] = jobs.map { j in
            let text = """
                {"id": \(json(j.id)), "workflow": "demo", "state": "\(j.state)", "attempt": \(j.attempt), "maxAttempts": \(j.maxAttempts),
                 "site": \(j.attempt == 0 ? "null" : "\"local\""), "host": \(json(j.host)), "started": \(j.state == "running" ? String(now - 95) : "null"),
                 "duration": \(json(j.duration)), "exitCode": \(json(j.exit)), "reason": \(json(j.reason))}
                """
            return try! JSONDecoder().decode(JobStatus.self, from: Data(text.utf8))
        }
        var index: [String: Int32] = [:]
        for (i, j) in jobs.enumerated() { index[j.id] = Int32(i) }
        var parents = [[Int32]](repeating: [], count: jobs.count)
        var children = [[Int32]](repeating: [], count: jobs.count)
        for (i, j) in jobs.enumerated() {
            for p in j.parents {
                parents[i].append(index[p]!)
                children[Int(index[p]!)].append(Int32(i))
            }
        }
        return RunData(status: status, jobs: statuses, transformation: jobs.map(\.transformation), parents: parents, children: children,
                       order: (0..<Int32(jobs.count)).map { $0 }, loadSeconds: 0.01)
    }

    static func demoSummaries() -> [RunSummary] {
        let run = demoRun()
        var failed = RunSummary(directory: "/runs/failing/run0001", label: "failing", kind: .skein, origin: .registry,
                                condition: run.status.condition, counts: run.status.totals, started: now - 3600, finished: now - 3590)
        failed.condition?.phase = .failed
        failed.condition?.text = "Failure"
        failed.condition?.shortText = "Failure"
        failed.condition?.engine?.alive = false
        let running = RunSummary(directory: runDir, label: "demo", kind: .skein, origin: .registry, condition: run.status.condition,
                                 counts: run.status.totals, started: now - 300, finished: nil)
        var pegasus = RunSummary(directory: "/submit/process/run0001", label: "process", kind: .pegasus, origin: .commandLine,
                                 condition: run.status.condition, counts: run.status.totals, started: 1_677_914_988, finished: 1_677_915_084)
        pegasus.condition?.phase = .succeeded
        pegasus.condition?.shortText = "Success"
        pegasus.condition?.engine = nil
        let broken = RunSummary(directory: "/runs/gone/run0002", label: "gone", kind: .skein, origin: .registry, condition: nil,
                                counts: StateCounts(), started: now - 86400 * 3, finished: nil, error: "the run directory is gone")
        return [running, failed, pegasus, broken]
    }

    static func model(width: Int = 80, height: Int = 24) -> AppModel {
        AppModel(width: width, height: height, now: now, timeZone: utc, themeNames: ["default", "light", "high-contrast", "monochrome"])
    }

    /// A model on the demo run's screen, data loaded.
    static func runModel(width: Int = 80, height: Int = 24, data: RunData = demoRun(), kind: RunLocation.Kind = .skein) -> (AppModel, RunScreen) {
        let app = model(width: width, height: height)
        let screen = RunScreen(directory: runDir, label: "demo", kind: kind)
        app.push(screen)
        app.receive(DataUpdate(key: .run(runDir), payload: .run(data)))
        return (app, screen)
    }

    static func render(_ app: AppModel, theme: Theme = .standard, ascii: Bool = false) -> CellBuffer {
        var buffer = CellBuffer(width: app.width, height: app.height, asciiOnly: ascii)
        Renderer.render(app, into: &buffer, theme: theme, glyphs: .forTerminal(ascii: ascii))
        return buffer
    }
}

/// Compares a frame with `Snapshots/NAME.txt`; `SKEIN_RECORD_SNAPSHOTS=1` writes them.
func assertSnapshot(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let url = Fixture.snapshots.appendingPathComponent(name + ".txt")
    let copyFolder = Fixture.pegasusRuns.deletingLastPathComponent().lastPathComponent
    let normalized = text.replacingOccurrences(of: Fixture.pegasusRuns.path, with: "<pegasus-runs>")
        .replacingOccurrences(of: copyFolder, with: "skein-tui-XXXXXXXX") + "\n"
    if ProcessInfo.processInfo.environment["SKEIN_RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: Fixture.snapshots, withIntermediateDirectories: true)
        try! normalized.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("no snapshot \(name).txt; record with SKEIN_RECORD_SNAPSHOTS=1\n\(normalized)", file: file, line: line)
        return
    }
    if expected != normalized {
        XCTFail("snapshot \(name) differs:\n--- expected\n\(expected)--- got\n\(normalized)", file: file, line: line)
    }
}
