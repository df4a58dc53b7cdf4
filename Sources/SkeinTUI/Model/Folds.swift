/// Which rows of a layout are folded: every row with children except some (after "fold
/// all"), or none except some. "Fold all" on a million-row tree is then one flag, not a set
/// of half a million entries, and the visible rows are found by skipping folded subtrees.
struct Folds {
    /// Whether rows are folded unless listed in `except`.
    var all = false
    /// Nodes (a job index, or a group header's negative number) that differ from `all`.
    var except = Set<Int32>()

    func isCollapsed(_ node: Int32) -> Bool { all != except.contains(node) }

    mutating func toggle(_ node: Int32) {
        if except.contains(node) { except.remove(node) } else { except.insert(node) }
    }

    /// The rows shown, ascending: O(shown rows) when everything is folded (only what is
    /// unfolded is walked), O(folded nodes) plus a copy of the shown ranges otherwise.
    func visibleRows(_ t: FlatTree) -> [Int32] {
        let count = t.count
        if all {
            var out: [Int32] = []
            var i = 0
            while i < count {
                out.append(Int32(i))
                if t.flags[i] & FlatTree.hasChildren != 0 && !except.contains(t.node[i]) { i += Int(t.size[i]) } else { i += 1 }
            }
            return out
        }
        if except.isEmpty { return Array(0..<Int32(count)) }
        let folded = except.map { t.row(of: $0) }.filter { $0 >= 0 && t.flags[$0] & FlatTree.hasChildren != 0 }.sorted()
        var out: [Int32] = []
        out.reserveCapacity(count)
        var next = 0
        for row in folded where row >= next {
            out.append(contentsOf: Int32(next)...Int32(row))
            next = row + Int(t.size[row])
        }
        if next < count { out.append(contentsOf: Int32(next)..<Int32(count)) }
        return out
    }
}
