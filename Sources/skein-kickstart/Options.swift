import Glibc
import SkeinKickstart

/// skein-kickstart's command line, modelled on pegasus-kickstart's so Pegasus-style job scripts
/// and Skein's batch executors can call either: single-letter options, value attached (`-nX`) or
/// next, the job (executable and arguments) after the first non-option or `--`.
struct Options {
    var transformation: String?
    var derivation: String?
    var site: String?
    var wfLabel: String?
    var wfStamp: String?
    /// nil or "-" inherit the wrapper's descriptor.
    var stdin: String?
    var stdout: String?
    var stderr: String?
    /// Where the record goes (nil: stdout), and whether to append (-l) or replace (-r).
    var recordPath: String?
    var appendRecord = false
    var workdir: String?
    var createWorkdir = false
    /// -s outputs and -S files stat'ed before the job: (lfn, path).
    var outputs: [(lfn: String?, path: String)] = []
    var initial: [(lfn: String?, path: String)] = []
    var fullInfo = false
    var omitDataOnSuccess = false
    var omitMachine = false
    /// Bytes of stdout/stderr kept from each end (nil: everything).
    var keep: Int? = CapturedText.defaultKeep
    /// Index in argv of the job's executable.
    var commandIndex = 0
    /// --sandbox and its transfers: the job runs in a folder of its own on the node.
    var sandbox: NodeSandbox.Request?

    enum Outcome {
        case run(Options)
        case exit(Int32)
    }

    static let usage = """
        Usage: skein-kickstart [-n tr] [-N job] [-R site] [-L label -T stamp] [-i fn] [-o fn] [-e fn]
               [-r fn | -l fn] [-w dir | -W dir] [-s [lfn=]path]... [-S [lfn=]path]... [-B sz] [-f] [-q] [-H]
               [--] executable [arguments...]
        Runs the executable (no shell; PATH lookup without a slash) in its own process group, then
        writes a Pegasus invocation record (YAML) and exits with the job's code (128+N if killed by
        signal N, 127 if it could not be executed). SIGTERM, SIGINT and SIGHUP go to the job.
         -n tr     transformation name           -N job    job id (derivation)
         -R site   site handle                    -L / -T   workflow label / timestamp
         -i fn     job's stdin from fn            -o / -e fn  job's stdout / stderr to fn (captured
                   (default: inherit; "-" too)              in the record); default: inherit
         -r fn     write the record to fn (replace); default: stdout
         -l fn     append the record to fn (pegasus-kickstart's -l)
         -w dir    run in dir; -W also creates it
         -s [lfn=]path  output to stat and sha256 after the job (repeatable; @file: list of them)
         -S [lfn=]path  file to stat before the job (repeatable; @file: list of them)
         -B sz     keep at most sz bytes of stdout/stderr (half from each end); "all" keeps all
         -f        full record (environment, limits) even on success; -q omit data on success
         -H        omit the machine block;  -V version;  -h help
        skein-kickstart --cluster LIST -r fn   runs a clustered job's task list
        skein-kickstart --script FILE          runs a batch script Skein wrote (its #! interpreter)
        A job folder of its own on the node (nonsharedfs, as PegasusLite):
         --sandbox NAME     run in a new ${SKEIN_WN_TMP:-${TMPDIR:-/tmp}}/NAME.sandbox-XXXXXX, removed after
         --transfer PATH    skein-transfer for:  --stage-in LIST (before the job, in the folder)
         --stage-out LIST   after a job that succeeded;  --taken-back FILE  made once they are back

        """

