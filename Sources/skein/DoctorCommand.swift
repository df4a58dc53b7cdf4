import ArgumentParser
import CCurl
import CNcursesw
import CSQLite
import Foundation
import SkeinEngine
import SkeinRuns

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the libraries Skein runs with and what the terminal supports.",
        discussion: """
            Useful in bug reports and on a new login node: prints the versions of SQLite, \
            libcurl and ncurses Skein is linked against, whether colour and Unicode will be \
            used, whether the helpers Skein runs beside itself are there (skein-spawner \
            starts local jobs, skein-kickstart wraps batch jobs, skein-rusage measures container jobs), and whether Slurm's \
            sbatch is on the PATH.

            Examples:
              skein doctor
              NO_COLOR=1 LANG=C skein doctor    # what a plain terminal gets
            """)

    func run() throws {
        print("skein       \(SkeinVersion.current)")
        print("sqlite      \(String(cString: sqlite3_libversion()))")
        print("libcurl     \(String(cString: skein_curl_version()))")
        print("ncurses     \(String(cString: curses_version()))")
        print("utf-8       \(Terminal.utf8Locale ? "yes" : "no (ASCII drawing)")")
        print("colour      \(Terminal.colorEnabled(fd: 1) ? "yes" : "no")")
        if let spawner = LocalExecutor.spawnerPath {
            print("spawner     " + helper(spawner, missing: "local jobs are started by the engine itself; their maxrss includes its memory"))
        } else {
            print("spawner     off (SKEIN_SPAWNER=none)")
        }
        print("kickstart   " + helper(EngineProcess.kickstartPath, missing: "Slurm jobs cannot run"))
        print("rusage      " + (ContainerLaunch.usageHelper ?? "missing: skein-rusage (podman and docker jobs' records then hold the runtime client's rusage; install it beside skein)"))
        print("sbatch      \(Self.onPath("sbatch") ?? "not on the PATH (only needed for Slurm sites)")")
    }

    private func helper(_ path: String, missing: String) -> String {
        FileManager.default.isExecutableFile(atPath: path) ? path : "missing: \(path) (\(missing); install it beside skein)"
    }

    static func onPath(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
