import Foundation

/// Runs short commands (sbatch, squeue, scancel, scontrol) and returns their output. They go
/// through the engine's `LocalExecutor`, whose reaper owns every child of the process, and
/// each call is counted so benchmarks can say how many Slurm commands a run made.
final class CommandRunner: @unchecked Sendable {
    private let processes: LocalExecutor
    private let lock = NSLock()
    private(set) var counts: [String: Int] = [:]
    private let scratch: String
    private var outputs: OutputFiles

    init(processes: LocalExecutor, scratch: String) {
        self.processes = processes
        self.scratch = scratch
        self.outputs = OutputFiles(folder: scratch)
    }

    deinit {
        outputs.removeAll()
    }

    /// Removes the files commands wrote their output to; any command run later makes new ones.
    func removeOutputFiles() {
        lock.lock()
        defer { lock.unlock() }
        outputs.removeAll()
    }

    /// Blocks the calling thread until the command ends.
    func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let name = (executable as NSString).lastPathComponent
        lock.lock()
        counts[name, default: 0] += 1
        let out = outputs.take()
        lock.unlock()
        defer {
            lock.lock()
            outputs.giveBack(out)
            lock.unlock()
        }
        let spec = LaunchSpec(
            executable: executable, arguments: arguments,
            environment: ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" },
            workingDirectory: scratch, stdin: nil, stdout: out, stderr: out)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status: Int32 = -1
        if processes.launch(spec, done: { exit in
            status = exit.spawnError == nil ? exit.rawStatus : -1
            done.signal()
        }) == nil {
            done.wait()
            return (-1, "cannot run \(executable)")
        }
        done.wait()
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return counts.values.reduce(0, +)
    }
}
