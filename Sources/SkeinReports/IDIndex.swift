/// Maps database ids (usually dense: 1...N) to positions, with an array when they are dense
/// and a dictionary otherwise.
struct IDIndex {
    private var base = 0
    private var dense: [Int32] = []
    private var sparse: [Int: Int] = [:]
    private var useDense = true

    init(expected: Int) { dense.reserveCapacity(expected + 1) }

    /// For ids set in any order within `range` (the lowest and highest id there may be):
    /// the array covers the whole range from the start when it is not too large.
    init(range: ClosedRange<Int>?) {
        guard let range, range.count <= Self.largestPresizedRange else { return }
        base = range.lowerBound
        dense = Array(repeating: -1, count: range.count)
    }

    /// 16 million ids (64 MiB); a wider range grows as ids arrive.
    static let largestPresizedRange = 1 << 24

    mutating func set(_ id: Int, _ position: Int) {
        if useDense {
            if dense.isEmpty { base = id }
            var k = id - base
            let limit = max(4 * (position + 16), 1 << 16)
            if k < 0 && dense.count - k < limit {
                // Ids below the first one (an index read out of id order): grow downwards,
                // by at least the current size so that repeated steps down stay linear.
                let grow = min(max(-k, dense.count), limit - dense.count)
                dense.insert(contentsOf: repeatElement(-1, count: grow), at: 0)
                base -= grow
                k += grow
            }
            if k >= 0 && k < limit {
                if k >= dense.count { dense.append(contentsOf: repeatElement(-1, count: k - dense.count + 1)) }
                dense[k] = Int32(position)
                return
            }
            // Not dense after all: move what we have.
            useDense = false
            for (k, v) in dense.enumerated() where v >= 0 { sparse[base + k] = Int(v) }
            dense = []
        }
        sparse[id] = position
    }

    @inline(__always) func get(_ id: Int) -> Int? {
        if useDense {
            let k = id - base
            guard k >= 0 && k < dense.count else { return nil }
            let v = dense[k]
            return v < 0 ? nil : Int(v)
        }
        return sparse[id]
    }
}
