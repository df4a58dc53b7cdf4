/// Every job's children in two flat arrays (compressed rows): `children[job]` is a slice of
/// one array. An array per job cost about 50 bytes of heap each, 50 MB at a million jobs,
/// where this costs 12 bytes a job and an edge (issue 15).
struct ChildLists: Sendable {
    /// Where each job's children start in `list`; `starts[job + 1]` is where they end.
    private let starts: [Int32]
    private let list: [Int32]

    init(parents: [[Int]]) {
        var counts = [Int32](repeating: 0, count: parents.count + 1)
        for jobParents in parents { for p in jobParents { counts[p + 1] += 1 } }
        for i in 0..<parents.count { counts[i + 1] += counts[i] }
        var next = counts
        var list = [Int32](repeating: 0, count: Int(counts[parents.count]))
        for (child, jobParents) in parents.enumerated() {
            for p in jobParents {
                list[Int(next[p])] = Int32(child)
                next[p] += 1
            }
        }
        starts = counts
        self.list = list
    }

    /// The children of `job`, in plan order.
    subscript(job: Int) -> [Int] { list[Int(starts[job])..<Int(starts[job + 1])].map(Int.init) }
}
