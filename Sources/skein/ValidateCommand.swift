import ArgumentParser
import Foundation
import SkeinWorkflow

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a workflow and its catalogs, reporting every problem with file, line and column.",
        discussion: """
            Reads the workflow and its catalogs and checks: YAML syntax, required keys and \
            value types, duplicate job ids, dependencies on unknown jobs, cycles, files \
            produced by two jobs, inputs with neither a producer nor a replica, jobs whose \
            transformation no catalog defines, undefined sites and containers, and profile \
            values. Warnings flag what is legal but suspicious. Nothing is written.

            Exit codes: 0 valid (warnings allowed unless --strict), 2 errors found, \
            1 usage error.

            Examples:
              skein validate workflow.yml
              skein validate workflow.yml --sites hpc-sites.yml --replicas rc.yml
              skein validate workflow.yml --strict --quiet && echo ok
              skein validate workflow.yml --json | jq '.diagnostics[].message'
              skein validate big-workflow.yml --verbose     # timings of each step
            """)

    @OptionGroup var options: WorkflowOptions

    @Flag(help: "Treat warnings as errors (exit 2 when there are any).")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print only problems, no summary.")
    var quiet = false

    @Flag(help: "Print every problem, not just the first 20 of each kind.")
    var all = false

    @Flag(help: "Print the result as JSON on stdout (for scripts).")
    var json = false

    @Flag(name: .shortAndLong, help: "Log which files were read and how long each step took (stderr).")
    var verbose = false

    func run() throws {
        let log = CLILog.make(verbose: verbose)
        let loaded = CLILog.timed(log, "read \(options.workflow) and its catalogs") { WorkflowLoader.load(options.sources) }
        log.debug("catalogs: sites \(loaded.sitesOrigin); transformations \(loaded.transformationsOrigin); replicas \(loaded.replicasOrigin)")
        let result = CLILog.timed(log, "validated \(loaded.workflow?.jobs.count ?? 0) jobs") { WorkflowValidator.validate(loaded) }
        let failed = result.diagnostics.hasErrors || (strict && !result.diagnostics.isEmpty)
        if json {
            let report = ValidationReport(result, valid: !failed)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(report))
            print()
        } else {
            DiagnosticPrinter(limitPerCode: all ? nil : 20).print(result.diagnostics)
            if !quiet { print(ValidationSummary(result, valid: !failed).text) }
        }
        if failed { throw SkeinExit.badInput }
    }
}

/// The one-paragraph outcome people read after `skein validate`.
struct ValidationSummary {
    let result: ValidationResult
    let valid: Bool

    init(_ result: ValidationResult, valid: Bool) {
        self.result = result
        self.valid = valid
    }

    var text: String {
        let style = Style(enabled: Terminal.colorEnabled(fd: 1))
        let errors = result.diagnostics.errors.count
        let warnings = result.diagnostics.warnings.count
        var lines: [String] = []
        if let wf = result.loaded.workflow {
            let edges = result.graph?.edgeCount ?? 0
            let roots = result.graph?.roots.count ?? 0
            lines.append("workflow         \(wf.name): \(plural(wf.jobs.count, "job")), \(plural(edges, "dependency", "dependencies")), \(plural(roots, "root job"))")
        }
        lines.append("sites            \(result.loaded.sitesOrigin)")
        lines.append("transformations  \(result.loaded.transformationsOrigin)")
        lines.append("replicas         \(result.loaded.replicasOrigin)")
        let counts = "\(plural(errors, "error")), \(plural(warnings, "warning"))"
        lines.append(valid ? style.green("valid") + " (\(counts))" : style.red("invalid") + " (\(counts))")
        return lines.joined(separator: "\n")
    }
}

func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
    "\(n) \(n == 1 ? one : many ?? one + "s")"
}

/// `skein validate --json`: stable keys for scripts.
struct ValidationReport: Encodable {
    var valid: Bool
    var workflow: String
    var name: String?
    var jobs: Int
    var dependencies: Int
    var catalogs: [String: String]
    var errors: Int
    var warnings: Int
    var diagnostics: [Diagnostic]

    init(_ result: ValidationResult, valid: Bool) {
        self.valid = valid
        workflow = result.loaded.sources.workflow
        name = result.loaded.workflow?.name
        jobs = result.loaded.workflow?.jobs.count ?? 0
        dependencies = result.graph?.edgeCount ?? 0
        catalogs = [
            "sites": result.loaded.sitesOrigin.description,
            "transformations": result.loaded.transformationsOrigin.description,
            "replicas": result.loaded.replicasOrigin.description,
        ]
        errors = result.diagnostics.errors.count
        warnings = result.diagnostics.warnings.count
        diagnostics = result.diagnostics.sortedForDisplay()
    }
}
