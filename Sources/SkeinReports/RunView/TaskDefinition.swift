/// One task of a clustered job as its definition shows it: what it runs and the files it
/// reads and writes, as a plain job's definition shows them. From the plan for a Skein run;
/// from the recorded invocations for a Pegasus run (which records no files per task).
public struct TaskDefinition: Codable, Sendable, Equatable {
    /// The task's place in the cluster, 1-based (`task_submit_seq`).
    public var seq: Int
    /// The task's id: the abstract job it was (`abs_task_id`).
    public var id: String?
    public var transformation: String?
    public var executable: String?
    public var arguments: [String]
    /// nil: not known (a Pegasus run records files per job, not per task).
    public var inputs: [String]?
    public var outputs: [String]?
    public var stdin: String?, stdout: String?, stderr: String?

    public init(seq: Int, id: String?, transformation: String?, executable: String?, arguments: [String],
                inputs: [String]? = nil, outputs: [String]? = nil, stdin: String? = nil, stdout: String? = nil, stderr: String? = nil) {
        self.seq = seq; self.id = id; self.transformation = transformation; self.executable = executable; self.arguments = arguments
        self.inputs = inputs; self.outputs = outputs; self.stdin = stdin; self.stdout = stdout; self.stderr = stderr
    }
}
