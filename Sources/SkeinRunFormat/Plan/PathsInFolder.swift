/// Which paths of a planner's job are held as names in a folder until plan.json is written:
/// a path per file per job was the largest part of planning a million-job montage (300 MB,
/// more with a longer scratch folder), and the file needs the bytes only. The writer joins
/// them (`PlanJobEncoder`); `wholePaths` gives the job as the file has it.
public struct PathsInFolder: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A sandbox file whose `path` is empty is `lfn` in the sandbox's `root`.
    public static let sandbox = PathsInFolder(rawValue: 1)
    /// Each removal is a name in the job's `workingDirectory`.
    public static let removals = PathsInFolder(rawValue: 2)

    /// `name` in `folder`: a slash between them unless the folder ends with one.
    public static func path(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

extension ExecutableJob {
    /// The job with the paths `held` holds as names made whole, as plan.json has them.
    public func wholePaths(_ held: PathsInFolder) -> ExecutableJob {
        var job = self
        if held.contains(.sandbox), var sandbox = job.sandbox {
            for n in sandbox.inputs.indices where sandbox.inputs[n].path.isEmpty {
                sandbox.inputs[n].path = PathsInFolder.path(sandbox.root, sandbox.inputs[n].lfn)
            }
            for n in sandbox.outputs.indices where sandbox.outputs[n].path.isEmpty {
                sandbox.outputs[n].path = PathsInFolder.path(sandbox.root, sandbox.outputs[n].lfn)
            }
            job.sandbox = sandbox
        }
        if held.contains(.removals) { job.removals = job.removals.map { PathsInFolder.path(workingDirectory, $0) } }
        return job
    }
}
