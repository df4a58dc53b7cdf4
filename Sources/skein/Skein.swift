import ArgumentParser

/// The `skein` command: validate, draw and (in later releases) plan and run Pegasus 5.0
/// workflows from the terminal.
@main
struct Skein: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skein",
        abstract: "A terminal workflow manager for Pegasus 5.0 workflows.",
        discussion: """
            Skein reads Pegasus 5.0 YAML workflows (with their site, transformation and \
            replica catalogs), checks them, and shows their structure.

            Catalogs are found the way Pegasus users expect: a file named with --sites, \
            --transformations or --replicas; else a catalog embedded in the workflow; else \
            the file named in pegasus.properties beside the workflow; else sites.yml, \
            transformations.yml and replicas.yml beside the workflow.

            Exit codes: 0 success, 1 internal or usage error, 2 bad input (the workflow \
            or a catalog has errors; nothing was written).

            Examples:
              skein validate Examples/diamond/workflow.yml
              skein graph Examples/diamond/workflow.yml --format text
              skein graph workflow.yml --format dot | dot -Tsvg > workflow.svg
              skein format workflow.yml --embed-catalogs --output all-in-one.yml
            """,
        version: SkeinVersion.current,
        subcommands: [Validate.self, Plan.self, Run.self, Status.self, Analyze.self, Statistics.self, Halt.self, Resume.self, Kill.self, Retry.self, Remove.self, TUI.self, Graph.self, Format.self, Doctor.self],
        defaultSubcommand: TUI.self
    )
}

import SkeinEngine

enum SkeinVersion {
    static let current = SkeinVersionInfo.version
}
