/// Which workflow each job or attempt id belongs to, kept as runs of consecutive ids: the
/// writer hands out ids in order, so a run of a million jobs is one range, where a
/// dictionary entry per id cost 30-50 MB a table (issue 15).
struct IDRanges {
    private var starts: [Int64] = []
    private var ends: [Int64] = []
    private var owners: [WorkflowID] = []
    /// Ids given out of order (never by the writer itself): looked up one by one.
    private var others: [Int64: WorkflowID] = [:]

    subscript(id: Int64) -> WorkflowID? {
        get {
            var low = 0, high = starts.count
            while low < high {
                let mid = (low + high) / 2
                if ends[mid] < id { low = mid + 1 } else { high = mid }
            }
            if low < starts.count, starts[low] <= id { return owners[low] }
            return others[id]
        }
        set {
            guard let owner = newValue else { return }
            if let last = ends.last {
                if id == last + 1, owners.last == owner {
                    ends[ends.count - 1] = id
                    return
                }
                if id <= last {
                    others[id] = owner
                    return
                }
            }
            starts.append(id)
            ends.append(id)
            owners.append(owner)
        }
    }

    /// Every id of `ids` belongs to `owner` (ids above every range so far).
    mutating func assign(_ ids: ClosedRange<Int64>, to owner: WorkflowID) {
        if let last = ends.last, ids.lowerBound <= last {
            for id in ids { self[id] = owner }
            return
        }
        starts.append(ids.lowerBound)
        ends.append(ids.upperBound)
        owners.append(owner)
    }
}
