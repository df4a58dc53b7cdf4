#if canImport(Glibc)
import Glibc
#endif
import Foundation
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
                            userID: uid_t = getuid(), groupID: gid_t = getgid(), usageHelper: String? = ContainerLaunch.usageHelper) -> LaunchSpec {
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
        var command = [spec.executable] + spec.arguments
        // podman and docker start the job under their own daemon or conmon, not under the
        // client Skein waits for: skein-rusage, mounted in, measures the job from inside.
        if kind.usesImageStore, let usageHelper {
            let mounted = "/.skein-rusage"
            arguments.insert(contentsOf: ["--volume", "\(usageHelper):\(mounted):ro"], at: arguments.firstIndex(of: "--workdir") ?? arguments.endIndex)
            command = [mounted, usageFile(spec.workingDirectory, name: name), "--"] + command
        }
        arguments += [container.image] + command
        var wrapped = spec
        wrapped.executable = container.runtimePath
        wrapped.arguments = arguments
        return wrapped
    }

    /// `skein-rusage` beside the running executable (as skein-spawner), or `$SKEIN_RUSAGE`;
    /// nil when it is not there: a container job's rusage is then its runtime client's.
    public static let usageHelper: String? = {
        if let given = ProcessInfo.processInfo.environment["SKEIN_RUSAGE"], !given.isEmpty {
            // A mount source: absolute, or podman and docker would take it for a volume name.
            return given == "none" ? nil : RunDirectory.absolute(given)
        }
        guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let beside = ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("skein-rusage")
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : nil
    }()

    /// Where skein-rusage writes the attempt's usage: in the job's folder, which is mounted.
    static func usageFile(_ workingDirectory: String, name: String) -> String {
        (workingDirectory as NSString).appendingPathComponent(".\(name).rusage")
    }

    /// The attempt's end with the job's own rusage (from skein-rusage's file, then removed)
    /// in place of the runtime client's; unchanged when there is none.
    public static func withJobUsage(_ end: AttemptEnd, workingDirectory: String, name: String) -> AttemptEnd {
        let file = usageFile(workingDirectory, name: name)
        guard case .process(var exit) = end.termination, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return end }
        unlink(file)
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard fields.count == 3, let user = Double(fields[0]), let system = Double(fields[1]), let maxrss = Int(fields[2]) else { return end }
        func time(_ seconds: Double) -> timeval { timeval(tv_sec: Int(seconds), tv_usec: Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded())) }
        exit.usage.ru_utime = time(user)
        exit.usage.ru_stime = time(system)
        exit.usage.ru_maxrss = maxrss
        var changed = end
        changed.termination = .process(exit)
        return changed
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
