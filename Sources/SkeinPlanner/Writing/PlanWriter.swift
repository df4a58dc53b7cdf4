import Foundation
import SkeinRunFormat

/// The I/O of planning, apart from the passes: copies stageable executables into the run
/// and writes the plan through SkeinRunFormat's one writer.
public enum PlanWriter {
    /// Writes everything the run needs into its (existing) directory; returns the plan.
    @discardableResult
    public static func write(_ workflow: ExecutableWorkflow, to directory: RunDirectory) throws -> ExecutablePlan {
        try stageExecutables(workflow)
        let plan = workflow.plan()
        try directory.write(plan)
        return plan
    }

    /// Writes the plan file of `workflow` into its (existing) run directory straight from the
    /// planned jobs, one at a time: an `ExecutablePlan` would be a second copy of every job
    /// (650 bytes each before their strings; 0.7 GB at a million jobs). `header` is
    /// `workflow.planHeader()`.
    public static func writePlan(_ workflow: ExecutableWorkflow, header: ExecutablePlan, to directory: RunDirectory) throws {
        // What the passes freed goes back to the system first: the jobs are encoded on other
        // threads, whose allocations come from heaps of their own, not from the passes' free
        // chunks (at a million jobs the peak was the resident passes' leftovers plus those).
        var timings = PlanTimings()
        Planner.returnFreedMemory()
        timings.step("return freed memory")
        // Each job written where it is, its parents' ids turned into indices: `planJob`'s copy
        // of every job (each field retained and released) was a fifth of the writing.
        try workflow.jobs.withUnsafeBufferPointer { buffer in
            // Only read, by the encoding threads, while `workflow` holds the jobs.
            nonisolated(unsafe) let jobs = buffer
            let positions = JobPositions(jobs)
            timings.step("job positions")
            try directory.write(header, jobCount: jobs.count) { range, write in
                var guesses = JobPositions.Guesses()
                for n in range {
                    let ids = jobs[n].parentIDs
                    var parents: [Int] = []
                    parents.reserveCapacity(ids.count)
                    for k in ids.indices {
                        if let found = positions.position(of: ids[k], parent: k, guesses: &guesses) { parents.append(found) }
                    }
                    try write((jobs.baseAddress! + n).pointer(to: \.job)!, parents, jobs[n].pathsInFolder)
                }
            }
        }
    }

    /// Copies each stageable executable to its place in the run's `bin/`, executable.
    public static func stageExecutables(_ workflow: ExecutableWorkflow) throws {
        for staged in workflow.stagedExecutables {
            let folder = (staged.target as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: staged.target) { continue }
            // Validation refuses a folder as a pfn; checked again here, where it is copied,
            // so a folder made since (or a catalog not validated) is never copied whole.
            let resolved = URL(fileURLWithPath: staged.source).resolvingSymlinksInPath().path
            let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
            if let type, type != .typeRegular {
                throw PlanError(messages: ["cannot stage executable \(staged.source) for '\(staged.transformation)': it is a folder or special file, not a program; give the path of the executable file in the transformation catalog"])
            }
            do {
                try FileManager.default.copyItem(atPath: staged.source, toPath: staged.target)
            } catch {
                throw PlanError(messages: ["cannot stage executable \(staged.source) for '\(staged.transformation)': \(error.localizedDescription)"])
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: staged.target)
        }
    }
}
