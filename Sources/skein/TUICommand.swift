#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import SkeinTUI

/// `skein tui [DIR...]`, and `skein` alone on a terminal: the full-screen UI.
struct TUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen terminal UI: every run, live, with retry and kill at a key.",
        discussion: """
            Lists every run in the registry (and any Skein run directory or Pegasus submit \
            directory given, and the runs Pegasus's ~/.pegasus/workflow.db knows). Enter \
            opens a run: its jobs as a DAG tree, live. Enter on a job shows its definition, \
            attempts, kickstart record, stdout and stderr. `a` shows the failures, `t` the \
            statistics and a timeline, `r` retries, `K` kills, `?` lists every key. \
            `skein` with no arguments on a terminal opens it too.

            Themes (--theme, SKEIN_THEME, `theme:` in ~/.config/skein/tui.yml, or :theme \
            inside): default, light, high-contrast, monochrome, or a file of your own. \
            NO_COLOR turns colours off. Glyphs fall back to ASCII when the locale is not \
            UTF-8, or with --ascii.

            Examples:
              skein tui
              skein tui runs/failing/run0001
              skein tui ~/pegasus/submit/run0003 --theme light
            """)

    @Argument(help: "Skein run directories or Pegasus submit directories to show (one: open it at once).")
    var directories: [String] = []

    @Option(help: "Colour theme: default, light, high-contrast, monochrome, or a theme file.")
    var theme: String?

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (text selection).")
    var noMouse = false

    @Flag(help: ArgumentHelp("Time opening each DIR and redrawing per key, without a terminal (Benchmarks/tui-model.sh).", visibility: .hidden))
    var benchmark = false

    @Option(name: .customLong("benchmark-log"), help: ArgumentHelp("With --benchmark-job and --benchmark-needle: time the log viewer on this job's huge stdout FILE (Benchmarks/tui-log.sh).", visibility: .hidden))
    var benchmarkLog: String?
    @Option(name: .customLong("benchmark-job"), help: ArgumentHelp("The job whose log --benchmark-log times.", visibility: .hidden))
    var benchmarkJob: String?
    @Option(name: .customLong("benchmark-needle"), help: ArgumentHelp("A text only on the log's last line.", visibility: .hidden))
    var benchmarkNeedle: String?

    func run() throws {
        if let log = benchmarkLog, let job = benchmarkJob, let needle = benchmarkNeedle, let dir = directories.first {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let result = try LogBenchmark.run(runDirectory: dir, job: job, logPath: log, needle: needle, skeinExecutable: executable,
                                              environment: ProcessInfo.processInfo.environment)
            print(LogBenchmark.report(result))
            return
        }
        if benchmark {
            var results: [(String, TUIBenchmark.Result)] = []
            for dir in directories {
                results.append(((dir as NSString).lastPathComponent, try TUIBenchmark.run(directory: dir)))
            }
            print(TUIBenchmark.table(results))
            return
        }
        for dir in directories where !FileManager.default.fileExists(atPath: dir) {
            throw ValidationError("no such directory: \(dir)")
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            // `skein` alone in a pipe or a script: the help, as before the TUI existed.
            if CommandLine.arguments.count <= 1 {
                print(Skein.helpMessage())
                return
            }
            Terminal.writeError("skein tui: needs a terminal; for scripts use `skein status`, `skein analyze` or `skein statistics`\n")
            throw ExitCode(1)
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let options = TUIOptions(directories: directories, theme: theme, ascii: ascii, mouse: !noMouse, skeinExecutable: executable)
        let app = TUIApplication(options: options, backend: NcursesBackend(mouse: !noMouse))
        let code: Int32
        do {
            code = try app.run()
        } catch {
            Terminal.writeError("skein tui: \(error)\n")
            throw ExitCode(1)
        }
        if code != 0 { throw ExitCode(code) }
    }
}
