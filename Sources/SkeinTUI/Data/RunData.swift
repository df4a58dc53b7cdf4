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

/// A job list laid out as rows: the DAG as a tree (each job once under its first parent;
/// later parents show it again as a reference row), or grouped (by level, by
/// transformation). Built on the data queue; the screen model only walks it, skipping
/// collapsed subtrees by their sizes, so a collapse costs what the visible rows cost.
public struct FlatTree: Sendable, Equatable {
    /// Job index per row; a negative value -(g + 1) is the header of group g.
    public var node: [Int32] = []
    public var depth: [Int32] = []
    /// Rows in the subtree of each row, itself included.
    public var size: [Int32] = []
    public var flags: [UInt8] = []
    /// The row of the parent (-1 for top-level rows).
    public var parentRow: [Int32] = []
    public var groupTitles: [String] = []

    public static let reference: UInt8 = 1
    public static let lastSibling: UInt8 = 2
    public static let hasChildren: UInt8 = 4

    public var count: Int { node.count }

    public func isReference(_ row: Int) -> Bool { flags[row] & Self.reference != 0 }
    public func isLast(_ row: Int) -> Bool { flags[row] & Self.lastSibling != 0 }
    public func hasChildren(_ row: Int) -> Bool { flags[row] & Self.hasChildren != 0 }

    mutating func append(_ job: Int32, depth d: Int32, parent: Int32, flags f: UInt8) -> Int32 {
        let row = Int32(node.count)
        node.append(job); depth.append(d); size.append(1); flags.append(f); parentRow.append(parent)
        return row
    }

    /// The DAG as a tree, depth first from the roots (in `order`).
    static func dag(children: [[Int32]], roots: [Int32], order: [Int32]) -> FlatTree {
        var t = FlatTree()
        let n = children.count
        t.node.reserveCapacity(n + n / 2)
        var visited = [Bool](repeating: false, count: n)
        struct Frame { var row: Int32; var job: Int32; var next: Int }
        var stack: [Frame] = []
        func emit(_ job: Int32, _ depth: Int32, _ parent: Int32, _ last: Bool) -> Int32? {
            var f: UInt8 = last ? FlatTree.lastSibling : 0
            if visited[Int(job)] {
                f |= FlatTree.reference
                _ = t.append(job, depth: depth, parent: parent, flags: f)
                return nil
            }
            visited[Int(job)] = true
            if !children[Int(job)].isEmpty { f |= FlatTree.hasChildren }
            let row = t.append(job, depth: depth, parent: parent, flags: f)
            return children[Int(job)].isEmpty ? nil : row
        }
        func walk(_ roots: [Int32]) {
            for (i, root) in roots.enumerated() {
                guard let row = emit(root, 0, -1, i == roots.count - 1) else { continue }
                stack.append(Frame(row: row, job: root, next: 0))
                while !stack.isEmpty {
                    let top = stack.count - 1
                    let kids = children[Int(stack[top].job)]
                    if stack[top].next < kids.count {
                        let c = kids[stack[top].next]
                        stack[top].next += 1
                        if let r = emit(c, Int32(stack.count), stack[top].row, stack[top].next == kids.count) {
                            stack.append(Frame(row: r, job: c, next: 0))
                        }
                    } else {
                        let r = Int(stack[top].row)
                        t.size[r] = Int32(t.node.count - r)
                        stack.removeLast()
                    }
                }
            }
        }
        walk(roots)
        // Anything not reached (edges to unknown jobs): as more roots, in order.
        let rest = order.filter { !visited[Int($0)] }
        if !rest.isEmpty { walk(rest) }
        return t
    }

    /// Groups with a header row each, jobs below in `order`.
    static func grouped(titles: [String], members: [[Int32]]) -> FlatTree {
        var t = FlatTree()
        t.groupTitles = titles
        for (g, jobs) in members.enumerated() {
            let header = t.append(-Int32(g) - 1, depth: 0, parent: -1, flags: (jobs.isEmpty ? 0 : FlatTree.hasChildren) | (g == members.count - 1 ? FlatTree.lastSibling : 0))
            for (i, j) in jobs.enumerated() {
                _ = t.append(j, depth: 1, parent: header, flags: i == jobs.count - 1 ? FlatTree.lastSibling : 0)
            }
            t.size[Int(header)] = Int32(jobs.count + 1)
        }
        return t
    }
}

/// Everything the Run screen shows: the status report, every job, the DAG and the
/// alternative groupings. Columnar where it is per job, so 100,000 jobs stay cheap.
public struct RunData: Sendable, Equatable {
    public var status: StatusReport
    public var jobs: [JobStatus]
    public var display: [DisplayState]
    /// The transformation of each job (the job type for auxiliary jobs).
    public var transformation: [String]
    public var parents: [[Int32]]
    public var children: [[Int32]]
    /// Lower-cased "id transformation" of every job, back to back (job j is
    /// `searchBytes[searchStart[j] ..< searchStart[j + 1]]`): filtering 100,000 jobs is a
    /// byte scan, not 100,000 string searches.
    public var searchBytes: [UInt8]
    public var searchStart: [Int32]
    public var tree: FlatTree
    public var byLevel: FlatTree
    public var byTransformation: FlatTree
    /// Job index by id (the first workflow's job when sub-workflows repeat an id).
    public var index: [String: Int32]
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

