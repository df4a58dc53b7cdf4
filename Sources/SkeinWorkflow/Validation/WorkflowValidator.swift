import SkeinText
import Foundation
import SkeinYAML

/// Checks a loaded workflow for everything that would make it fail to plan or run, and
/// warns about what is legal but probably a mistake. Every problem is reported, not just
/// the first, each with its file, line and column.
public struct WorkflowValidator {
    let loaded: LoadedWorkflow
    let workflow: Workflow
    let workflowFile: String
    var diagnostics: [Diagnostic] = []
    /// Set by `checkJobIDs`: when no two jobs share an id, a job index says who a job is.
    var hasDuplicateJobIDs = false
    /// Set by `checkJobIDs`: each job id and the index of its first job.
    var jobIndex: [String: Int] = [:]

    /// Runs every check. Reading problems come first, then semantic ones.
    public static func validate(_ loaded: LoadedWorkflow) -> ValidationResult {
        guard let workflow = loaded.workflow else {
            return ValidationResult(loaded: loaded, graph: nil, diagnostics: loaded.diagnostics)
        }
        var validator = WorkflowValidator(loaded: loaded, workflow: workflow, workflowFile: loaded.sources.workflow)
        // The graph is built on the second core while the first checks ids and files.
        let graphBox = GraphBox()
        let building = DispatchWorkItem { graphBox.graph = WorkflowGraph(workflow) }
        DispatchQueue.global(qos: .userInitiated).async(execute: building)
        validator.checkJobIDs()
        validator.checkDependencies()
        validator.checkDataflow()
        validator.checkSites()
        validator.checkTransformations()
        validator.checkReplicas()
        validator.checkProfiles()
        validator.checkNames()
        validator.checkProfileRanges()
        validator.checkCompatibility()
        validator.checkSiteFolders()
        building.wait()
        let graph = graphBox.graph!
        validator.checkCycles(graph)
        return ValidationResult(loaded: loaded, graph: graph, diagnostics: loaded.diagnostics + validator.diagnostics)
    }

    /// Hands the graph built on another thread back; read only after `wait()`.
    private final class GraphBox: @unchecked Sendable {
        var graph: WorkflowGraph?
    }

    /// Convenience: load and validate in one call.
    public static func validate(_ sources: WorkflowSources) -> ValidationResult {
        validate(WorkflowLoader.load(sources))
    }

    mutating func error(_ code: String, _ file: String, _ mark: SourceMark, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, code: code, file: file, at: mark, message, hint: hint))
    }

    mutating func warning(_ code: String, _ file: String, _ mark: SourceMark, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.warning, code: code, file: file, at: mark, message, hint: hint))
    }

    /// "did you mean" over a list small enough to search by edit distance.
    static func suggestion(_ word: String, _ candidates: [String]) -> String? {
        guard candidates.count <= 5_000 else { return nil }
        return Suggestion.closest(to: word, in: candidates).map { "did you mean '\($0)'? " }
    }
}
