import Foundation
import SkeinRunFormat

/// The plan of a `condorWorkflow` job's DAG: one local compute job per `JOB` node, running
/// its submit file's executable with its arguments in its `initialdir`, with the DAG's edges
/// and retries. Checked by `DagmanFile` when the parent was planned; read again now, since
/// the DAG may have changed (or been made by a parent job).
public enum DagmanPlan {
    public static func plan(dagFile: String, runDirectory: String, wfUUID: String = UUID().uuidString.lowercased(),
                            now: Double = Date().timeIntervalSince1970, plannerArguments: [String]) throws -> ExecutablePlan {
        let dag = try DagmanFile.read(dagFile)
        if let why = dag.firstRefusal { throw PlanError(messages: ["the DAG \(dagFile) cannot be run by Skein: \(why)"]) }
        var index: [String: Int] = [:]
        for (i, node) in dag.nodes.enumerated() { index[node.name] = i }
        var parents = Array(repeating: [Int](), count: dag.nodes.count)
        for edge in dag.edges {
            guard let p = index[edge.parent], let c = index[edge.child] else {
                throw PlanError(messages: ["the DAG \(dagFile) has an edge \(edge.parent) -> \(edge.child) to a node it does not define"])
            }
            if !parents[c].contains(p) { parents[c].append(p) }
        }
        let label = ((dagFile as NSString).lastPathComponent as NSString).deletingPathExtension
        let jobs = dag.nodes.enumerated().map { i, node in
            ExecutableJob(
                id: node.name, kind: .compute, transformation: "condor::" + (node.executable as NSString).lastPathComponent, site: "local",
                executable: node.executable, arguments: node.arguments, environment: [:], workingDirectory: node.directory,
                retries: node.retries, parents: parents[i])
        }
        let run = (runDirectory as NSString)
        return ExecutablePlan(
            label: label, wfUUID: wfUUID, workflowFile: dagFile, runDirectory: runDirectory,
            // The nodes run in their own folders; the run's scratch sits beside the run folder, never in it.
            scratchDirectory: runDirectory + ".scratch",
            outputDirectory: run.appendingPathComponent("output"), createdAt: now, plannerArguments: plannerArguments, jobs: jobs)
    }
}
