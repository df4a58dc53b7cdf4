import Foundation
import SkeinProperties

/// How `skein plan` maps an abstract workflow onto this machine.
public struct PlanOptions: Sendable {
    /// pegasus-plan `--cleanup`: when files in the scratch folder are removed.
    public enum Cleanup: String, Sendable, CaseIterable {
        /// Each file as soon as no job needs it any more (Pegasus's default).
        case inplace
        /// The whole scratch folder once everything is done (needs an output site).
        case leaf
        /// Nothing: the scratch folder keeps every file.
        case none
    }

    /// pegasus-plan `--cluster`: how jobs are merged into clustered jobs, applied in order.
    public enum Clustering: String, Sendable, CaseIterable {
        /// Jobs of one transformation on one level and site, by `clusters.size` / `clusters.num`.
        case horizontal
        /// Jobs with the same `pegasus.label` profile (key: `pegasus.clusterer.label.key`).
        case label
    }

    /// Runs go in `baseDirectory/<label>/runNNNN`.
    public var baseDirectory: String
    /// Sites jobs may run on, in order of preference (pegasus-plan `--sites`).
    public var sitesToRun: [String]
    /// Where outputs are staged out to (pegasus-plan `--output-sites`).
    public var outputSite: String
    /// Whether `stageOut: true` outputs are staged out: as pegasus-plan, only when an output
    /// site was given; otherwise they stay in the scratch folder.
    public var stageOut: Bool
    public var cleanup: Cleanup
    /// Data reuse: leave out jobs whose outputs already exist (pegasus-plan without `--force`).
    public var reuse: Bool
    /// Retries for jobs and workflows that set no `dagman.RETRY`.
    public var defaultRetries: Int
    /// The command line that asked for the plan, recorded in braindump and provenance.
    public var plannerArguments: [String]
    /// The Pegasus properties in effect; nil = `pegasus.properties` beside the workflow.
    public var properties: PegasusProperties?
    /// Container runtimes jobs with a `container:` may use, in order of preference; nil =
    /// those `ContainerRuntimes.discover` finds on this machine when planning.
    public var containerRuntimes: [ContainerRuntime]?

    /// pegasus-plan `--relative-dir`: the run folder under `baseDirectory`, and the scratch
    /// folder under the site's sharedScratch (instead of `<label>/runNNNN` and `<label>/<uuid>`).
    public var relativeDirectory: String?
    /// Files of earlier runs (pegasus-plan `--reuse`): replicas after the catalog's.
    public var reusedReplicas: [ReusedReplica] = []
    /// Clustering methods in the order given; empty (the default) clusters nothing.
    public var clustering: [Clustering] = []
    /// pegasus-plan `--staging-site`: the staging site of each execution site under
    /// nonsharedfs (key "" = every site).
    public var stagingSites: [String: String] = [:]

    public init(baseDirectory: String = "runs", sitesToRun: [String] = ["local"], outputSite: String = "local", stageOut: Bool = false, cleanup: Cleanup = .inplace, reuse: Bool = true, defaultRetries: Int = 0, plannerArguments: [String] = [], properties: PegasusProperties? = nil,
                stagingSites: [String: String] = [:]) {
        self.baseDirectory = baseDirectory
        self.sitesToRun = sitesToRun
        self.outputSite = outputSite
        self.stageOut = stageOut
        self.cleanup = cleanup
        self.reuse = reuse
        self.defaultRetries = defaultRetries
        self.plannerArguments = plannerArguments
        self.properties = properties
        self.stagingSites = stagingSites
    }
}

extension PlanOptions {
    /// pegasus-plan's `--staging-site` text: `exec=staging[,exec=staging...]`, or a bare
    /// site for every execution site (key ""). Nil names the part that is neither.
    public static func stagingSites(_ text: String) -> [String: String]? {
        var sites: [String: String] = [:]
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pair = part.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
            switch pair.count {
            case 1: sites[""] = pair[0]
            case 2 where !pair[0].isEmpty && !pair[1].isEmpty: sites[pair[0]] = pair[1]
            default: return nil
            }
        }
        return sites
    }
}

/// Why a valid workflow cannot be planned here (a site without the transformation, ...).
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var messages: [String]
    public var description: String { messages.joined(separator: "\n") }
}
