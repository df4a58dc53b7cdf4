import Glibc
import SkeinKickstart

/// `skein-kickstart --script FILE`: skein-kickstart as the interpreter of a batch script Skein
/// wrote (`#!/path/skein-kickstart --script`), so Slurm starts the wrapper directly instead of
/// a `/bin/sh` that then execs it: one program start less inside every job's slot. The script
/// stays an ordinary shell script (`sh FILE` does the same): comment lines (`#!`, `#SBATCH`),
/// `export NAME=VALUE` lines and one `exec skein-kickstart OPTIONS -- COMMAND` line, words in
/// the engine's quoting (bare safe characters, '…' with '\'' for a quote). Anything else is
/// refused with the file and line, before the job starts.
enum ScriptMode {
    static let usage = "Usage: skein-kickstart --script FILE (as the #! interpreter of a batch script Skein wrote)\n"

    /// The parsed script: variables to export in order, then the wrapper's own command line.
    struct Script {
        var exports: [(name: String, value: String)] = []
        var command: [String] = []
    }

    static func run(_ argv: [String], start: Double, handledSignals: [Int32]) -> Int32 {
        guard argv.count >= 3 else {
            printError("skein-kickstart: --script needs the script's path\n" + usage)
            return 127
        }
        let path = argv[2]
        guard let content = CapturedText.read(path: path, keep: Int.max / 4) else {
            printError("skein-kickstart: cannot read the batch script " + path + ": " + errorText(errno))
            return 127
        }
        let script: Script
        switch parse(content.text) {
        case .success(let parsed): script = parsed
        case .failure(let problem):
            printError("skein-kickstart: " + path + ":" + String(problem.line) + ":" + String(problem.column) + ": " + problem.message
                       + "; run the script with /bin/sh, or let Skein write it again")
            return 127
        }
        // The exec line must run this wrapper (the engine writes the same path after #! and
        // exec): a script edited to run something else is for /bin/sh.
        if script.command[0] != argv[0], FileEntry.realPath(script.command[0]) != FileEntry.realPath("/proc/self/exe") {
            printError("skein-kickstart: " + path + ": the exec line runs " + script.command[0] + ", not this skein-kickstart ("
                       + argv[0] + "); run the script with /bin/sh")
            return 127
        }
        for variable in script.exports { setenv(variable.name, variable.value, 1) }
        let commandLine = ["skein-kickstart"] + script.command.dropFirst()
        switch Options.parse(commandLine) {
        case .exit(let code):
            return code
        case .run(let options):
            guard let sandbox = options.sandbox else {
                return Kickstart(options: options, start: start, handledSignals: handledSignals, argv: commandLine).run()
            }
            return NodeSandbox.run(sandbox) { Kickstart(options: options, start: $0, handledSignals: handledSignals, argv: commandLine).run() }
        }
    }

    struct Problem: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// The script's exports and its `exec` line (its first word is the wrapper itself).
    static func parse(_ text: String) -> Result<Script, Problem> {
        var script = Script()
        var lineNumber = 0
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(raw)
            guard let first = line.firstIndex(where: { $0 != blank && $0 != tab }), line[first] != UInt8(ascii: "#") else { continue }
            if !script.command.isEmpty {
                return .failure(Problem(line: lineNumber, column: first + 1, message: "nothing may follow the exec line"))
            }
            let words: [String]
            switch split(line, from: first) {
            case .success(let found): words = found
            case .failure(let bad): return .failure(Problem(line: lineNumber, column: bad.column, message: "not in the quoting Skein writes"))
            }
            switch words[0] {
            case "export":
                guard words.count == 2, let equals = words[1].utf8.firstIndex(of: UInt8(ascii: "=")), equals != words[1].utf8.startIndex else {
                    return .failure(Problem(line: lineNumber, column: first + 1, message: "export needs one NAME=VALUE"))
                }
                script.exports.append((String(Substring(words[1].utf8[..<equals])), String(Substring(words[1].utf8[words[1].utf8.index(after: equals)...]))))
            case "exec" where words.count >= 2:
                script.command = Array(words.dropFirst())
            default:
                return .failure(Problem(line: lineNumber, column: first + 1, message: "only export and exec lines are understood"))
            }
        }
        guard !script.command.isEmpty else { return .failure(Problem(line: lineNumber, column: 1, message: "no exec line")) }
        return .success(script)
    }

    /// Where a line leaves the engine's quoting (1-based).
    struct BadByte: Error {
        var column: Int
    }

    private static let blank = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// Words of a line from `start`: blanks separate; '…' quotes anything but a quote; a
    /// backslash outside quotes takes the next byte as it is. Fails with the 1-based column of
    /// a byte the engine never leaves bare (a shell would read it as syntax).
    static func split(_ line: [UInt8], from start: Int) -> Result<[String], BadByte> {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false
        var index = start
        while index < line.count {
            let byte = line[index]
            switch byte {
            case blank, tab, UInt8(ascii: "\r"):
                if inWord { words.append(String(decoding: word, as: UTF8.self)); word.removeAll(); inWord = false }
            case UInt8(ascii: "'"):
                guard let close = line[(index + 1)...].firstIndex(of: UInt8(ascii: "'")) else { return .failure(BadByte(column: index + 1)) }
                word += line[(index + 1)..<close]
                inWord = true
                index = close
            case UInt8(ascii: "\\"):
                guard index + 1 < line.count else { return .failure(BadByte(column: index + 1)) }
                index += 1
                word.append(line[index])
                inWord = true
            default:
                guard bare(byte) else { return .failure(BadByte(column: index + 1)) }
                word.append(byte)
                inWord = true
            }
            index += 1
        }
        if inWord { words.append(String(decoding: word, as: UTF8.self)) }
        return .success(words)
    }

    /// Bytes the engine's quoting leaves unquoted: letters, digits, `/._-=:,+@%`, and any
    /// byte of a multi-byte UTF-8 character (it leaves non-ASCII letters bare).
    private static func bare(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
            || "/._-=:,+@%".utf8.contains(byte)
    }
}
