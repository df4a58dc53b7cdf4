/// What `WorkflowValidator` found, and the graph it built on the way.
public struct ValidationResult: Sendable {
    public var loaded: LoadedWorkflow
    public var graph: WorkflowGraph?
    public var diagnostics: [Diagnostic]

    public var isValid: Bool { !diagnostics.hasErrors }
}
