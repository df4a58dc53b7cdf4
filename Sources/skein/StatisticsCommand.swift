import ArgumentParser
import Foundation
import SkeinReports

struct Statistics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statistics",
        abstract: "Summarise a run: jobs and tasks by outcome, wall times, badput, per transformation, like pegasus-statistics.",
        discussion: """
            The table pegasus-statistics users know (Type / Succeeded / Failed / Incomplete / \
            Total / Retries / Total+Retries for Tasks, Jobs and Sub-Workflows), the workflow \
            wall time, the cumulative job wall time (from the tasks' records and as seen from \
            the submit side) and its badput (failed attempts), integrity metrics, and a \
            per-transformation breakdown (count, min, max, mean and total runtime, peak \
            memory, CPU use). --jobs adds a row per job attempt (pegasus-statistics' \
            jobs.txt). Works on Skein runs and Pegasus submit directories; the numbers are \
            computed as pegasus-statistics computes them.

            Exit codes: 0 shown, 1 not a run or no database.

            Examples:
              skein statistics runs/diamond/run0001
              skein statistics runs/diamond/run0001 --jobs --format csv > diamond.csv
              skein statistics ~/pegasus/submit/run0003 --json | jq .summary
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv
    }

    @Argument(help: ArgumentHelp("The run directory (a Skein run or a Pegasus submit directory).", valueName: "run"))
    var runDirectory: String

    @Option(name: .long, help: ArgumentHelp("text (tables) or csv.", valueName: "format"))
    var format: Format = .text

    @Flag(help: "Add the per-job table: one row per attempt.")
    var jobs = false

    @Flag(help: "Print the statistics as JSON on stdout (for scripts; indented on a terminal).")
    var json = false

    func run() throws {
        ReportTimings.step("start")
        let report: StatisticsReport
        do {
            report = try StatisticsReader.read(runDirectory, includeJobs: jobs)
        } catch {
            Terminal.writeError("skein statistics: \(error)\n")
            throw SkeinExit.failure
        }
        for note in report.notes { Terminal.writeError("skein statistics: note: \(note)\n") }
        if json {
            Output.write(try ReportJSON.data(report, pretty: Terminal.isTerminal(1)) + [0x0A])
        } else if format == .csv {
            Output.write(StatisticsRenderer.csv(report))
        } else {
            Output.write(StatisticsRenderer.text(report, style: TextStyle(color: Terminal.colorEnabled(fd: 1), unicode: Terminal.utf8Locale)))
        }
        Output.flush()
        ReportTimings.step("render, write")
    }
}
