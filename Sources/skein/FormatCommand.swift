import ArgumentParser
import Foundation
import SkeinWorkflow

struct Format: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "format",
        abstract: "Rewrite a workflow in the canonical Pegasus 5.0 layout, optionally with its catalogs inside.",
        discussion: """
            Reads the workflow (and its catalogs), checks it, and writes it back in the key \
            order and quoting the Pegasus Python API uses. Unknown keys are kept. With \
            --embed-catalogs the catalogs in use are written into the workflow, giving one \
            self-contained file. Nothing is written when the input has errors (exit 2).

            Examples:
              skein format workflow.yml                       # to stdout
              skein format workflow.yml --output clean.yml
              skein format workflow.yml --embed-catalogs -o bundle.yml
            """)

    @OptionGroup var options: WorkflowOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(help: "Put the site, transformation and replica catalogs in use inside the workflow.")
    var embedCatalogs = false

    func run() throws {
        let result = WorkflowValidator.validate(options.sources)
        guard var workflow = result.loaded.workflow, result.isValid else {
            DiagnosticPrinter(limitPerCode: 20).print(result.diagnostics.errors)
            throw SkeinExit.badInput
        }
        if embedCatalogs {
            workflow.siteCatalog = result.loaded.sites.map { var c = $0; c.pegasusVersion = nil; return c }
            workflow.transformationCatalog = result.loaded.transformations.map { var c = $0; c.pegasusVersion = nil; return c }
            workflow.replicaCatalog = result.loaded.replicas.map { var c = $0; c.pegasusVersion = nil; return c }
        }
        let text = WorkflowWriter.yaml(workflow)
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                Terminal.writeError("skein: cannot write \(output): \(error.localizedDescription)\n")
                throw SkeinExit.failure
            }
        } else {
            print(text, terminator: "")
        }
    }
}
