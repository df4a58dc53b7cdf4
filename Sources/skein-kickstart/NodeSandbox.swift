import Glibc
import SkeinKickstart

/// `--sandbox NAME`: a nonsharedfs job's folder on the node, made and removed by the wrapper
/// itself, as PegasusLite does: a new `NAME.sandbox-XXXXXX` under SKEIN_WN_TMP (else TMPDIR,
/// else /tmp), the job's inputs brought in by skein-transfer, the job run there, its outputs
/// taken back after a success (then the `--taken-back` marker made), the folder removed. The
/// batch script used to do this in sh (mktemp, cd, a trap running rm -rf): three programs more
/// inside every job's Slurm slot. Exit codes are the script's: 1 when the folder cannot be made
/// or the inputs cannot be brought in (no record then), 1 when the outputs cannot be taken back
/// after a job that succeeded, else the job's.
enum NodeSandbox {
    struct Request: Equatable {
        var name: String
        var transfer: String?
        var stageIn: String?
        var stageOut: String?
        var takenBack: String?
    }

    /// Runs `job` (the wrapped run, given the time it starts) inside the sandbox of `request`.
    static func run(_ request: Request, job: (Double) -> Int32) -> Int32 {
        let base = NamedValue.variable("SKEIN_WN_TMP").flatMap { $0.isEmpty ? nil : $0 }
            ?? NamedValue.variable("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/" + request.name + ".sandbox-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            printError("skein-kickstart: cannot make the job's folder in " + base + ": " + errorText(errno))
            return 1
        }
        let folder = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            _ = chdir("/")
            remove(folder)
        }
        guard chdir(folder) == 0 else {
            printError("skein-kickstart: cannot enter the job's folder " + folder + ": " + errorText(errno))
            return 1
        }
        if let list = request.stageIn, let transfer = request.transfer {
            guard runTransfer(transfer, list) else {
                printError("skein: the job's inputs could not be brought in")
                return 1
            }
        }
        var status = job(Clock.now())
        if status == 0, let list = request.stageOut, let transfer = request.transfer {
            if !runTransfer(transfer, list) {
                status = 1
            } else if let marker = request.takenBack {
                // Tells the engine, which watches records between polls, that the outputs are back.
                let fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                if fd >= 0 { close(fd) } else { status = 1 }
            }
        }
        return status
    }

    /// `skein-transfer -f LIST` in the job's folder, stdio inherited; whether it succeeded.
    private static func runTransfer(_ transfer: String, _ list: String) -> Bool {
        do {
            let pid = try LocalSpawn.spawn(path: transfer, arguments: [transfer, "-f", list], options: LocalSpawn.Options(newProcessGroup: false))
            let (status, _) = LocalSpawn.wait(pid)
            return status == 0
        } catch {
            printError("skein-kickstart: cannot run " + transfer + ": " + errorText(error.code))
            return false
        }
    }

    /// rm -rf: the folder and everything in it, symbolic links removed, not followed.
    static func remove(_ folder: String) {
        remove(path: Array(folder.utf8CString))
    }

    /// By bytes (NUL-terminated), so names that are not UTF-8 are removed too.
    private static func remove(path: [CChar]) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            _ = unlink(path)
            return
        }
        if let dir = opendir(path) {
            var children: [[CChar]] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: &entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                if name == [0x2e] || name == [0x2e, 0x2e] { continue }
                children.append(path.dropLast() + [0x2f] + name.map { CChar(bitPattern: $0) } + [0])
            }
            closedir(dir)
            for child in children { remove(path: child) }
        }
        _ = rmdir(path)
    }
}
