import Foundation
import SkeinReports

/// What the Run screen needs only once a key asks for it: the by-level and
/// by-transformation layouts, the filter's text index, the job index by id. Built at most
/// once per read, on first use or ahead of it on a background thread (`prepareAll`), so the
/// first frame of a huge run waits for none of them.
final class RunDataIndexes: @unchecked Sendable {
    let jobs: [JobStatus]
    let display: [DisplayState]
    let transformation: [String]
    let parents: JobLinks
    let children: JobLinks
    let order: [Int32]

    let level = Once<FlatTree>()
    let byTransformation = Once<FlatTree>()
    let search = Once<SearchIndex>()
    let ids = Once<[String: Int32]>()

    init(jobs: [JobStatus], display: [DisplayState], transformation: [String], parents: JobLinks, children: JobLinks, order: [Int32]) {
        self.jobs = jobs; self.display = display; self.transformation = transformation
        self.parents = parents; self.children = children; self.order = order
    }

    func levelTree() -> FlatTree { level.get(buildLevels) }
    func transformationTree() -> FlatTree { byTransformation.get(buildTransformations) }
    func searchIndex() -> SearchIndex { search.get { SearchIndex(jobs: jobs, transformation: transformation) } }
    func idIndex() -> [String: Int32] {
        ids.get {
            var index: [String: Int32] = [:]
            index.reserveCapacity(jobs.count)
            for (i, j) in jobs.enumerated() where index[j.id] == nil { index[j.id] = Int32(i) }
            return index
        }
    }

    /// Builds everything, in the order keys are likely to want it.
    func prepareAll() {
        _ = levelTree()
        _ = transformationTree()
        _ = searchIndex()
        _ = idIndex()
    }

    /// Levels: the longest path from a root (Kahn's order).
    private func buildLevels() -> FlatTree {
        let n = jobs.count
        var level = [Int32](repeating: 0, count: n)
        var indegree = [Int32](repeating: 0, count: n)
        for j in 0..<n { indegree[j] = Int32(parents.degree(j)) }
        var queue: [Int32] = order.filter { indegree[Int($0)] == 0 }
        queue.reserveCapacity(n)
        var head = 0
        let start = children.start, targets = children.targets
        while head < queue.count {
            let j = Int(queue[head]); head += 1
            for e in Int(start[j]) ..< Int(start[j + 1]) {
                let c = Int(targets[e])
                level[c] = max(level[c], level[j] + 1)
                indegree[c] -= 1
                if indegree[c] == 0 { queue.append(Int32(c)) }
            }
        }
        let maxLevel = Int(level.max() ?? 0)
        var members = [[Int32]](repeating: [], count: n == 0 ? 0 : maxLevel + 1)
        for j in order { members[Int(level[Int(j)])].append(j) }
        return FlatTree.grouped(titles: members.indices.map { "level \($0 + 1)" }, members: members, jobs: n, display: display)
    }

    /// Transformations A to Z, jobs in plan order below each (names interned first: one
    /// look-up per job, then integer work).
    private func buildTransformations() -> FlatTree {
        var id: [String: Int32] = [:]
        var names: [String] = []
        var of = [Int32](repeating: 0, count: jobs.count)
        var last = "", lastID: Int32 = -1
        for j in 0..<jobs.count {
            let t = transformation[j]
            if lastID < 0 || t != last {
                if let known = id[t] { lastID = known } else { lastID = Int32(names.count); id[t] = lastID; names.append(t) }
                last = t
            }
            of[j] = lastID
        }
        let sorted = names.indices.sorted { names[$0] < names[$1] }
        var rank = [Int](repeating: 0, count: names.count)
        for (k, i) in sorted.enumerated() { rank[i] = k }
        var members = [[Int32]](repeating: [], count: names.count)
        for j in order { members[rank[Int(of[Int(j)])]].append(j) }
        return FlatTree.grouped(titles: sorted.map { names[$0].isEmpty ? "(unknown)" : names[$0] }, members: members,
                                jobs: jobs.count, display: display)
    }
}

/// A value built once, by whichever thread asks first; others wait for it.
final class Once<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?

    func get(_ make: () -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        if let value { return value }
        let v = make()
        value = v
        return v
    }
}

/// Lower-cased "id\0transformation\0" of every job, back to back (job j is
/// `bytes[start[j] ..< start[j + 1]]`): filtering a million jobs is one `memchr`-driven pass
/// over the bytes, not a million string searches.
struct SearchIndex: Sendable {
    var bytes: [UInt8] = []
    var start: [Int32] = [0]

    init(jobs: [JobStatus], transformation: [String]) {
        bytes.reserveCapacity(jobs.count * 24)
        start.reserveCapacity(jobs.count + 1)
        for (i, j) in jobs.enumerated() {
            Self.appendLowercased(j.id, to: &bytes)
            bytes.append(0)
            Self.appendLowercased(transformation[i], to: &bytes)
            bytes.append(0)
            start.append(Int32(bytes.count))
        }
    }

    /// ASCII lower-cased byte by byte; anything else through `lowercased()`.
    static func appendLowercased(_ s: String, to bytes: inout [UInt8]) {
        var ascii = true
        for b in s.utf8 where b >= 0x80 { ascii = false; break }
        if !ascii { bytes.append(contentsOf: s.lowercased().utf8); return }
        for b in s.utf8 { bytes.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b) }
    }

    /// Whether job `j`'s id or transformation contains `pattern` (lower-cased UTF-8).
    func matches(_ j: Int, _ pattern: [UInt8]) -> Bool {
        let s = Int(start[j]), e = Int(start[j + 1])
        if pattern.isEmpty { return true }
        if e - s < pattern.count { return false }
        return bytes.withUnsafeBufferPointer { b in
            pattern.withUnsafeBufferPointer { p in
                Self.find(p, in: UnsafeBufferPointer(rebasing: b[s..<e])) != nil
            }
        }
    }

    /// Every job whose id or transformation contains `pattern`: one pass over all the bytes
    /// (a match cannot span two jobs: each ends in a NUL, which a pattern does not hold).
    func matching(_ pattern: [UInt8]) -> [Bool] {
        let n = start.count - 1
        if pattern.isEmpty { return [Bool](repeating: true, count: n) }
        var hit = [Bool](repeating: false, count: n)
        bytes.withUnsafeBufferPointer { b in
            pattern.withUnsafeBufferPointer { p in
                var pos = 0, job = 0
                while pos < b.count, let found = Self.find(p, in: UnsafeBufferPointer(rebasing: b[pos...])) {
                    let offset = pos + found
                    while Int(start[job + 1]) <= offset { job += 1 }
                    hit[job] = true
                    pos = Int(start[job + 1])
                }
            }
        }
        return hit
    }

    /// Where `pattern` first occurs in `text` (memchr finds each candidate first byte).
    static func find(_ pattern: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = pattern.count, count = text.count
        guard n > 0, count >= n, let base = text.baseAddress, let p = pattern.baseAddress else { return n == 0 ? 0 : nil }
        var i = 0
        let last = count - n
        while i <= last {
            guard let hit = memchr(base + i, Int32(p[0]), last - i + 1) else { return nil }
            let k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if n == 1 || memcmp(base + k + 1, p + 1, n - 1) == 0 { return k }
            i = k + 1
        }
        return nil
    }
}
