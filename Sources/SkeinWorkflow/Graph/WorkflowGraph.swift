/// The DAG of a workflow: jobs by index, with edges from `jobDependencies` and edges
/// implied by files (a job that uses a file another job outputs depends on that job).
///
/// Adjacency is kept as arrays of indices so graphs of 100,000 jobs stay small and fast.
public struct WorkflowGraph: Sendable {
    /// Why an edge exists; an edge can be both declared and implied.
    public struct EdgeOrigin: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let declared = EdgeOrigin(rawValue: 1)
        public static let dataflow = EdgeOrigin(rawValue: 2)
    }

    public struct Edge: Sendable, Hashable {
        public var parent: Int
        public var child: Int
        public var origin: EdgeOrigin
    }

    public let ids: [String]
    public let index: [String: Int]
    public let children: [[Int]]
    public let parents: [[Int]]
    /// Why each edge exists, in the order of `edges` (by parent, then child): the edges
    /// themselves are `children`, not kept twice (60 MB at a million jobs, all the way
    /// through planning).
    private let origins: [EdgeOrigin]
    public let edgeCount: Int

    /// Every edge, by parent then child (made on each call: `skein graph` draws them).
    public var edges: [Edge] {
        var edges: [Edge] = []
        edges.reserveCapacity(edgeCount)
        for parent in children.indices {
            for child in children[parent] { edges.append(Edge(parent: parent, child: child, origin: origins[edges.count])) }
        }
        return edges
    }

    /// Builds the graph. Dependencies naming unknown jobs and self-edges are left out here;
    /// the validator reports them.
    public init(_ workflow: Workflow) {
        let jobs = workflow.jobs
        var index: [String: Int] = [:]
        index.reserveCapacity(jobs.count)
        // The first job of an id wins, with one hash per job (`keepValue`, as below).
        for i in jobs.indices { Self.keepValue(&index[jobs[i].id, default: i]) }

        // Edges packed in one number each, (parent, child, origin), so sorting them by parent
        // then child is a plain integer sort (5,000,000 edges for a 1,000,000-job montage).
        var raw: [UInt64] = []
        func add(_ parent: Int, _ child: Int, _ origin: EdgeOrigin) {
            raw.append(UInt64(parent) << 32 | UInt64(child) << 2 | UInt64(origin.rawValue))
        }
        for dep in workflow.dependencies {
            guard let p = index[dep.parent.id] else { continue }
            for child in dep.children {
                if let c = index[child.id], c != p { add(p, c, .declared) }
            }
        }
        var producer: [String: Int] = [:]
        // Room for the outputs, about half the uses: grown as met, the table placed every
        // name again (a tenth of the graph of a million-job montage).
        var uses = 0
        for i in jobs.indices { uses += jobs[i].uses.count }
        producer.reserveCapacity(uses / 2)
        for i in jobs.indices {
            // The first producer wins: one hash per output (`keepValue` only reaches the entry,
            // which the default makes when the file has none yet).
            for use in jobs[i].uses where use.type.isOutput { Self.keepValue(&producer[use.lfn, default: i]) }
        }
        for i in jobs.indices {
            for use in jobs[i].uses where use.type.isInput {
                if let p = producer[use.lfn], p != i { add(p, i, .dataflow) }
            }
        }
        producer = [:]
        raw.sort()
        var edges: [Edge] = []
        edges.reserveCapacity(raw.count)
        for packed in raw {
            let parent = Int(packed >> 32), child = Int(packed >> 2 & 0x3FFF_FFFF)
            let origin = EdgeOrigin(rawValue: UInt8(packed & 3))
            if let last = edges.last, last.parent == parent, last.child == child {
                edges[edges.count - 1].origin.formUnion(origin)
            } else {
                edges.append(Edge(parent: parent, child: child, origin: origin))
            }
        }
        raw = []
        // Each list made at its final size (edges are sorted by parent: a job's children are
        // one run of them), not grown one edge at a time.
        var children = Array(repeating: [Int](), count: jobs.count)
        var parents = Array(repeating: [Int](), count: jobs.count)
        var parentCount = [Int32](repeating: 0, count: jobs.count)
        for e in edges { parentCount[e.child] += 1 }
        for i in jobs.indices where parentCount[i] > 0 { parents[i].reserveCapacity(Int(parentCount[i])) }
        parentCount = []
        var run = 0
        while run < edges.count {
            let parent = edges[run].parent
            var end = run
            while end < edges.count, edges[end].parent == parent { end += 1 }
            children[parent] = edges[run..<end].map(\.child)
            for e in edges[run..<end] { parents[e.child].append(parent) }
            run = end
        }
        self.ids = jobs.map(\.id)
        self.index = index
        self.children = children
        self.parents = parents
        self.origins = edges.map(\.origin)
        self.edgeCount = edges.count
    }

    private static func keepValue(_ value: inout Int) {}

    public var count: Int { ids.count }

    public var roots: [Int] { (0..<count).filter { parents[$0].isEmpty } }
    public var leaves: [Int] { (0..<count).filter { children[$0].isEmpty } }

    /// Jobs in an order where every parent comes before its children (Kahn's algorithm,
    /// stable: ties keep workflow order). Nil when the graph has a cycle.
    public func topologicalOrder() -> [Int]? {
        var remaining = parents.map(\.count)
        var ready = (0..<count).filter { remaining[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(count)
        var head = 0
        while head < ready.count {
            let node = ready[head]
            head += 1
            order.append(node)
            for c in children[node] {
                remaining[c] -= 1
                if remaining[c] == 0 { ready.append(c) }
            }
        }
        return order.count == count ? order : nil
    }

    /// The depth of each job: roots are level 0, a job is one deeper than its deepest parent.
    /// Nil when the graph has a cycle.
    public func levels() -> [Int]? {
        guard let order = topologicalOrder() else { return nil }
        var level = Array(repeating: 0, count: count)
        for node in order {
            for c in children[node] where level[c] < level[node] + 1 { level[c] = level[node] + 1 }
        }
        return level
    }

    /// One cycle through each group of jobs that depend on each other, as job indices with
    /// the first repeated at the end (`a -> b -> c -> a`). Empty for a DAG.
    public func cycles() -> [[Int]] {
        // The usual answer, found without building a component for every job.
        if topologicalOrder() != nil { return [] }
        let components = StronglyConnectedComponents(children: children).components
        var result: [[Int]] = []
        for component in components where component.count > 1 {
            result.append(cycle(within: Set(component), from: component.min()!))
        }
        return result.sorted { $0[0] < $1[0] }
    }

    /// Walks from `start` inside one strongly connected component until a job repeats.
    private func cycle(within members: Set<Int>, from start: Int) -> [Int] {
        var path: [Int] = [start]
        var position: [Int: Int] = [start: 0]
        var node = start
        while true {
            let next = children[node].first { members.contains($0) }!
            if let seen = position[next] {
                return Array(path[seen...]) + [next]
            }
            position[next] = path.count
            path.append(next)
            node = next
        }
    }
}
