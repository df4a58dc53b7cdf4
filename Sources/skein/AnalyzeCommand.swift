import ArgumentParser
import Foundation
import SkeinReports

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Explain why a run failed: every failed job with its reason, tasks and output, like pegasus-analyzer.",
        discussion: """
            Prints pegasus-analyzer's summary (total, succeeded, failed, held and \
            unsubmitted jobs), then each failed job's last attempt: last state, site, host, \
            the reason (exit code, signal, walltime, failure message, missing output, \
            integrity), its files, every task's executable, arguments, exit code and working \
            directory, and the tail of its stdout and stderr. Jobs that failed but are being \
            retried are listed apart ("Failing jobs"). Works on Skein runs and Pegasus \
            submit directories.

            --job ID shows one job with all its attempts and their state changes.

            Exit codes (as pegasus-analyzer): 0 the run succeeded or is running without \
            failures, 2 it failed (or has failed jobs), 1 an error (not a run, unknown job).

            Examples:
              skein analyze runs/failing/run0001
              skein analyze runs/failing/run0001 --job calibrate
              skein analyze -r runs/hierarchical/run0001
              skein analyze ~/pegasus/submit/run0003 --json | jq '.failedJobs[].reason'
            """)

    @Argument(help: ArgumentHelp("The run directory (a Skein run or a Pegasus submit directory).", valueName: "run"))
    var runDirectory: String

    @Option(name: .long, help: ArgumentHelp("Show this job and all its attempts.", valueName: "id"))
    var job: String?

    @Option(name: .long, help: ArgumentHelp("Lines of each output to show (0: all).", valueName: "n"))
    var tail: Int = AnalysisReader.defaultTail

    @Flag(help: "Print the analysis as JSON on stdout (for scripts; indented on a terminal).")
    var json = false

    @Flag(name: [.customShort("r"), .long], help: "Analyse each failed job's sub-workflow too, down to the jobs that failed in it (pegasus-analyzer -r).")
    var recurse = false

    func run() throws {
        ReportTimings.step("start")
        let style = TextStyle(color: Terminal.colorEnabled(fd: 1), unicode: Terminal.utf8Locale)
        let location: RunLocation
        let report: AnalysisReport
        do {
            location = try RunLocation.locate(runDirectory)
            ReportTimings.step("locate")
            report = try AnalysisReader.read(location, tail: tail, recurse: recurse)
        } catch {
            Terminal.writeError("skein analyze: \(error)\n")
            throw SkeinExit.failure
        }
        for note in location.notes { Terminal.writeError("skein analyze: note: \(note)\n") }
        if let job {
            let analysis: JobAnalysis
            do { analysis = try AnalysisReader.job(job, in: location, tail: tail) } catch {
                Terminal.writeError("skein analyze: \(error)\n")
                throw SkeinExit.failure
            }
            Output.write(json ? try ReportJSON.encode(analysis, pretty: Terminal.isTerminal(1)) + "\n" : AnalysisRenderer.text(analysis, style: style))
        } else {
            Output.write(json ? try ReportJSON.encode(report, pretty: Terminal.isTerminal(1)) + "\n" : AnalysisRenderer.text(report, style: style))
        }
        Output.flush()
        ReportTimings.step("render, write")
        if report.exitCode == 2 {
            Terminal.writeError("skein analyze: Workflow Failed  wf_uuid: \(report.wfUUID ?? "-") submit dir: \(report.submitDirectory)\n")
            throw ExitCode(2)
        }
    }
}