    public var readOnly: Bool { status.kind == .pegasus }

    /// Whether job `j`'s id or transformation contains `pattern` (lower-cased UTF-8).
    public func matches(_ j: Int, _ pattern: [UInt8]) -> Bool {
        let start = Int(searchStart[j]), end = Int(searchStart[j + 1])
        let n = pattern.count
        if n == 0 { return true }
        if end - start < n { return false }
        return searchBytes.withUnsafeBufferPointer { b in
            pattern.withUnsafeBufferPointer { p in
                let first = p[0]
                var i = start
                while i <= end - n {
                    if b[i] == first {
                        var k = 1
                        while k < n && b[i + k] == p[k] { k += 1 }
                        if k == n { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
    public var engineAlive: Bool { status.condition.engine?.alive ?? false }

    /// How long job `j` has taken by `now`: a job still running or waiting ticks from its
    /// start every second (the read's duration is as old as the last database change, and
    /// a long job changes nothing for hours); a finished one keeps its recorded time.
    public func duration(_ j: Int, now: Double) -> Double? {
        if display[j].isActive, let start = jobs[j].started { return max(0, now - start) }
        return jobs[j].duration
    }

    public init(status: StatusReport, jobs: [JobStatus], transformation: [String], parents: [[Int32]], children: [[Int32]], order: [Int32], loadSeconds: Double) {
        self.status = status
        self.jobs = jobs
        self.display = jobs.map(DisplayState.init)
        self.transformation = transformation
        self.parents = parents
        self.children = children
        self.loadSeconds = loadSeconds
        var bytes: [UInt8] = []
        bytes.reserveCapacity(jobs.count * 24)
        var starts: [Int32] = [0]
        starts.reserveCapacity(jobs.count + 1)
        for (i, j) in jobs.enumerated() {
            longestID = max(longestID, j.id.utf8.count)
            longestTransformation = max(longestTransformation, transformation[i].utf8.count)
            bytes.append(contentsOf: j.id.lowercased().utf8)
            bytes.append(0)
            bytes.append(contentsOf: transformation[i].lowercased().utf8)
            starts.append(Int32(bytes.count))
        }
        searchBytes = bytes
        searchStart = starts
        var index: [String: Int32] = [:]
        index.reserveCapacity(jobs.count)
        for (i, j) in jobs.enumerated() where index[j.id] == nil { index[j.id] = Int32(i) }
        self.index = index
        let roots = order.filter { parents[Int($0)].isEmpty }
        tree = FlatTree.dag(children: children, roots: roots, order: order)
        // Levels: the longest path from a root (Kahn's order).
        let n = jobs.count
        var level = [Int32](repeating: 0, count: n)
        var indegree = parents.map { Int32($0.count) }
        var queue: [Int32] = roots
        var head = 0
        while head < queue.count {
            let j = Int(queue[head]); head += 1
            for c in children[j] {
                let ci = Int(c)
                level[ci] = max(level[ci], level[j] + 1)
                indegree[ci] -= 1
                if indegree[ci] == 0 { queue.append(c) }
            }
        }
        let maxLevel = Int(level.max() ?? 0)
        var levelMembers = [[Int32]](repeating: [], count: n == 0 ? 0 : maxLevel + 1)
        for j in order { levelMembers[Int(level[Int(j)])].append(j) }
        byLevel = FlatTree.grouped(titles: levelMembers.indices.map { "level \($0 + 1)" }, members: levelMembers)
        var groups: [String: [Int32]] = [:]
        for j in order { groups[transformation[Int(j)], default: []].append(j) }
        let names = groups.keys.sorted()
        byTransformation = FlatTree.grouped(titles: names.map { $0.isEmpty ? "(unknown)" : $0 }, members: names.map { groups[$0]! })
    }
}

/// Reads `RunData` through SkeinReports' `RunGraphReader` (status, every job, the DAG and
/// the transformations), then lays out the tree and the groupings the Run screen shows.
public enum RunDataReader {
    public static func read(_ location: RunLocation, now: Double = Date().timeIntervalSince1970) throws -> RunData {
        let t0 = Date()
        let graph = try RunGraphReader.read(location, now: now)
        var data = RunData(status: graph.status, jobs: graph.jobs, transformation: graph.transformation, parents: graph.parents,
                           children: graph.children, order: graph.order, loadSeconds: 0)
        data.loadSeconds = Date().timeIntervalSince(t0)
        data.statusSeconds = graph.statusSeconds
        data.subworkflowUUIDs = graph.subworkflowUUIDs ?? [:]
        data.subworkflowFolders = graph.subworkflowFolders ?? [:]
        return data
    }
}
