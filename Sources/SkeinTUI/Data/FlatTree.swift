import SkeinReports

/// A job list laid out as rows: the DAG as a tree (each job once under its first parent;
/// later parents show it again as a reference row), or grouped (by level, by
/// transformation). Built off the UI thread; the screen model only walks it, skipping
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
    /// The row where each job shows first and in full (not as a reference), -1 where it
    /// does not show: finding a job's row is a look-up, not a walk over a million rows.
    public var jobRow: [Int32] = []
    /// The row of each group's header.
    public var headerRow: [Int32] = []
    /// Per group, its jobs by `DisplayState` (in `DisplayState.allCases` order): a header's
    /// counts are drawn without walking the group.
    public var groupStates: [[Int32]] = []

    public static let reference: UInt8 = 1
    public static let lastSibling: UInt8 = 2
    public static let hasChildren: UInt8 = 4

    public var count: Int { node.count }

    public func isReference(_ row: Int) -> Bool { flags[row] & Self.reference != 0 }
    public func isLast(_ row: Int) -> Bool { flags[row] & Self.lastSibling != 0 }
    public func hasChildren(_ row: Int) -> Bool { flags[row] & Self.hasChildren != 0 }

    /// The row of `node` (a job's full row, or a group's header), -1 when it has none.
    public func row(of node: Int32) -> Int {
        if node >= 0 { return Int(node) < jobRow.count ? Int(jobRow[Int(node)]) : -1 }
        let g = Int(-node - 1)
        return g < headerRow.count ? Int(headerRow[g]) : -1
    }

    mutating func append(_ job: Int32, depth d: Int32, parent: Int32, flags f: UInt8) -> Int32 {
        let row = Int32(node.count)
        node.append(job); depth.append(d); size.append(1); flags.append(f); parentRow.append(parent)
        return row
    }

    mutating func reserve(_ rows: Int) {
        node.reserveCapacity(rows); depth.reserveCapacity(rows); size.reserveCapacity(rows)
        flags.reserveCapacity(rows); parentRow.reserveCapacity(rows)
    }

    /// The DAG as a tree, depth first from the roots (in `order`).
    static func dag(children: JobLinks, roots: [Int32], order: [Int32]) -> FlatTree {
        var t = FlatTree()
        let n = children.count
        t.reserve(n + children.targets.count)
        t.jobRow = [Int32](repeating: -1, count: n)
        struct Frame { var row: Int32; var next: Int32; var end: Int32 }
        var stack: [Frame] = []
        let start = children.start, targets = children.targets
        func emit(_ job: Int32, _ depth: Int32, _ parent: Int32, _ last: Bool) -> Int32? {
            var f: UInt8 = last ? FlatTree.lastSibling : 0
            if t.jobRow[Int(job)] >= 0 {
                f |= FlatTree.reference
                _ = t.append(job, depth: depth, parent: parent, flags: f)
                return nil
            }
            let leaf = start[Int(job)] == start[Int(job) + 1]
            if !leaf { f |= FlatTree.hasChildren }
            let row = t.append(job, depth: depth, parent: parent, flags: f)
            t.jobRow[Int(job)] = row
            return leaf ? nil : row
        }
        func walk(_ roots: [Int32]) {
            for (i, root) in roots.enumerated() {
                guard let row = emit(root, 0, -1, i == roots.count - 1) else { continue }
                stack.append(Frame(row: row, next: start[Int(root)], end: start[Int(root) + 1]))
                while !stack.isEmpty {
                    let top = stack.count - 1
                    if stack[top].next < stack[top].end {
                        let c = targets[Int(stack[top].next)]
                        stack[top].next += 1
                        if let r = emit(c, Int32(stack.count), stack[top].row, stack[top].next == stack[top].end) {
                            stack.append(Frame(row: r, next: start[Int(c)], end: start[Int(c) + 1]))
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
        // Anything not reached (edges to unknown jobs, cycles): as more roots, in order.
        let rest = order.filter { t.jobRow[Int($0)] < 0 }
        if !rest.isEmpty { walk(rest) }
        return t
    }

    /// Groups with a header row each, jobs below in `order`. With `display` (every job's
    /// state), each group's counts by state are kept for its header.
    static func grouped(titles: [String], members: [[Int32]], jobs: Int = 0, display: [DisplayState]? = nil) -> FlatTree {
        var t = FlatTree()
        t.groupTitles = titles
        t.reserve(members.count + members.reduce(0) { $0 + $1.count })
        t.jobRow = [Int32](repeating: -1, count: jobs)
        let states = DisplayState.allCases
        for (g, group) in members.enumerated() {
            let header = t.append(-Int32(g) - 1, depth: 0, parent: -1, flags: (group.isEmpty ? 0 : FlatTree.hasChildren) | (g == members.count - 1 ? FlatTree.lastSibling : 0))
            t.headerRow.append(header)
            var counts = [Int32](repeating: 0, count: display == nil ? 0 : states.count)
            for (i, j) in group.enumerated() {
                let row = t.append(j, depth: 1, parent: header, flags: i == group.count - 1 ? FlatTree.lastSibling : 0)
                if Int(j) < t.jobRow.count, t.jobRow[Int(j)] < 0 { t.jobRow[Int(j)] = row }
                if let display { counts[display[Int(j)].ordinal] += 1 }
            }
            if display != nil { t.groupStates.append(counts) }
            t.size[Int(header)] = Int32(group.count + 1)
        }
        return t
    }
}

extension DisplayState {
    /// Its place in `allCases` (a switch: cheaper than a look-up, a million times over).
    var ordinal: Int {
        switch self {
        case .unready: return 0
        case .ready: return 1
        case .queued: return 2
        case .running: return 3
        case .retrying: return 4
        case .held: return 5
        case .done: return 6
        case .failed: return 7
        case .futile: return 8
        case .interrupted: return 9
        }
    }
}
