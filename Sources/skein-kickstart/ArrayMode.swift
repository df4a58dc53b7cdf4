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

    /// The script and log of task `index`, from the `set --` line. Only those two words are
    /// made: every task of a 500-task array reads the whole line, and splitting it all into
    /// strings was ~1.7 ms of CPU in each task's Slurm slot.
    static func task(_ index: Int, in text: String) -> (script: String, slurmLog: String)? {
        var text = text
        return text.withUTF8 { bytes -> (script: String, slurmLog: String)? in
            let prefix = Array("set -- ".utf8)
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                if lineEnd - lineStart >= prefix.count, prefix.indices.allSatisfy({ bytes[lineStart + $0] == prefix[$0] }) {
                    let found = words(bytes, from: lineStart + prefix.count, to: lineEnd, first: 2 * index, count: 2)
                    return found.count == 2 ? (found[0], found[1]) : nil
                }
                lineStart = lineEnd + 1
            }
            return nil
        }
    }

    /// Words `first ..< first + count` of `bytes[from ..< to]`, in the engine's quoting (as
    /// `ScriptMode.split`: blanks separate, '…' quotes, a backslash takes the next byte).
    static func words(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, first: Int, count: Int) -> [String] {
        var found: [String] = []
        var word: [UInt8] = []
        var number = 0
        var inWord = false
        var index = from
        func end() {
            if inWord, number >= first { found.append(String(decoding: word, as: UTF8.self)) }
            if inWord { number += 1 }
            word.removeAll(keepingCapacity: true)
            inWord = false
        }
        while index < to, found.count < count {
            let byte = bytes[index]
            let keep = number >= first
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                end()
            case UInt8(ascii: "'"):
                var close = index + 1
                while close < to, bytes[close] != UInt8(ascii: "'") { close += 1 }
                guard close < to else { return [] }
                if keep { word += bytes[(index + 1)..<close] }
                inWord = true
                index = close
            case UInt8(ascii: "\\"):
                guard index + 1 < to else { return [] }
                index += 1
                if keep { word.append(bytes[index]) }
                inWord = true
            default:
                if keep { word.append(byte) }
                inWord = true
            }
            index += 1
        }
        if found.count < count { end() }
        return found
    }
}
