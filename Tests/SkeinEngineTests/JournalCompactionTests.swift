import Foundation
import SkeinEngine
import SkeinRunFormat
import XCTest

/// A compacted journal (`JournalCheckpoint` and the lines since) tells a resume what the whole
/// journal told it, also after a kill in the middle of a compaction.
final class JournalCompactionTests: XCTestCase {
    let index = ["a": 0, "b": 1, "c": 2, "d": 3]
    var folder: URL!
    var path: String { folder.appendingPathComponent("engine.journal").path }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-compaction-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// Before the compaction: an engine start, a success, a failure retried, a failure for
    /// good and a running attempt with its process.
    let before: [RunJournal.Entry] = [
        .started(job: "-", attempt: 0),
        .started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:10"), .succeeded(job: "a", attempt: 0),
        .started(job: "b", attempt: 0), .process(job: "b", attempt: 0, id: "local:11"), .failed(job: "b", attempt: 0),
        .started(job: "b", attempt: 1), .process(job: "b", attempt: 1, id: "local:12"),
        .started(job: "c", attempt: 0), .failed(job: "c", attempt: 0),
        .started(job: "gone", attempt: 0), .process(job: "gone", attempt: 0, id: "local:13"),
    ]
    /// After it: the engine is killed and a new one starts d, which never gets its process line.
    let after: [RunJournal.Entry] = [.started(job: "-", attempt: 1), .started(job: "d", attempt: 0)]

    /// What replaying the whole journal gives, without the attempt numbers of succeeded jobs
    /// (a compaction forgets them: those jobs never run again).
    func expected() -> ResumeState {
        var state = RunRecovery.replay(before + after, jobIndex: index)
        for i in state.succeeded { state.nextAttempt[i] = nil }
        return state
    }

    func resumed() throws -> ResumeState {
        try RunRecovery.load(journal: path, jobIndex: index, jobCount: index.count)
    }

    func compactAfterBefore() throws -> JournalCheckpoint {
        let journal = try RunJournal(path: path)
        XCTAssertNil(journal.append(contentsOf: before))
        var checkpoint = JournalCheckpoint(jobCount: index.count)
        XCTAssertNil(journal.compact(into: &checkpoint, jobIndex: { self.index[$0] }))
        XCTAssertNil(journal.append(contentsOf: after), "lines after a compaction go into the new journal")
        return checkpoint
    }

    func testACompactedJournalResumesAsTheWholeJournal() throws {
        let checkpoint = try compactAfterBefore()
        XCTAssertEqual(checkpoint.generation, 1)
        XCTAssertEqual(Array(checkpoint.succeeded), [0])
        XCTAssertEqual(checkpoint.lastFailed, [2: 0])
        XCTAssertEqual(checkpoint.open, [.started(job: "b", attempt: 1), .process(job: "b", attempt: 1, id: "local:12"),
                                         .started(job: "gone", attempt: 0), .process(job: "gone", attempt: 0, id: "local:13")])
        let journalText = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(journalText.hasPrefix("G 1\nA 1 b\nP 1 local:12 b\n"), journalText)
        XCTAssertEqual(try resumed(), expected())
        XCTAssertEqual(try JournalCheckpoint.read(JournalCheckpoint.path(forJournal: path)), checkpoint, "the file holds what the engine keeps")
    }

    func testTwoCompactionsFoldIntoOne() throws {
        var checkpoint = try compactAfterBefore()
        let journal = try RunJournal(path: path)
        XCTAssertNil(journal.append(contentsOf: [.process(job: "d", attempt: 0, id: "local:20"), .succeeded(job: "d", attempt: 0), .succeeded(job: "b", attempt: 1)]))
        XCTAssertNil(journal.compact(into: &checkpoint, jobIndex: { self.index[$0] }))
        XCTAssertEqual(checkpoint.generation, 2)
        XCTAssertEqual(Array(checkpoint.succeeded), [0, 1, 3])
        XCTAssertEqual(checkpoint.restarts, 2)
        XCTAssertEqual(checkpoint.open, [.started(job: "gone", attempt: 0), .process(job: "gone", attempt: 0, id: "local:13")])
        let state = try resumed()
        XCTAssertEqual(state.succeeded, [0, 1, 3])
        XCTAssertEqual(state.nextAttempt, [2: 1])
        XCTAssertEqual(state.orphans, ["gone": "local:13"])
        XCTAssertTrue(state.startedWithoutProcess.isEmpty)
    }

