#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinEngine
import SkeinRunFormat

/// The engine as a process of its own: `skein run RUNDIR --batch` (or `skein retry RUNDIR
/// JOB... --batch`, which runs only the named failed jobs again). It reads the run's stored
/// settings, so its command line carries none.
public enum EngineProcess {
    /// The `skein` arguments that run the engine for `runDirectory` in the foreground.
    public static func arguments(runDirectory: String, retrying jobs: [String] = []) -> [String] {
        jobs.isEmpty ? ["run", runDirectory, "--batch"] : ["retry", runDirectory] + jobs + ["--batch"]
    }

    /// This process's executable (the `skein` binary when the CLI or the TUI runs).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// skein-kickstart, installed beside skein; Slurm nodes run it around each job.
    public static var kickstartPath: String {
        ((currentExecutable as NSString).deletingLastPathComponent as NSString).appendingPathComponent("skein-kickstart")
    }

    /// Starts the engine in a new session with its output in engine.log, so it outlives the
    /// terminal and the SSH connection; returns its pid.
    public static func detach(runDirectory: String, retrying jobs: [String] = [], executable: String,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int32 {
        let layout = RunLayout(runDirectory: runDirectory)
        let spec = LaunchSpec(
            executable: executable, arguments: arguments(runDirectory: runDirectory, retrying: jobs),
            environment: environment.map { "\($0.key)=\($0.value)" },
            workingDirectory: FileManager.default.currentDirectoryPath, stdin: nil, stdout: layout.engineLog, stderr: layout.engineLog)
        guard let pid = LocalExecutor.shared.launch(spec, newSession: true, done: { _ in }) else {
            throw RunsError("could not start the engine (\(executable))")
        }
        return pid
    }

    /// Replaces this process with the engine for `runDirectory`; returns only if that fails.
    /// Planning a large workflow leaves its memory behind: the engine starts in a fresh
    /// process image instead, so a run costs what the engine needs.
    public static func exec(runDirectory: String, executable: String) {
        fflush(nil)
        let argv = [executable] + arguments(runDirectory: runDirectory)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        execv(executable, cArgs)
        for p in cArgs { free(p) }
    }
}
