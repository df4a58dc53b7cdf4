import ArgumentParser
import SkeinWorkflow

struct Graph: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, dot
    }

    static let configuration = CommandConfiguration(
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
            """)

    @OptionGroup var options: WorkflowOptions

    @Option(name: .shortAndLong, help: "Output format: text or dot.")
    var format: Format = .text

    @Flag(help: "Draw the tree with ASCII only (the default outside a UTF-8 locale).")
    var ascii = false

    func run() throws {
        let result = WorkflowValidator.validate(options.sources)
        guard let workflow = result.loaded.workflow, let graph = result.graph, result.isValid else {
            DiagnosticPrinter(limitPerCode: 20).print(result.diagnostics.errors)
            throw SkeinExit.badInput
        }
        switch format {
        case .text:
            let glyphs: GraphRenderer.Glyphs = ascii || !Terminal.utf8Locale ? .ascii : .unicode
            print(GraphRenderer.text(workflow, graph, glyphs: glyphs), terminator: "")
        case .dot:
            print(GraphRenderer.dot(workflow, graph), terminator: "")
        }
    }
}
