import Glibc
import SkeinKickstart

/// `skein-kickstart --array FILE`: the interpreter of a Slurm job array's script Skein wrote
/// (`#!/path/skein-kickstart --array`). Task N (`SLURM_ARRAY_TASK_ID`) runs the N-th batch
/// script of the `set -- SCRIPT LOG SCRIPT LOG ...` line as `--script` would, its stdout and
/// stderr in LOG (the attempt's own Slurm log), in this process: no shell starts in the slot.
/// The script stays valid sh (its last line does the same with `shift` and `exec`).
enum ArrayMode {
    static func run(_ argv: [String], start: Double, handledSignals: [Int32]) -> Int32 {
        guard argv.count >= 3 else {
            printError("skein-kickstart: --array needs the script's path\n")
            return 127
        }
        let path = argv[2]
        guard let index = getenv("SLURM_ARRAY_TASK_ID").flatMap({ Int(String(cString: $0)) }), index >= 0 else {
            printError("skein-kickstart: " + path + ": SLURM_ARRAY_TASK_ID is not set; run the array with sbatch\n")
            return 127
        }
        guard let content = CapturedText.read(path: path, keep: Int.max / 4) else {
            printError("skein-kickstart: cannot read the array script " + path + ": " + errorText(errno) + "\n")
            return 127
        }
        guard let task = task(index, in: content.text) else {
            printError("skein-kickstart: " + path + ": no task " + String(index) + " in its set -- line; run the script with /bin/sh\n")
            return 127
        }
        let log = open(task.slurmLog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if log >= 0 {
            dup2(log, 1)
            dup2(log, 2)
            close(log)
        }
        return ScriptMode.run([argv[0], "--script", task.script], start: start, handledSignals: handledSignals)
    }

    /// The script and log of task `index`, from the `set --` line.
    static func task(_ index: Int, in text: String) -> (script: String, slurmLog: String)? {
        for raw in text.utf8.split(separator: UInt8(ascii: "\n")) where raw.starts(with: "set -- ".utf8) {
            // words: set, --, then a script and a log per task
            guard case .success(let words) = ScriptMode.split(Array(raw), from: 0), words.count >= 2 * index + 4 else { return nil }
            return (words[2 * index + 2], words[2 * index + 3])
        }
        return nil
    }
}
