/// Draws a workflow's DAG for people (an indented tree) and for Graphviz (DOT).
public enum GraphRenderer {
    public struct Glyphs: Sendable {
        var branch: String, last: String, pipe: String, space: String, seeAbove: String

        public static let unicode = Glyphs(branch: "├── ", last: "└── ", pipe: "│   ", space: "    ", seeAbove: "↑")
        public static let ascii = Glyphs(branch: "|-- ", last: "`-- ", pipe: "|   ", space: "    ", seeAbove: "^")
    }

    /// The DAG as a tree: roots at the left, each job under its parents. A job with several
    /// parents is drawn in full under the first and as `id ↑` under the others, so the
    /// output stays as long as the number of edges, not the number of paths.
    /// `pruned`: jobs data reuse leaves out (by index), with why; marked on their line.
    public static func text(_ workflow: Workflow, _ graph: WorkflowGraph, glyphs: Glyphs = .unicode, pruned: [Int: String] = [:]) -> String {
        var out = ""
        var drawn = Array(repeating: false, count: graph.count)
        // Iterative depth-first walk: (job, prefix for its children, its own line prefix).
        var stack: [(node: Int, linePrefix: String, childPrefix: String)] = []
        for root in graph.roots.reversed() { stack.append((root, "", "")) }
        while let (node, linePrefix, childPrefix) = stack.popLast() {
            let job = workflow.jobs[node]
            if drawn[node] {
                out += linePrefix + job.id + " " + glyphs.seeAbove + "\n"
                continue
            }
            drawn[node] = true
            out += linePrefix + label(job) + (pruned[node].map { "  [pruned: \($0)]" } ?? "") + "\n"
            let kids = graph.children[node]
            for (i, child) in kids.enumerated().reversed() {
                let isLast = i == kids.count - 1
                stack.append((child, childPrefix + (isLast ? glyphs.last : glyphs.branch), childPrefix + (isLast ? glyphs.space : glyphs.pipe)))
            }
        }
        if let levels = graph.levels() {
            var perLevel: [Int] = []
            for l in levels {
                while perLevel.count <= l { perLevel.append(0) }
                perLevel[l] += 1
            }
            out += "\n\(workflow.name): \(graph.count) jobs, \(graph.edgeCount) dependencies, \(perLevel.count) levels ("
            out += perLevel.map(String.init).joined(separator: " + ") + " jobs per level)\n"
            if graph.count > 0, perLevel.count > 0 {
                out += "a job with several parents is drawn once, then shown as 'id \(glyphs.seeAbove)'\n"
            }
            if !pruned.isEmpty {
                out += "\(pruned.count) of \(graph.count) jobs pruned by data reuse: their outputs already exist (plan --force runs them)\n"
            }
        }
        return out
    }

    static func label(_ job: Job) -> String {
        switch job.kind {
        case .job: return "\(job.id)  \(job.transformation)"
        case .pegasusWorkflow, .condorWorkflow: return "\(job.id)  [\(job.kind.rawValue) \(job.file ?? "")]"
        }
    }

    /// Graphviz DOT. Edges only implied by files are dashed; pruned jobs are grey and
    /// dashed, with the reason as their tooltip.
    public static func dot(_ workflow: Workflow, _ graph: WorkflowGraph, pruned: [Int: String] = [:]) -> String {
        var out = "digraph \(quote(workflow.name)) {\n"
        out += "  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
        for (i, job) in workflow.jobs.enumerated() {
            let text = job.id + "\n" + (job.name ?? job.file ?? "")
            if let reason = pruned[i] {
                out += "  \(quote(job.id)) [label=\(quote(text + "\n(pruned)")), style=\"rounded,dashed\", color=gray, fontcolor=gray, tooltip=\(quote("pruned: " + reason))];\n"
            } else {
                out += "  \(quote(job.id)) [label=\(quote(text))];\n"
            }
        }
        for edge in graph.edges {
            out += "  \(quote(graph.ids[edge.parent])) -> \(quote(graph.ids[edge.child]))"
            out += edge.origin.contains(.declared) ? ";\n" : " [style=dashed];\n"
        }
        return out + "}\n"
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
