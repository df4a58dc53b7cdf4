/// The parents (or children) of every job, in two flat arrays: job `j`'s are
/// `targets[start[j] ..< start[j + 1]]`. A million jobs' links are two allocations instead of
/// a million small arrays, and walking them touches no reference counts.
/// `links[j]` is job `j`'s list (an `ArraySlice`), so code that read `[[Int32]]` reads this.
public struct JobLinks: RandomAccessCollection, Codable, Sendable, Equatable {
    public private(set) var start: [Int32]
    public private(set) var targets: [Int32]

    public init() { start = [0]; targets = [] }

    /// From one list per job.
    public init(_ lists: [[Int32]]) {
        start = [0]
        start.reserveCapacity(lists.count + 1)
        targets = []
        targets.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for list in lists {
            targets.append(contentsOf: list)
            start.append(Int32(targets.count))
        }
    }

    /// From pairs (`from[k]` links to `to[k]`) for `count` jobs: a counting sort, so each
    /// job's list keeps the pairs' order.
    public init(count: Int, from: [Int32], to: [Int32]) {
        var start = [Int32](repeating: 0, count: count + 1)
        for f in from { start[Int(f) + 1] += 1 }
        for j in 0..<count { start[j + 1] += start[j] }
        var fill = start
        var targets = [Int32](repeating: 0, count: from.count)
        for k in from.indices {
            let f = Int(from[k])
            targets[Int(fill[f])] = to[k]
            fill[f] += 1
        }
        self.start = start
        self.targets = targets
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { start.count - 1 }
    public subscript(j: Int) -> ArraySlice<Int32> { targets[Int(start[j]) ..< Int(start[j + 1])] }

    /// How many links job `j` has.
    @inline(__always) public func degree(_ j: Int) -> Int { Int(start[j + 1] - start[j]) }

    /// Sorts each job's list by `key` (smaller first).
    public mutating func sortEach(by key: [Int32]) {
        for j in 0..<count where degree(j) > 1 {
            let range = Int(start[j]) ..< Int(start[j + 1])
            targets[range].sort { key[Int($0)] < key[Int($1)] }
        }
    }

    // As a list of lists in JSON, as before.
    public init(from decoder: Decoder) throws {
        self.init(try [[Int32]](from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try map(Array.init).encode(to: encoder)
    }
}
