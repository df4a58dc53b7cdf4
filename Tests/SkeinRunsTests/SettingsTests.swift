import Foundation
import XCTest
import SkeinEngine
import SkeinRunFormat
@testable import SkeinRuns

final class SettingsTests: XCTestCase {
    var runDirectory: String!

    override func setUpWithError() throws {
        runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-runs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: runDirectory)
    }

    func testOptionsNotGivenKeepTheStoredValues() {
        let stored = EngineSettings(maxJobs: 500, categoryLimits: ["io": 2, "cpu": 8], retries: 3,
                                    slurm: .init(pollInterval: 5, submitRate: 10, maxQueued: 200, jobCompletionFile: "/var/log/jobcomp"))
        XCTAssertEqual(EngineSettingsChange().applied(to: stored), stored)
        let changed = EngineSettingsChange(categoryLimits: ["io": 4], slurmMaxQueued: 50).applied(to: stored)
        XCTAssertEqual(changed.maxJobs, 500)
        XCTAssertEqual(changed.retries, 3)
        XCTAssertEqual(changed.categoryLimits, ["io": 4, "cpu": 8])
        XCTAssertEqual(changed.slurm, .init(pollInterval: 5, submitRate: 10, maxQueued: 50, jobCompletionFile: "/var/log/jobcomp"))
    }

    func testFirstSettingsAreStoredAndLaterChangesRecorded() throws {
        XCTAssertNil(try EngineSettings.read(runDirectory: runDirectory))
        XCTAssertEqual(try RunSettings.current(runDirectory: runDirectory), EngineSettings())

        try RunSettings.update(runDirectory: runDirectory, with: EngineSettingsChange(maxJobs: 3), command: "skein run RUN")
        XCTAssertEqual(try RunSettings.current(runDirectory: runDirectory).maxJobs, 3)
        XCTAssertEqual(try RunSettings.current(runDirectory: runDirectory).changes, [])

        try RunSettings.update(runDirectory: runDirectory, with: EngineSettingsChange(), command: "skein resume RUN")
        XCTAssertEqual(try RunSettings.current(runDirectory: runDirectory).changes, [], "no option given: nothing changed")

        try RunSettings.update(runDirectory: runDirectory, with: EngineSettingsChange(maxJobs: 5, retries: 1), command: "skein resume RUN --maxjobs 5 --retries 1")
        let settings = try RunSettings.current(runDirectory: runDirectory)
        XCTAssertEqual(settings.maxJobs, 5)
        XCTAssertEqual(settings.changes.map(\.command), ["skein resume RUN --maxjobs 5 --retries 1"])
        XCTAssertEqual(settings.changes.first?.changed, ["maxjobs: 3 -> 5", "retries: plan -> 1"])
    }

    func testStoredRetriesApplyOnlyToJobsWithoutTheirOwnRetryProfile() {
        let plan = Self.plan(in: runDirectory, jobs: [
            Self.job("own", retries: 2, profiles: ["dagman.RETRY": "2"]),
            Self.job("plain", retries: 0),
        ], categoryLimits: ["io": 1, "cpu": 4])
        let settings = EngineSettings(maxJobs: 7, categoryLimits: ["io": 3], retries: 5)
        let options = EngineOptions(settings: settings, plan: plan)
        XCTAssertEqual(options.maxJobs, 7)
        XCTAssertEqual(options.categoryLimits, ["io": 3, "cpu": 4], "the command line wins over pegasus.properties")
        XCTAssertEqual(options.retries(for: plan.jobs[0]), 2)
        XCTAssertEqual(options.retries(for: plan.jobs[1]), 5)
        XCTAssertEqual(EngineOptions(settings: EngineSettings(), plan: plan).retries(for: plan.jobs[1]), 0, "no stored retries: the plan's")
    }

    func testFailedForGoodAreJobsWhoseLastAllowedAttemptFailed() throws {
        let plan = Self.plan(in: runDirectory, jobs: [
            Self.job("bad", retries: 0), Self.job("retrying", retries: 1), Self.job("rerun", retries: 0), Self.job("fixed", retries: 0),
            Self.job("ok", retries: 0),
        ])
        let journal = try RunJournal(path: RunLayout(runDirectory: runDirectory).journal)
        for entry: RunJournal.Entry in [
            .started(job: "bad", attempt: 0), .failed(job: "bad", attempt: 0),
            .started(job: "retrying", attempt: 0), .failed(job: "retrying", attempt: 0),
            .started(job: "rerun", attempt: 0), .failed(job: "rerun", attempt: 0), .started(job: "rerun", attempt: 1),
            .started(job: "fixed", attempt: 0), .failed(job: "fixed", attempt: 0), .started(job: "fixed", attempt: 1), .succeeded(job: "fixed", attempt: 1),
            .started(job: "ok", attempt: 0), .succeeded(job: "ok", attempt: 0),
        ] { journal.append(entry) }
        XCTAssertEqual(FailedJobs.forGood(in: plan, options: EngineOptions(settings: EngineSettings(), plan: plan)), ["bad": 0])
        XCTAssertEqual(FailedJobs.forGood(in: plan, options: EngineOptions(settings: EngineSettings(retries: 0), plan: plan)), ["bad": 0, "retrying": 0],
                       "with retries lowered to 0, a job waiting for its retry has none left")
    }

    func testEngineProcessCommandLineCarriesNoSettings() {
        XCTAssertEqual(EngineProcess.arguments(runDirectory: "/r"), ["run", "/r", "--batch"])
        XCTAssertEqual(EngineProcess.arguments(runDirectory: "/r", retrying: ["b3"]), ["retry", "/r", "b3", "--batch"])
    }

    static func job(_ id: String, retries: Int, profiles: [String: String] = [:]) -> ExecutableJob {
        ExecutableJob(id: id, kind: .compute, transformation: "sh", site: "local", executable: "/bin/true", arguments: [], environment: [:],
                      workingDirectory: "/tmp", retries: retries, parents: [], profiles: profiles)
    }

    static func plan(in runDirectory: String, jobs: [ExecutableJob], categoryLimits: [String: Int] = [:]) -> ExecutablePlan {
        ExecutablePlan(label: "t", wfUUID: "u", workflowFile: "w.yml", runDirectory: runDirectory, scratchDirectory: "/tmp", outputDirectory: "/tmp",
                       createdAt: 0, plannerArguments: [], categoryLimits: categoryLimits, jobs: jobs)
    }
}