    /// A kill after the checkpoint was renamed into place and before the journal was: the old
    /// journal is still there, and every line of it is in the checkpoint already.
    func testAKillBetweenTheCheckpointAndTheJournalReplacementCountsNothingTwice() throws {
        let journal = try RunJournal(path: path)
        XCTAssertNil(journal.append(contentsOf: before))
        let oldJournal = try Data(contentsOf: URL(fileURLWithPath: path))
        var checkpoint = JournalCheckpoint(jobCount: index.count)
        XCTAssertNil(journal.compact(into: &checkpoint, jobIndex: { self.index[$0] }))
        try oldJournal.write(to: URL(fileURLWithPath: path))  // as if the rename never happened
        var state = RunRecovery.replay(before, jobIndex: index)
        state.nextAttempt[0] = nil
        XCTAssertEqual(try resumed(), state)
        XCTAssertEqual(try resumed().restartCount, 1, "the engine start is counted once")
        // The next engine finishes the compaction before it appends: its lines count.
        XCTAssertNil(RunJournal.finishCompaction(path, checkpoint: checkpoint))
        XCTAssertNil(try RunJournal(path: path).append(contentsOf: after))
        XCTAssertEqual(try resumed(), expected())
    }

    /// A kill while the new files were written: neither is in place, the journal is whole.
    func testAKillBeforeTheCheckpointLeavesTheJournalAsItWas() throws {
        let journal = try RunJournal(path: path)
        XCTAssertNil(journal.append(contentsOf: before + after))
        try Data("skein-journal-checkpoint 1\ngenera".utf8).write(to: URL(fileURLWithPath: JournalCheckpoint.path(forJournal: path) + ".new"))
        try Data("G 1\n".utf8).write(to: URL(fileURLWithPath: path + ".new"))
        XCTAssertEqual(try resumed(), RunRecovery.replay(before + after, jobIndex: index))
    }

    func testADamagedCheckpointStopsTheResume() throws {
        try Data("skein-journal-checkpoint 1\ngeneration 1\njobs 4\nrestarts x\n".utf8).write(to: URL(fileURLWithPath: JournalCheckpoint.path(forJournal: path)))
        XCTAssertThrowsError(try resumed()) { error in
            XCTAssertTrue("\(error)".contains("engine.journal.checkpoint:4:1"), "\(error)")
        }
    }

    func testACheckpointOfAnotherPlanStopsTheResume() throws {
        _ = try compactAfterBefore()
        XCTAssertThrowsError(try RunRecovery.load(journal: path, jobIndex: index, jobCount: 7))
    }

    /// Readers of each job's last outcome (a retry, a reuse) see the compacted jobs as lines.
    func testTheExpandedJournalHasTheCompactedOutcomes() throws {
        _ = try compactAfterBefore()
        let jobs = ["a", "b", "c", "d"].map { ExecutableJob(id: $0, kind: .compute, transformation: $0, site: "local", executable: "/bin/true", arguments: [], environment: [:], workingDirectory: "/tmp", parents: []) }
        let expanded = RunJournal.readExpanded(path, jobs: jobs)
        XCTAssertEqual(Array(expanded.prefix(2)), [.succeeded(job: "a", attempt: 0), .failed(job: "c", attempt: 0)])
        XCTAssertTrue(expanded.contains(.started(job: "d", attempt: 0)))
    }
}
