import Foundation
import SkeinReports

/// How a job looks in the TUI: its status state, refined (a job on its second attempt is
/// retrying, not just running).
public enum DisplayState: String, Sendable, CaseIterable {
    case unready, ready, queued, running, retrying, held, done, failed, futile, interrupted

    public init(_ job: JobStatus) {
        switch job.state {
        case .unready: self = .unready
        case .ready: self = .ready
        case .pre, .queued: self = job.attempt > 1 ? .retrying : .queued
        case .running, .post: self = job.attempt > 1 ? .retrying : .running
        case .held: self = .held
        case .done: self = .done
        case .failed: self = .failed
        case .futile: self = .futile
        case .interrupted: self = .interrupted
        }
    }

    public var role: ThemeRole {
        switch self {
        case .unready, .futile: return .dim
        case .ready, .queued: return .queued
        case .running: return .running
        case .retrying, .interrupted: return .retrying
        case .held: return .held
        case .done: return .done
        case .failed: return .failed
        }
    }

    public func glyph(_ g: Glyphs) -> String {
        switch self {
        case .unready: return g.unready
        case .ready, .queued: return g.queued
        case .running: return g.running
        case .retrying: return g.retrying
        case .held: return g.held
        case .done: return g.done
        case .failed: return g.failed
        case .futile: return g.futile
        case .interrupted: return g.interrupted
        }
    }

    /// Still to finish (running, queued or waiting).
    public var isActive: Bool { [.running, .retrying, .queued, .held].contains(self) }
}

/// Everything the Run screen shows: the status report, every job, the DAG and its tree.
/// Columnar where it is per job, so a million jobs stay cheap; the other layouts and the
/// indexes (`byLevel`, `byTransformation`, `index`, the filter's) are built on first use or
/// ahead of it in the background, so a huge run's first frame does not wait for them.
public struct RunData: Sendable, Equatable {
    public var status: StatusReport
    public var jobs: [JobStatus]
    public var display: [DisplayState]
    /// The transformation of each job (the job type for auxiliary jobs).
    public var transformation: [String]
    public var parents: JobLinks
    public var children: JobLinks
    public var tree: FlatTree
    public var byLevel: FlatTree { indexes.levelTree() }
    public var byTransformation: FlatTree { indexes.transformationTree() }
    /// Job index by id (the first workflow's job when sub-workflows repeat an id).
    public var index: [String: Int32] { indexes.idIndex() }
    /// How long the read took, seconds (shown in the header of large runs), and of that
    /// the status report alone.
    public var loadSeconds: Double
    public var statusSeconds = 0.0
    /// The longest job id and transformation (UTF-8 bytes, about their columns): a wide
    /// terminal's JOB column takes what the names need, not every spare column.
    public var longestID = 0
    public var longestTransformation = 0
    /// The sub-workflow (wf_uuid) each sub-workflow job ran, by job index: opened as a Run view.
    public var subworkflowUUIDs: [Int32: String] = [:]
    /// Sub-workflow jobs of a Pegasus run the database links to no workflow: their folder
    /// found from the submit files (or where it would be), by job index.
    public var subworkflowFolders: [Int32: SubWorkflowFolder] = [:]
    /// The parts built on first use (shared by copies of this value: they are derived from
    /// the fields above as read, never from later changes).
    let indexes: RunDataIndexes

    public var readOnly: Bool { status.kind == .pegasus }

    /// Whether job `j`'s id or transformation contains `pattern` (lower-cased UTF-8).
    public func matches(_ j: Int, _ pattern: [UInt8]) -> Bool { indexes.searchIndex().matches(j, pattern) }

    /// Every job whose id or transformation contains `pattern` (lower-cased UTF-8), by job index.
    public func matching(_ pattern: [UInt8]) -> [Bool] { indexes.searchIndex().matching(pattern) }

    public var engineAlive: Bool { status.condition.engine?.alive ?? false }

