/// Makes equal values of the jobs of one plan share one copy as they are read.
///
/// Decoding gives every job its own copy of values that are the same for most jobs (the
/// working directory, the executable, the profiles and environment maps): at a million jobs
/// those copies were most of the engine's memory. A Swift string longer than 15 bytes and
/// every dictionary live on the heap and are shared by reference once equal values are
/// replaced by the first one seen, so a job keeps only what is its own.
struct PlanInterner {
    private var strings = Set<String>()
    private var maps = Set<[String: String]>()
    private var hookLists: [[PlannedHook]] = []
    /// The last job with a sandbox: the next one's is usually the same.
    private var sandboxExemplar: ExecutableJob?

    mutating func intern(_ job: inout ExecutableJob) {
        intern(&job.transformation)
        intern(&job.site)
        intern(&job.executor)
        intern(&job.executable)
        intern(&job.workingDirectory)
        intern(&job.category)
        intern(&job.environment)
        intern(&job.profiles)
        intern(&job.metadata)
        if let sandbox = job.sandbox {
            if let exemplar = sandboxExemplar, exemplar.sandbox == sandbox { job.shareSandbox(of: exemplar) } else { sandboxExemplar = job }
        }
        if !job.hooks.isEmpty {
            if let same = hookLists.first(where: { $0 == job.hooks }) { job.hooks = same } else if hookLists.count < 16 { hookLists.append(job.hooks) }
        }
    }

    private mutating func intern(_ text: inout String) {
        guard text.utf8.count > 15 else { return }  // stored inline: nothing to share
        let (inserted, member) = strings.insert(text)
        if !inserted { text = member }
    }

    private mutating func intern(_ text: inout String?) {
        guard var value = text else { return }
        intern(&value)
        text = value
    }

    private mutating func intern(_ map: inout [String: String]) {
        guard !map.isEmpty else { return }
        let (inserted, member) = maps.insert(map)
        if !inserted { map = member }
    }
}
