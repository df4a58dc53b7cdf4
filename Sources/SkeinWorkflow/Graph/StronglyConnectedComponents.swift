/// Tarjan's strongly connected components, iterative so a 100,000-job chain cannot
/// overflow the stack.
struct StronglyConnectedComponents {
    private(set) var components: [[Int]] = []

    init(children: [[Int]]) {
        let n = children.count
        var index = Array(repeating: -1, count: n)
        var low = Array(repeating: 0, count: n)
        var onStack = Array(repeating: false, count: n)
        var stack: [Int] = []
        var counter = 0
        // Each frame: (node, position in its children list).
        var frames: [(node: Int, next: Int)] = []

        for start in 0..<n where index[start] == -1 {
            frames.append((start, 0))
            index[start] = counter; low[start] = counter; counter += 1
            stack.append(start); onStack[start] = true
            while let top = frames.last {
                let node = top.node
                if top.next < children[node].count {
                    frames[frames.count - 1].next += 1
                    let child = children[node][top.next]
                    if index[child] == -1 {
                        index[child] = counter; low[child] = counter; counter += 1
                        stack.append(child); onStack[child] = true
                        frames.append((child, 0))
                    } else if onStack[child] {
                        low[node] = min(low[node], index[child])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last?.node { low[parent] = min(low[parent], low[node]) }
                if low[node] == index[node] {
                    var component: [Int] = []
                    while true {
                        let member = stack.removeLast()
                        onStack[member] = false
                        component.append(member)
                        if member == node { break }
                    }
                    components.append(component)
                }
            }
        }
    }
}