    /// How long job `j` has taken by `now`: a job still running or waiting ticks from its
    /// start every second (the read's duration is as old as the last database change, and
    /// a long job changes nothing for hours); a finished one keeps its recorded time.
    public func duration(_ j: Int, now: Double) -> Double? {
        if display[j].isActive, let start = jobs[j].started { return max(0, now - start) }
        return jobs[j].duration
    }

    public static func == (a: RunData, b: RunData) -> Bool {
        a.status == b.status && a.jobs == b.jobs && a.transformation == b.transformation && a.parents == b.parents
            && a.children == b.children && a.tree == b.tree && a.loadSeconds == b.loadSeconds && a.statusSeconds == b.statusSeconds
            && a.subworkflowUUIDs == b.subworkflowUUIDs
    }

    public init(status: StatusReport, jobs: [JobStatus], transformation: [String], parents: [[Int32]], children: [[Int32]], order: [Int32], loadSeconds: Double) {
        self.init(status: status, jobs: jobs, transformation: transformation, parents: JobLinks(parents), children: JobLinks(children),
                  order: order, loadSeconds: loadSeconds)
    }

    public init(status: StatusReport, jobs: [JobStatus], transformation: [String], parents: JobLinks, children: JobLinks, order: [Int32], loadSeconds: Double) {
        self.status = status
        self.jobs = jobs
        let display = jobs.map(DisplayState.init)
        self.display = display
        self.transformation = transformation
        self.parents = parents
        self.children = children
        self.loadSeconds = loadSeconds
        var longestID = 0, longestTransformation = 0
        for j in jobs { longestID = max(longestID, j.id.utf8.count) }
        for t in transformation { longestTransformation = max(longestTransformation, t.utf8.count) }
        self.longestID = longestID
        self.longestTransformation = longestTransformation
        let roots = order.filter { parents.degree(Int($0)) == 0 }
        tree = FlatTree.dag(children: children, roots: roots, order: order)
        indexes = RunDataIndexes(jobs: jobs, display: display, transformation: transformation, parents: parents, children: children, order: order)
    }

    /// Builds the other layouts and the indexes on a background thread now, so the keys
    /// that want them (v, /, marks) find them ready.
    public func prepareInBackground() {
        let indexes = self.indexes
        DispatchQueue.global(qos: .utility).async { indexes.prepareAll() }
    }
}

/// Reads `RunData` through SkeinReports' `RunGraphReader` (status, every job, the DAG and
/// the transformations), then lays out the tree the Run screen shows first. The other
/// layouts and the indexes follow on another thread (`RunData.prepare`).
public enum RunDataReader {
    /// Runs of at least this many jobs hand their counts to `onCounts` before the jobs and
    /// the DAG are read (seconds for a million jobs): the Run screen draws its header from
    /// them. Smaller runs read in well under a second and skip the extra frame.
    public static let countsFirstJobs = 10_000

    public static func read(_ location: RunLocation, now: Double = Date().timeIntervalSince1970, countsFirst: Int = countsFirstJobs,
                            onCounts: ((StatusReport) -> Void)? = nil) throws -> RunData {
        let t0 = Date()
        let early: ((StatusReport) -> Void)? = onCounts.map { deliver in
            { report in if report.totals.total >= countsFirst { deliver(report) } }
        }
        let graph = try RunGraphReader.read(location, now: now, onCounts: early)
        var data = RunData(status: graph.status, jobs: graph.jobs, transformation: graph.transformation, parents: graph.parents,
                           children: graph.children, order: graph.order, loadSeconds: 0)
        data.loadSeconds = Date().timeIntervalSince(t0)
        data.statusSeconds = graph.statusSeconds
        data.subworkflowUUIDs = graph.subworkflowUUIDs ?? [:]
        data.subworkflowFolders = graph.subworkflowFolders ?? [:]
        data.prepareInBackground()
        return data
    }
}
