import Foundation

/// Where a retry goes (`RunControl.retryRoute`): the run itself, or for a finished
/// sub-workflow the parent's job that runs it, with the sub-workflow runs passed on the way.
public struct RetryRoute: Sendable {
    /// The run that takes the retry, and the jobs it runs again.
    public var runDirectory: String
    public var jobs: [String]
    /// The sub-workflow runs passed on the way, innermost first, each with the jobs asked
    /// for in it; empty when the retry goes to the run itself.
    public var through: [(runDirectory: String, jobs: [String])]
    /// Steers `runDirectory`.
    var control: RunControl

    init(control: RunControl, jobs: [String]) {
        self.control = control
        self.runDirectory = control.runDirectory
        self.jobs = jobs
        self.through = []
    }

    /// What the retry does, for messages: "pegasus-plan_inner of /runs/outer runs again (it
    /// resumes the sub-workflow /runs/outer/00/00/inner_ID1.000, where analyze runs again)".
    public var summary: String {
        guard let inner = through.first else { return "\(jobs.joined(separator: ", ")) run(s) again" }
        return "\(jobs.joined(separator: ", ")) of \(runDirectory) runs again (it resumes the sub-workflow \(inner.runDirectory), where \(inner.jobs.joined(separator: ", ")) run(s) again)"
    }
}
