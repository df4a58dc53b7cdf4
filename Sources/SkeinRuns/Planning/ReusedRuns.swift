import Foundation
import SkeinPlanner
import SkeinProvenance
import SkeinRunFormat

/// pegasus-plan `--reuse DIR`: the files earlier runs left, as replicas for data reuse. From
/// each run directory: its output replica catalog (`<label>-0.replicas.db`, what its
/// register jobs recorded; Pegasus reads the same catalog through the run's braindump), and
/// the outputs of its jobs that succeeded (by its journal) still in its scratch folder, with
/// the sha256 the engine recorded when they were made.
public enum ReusedRuns {
    public static func replicas(in directories: [String]) throws -> [ReusedReplica] {
        var found: [ReusedReplica] = []
        for given in directories {
            let directory = RunDirectory.absolute(given)
            guard RunDirectory.isRunDirectory(directory) else {
                throw RunsError("--reuse \(given): not a Skein run directory (no \(RunLayout.planFile) in it); give the runNNNN folder of an earlier run")
            }
            let plan: ExecutablePlan
            do { plan = try RunDirectory(path: directory).readPlan() } catch { throw RunsError("--reuse \(given): \(error)") }
            let layout = RunLayout(runDirectory: directory)
            found += try registered(layout.outputReplicaCatalog(label: plan.label), given: given)
            found += produced(plan, layout)
        }
        return found
    }

    /// The replicas a run registered, with their recorded sha256.
    static func registered(_ catalog: String, given: String) throws -> [ReusedReplica] {
        guard FileManager.default.fileExists(atPath: catalog) else { return [] }
        do {
            let db = try SQLiteDatabase(path: catalog, readOnly: true, create: false)
            return try db.query("""
                SELECT l.lfn, p.pfn, (SELECT m.value FROM rc_meta m WHERE m.lfn_id = l.lfn_id AND m."key" = 'checksum.value')
                FROM rc_lfn l JOIN rc_pfn p ON p.lfn_id = l.lfn_id ORDER BY p.pfn_id
                """).compactMap { row in
                guard let lfn = row[0].string, let pfn = row[1].string else { return nil }
                return ReusedReplica(lfn: lfn, pfn: pfn, sha256: row[2].string)
            }
        } catch {
            throw RunsError("--reuse \(given): cannot read its replica catalog \(catalog): \(error)")
        }
    }

    /// Outputs of the run's succeeded compute jobs still in its scratch folder.
    static func produced(_ plan: ExecutablePlan, _ layout: RunLayout) -> [ReusedReplica] {
        var succeeded = Set<String>()
        for entry in RunJournal.readExpanded(layout.journal, jobs: plan.jobs) { if case .succeeded(let job, _) = entry { succeeded.insert(job) } }
        let checksums = ProducedChecksums.read(layout.producedChecksums)
        var found: [ReusedReplica] = []
        for job in plan.jobs where job.kind.isCompute && succeeded.contains(job.id) {
            for lfn in job.outputs {
                let path = (job.workingDirectory as NSString).appendingPathComponent(lfn)
                var info = stat()
                guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                found.append(ReusedReplica(lfn: lfn, pfn: path, sha256: checksums[lfn]))
            }
        }
        return found
    }
}
