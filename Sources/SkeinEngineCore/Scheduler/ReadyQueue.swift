/// Ready jobs, highest `dagman.PRIORITY` first, then workflow order: a binary heap so
/// 100,000 ready jobs cost log n each.
struct ReadyQueue {
    private var heap: [(priority: Int, job: Int)] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    private static func before(_ a: (priority: Int, job: Int), _ b: (priority: Int, job: Int)) -> Bool {
        a.priority != b.priority ? a.priority > b.priority : a.job < b.job
    }

    mutating func push(_ job: Int, priority: Int) {
        heap.append((priority, job))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Int? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0].job
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < heap.count, Self.before(heap[l], heap[best]) { best = l }
                if r < heap.count, Self.before(heap[r], heap[best]) { best = r }
                if best == i { break }
                heap.swapAt(i, best)
                i = best
            }
        }
        return top
    }

    /// The job `pop()` would return, with its priority.
    var first: (priority: Int, job: Int)? { heap.first }

    static func precedes(_ a: (priority: Int, job: Int), _ b: (priority: Int, job: Int)) -> Bool { before(a, b) }
}
