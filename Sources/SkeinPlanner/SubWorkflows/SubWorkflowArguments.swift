/// A sub-workflow job's arguments read as pegasus-plan reads them (the Pegasus API's
/// `SubWorkflow(...).add_args(...)`): the options that shape the child's plan are kept, the
/// ones about Pegasus's own submit directory layout (`--dir`, `--relative-dir`, `--basename`,
/// verbosity) are accepted and have no effect, since Skein places the child itself. An
/// unknown option is an error when the parent is planned, not when the child's turn comes.
/// (`skein plan`'s own options are ArgumentParser's, in the CLI target; these follow
/// pegasus-plan's names, where `--sites` is the sites to run, not a catalog file.)
public struct SubWorkflowArguments: Sendable, Equatable {
    public var sitesToRun: [String]?
    public var outputSite: String?
    public var cleanup: PlanOptions.Cleanup?
    /// `--cluster`/`-C` values (horizontal, label), in order.
    public var clusters: [String] = []
    /// `--force`: no data reuse.
    public var force = false
    /// `--force-replan`: a retried sub-workflow job is planned again instead of resumed.
    public var forceReplan = false
    /// `--conf FILE`, as written (relative to the parent's scratch or workflow folder).
    public var properties: String?
    /// `-Dkey=value` properties, in order.
    public var defines: [(key: String, value: String)] = []

    public static func == (a: Self, b: Self) -> Bool {
        a.sitesToRun == b.sitesToRun && a.outputSite == b.outputSite && a.cleanup == b.cleanup && a.clusters == b.clusters && a.force == b.force
            && a.forceReplan == b.forceReplan && a.properties == b.properties && a.defines.map { "\($0.key)=\($0.value)" } == b.defines.map { "\($0.key)=\($0.value)" }
    }

    /// Options that take a value and change nothing here (Pegasus's submit layout, caches).
    static let ignoredWithValue: Set<String> = [
        "--dir", "-d", "--relative-dir", "--relative-submit-dir", "--basename", "-b", "--input-dir", "-I", "--output-dir", "-O",
        "--staging-site", "--cache", "-c", "--inherited-rc-files", "--output-map", "--job-prefix", "-j", "--transformations-dir",
    ]
    /// Flags that change nothing here.
    static let ignoredFlags: Set<String> = ["--verbose", "-v", "-vv", "-vvv", "-vvvv", "--quiet", "-q", "--deferred", "--submit", "-S", "--randomdir", "--json"]

    public init() {}

    /// Parses `arguments`; throws naming the first option it does not know or whose value is missing.
    public init(parsing arguments: [String]) throws {
        var i = 0
        func value(_ option: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw SubWorkflowArgumentError("option \(option) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            var word = arguments[i]
            var inline: String?
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                inline = String(word[word.index(after: eq)...])
                word = String(word[..<eq])
            }
            func take() throws -> String {
                if let inline { return inline }
                return try value(word)
            }
            switch word {
            case "--sites", "-s", "--sites-to-run":
                sitesToRun = try take().split(separator: ",").map(String.init)
            case "--output-sites", "--output-site", "-o":
                outputSite = try take().split(separator: ",").first.map(String.init)
            case "--cleanup":
                let text = try take()
                guard let mode = PlanOptions.Cleanup(rawValue: text) else {
                    throw SubWorkflowArgumentError("--cleanup takes inplace, leaf or none, not '\(text)'")
                }
                cleanup = mode
            case "--cluster", "-C":
                let methods = try take().split(separator: ",").map(String.init)
                if let wrong = methods.first(where: { PlanOptions.Clustering(rawValue: $0) == nil }) {
                    throw SubWorkflowArgumentError("--cluster takes horizontal or label, not '\(wrong)'")
                }
                clusters += methods
            case "--force", "-f":
                force = true
            case "--force-replan":
                forceReplan = true
            case "--conf":
                properties = try take()
            case "--nocleanup":
                cleanup = PlanOptions.Cleanup.none
            case _ where word.hasPrefix("-D") && word.count > 2:
                let define = word.dropFirst(2)
                guard let eq = define.firstIndex(of: "=") else { throw SubWorkflowArgumentError("\(word): a property is -Dkey=value") }
                defines.append((String(define[..<eq]), String(define[define.index(after: eq)...])))
            case _ where Self.ignoredWithValue.contains(word):
                _ = try take()
            case _ where Self.ignoredFlags.contains(word):
                break
            case _ where !word.hasPrefix("-"):
                throw SubWorkflowArgumentError("'\(word)' is not a pegasus-plan option (the workflow file is the job's `file`)")
            default:
                throw SubWorkflowArgumentError("unknown pegasus-plan option '\(word)' (known: --sites, --output-sites, --cleanup, --cluster, --force, --force-replan, --conf, -Dkey=value)")
            }
            i += 1
        }
    }
}

public struct SubWorkflowArgumentError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
