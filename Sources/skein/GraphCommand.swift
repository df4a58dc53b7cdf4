import ArgumentParser
import SkeinPlanner
import SkeinProperties
import SkeinRuns
import SkeinWorkflow

struct Graph: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, dot
    }

    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a workflow's jobs and dependencies, as a tree or for Graphviz.",
        discussion: """
            text: an indented tree for the terminal; a job with several parents is drawn \
            under its first parent and marked with an arrow under the others. dot: a \
            Graphviz digraph; dashed edges are implied by files only.

            The workflow is validated first; with errors, they are printed and nothing is \
            drawn (exit 2).

            Examples:
              skein graph Examples/diamond/workflow.yml
              skein graph workflow.yml --format dot | dot -Tpng > workflow.png
              skein graph workflow.yml --ascii | less
              skein graph workflow.yml --show-pruned --reuse runs/wf/run0001

            --show-pruned marks the jobs data reuse would leave out (their outputs are \
            already in the replica catalog, or only pruned jobs need what they make), with \
            why, as `skein plan` prints them.
            """)

    @OptionGroup var options: WorkflowOptions

    @Option(name: .shortAndLong, help: "Output format: text or dot.")
    var format: Format = .text

    @Flag(help: "Draw the tree with ASCII only (the default outside a UTF-8 locale).")
    var ascii = false

    @Flag(help: "Mark the jobs data reuse leaves out, and why (text: [pruned: ...]; dot: grey and dashed, the reason as tooltip).")
    var showPruned = false

    @Option(name: [.long, .customShort("R")], help: ArgumentHelp("With --show-pruned: an earlier run directory whose files count as replicas (as plan --reuse); repeatable.", valueName: "dir"))
    var reuse: [String] = []

    func run() throws {
        let result = WorkflowValidator.validate(options.sources)
        guard let workflow = result.loaded.workflow, let graph = result.graph, result.isValid else {
            DiagnosticPrinter(limitPerCode: 20).print(result.diagnostics.errors)
            throw SkeinExit.badInput
        }
        let pruned = showPruned ? try prunedJobs(result.loaded) : [:]
        switch format {
        case .text:
            let glyphs: GraphRenderer.Glyphs = ascii || !Terminal.utf8Locale ? .ascii : .unicode
            print(GraphRenderer.text(workflow, graph, glyphs: glyphs, pruned: pruned), terminator: "")
        case .dot:
            print(GraphRenderer.dot(workflow, graph, pruned: pruned), terminator: "")
        }
    }

    /// What data reuse would leave out, with the same catalogs and properties as `plan`.
    private func prunedJobs(_ loaded: LoadedWorkflow) throws -> [Int: String] {
        var options = PlanOptions()
        // --conf (WorkflowOptions) was read with the workflow, as plan reads it.
        options.properties = loaded.properties
        do {
            options.reusedReplicas = try ReusedRuns.replicas(in: reuse.flatMap { $0.split(separator: ",").map(String.init) })
        } catch let error as RunsError {
            Terminal.writeError("skein: \(error)\n")
            throw SkeinExit.badInput
        }
        return Planner(loaded, options: options).prunedJobs()
    }
}
