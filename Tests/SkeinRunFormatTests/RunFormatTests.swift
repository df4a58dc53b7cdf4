import Foundation
import SkeinProperties
import SkeinTestSupport
import XCTest
@testable import SkeinRunFormat

/// The run directory's formats, each read and written by SkeinRunFormat alone.
final class RunFormatTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-format-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func plan(jobs: Int) -> ExecutablePlan {
        ExecutablePlan(
            label: "t", wfUUID: "u", workflowFile: "/w.yml", runDirectory: dir, scratchDirectory: dir + "/scratch", outputDirectory: dir + "/out",
            createdAt: 1, plannerArguments: ["plan"], categoryLimits: ["io": 2],
            jobs: (0..<jobs).map {
                ExecutableJob(id: "j\($0)", kind: .compute, transformation: "sh", site: "local", executable: "/bin/sh", arguments: ["-c", "echo \"{}[]\""],
                              environment: ["A": "b"], workingDirectory: dir, parents: $0 == 0 ? [] : [$0 - 1])
            })
    }

    func testPlanRoundTripsThroughTheOneWriterAndReader() throws {
        let original = plan(jobs: 30)
        try RunDirectory(path: dir).write(original)
        XCTAssertEqual(try RunDirectory(path: dir).readPlan(), original)
        XCTAssertTrue(RunLayout.isRunDirectory(dir))
    }

    /// The plan is written 1,000 jobs at a time: the file is byte for byte one encoder pass.
    func testAPlanWrittenInSlicesIsOneEncoderPass() throws {
        let original = plan(jobs: 2_500)
        try RunDirectory(path: dir).write(original)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: RunDirectory(path: dir).planFile)), try encoder.encode(original))
        let read = try RunDirectory(path: dir).readPlan()
        XCTAssertEqual(read, original)
    }

    /// Several 4 MiB buffers, written on the writer's second thread while the next fills:
    /// the bytes and their order are one encoder pass's; a job that fails half way stops the
    /// write with its own error (after the buffers already handed over are written).
    func testAPlanOfSeveralBuffersIsOneEncoderPassAndAFailureHalfWayIsReported() throws {
        var original = plan(jobs: 6_000)
        let long = String(repeating: "x", count: 1_000)
        for n in original.jobs.indices { original.jobs[n].arguments.append(long + "\(n)") }
        let path = dir + "/several.json"
        try PlanFileWriter.write(original, to: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertGreaterThan(written.count, 2 * PlanFileWriter.bufferSize)
        XCTAssertEqual(written, try encoder.encode(original))

        struct Stop: Error {}
        let planned = original
        XCTAssertThrowsError(try PlanFileWriter.write(planned, jobCount: planned.jobs.count, to: path) { n in
            if n == 5_000 { throw Stop() }
            return planned.jobs[n]
        }) { XCTAssertTrue($0 is Stop, "\($0)") }
    }

    /// Slices of jobs encoded on one to five threads at once (jobs of very different sizes,
    /// so the slices are too) are written in job order: the bytes of one encoder pass.
    func testAPlanEncodedOnSeveralThreadsIsOneEncoderPass() throws {
        var original = plan(jobs: 7_001)
        for n in original.jobs.indices where n % 97 == 0 { original.jobs[n].arguments.append(String(repeating: "y", count: 50_000 + n)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = try encoder.encode(original)
        let planned = original
        for threads in 1...5 {
            let path = dir + "/threads-\(threads).json"
            try PlanFileWriter.write(planned, jobCount: planned.jobs.count, to: path, threads: threads) { planned.jobs[$0] }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), expected, "\(threads) threads")
        }
        for jobs in [0, 1, 65] {
            let small = plan(jobs: jobs)
            let path = dir + "/small-\(jobs).json"
            try PlanFileWriter.write(small, jobCount: jobs, to: path, threads: 3) { small.jobs[$0] }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), try encoder.encode(small), "\(jobs) jobs")
        }
    }

    func testAPlanOfAnotherFormatVersionIsRefusedByName() throws {
        var newer = plan(jobs: 2)
        newer.formatVersion = ExecutablePlan.formatVersion + 1
        try RunDirectory(path: dir).write(newer)
        XCTAssertThrowsError(try RunDirectory(path: dir).readPlan()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("plan format \(ExecutablePlan.formatVersion + 1), written by a newer Skein"), text)
            XCTAssertTrue(text.contains("plan the workflow again"), text)
        }
        try #"{"jobs":[],"label":"x"}"#.write(toFile: dir + "/plan.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunDirectory(path: dir).readPlan()) { XCTAssertTrue("\($0)".contains("no formatVersion"), "\($0)") }
    }

    func testSettingsAreStoredOnceAndChangesRecorded() throws {
        XCTAssertNil(try EngineSettings.read(runDirectory: dir))
        try EngineSettings.store(EngineSettings(maxJobs: 500, categoryLimits: ["io": 2]), runDirectory: dir, command: "run", at: 10)
        XCTAssertEqual(try EngineSettings.read(runDirectory: dir)?.maxJobs, 500)
        XCTAssertEqual(try EngineSettings.read(runDirectory: dir)?.changes, [])
        // The same settings again change nothing.
        try EngineSettings.store(EngineSettings(maxJobs: 500, categoryLimits: ["io": 2]), runDirectory: dir, command: "resume", at: 20)
        XCTAssertEqual(try EngineSettings.read(runDirectory: dir)?.changes, [])
        var changed = EngineSettings(maxJobs: 8, categoryLimits: ["io": 2])
        changed.slurm.pollInterval = 5
        let stored = try EngineSettings.store(changed, runDirectory: dir, command: "resume", at: 30)
        XCTAssertEqual(stored.maxJobs, 8)
        XCTAssertEqual(stored.changes, [EngineSettings.Change(at: 30, command: "resume", changed: ["maxjobs: 500 -> 8", "slurm-poll-interval: 2.0 -> 5.0"])])
        try "{".write(toFile: RunLayout(runDirectory: dir).settings, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try EngineSettings.read(runDirectory: dir)) { XCTAssertTrue("\($0)".contains("engine-settings.json"), "\($0)") }
    }

    func testOneEngineHoldsTheLock() throws {
        XCTAssertFalse(EngineLock.state(runDirectory: dir).alive)
        var lock: EngineLock? = try EngineLock(runDirectory: dir)
        XCTAssertEqual(EngineLock.state(runDirectory: dir), EngineLock.State(alive: true, pid: Int(getpid())))
        XCTAssertThrowsError(try EngineLock(runDirectory: dir)) { XCTAssertTrue("\($0)".contains("another engine is already running"), "\($0)") }
        XCTAssertNotNil(lock)
        lock = nil
        XCTAssertEqual(EngineLock.state(runDirectory: dir), EngineLock.State(alive: false, pid: Int(getpid())))
    }

    func testJournalKeepsEntriesAndIgnoresATornLine() throws {
        let path = RunLayout(runDirectory: dir).journal
        let journal = try RunJournal(path: path)
        journal.append(.started(job: "a", attempt: 1))
        journal.append(.process(job: "a", attempt: 1, id: "local:42"))
        journal.append(.succeeded(job: "a", attempt: 1))
        journal.append(.failed(job: "b c", attempt: 2))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("S 3".utf8))
        XCTAssertEqual(RunJournal.read(path), [.started(job: "a", attempt: 1), .process(job: "a", attempt: 1, id: "local:42"), .succeeded(job: "a", attempt: 1), .failed(job: "b c", attempt: 2)])
    }

    func testProducedChecksumsSurviveTheEngineAndTheLastLineWins() throws {
        let path = RunLayout(runDirectory: dir).producedChecksums
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
        let first = ProducedChecksums(path: path)
        XCTAssertTrue(first.record([("out one.txt", a), ("two.txt", a)]))
        XCTAssertTrue(first.record([("two.txt", b)]))
        XCTAssertEqual(first["two.txt"], b)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("\(a)  tw".utf8))
        XCTAssertEqual(ProducedChecksums.read(path), ["out one.txt": a, "two.txt": b], "a torn last line is ignored")
        XCTAssertEqual(ProducedChecksums(path: path)["out one.txt"], a, "a later engine of the run reads them back")
    }

    func testPlanFieldsForIntegrityAreOptional() throws {
        var original = plan(jobs: 2)
        original.integrityChecking = .nosymlink
        original.transferLinks = true
        original.jobs[1].inputChecksums = ["in.txt": "abc"]
        try RunDirectory(path: dir).write(original)
        XCTAssertEqual(try RunDirectory(path: dir).readPlan(), original)
        let plain = plan(jobs: 1)
        XCTAssertNil(plain.integrityChecking)
        XCTAssertNil(plain.transferLinks, "plans written before: symbolic links, as then")
    }

    /// The engine writes the lines of one turn (a job succeeded, the next one started) with
    /// one write: read back, they are the same entries in the same order.
    func testSeveralJournalLinesInOneWriteReadBackInOrder() throws {
        let path = RunLayout(runDirectory: dir).journal
        let journal = try RunJournal(path: path)
        XCTAssertNil(journal.append(contentsOf: [.started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:7")]))
        XCTAssertNil(journal.append(contentsOf: [.succeeded(job: "a", attempt: 0), .started(job: "b", attempt: 0)]))
        XCTAssertEqual(RunJournal.read(path), [.started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:7"),
                                               .succeeded(job: "a", attempt: 0), .started(job: "b", attempt: 0)])
    }

    func testAttemptFileNamesPadTheFolderAndAttemptToThreeDigits() {
        let layout = RunLayout(runDirectory: "/r")
        XCTAssertEqual(layout.record(5, "j", attempt: 2), "/r/jobs/000/j.out.002")
        XCTAssertEqual(layout.stdout(12_345, "j", attempt: 10), "/r/jobs/012/j.stdout.010")
        XCTAssertEqual(layout.stderr(1_234_567, "j", attempt: 1000), "/r/jobs/1234/j.stderr.1000")
    }

    /// Job folders and relative paths are made byte by byte now; they are what NSString's path
    /// joining and the string prefix gave, for odd run folders too.
    func testJobFoldersAndRelativePathsMatchPathJoining() {
        for root in ["/r", "/r/", "", "relative/run", "/ü n/ï", "/"] {
            let layout = RunLayout(runDirectory: root)
            XCTAssertEqual(layout.jobFolder(12_345), (root as NSString).appendingPathComponent("jobs/012"), root)
            for path in [layout.record(3, "é", attempt: 1), root + "/x", root + "x/y", "/elsewhere/f", root, root + "/"] {
                let expected = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
                XCTAssertEqual(layout.relative(path), expected, "\(root) \(path)")
            }
        }
    }

    func testControlCommandsGoThroughTheFolderOldestFirst() throws {
        let channel = ControlChannel(directory: RunLayout(runDirectory: dir).controlDirectory)
        try channel.send([.halt])
        try channel.send([.kill("j1"), .retry("j2")])
        XCTAssertEqual(channel.receive(), [.halt, .kill("j1"), .retry("j2")])
        XCTAssertEqual(channel.receive(), [])
    }

    func testKickstartRecordsOfPegasusAreRead() throws {
        let failed = try KickstartRecord.read(TestFixtures.kickstart.appendingPathComponent("ks_failed_real.yml").path)
        XCTAssertEqual(failed.invocations.first?.rawStatus, 768)
        XCTAssertEqual(failed.invocations.first?.exitCode, 3)
        XCTAssertNotNil(failed.invocations.first?.mainStart.flatMap(KickstartRecord.epoch))
        let signalled = try KickstartRecord.read(TestFixtures.kickstart.appendingPathComponent("ks_signalled_real.yml").path)
        XCTAssertEqual(signalled.invocations.first?.signal, 9)
        XCTAssertThrowsError(try KickstartRecord.read(dir + "/missing.out.000"))
    }

    func testBraindumpParsing() {
        let text = """
            user: "mzalam"
            grid_dn: null
            root_wf_uuid: "f00c"
            planner_arguments: "\\"--conf pegasus.properties --dir submit\\""
            dax_label: 'it''s'
            uses_pmc: false
            dag: process-0.dag # the dag
            """
        let b = SubmitDirectoryFiles.parseBraindump(text)
        XCTAssertEqual(b["user"], "mzalam")
        XCTAssertNil(b["grid_dn"])
        XCTAssertEqual(b["planner_arguments"], "\"--conf pegasus.properties --dir submit\"")
        XCTAssertEqual(b["dax_label"], "it's")
        XCTAssertEqual(b["uses_pmc"], "false")
        XCTAssertEqual(b["dag"], "process-0.dag")
        XCTAssertEqual(SubmitDirectoryFiles.parseBraindump("wf_uuid abc\ndag x.dag\n", legacy: true), ["wf_uuid": "abc", "dag": "x.dag"])
    }

    func testPropertiesParsing() {
        let text = """
            # comment
            ! also a comment
            pegasus.catalog.replica.output.db.url=jdbc\\:sqlite\\:/home/x/run/process-0.replicas.db
            pegasus.transfer.arguments = -m 1
            key: value
            long = one \\
                   two
            spaced value with words
            """
        let p = PegasusProperties(text: text)
        XCTAssertEqual(p["pegasus.catalog.replica.output.db.url"], "jdbc:sqlite:/home/x/run/process-0.replicas.db")
        XCTAssertEqual(p["pegasus.transfer.arguments"], "-m 1")
        XCTAssertEqual(p["key"], "value")
        XCTAssertEqual(p["long"], "one two")
        XCTAssertEqual(p["spaced"], "value with words")
        XCTAssertNil(p["# comment"])
    }

}
