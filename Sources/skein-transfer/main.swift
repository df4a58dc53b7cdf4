import Foundation
import SkeinTransfer

/// skein-transfer: moves the files of a pegasus-transfer input list (stdin or -f FILE) with
/// SkeinTransfer, many at once in one process, for batch nodes where the engine's in-process
/// transfers cannot reach. One line per file, a Stats line, exit 0 when everything moved,
/// 1 when anything failed, 2 on bad input.
let usage = """
    usage: skein-transfer [-f FILE] [-n THREADS] [-m ATTEMPTS] [--ca-file FILE] [--ssh-key FILE] [--known-hosts FILE]
      Reads a pegasus-transfer JSON list (from FILE or stdin) and moves its files.
      -n THREADS    transfers at once (default 8, or PEGASUS_TRANSFER_THREADS)
      -m ATTEMPTS   tries per file (default 3)
      --ssh-key FILE  the scp/sftp key (default SSH_PRIVATE_KEY, else ~/.ssh/id_ed25519, id_ecdsa or id_rsa)
    Exit: 0 all moved, 1 some failed, 2 bad input.
    """

/// Counts outcomes arriving on the transfer thread; prints under the same lock so lines
/// never interleave.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var moved = 0
    private(set) var failures = 0
    private(set) var bytes: Int64 = 0

    func record(_ outcome: TransferOutcome, print line: () -> Void) {
        lock.withLock {
            if outcome.succeeded {
                moved += 1
                bytes += outcome.bytes
            } else {
                failures += 1
            }
            line()
        }
    }
}

func run() -> Int32 {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var file: String?
    var settings = TransferSettings(concurrent: Int(ProcessInfo.processInfo.environment["PEGASUS_TRANSFER_THREADS"] ?? "") ?? 8)
    // pegasus-transfer's scp/sftp key, as the engine reads it (a batch job inherits it).
    if let key = ProcessInfo.processInfo.environment["SSH_PRIVATE_KEY"], !key.isEmpty { settings.sshPrivateKey = key }
    func value(_ option: String) -> String {
        guard !arguments.isEmpty else {
            FileHandle.standardError.write(Data("skein-transfer: \(option) needs a value\n\(usage)\n".utf8))
            exit(2)
        }
        return arguments.removeFirst()
    }
    while let option = arguments.first {
        arguments.removeFirst()
        switch option {
        case "-f", "--file": file = value(option)
        case "-n", "--threads": settings.concurrent = max(1, Int(value(option)) ?? 8)
        case "-m", "--max-attempts": settings.tries = max(1, Int(value(option)) ?? 3)
        case "--ca-file": settings.caFile = value(option)
        case "--ssh-key": settings.sshPrivateKey = value(option)
        case "--known-hosts": settings.sshKnownHosts = value(option)
        case "-h", "--help":
            print(usage)
            return 0
        default:
            FileHandle.standardError.write(Data("skein-transfer: unknown option \(option)\n\(usage)\n".utf8))
            return 2
        }
    }

    let list: TransferList
    do {
        let data = try file.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput.readDataToEndOfFile()
        list = try TransferList(json: data)
    } catch {
        FileHandle.standardError.write(Data("skein-transfer: \(file ?? "stdin"): \(error)\n".utf8))
        return 2
    }

    let started = Date().timeIntervalSince1970
    var failures = 0
    for entry in list.entries {
        switch entry {
        case .mkdir(let path):
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                print("mkdir \(path): failed: \(error.localizedDescription)")
                failures += 1
            }
        case .remove(let path, let recursive):
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue || recursive {
                do { try FileManager.default.removeItem(atPath: path) } catch {
                    print("remove \(path): failed: \(error.localizedDescription)")
                    failures += 1
                }
            }
        case .transfer:
            continue
        }
    }
    let engine = TransferEngine(settings: settings)
    let tally = Tally()
    let done = DispatchGroup()
    for case .transfer(let request, let lfn) in list.entries {
        done.enter()
        engine.start(request) { outcome in
            tally.record(outcome) {
                if let error = outcome.error {
                    print("\(lfn): failed after \(outcome.attempts) tries: \(error.message)")
                } else {
                    print("\(lfn): \(outcome.request.source) -> \(outcome.request.destination) \(outcome.bytes) bytes in \(String(format: "%.3f", outcome.duration)) s"
                          + (outcome.sha256.map { " sha256 \($0)" } ?? ""))
                }
            }
            done.leave()
        }
    }
    done.wait()
    engine.shutdown()
    let seconds = Date().timeIntervalSince1970 - started
    failures += tally.failures
    print("Stats: \(tally.moved) files, \(tally.bytes) bytes in \(String(format: "%.3f", seconds)) s, \(failures) failed")
    return failures == 0 ? 0 : 1
}

exit(run())
