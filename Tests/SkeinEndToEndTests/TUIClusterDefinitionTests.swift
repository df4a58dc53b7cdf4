import Foundation
import XCTest
import SkeinTestSupport

/// The real TUI in tmux on a real clustered run: a clustered job's Definition tab lists its
/// tasks in order, each with its transformation, arguments and files, as a plain job's
/// definition shows them.
final class TUIClusterDefinitionTests: TmuxTestCase {
    override var scratchPrefix: String { "skein-tcd" }

    func testTheDefinitionTabOfAClusteredJobListsItsTasks() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "pairs"
        let label = ["pegasus": ["label": "pair"]]
        wf.jobs = [
            .init(id: "make", script: "echo seed > a.txt", outputs: ["a.txt"]),
            .init(id: "left", script: "cat a.txt > l.txt", parents: ["make"], outputs: ["l.txt"], inputs: ["a.txt"], profiles: label),
            .init(id: "right", script: "cat a.txt > r.txt", parents: ["make"], outputs: ["r.txt"], inputs: ["a.txt"], profiles: label),
        ]
        let workflow = try wf.write()
        let runs = scratch.appendingPathComponent("runs")
        let ran = try SkeinBinary.run(["run", workflow, "--batch", "--dir", runs.path, "--cluster", "label"], environment: environment, in: wf.directory)
        XCTAssertEqual(ran.status, 0, ran.stdout + ran.stderr)

        try tmux.start(command(["tui", runs.appendingPathComponent("pairs/run0001").path]), width: 100, height: 50)
        try tmux.waitFor(timeout: 20, "merge_pair", "Success")
        tmux.send("/")
        tmux.send(literal: "merge_pair")
        tmux.send("Enter")
        try tmux.waitFor("filter 'merge_pair'")
        tmux.send("Enter")
        try tmux.waitFor("Definition", "Tasks  2, run in this order in one slot", "Task 1: left  sh", "Task 2: right  sh")
        let screen = tmux.capture()
        let lines = screen.split(separator: "\n").map(String.init)
        // Each task: what it runs and the files it reads and writes, under its heading.
        guard let left = lines.firstIndex(where: { $0.contains("Task 1: left") }),
              let right = lines.firstIndex(where: { $0.contains("Task 2: right") }) else { return XCTFail(screen) }
        let leftBlock = lines[left..<right].joined(separator: "\n")
        XCTAssertTrue(leftBlock.contains("cat a.txt > l.txt"), leftBlock)
        XCTAssertTrue(lines[left..<right].contains { $0.contains("inputs") && $0.contains("a.txt") }, leftBlock)
        XCTAssertTrue(lines[left..<right].contains { $0.contains("outputs") && $0.contains("l.txt") && !$0.contains("r.txt") }, leftBlock)
        let rightBlock = lines[right...].prefix(8).joined(separator: "\n")
        XCTAssertTrue(rightBlock.contains("cat a.txt > r.txt"), rightBlock)
        XCTAssertTrue(lines[right...].prefix(8).contains { $0.contains("outputs") && $0.contains("r.txt") }, rightBlock)
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }
}
