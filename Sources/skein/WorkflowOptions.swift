import ArgumentParser
import SkeinWorkflow

/// The workflow file and the catalog files a command reads.
struct WorkflowOptions: ParsableArguments {
    @Argument(help: "The Pegasus 5.0 workflow file (workflow.yml).", completion: .file(extensions: ["yml", "yaml"]))
    var workflow: String

    @Option(name: .long, help: ArgumentHelp("The site catalog (default: embedded, or sites.yml beside the workflow).", valueName: "file"))
    var sites: String?

    @Option(name: .long, help: ArgumentHelp("The transformation catalog (default: embedded, or transformations.yml beside the workflow).", valueName: "file"))
    var transformations: String?

    @Option(name: .long, help: ArgumentHelp("The replica catalog (default: embedded, or replicas.yml beside the workflow).", valueName: "file"))
    var replicas: String?

    @Option(name: .customLong("conf"), help: ArgumentHelp("The Pegasus properties file (pegasus-plan --conf; default: pegasus.properties beside the workflow).", valueName: "file"))
    var properties: String?

    var sources: WorkflowSources {
        WorkflowSources(workflow: workflow, sites: sites, transformations: transformations, replicas: replicas, properties: properties)
    }
}
