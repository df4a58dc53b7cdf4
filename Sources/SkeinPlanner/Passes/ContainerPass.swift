import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Jobs whose transformation names a `container:` run inside its image, through the first
/// container runtime found here that can run it (`ContainerRuntimes`). As Pegasus treats
/// the image as an input of the job, each container's image is made ready once per run,
/// before the jobs that use it: an image file is staged into the scratch folder by a
/// `stage_in_container_*` transfer job (sha256-checked when the catalog gives one; left
/// where it is with `bypass: true`), then a `load_container_*` job pulls or loads it into
/// the runtime's store under a tag of this run (podman, docker) or builds a `.sif`
/// (apptainer, singularity; a `.sif` file needs no load). A separate job rather than a step
/// of the first job: it runs once however many jobs start at the same time, has its own
/// record and retries, and a failed pull names the image instead of failing a user's job.
/// Once every job of a container has succeeded, `clean_up_container_*` removes the run's
/// tag and the files it made for the image (unless `--cleanup none`).
struct ContainerPass: PlannerPass {
    let name = "containers"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard let catalog = context.loaded.transformations, !catalog.containers.isEmpty else { return }
        var containers: [String: Container] = [:]
        for c in catalog.containers where containers[c.name] == nil { containers[c.name] = c }
        let createDir = workflow.jobs.first { $0.job.kind == .createDir }?.job.id
        var ready: [String: (container: PlannedContainer, parent: String?, leftovers: [String])] = [:]
        var users: [String: [String]] = [:]
        var order: [String] = []
        var refused = Set<String>()
        var refusedSites = Set<String>()
        var added: [PlannedJob] = []
        var taken = workflow.jobIDs(context)
        // Containers a batch-system job uses want an image file the nodes can read.
        let onNodes = Set(workflow.jobs.compactMap { $0.job.executor == "local" ? nil : $0.placement?.entry.container })
        for i in workflow.jobs.indices {
            guard let placement = workflow.jobs[i].placement, let name = placement.entry.container, let container = containers[name],
                !refused.contains(name)
            else { continue }
            if ready[name] == nil {
                switch prepare(container, workflow, context, createDir: createDir, onNodes: onNodes.contains(name), taken: &taken) {
                case .failure(let problem):
                    workflow.problems.append(location(container, context) + problem(workflow.jobs[i].job.transformation))
                    refused.insert(name)
                    continue
                case .success(let prepared):
                    added += prepared.jobs
                    ready[name] = (prepared.container, prepared.jobs.last?.job.id, prepared.leftovers)
                    order.append(name)
                }
            }
            guard let (planned, parent, _) = ready[name] else { continue }
            let job = workflow.jobs[i].job
            if job.executor != "local", ContainerRuntimeKind(rawValue: planned.runtime)?.usesImageStore == true {
                if refusedSites.insert("\(name)\u{0}\(job.site)").inserted {
                    workflow.problems.append(location(container, context) + "job '\(job.id)' runs on \(job.executor) site '\(job.site)' in container '\(name)', but \(planned.runtime) keeps its images on this machine only: give the container a .sif image (apptainer or singularity on the nodes) or run the job on a local site")
                }
                continue
            }
            let staged = workflow.stagedExecutables.contains { $0.target == job.executable }
            workflow.jobs[i].job.container = Self.forJob(planned, job, stagedExecutable: staged)
            // The container's own env profiles, as Pegasus exports them in the container;
            // the job's environment wins.
            for (key, value) in EffectiveProfiles(layers: [container.profiles]).environment where job.environment[key] == nil {
                workflow.jobs[i].job.environment[key] = value
            }
            if let parent, !workflow.jobs[i].parentIDs.contains(parent) { workflow.jobs[i].parentIDs.append(parent) }
            users[name, default: []].append(job.id)
        }
        let insertAt = workflow.jobs.firstIndex { $0.job.kind != .createDir } ?? workflow.jobs.count
        workflow.jobs.insert(contentsOf: added, at: insertAt)
        guard context.options.cleanup != .none else { return }
        for name in order {
            guard let (planned, _, leftovers) = ready[name], let jobs = users[name], !jobs.isEmpty,
                let cleanup = cleanupJob(planned, leftovers: leftovers, workflow, context, taken: &taken)
            else { continue }
            workflow.jobs.append(PlannedJob(job: cleanup, parentIDs: jobs))
        }
    }

    /// The container as one job runs it: its staged executable mounted read-only, its
    /// `pegasus.container.arguments`, and GPUs when it asks for them.
    static func forJob(_ planned: PlannedContainer, _ job: ExecutableJob, stagedExecutable: Bool) -> PlannedContainer {
        var container = planned
        if stagedExecutable { container.mounts.append("\(job.executable):\(job.executable):ro") }
        let profiles = job.profiles
        if let extra = profiles["pegasus.container.arguments"] {
            container.arguments = extra.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        if [profiles["pegasus.gpus"], profiles["condor.request_gpus"]].contains(where: { $0.flatMap(Int.init).map { $0 > 0 } == true }) {
            container.gpus = true
        }
        return container
    }

    /// Removes the run's tag and the image files the run made; nil when there is neither.
    func cleanupJob(_ planned: PlannedContainer, leftovers: [String], _ workflow: ExecutableWorkflow, _ context: PlanningContext,
                    taken: inout TakenIDs) -> ExecutableJob? {
        let tag = ContainerRuntimeKind(rawValue: planned.runtime)?.usesImageStore == true ? planned.image : ""
        if tag.isEmpty && leftovers.isEmpty { return nil }
        return ExecutableJob(
            id: ExecutableWorkflow.unusedID("clean_up_container_\(Self.safeName(planned.name))", taken: &taken), kind: .cleanup,
            transformation: "skein::container-cleanup", site: "local", executable: "/bin/sh",
            arguments: ["-c", Self.cleanupScript, "skein-container-cleanup", planned.runtimePath, tag] + leftovers, environment: [:],
            workingDirectory: workflow.scratchDirectory, retries: context.options.defaultRetries, parents: [])
    }

    /// The container as jobs run it, and the jobs (in order) that make its image ready.
    struct Prepared {
        var container: PlannedContainer
        var jobs: [PlannedJob]
        /// Files the run made for the image (a staged archive, a built `.sif`), removed
        /// with the run's tag once every job of the container has succeeded.
        var leftovers: [String] = []
    }

    /// A problem is a message given the transformation that asked for the container.
    enum Preparation {
        case success(Prepared)
        case failure((String) -> String)
    }

    func prepare(_ container: Container, _ workflow: ExecutableWorkflow, _ context: PlanningContext, createDir: String?, onNodes: Bool,
                 taken: inout TakenIDs) -> Preparation {
        guard let image = ContainerImage(container.image) else {
            return .failure { _ in
                "container '\(container.name)' has image '\(container.image)', which Skein cannot fetch: give docker://NAME:TAG, library://..., or the path or URL (file, http, https, scp, sftp) of an image archive (.tar) or a .sif file"
            }
        }
        let runtimes = context.options.containerRuntimes ?? []
        let capable = runtimes.filter { $0.canRun(type: container.type, image: image) }
        guard let runtime = (onNodes ? capable.first { !$0.kind.usesImageStore } : nil) ?? capable.first else {
            return .failure { transformation in Self.noRuntime(transformation, container, image, runtimes) }
        }
        let safe = Self.safeName(container.name)
        var jobs: [PlannedJob] = []
        var parents = createDir.map { [$0] } ?? []
        // Where the image file is when the load job (or the container jobs) read it.
        var imageFile: String?
        if case .file(let location, let format) = image {
            let local = CatalogPaths.localPath(location, relativeTo: context.loaded.transformationsFile)
            if let local, container.bypass == true {
                imageFile = local
            } else {
                let suffix = format == .singularityImage ? ".sif" : (location.lowercased().hasSuffix(".tar") ? ".tar" : ".tar.gz")
                let lfn = "container-\(safe)\(suffix)"
                let destination = (workflow.scratchDirectory as NSString).appendingPathComponent(lfn)
                var job = ExecutableJob(
                    id: ExecutableWorkflow.unusedID("stage_in_container_\(safe)", taken: &taken), kind: .stageIn, transformation: "pegasus::transfer",
                    site: "local", executor: StagingPass.executor, executable: "", arguments: [], environment: [:],
                    workingDirectory: workflow.scratchDirectory, retries: context.options.defaultRetries, parents: [])
                job.transfers = [PlannedTransfer(lfn: lfn, source: local ?? location, destination: destination, sha256: container.checksum?.sha256, link: true)]
                jobs.append(PlannedJob(job: job, parentIDs: parents))
                parents = [job.id]
                imageFile = destination
            }
        }
        let sif = (workflow.scratchDirectory as NSString).appendingPathComponent("container-\(safe).sif")
        let load: (image: String, executable: String, arguments: [String])?
        switch (runtime.kind.usesImageStore, image) {
        case (true, _):
            let tag = "localhost/skein/\(safe.lowercased()):\(Self.safeName(workflow.wfUUID))"
            if let imageFile {
                load = (tag, "/bin/sh", ["-c", Self.loadScript, "skein-container-load", runtime.path, imageFile, tag])
            } else {
                load = (tag, "/bin/sh", ["-c", Self.pullScript, "skein-container-pull", runtime.path, image.pullReference(for: runtime.kind) ?? "", tag])
            }
        case (false, .file(_, .singularityImage)):
            load = nil
        case (false, .file):
            load = (sif, runtime.path, ["build", "--force", sif, "docker-archive:" + (imageFile ?? "")])
        case (false, .registry(let scheme, let reference)):
            load = (sif, runtime.path, ["pull", "--force", sif, (scheme == "shifter" ? "docker" : scheme) + "://" + reference])
        }
        if let load {
            let job = ExecutableJob(
                id: ExecutableWorkflow.unusedID("load_container_\(safe)", taken: &taken), kind: .stageIn, transformation: "skein::container-load",
                site: "local", executable: load.executable, arguments: load.arguments, environment: [:], workingDirectory: workflow.scratchDirectory,
                retries: context.options.defaultRetries, parents: [])
            jobs.append(PlannedJob(job: job, parentIDs: parents))
        }
        let planned = PlannedContainer(
            name: container.name, type: container.type, runtime: runtime.kind.rawValue, runtimePath: runtime.path,
            image: load?.image ?? imageFile ?? "", mounts: container.mounts)
        var leftovers: [String] = []
        if let imageFile, imageFile.hasPrefix(workflow.scratchDirectory + "/") { leftovers.append(imageFile) }
        if let load, load.image == sif { leftovers.append(sif) }
        return .success(Prepared(container: planned, jobs: jobs, leftovers: leftovers))
    }

    /// `$1` the runtime, `$2` the archive, `$3` this run's tag: load, then tag what was loaded
    /// (podman and docker both end their output with `Loaded image...: REFERENCE`).
    static let loadScript = #"set -e; out=$("$1" load -q -i "$2"); ref=${out##*: }; "$1" tag "$ref" "$3""#
    /// `$1` the runtime, `$2` the registry reference, `$3` this run's tag.
    static let pullScript = #"set -e; ref=$("$1" pull -q "$2" | tail -n 1); "$1" tag "$ref" "$3""#

    /// `$1` the runtime, `$2` the run's tag (empty: none), then the files to remove. The
    /// image stays in the store while another tag names it.
    static let cleanupScript = #"rt=$1; tag=$2; shift 2; if [ -n "$tag" ]; then "$rt" rmi "$tag" >/dev/null; fi; rm -f -- "$@""#

    static func noRuntime(_ transformation: String, _ container: Container, _ image: ContainerImage, _ runtimes: [ContainerRuntime]) -> String {
        let wanted: String
        switch (container.type, image) {
        case (_, .file(_, .singularityImage)), (_, .registry("library", _)), (_, .registry("shub", _)), (_, .registry("oras", _)):
            wanted = "apptainer (or singularity)"
        default:
            wanted = "podman (apt-get install podman), docker or apptainer"
        }
        let found = runtimes.isEmpty
            ? "no container runtime was found (looked for \(ContainerRuntimeKind.allCases.map(\.rawValue).joined(separator: ", ")) on PATH, or as \(ContainerRuntimes.variable) names)"
            : "the runtimes found (\(runtimes.map(\.kind.rawValue).joined(separator: ", "))) cannot run it"
        return "transformation '\(transformation)' runs in \(container.type) container '\(container.name)' (image \(container.image)), but \(found): install \(wanted), or set \(ContainerRuntimes.variable) to one that is installed"
    }

    func location(_ container: Container, _ context: PlanningContext) -> String {
        guard container.mark.line > 0 else { return "" }
        return "\(context.loaded.transformationsFile):\(container.mark.line):\(container.mark.column): "
    }

    /// Letters, digits, `_`, `.` and `-` only: for job ids, file names and image tags.
    static func safeName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") ? $0 : "_" })
    }
}
