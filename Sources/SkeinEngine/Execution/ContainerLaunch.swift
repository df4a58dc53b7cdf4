#if canImport(Glibc)
import Glibc
#endif
import SkeinRunFormat

/// Puts a job's launch inside its container: the process Skein starts (and whose exit
/// status, rusage and record are the attempt's) is the runtime's `run`/`exec`, with the
/// job's own command, environment and folder inside. The working folder, the linked
/// inputs' sources (read-only) and the catalog's mounts are bind-mounted at the same paths,
/// so paths in arguments mean the same inside and out. Only the job's environment (its
/// `env` profiles and the `PEGASUS_*` variables) goes in, not the engine's own: the host's
/// PATH would hide the image's. The runtime itself keeps the engine's environment.
public enum ContainerLaunch {
    public static func wrap(_ spec: LaunchSpec, job: ExecutableJob, container: PlannedContainer, name: String,
                            userID: uid_t = getuid(), groupID: gid_t = getgid()) -> LaunchSpec {
        let kind = ContainerRuntimeKind(rawValue: container.runtime) ?? .podman
        let inside = spec.environment.filter { entry in
            let key = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return key.hasPrefix("PEGASUS_") || job.environment[key] != nil
        }
        var sources: [String] = []
        for link in job.inputLinks where link.source.hasPrefix("/") && !sources.contains(link.source) { sources.append(link.source) }
        var arguments: [String]
        if kind.usesImageStore {
            // --init: the job's command is not the container's pid 1, which ignores SIGTERM,
            // so a walltime or a stop ends it within the grace, as on the host.
            arguments = ["run", "--rm", "--init", "--name", name, "--pull", "never", "--entrypoint", ""]
            if spec.stdin != nil { arguments.append("--interactive") }
            if userID != 0 { arguments += kind == .podman ? ["--userns", "keep-id"] : ["--user", "\(userID):\(groupID)"] }
            arguments += ["--volume", "\(spec.workingDirectory):\(spec.workingDirectory)", "--workdir", spec.workingDirectory]
            for source in sources { arguments += ["--volume", "\(source):\(source):ro"] }
            for mount in container.mounts { arguments += ["--volume", mount] }
            for entry in inside { arguments += ["--env", entry] }
            if container.gpus == true { arguments += kind == .podman ? ["--device", "nvidia.com/gpu=all"] : ["--gpus", "all"] }
        } else {
            arguments = ["exec", "--no-home", "--cleanenv", "--pwd", spec.workingDirectory, "--bind", spec.workingDirectory]
            for source in sources { arguments += ["--bind", "\(source):\(source):ro"] }
            for mount in container.mounts { arguments += ["--bind", mount] }
            for entry in inside { arguments += ["--env", entry] }
            if container.gpus == true { arguments.append("--nv") }
        }
        arguments += container.arguments ?? []
        arguments += [container.image, spec.executable] + spec.arguments
        var wrapped = spec
        wrapped.executable = container.runtimePath
        wrapped.arguments = arguments
        return wrapped
    }

    /// `RUNTIME rm -f NAME` when the runtime's client was killed outright (SIGKILL after the
    /// grace): its container may live on without it. nil when nothing can be left over.
    public static func leftoverRemoval(after termination: AttemptTermination, container: PlannedContainer, name: String, environment: [String]) -> LaunchSpec? {
        guard ContainerRuntimeKind(rawValue: container.runtime)?.usesImageStore == true, termination.process?.signal == SIGKILL else { return nil }
        return LaunchSpec(executable: container.runtimePath, arguments: ["rm", "-f", name], environment: environment, workingDirectory: "/",
                          stdin: nil, stdout: "/dev/null", stderr: "/dev/null")
    }

    /// A name for the attempt's container that podman and docker accept, unique in the run.
    public static func containerName(workflowUUID: String, job: String, attempt: Int) -> String {
        let safe = String("skein-\(workflowUUID.prefix(8))-\(job)-\(attempt)".map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") ? $0 : "_" })
        return String(safe.prefix(200))
    }
}
