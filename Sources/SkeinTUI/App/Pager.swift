#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs the user's `$PAGER` (else `less`) on a file, on this terminal, and waits for it: a
/// log of any size is paged and searched there as a whole. The pager is run by `sh -c`, as
/// git and man run it, so `PAGER="less -S"` works; the path travels as an argument, never
/// inside the command text. `less` without `-R` shows a job's escape sequences as `^[`, so
/// job output cannot drive the terminal there either.
enum Pager {
    /// Nil when the pager ran; else why it could not.
    /// `line`: where to open, when the pager is less (`+Ng`); other pagers open at the top.
    static func show(_ path: String, line: Int? = nil, environment: [String: String]) -> String? {
        let pager = environment["PAGER"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? "less"
        let isLess = pager.split(separator: " ").first.map { ($0 as Substring).hasSuffix("less") } ?? false
        let jump = line.flatMap { isLess ? " +\($0)g" : nil } ?? ""
        let argv = ["/bin/sh", "-c", pager + jump + " \"$1\"", "sh", path]
        let env = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        let status = posix_spawn(&pid, "/bin/sh", nil, nil, cArgs, cEnv)
        guard status == 0 else { return "pager: cannot start /bin/sh: \(String(cString: strerror(status)))" }
        var wstatus: Int32 = 0
        while waitpid(pid, &wstatus, 0) < 0 && errno == EINTR {}
        let code = (wstatus >> 8) & 0xFF
        return (wstatus & 0x7F) == 0 && code == 127 ? "pager: \(pager) not found (set PAGER)" : nil
    }
}