    /// Parses by byte: this runs in every wrapper process, and String's Character machinery
    /// costs measurable page faults to start.
    static func parse(_ argv: [String]) -> Outcome {
        var options = Options()
        var index = 1
        func fail(_ message: String) -> Outcome {
            printError("skein-kickstart: " + message + "\n" + usage)
            return .exit(127)
        }
        while index < argv.count {
            let argument = argv[index]
            let bytes = argument.utf8
            guard bytes.count > 1, bytes.first == UInt8(ascii: "-") else { break }
            if argument == "--" { index += 1; break }
            if bytes.dropFirst().first == UInt8(ascii: "-") {
                // --sandbox and its transfers, each with a value.
                guard index + 1 < argv.count else { return fail(argument + " needs a value") }
                let text = argv[index + 1]
                var request = options.sandbox ?? NodeSandbox.Request(name: "")
                switch argument {
                case "--sandbox": request.name = text
                case "--transfer": request.transfer = text
                case "--stage-in": request.stageIn = text
                case "--stage-out": request.stageOut = text
                case "--taken-back": request.takenBack = text
                default: return fail("unknown option " + argument)
                }
                options.sandbox = request
                index += 2
                continue
            }
            let flag = bytes[bytes.index(after: bytes.startIndex)]
            guard flag < 0x80 else { return fail("unknown option " + argument) }
            let attached = String(Substring(bytes.dropFirst(2)))
            func value() -> String? {
                if !attached.isEmpty { return attached }
                index += 1
                return index < argv.count ? argv[index] : nil
            }
            let letter = String(Unicode.Scalar(flag))
            switch letter {
            case "f": options.fullInfo = true
            case "q": options.omitDataOnSuccess = true
            case "H": options.omitMachine = true
            case "F", "c": break  // pegasus-kickstart accepts these and ignores them (or uses CDATA: XML only)
            case "V":
                writeAll(1, "skein-kickstart 0.1.0\n")
                return .exit(0)
            case "h", "?":
                writeAll(2, usage)
                return .exit(127)
            case "n", "N", "R", "L", "T", "i", "o", "e", "r", "l", "w", "W", "s", "S", "B":
                guard let text = value() else { return fail("-" + letter + " needs a value") }
                switch letter {
                case "n": options.transformation = unquote(text)
                case "N": options.derivation = unquote(text)
                case "R": options.site = unquote(text)
                case "L": options.wfLabel = unquote(text)
                case "T": options.wfStamp = unquote(text)
                case "i": options.stdin = text
                case "o": options.stdout = text
                case "e": options.stderr = text
                case "r", "l":
                    options.recordPath = text == "-" ? nil : text
                    options.appendRecord = letter == "l"
                case "w", "W":
                    options.workdir = unquote(text)
                    options.createWorkdir = letter == "W"
                case "s", "S":
                    guard let files = fileList(text) else { return fail("cannot read list " + text) }
                    if letter == "s" { options.outputs += files } else { options.initial += files }
                default:
                    if text == "all" { options.keep = nil; break }
                    guard let size = Int(text), size > 0 else { return fail("invalid -B value " + text) }
                    options.keep = max(1, size / 2)
                }
            default:
                return fail("unknown option " + argument)
            }
            index += 1
        }
        guard index < argv.count else { return fail("no executable given") }
        if let sandbox = options.sandbox {
            guard !sandbox.name.isEmpty, !sandbox.name.utf8.contains(UInt8(ascii: "/")) else { return fail("--sandbox needs a name without /") }
            guard sandbox.transfer != nil || (sandbox.stageIn == nil && sandbox.stageOut == nil) else { return fail("--stage-in and --stage-out need --transfer") }
        }
        options.commandIndex = index
        return .run(options)
    }

    /// `lfn=path` or `path`; `@file` reads such lines from a file (# comments, blank lines skipped).
    private static func fileList(_ text: String) -> [(lfn: String?, path: String)]? {
        guard text.utf8.first == UInt8(ascii: "@") else { return [pair(text)] }
        guard let content = CapturedText.read(path: String(Substring(text.utf8.dropFirst())), keep: Int.max / 4) else { return nil }
        return content.text.split(separator: "\n").map { String($0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]).trimmingBlanks() }
            .filter { !$0.isEmpty }.map(pair)
    }

    private static func pair(_ text: String) -> (lfn: String?, path: String) {
        let bytes = text.utf8
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), equals != bytes.startIndex else { return (nil, text) }
        return (String(Substring(bytes[..<equals])), String(Substring(bytes[bytes.index(after: equals)...])))
    }

    /// pegasus-kickstart's noquote(): one pair of surrounding quotes is removed.
    private static func unquote(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.count >= 2, let first = bytes.first, first == UInt8(ascii: "'") || first == UInt8(ascii: "\""),
              bytes.last == first else { return text }
        return String(Substring(bytes.dropFirst().dropLast()))
    }
}

extension String {
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}

/// Writes all of `text` to a descriptor; false if that failed.
@discardableResult
func writeAll(_ fd: Int32, _ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

func printError(_ text: String) {
    writeAll(2, text.hasSuffix("\n") ? text : text + "\n")
}
