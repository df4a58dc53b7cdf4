import Glibc

/// How a job ended, decoded from the raw `wait4` status (Swift cannot use the W* macros), plus
/// the case where it never ran. Written as the record's `status:` block exactly as
/// pegasus-kickstart's `printYAMLJobInfo` does, including its spelling `singalled_name` and
/// lower-case `corefile: false`, which is what real records (ks_signalled_real.yml) contain.
public struct ExitStatus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Exited normally with this code.
        case exited(Int32)
        /// Killed by this signal; `core` if it dumped core.
        case signalled(Int32, core: Bool)
        /// Stopped by this signal (only with WUNTRACED; kept for completeness).
        case stopped(Int32)
        /// Never ran: `errno` from the lookup or spawn, with an optional text before strerror.
        case failed(errno: Int32, prefix: String)
    }

    /// The number printed as `raw:` (the wait status, or -127 when the job could not run).
    public var raw: Int32
    public var kind: Kind

    public init(raw: Int32, kind: Kind) {
        self.raw = raw
        self.kind = kind
    }

    /// Decodes a wait status as returned by wait4/waitpid.
    public init(waitStatus status: Int32) {
        raw = status
        let low = status & 0x7f
        if low == 0 {
            kind = .exited((status >> 8) & 0xff)
        } else if (status & 0xff) == 0x7f {
            kind = .stopped((status >> 8) & 0xff)
        } else {
            kind = .signalled(low, core: status & 0x80 != 0)
        }
    }

    /// A job that could not be executed (kickstart uses raw -127 for this).
    public static func failure(errno code: Int32, prefix: String = "") -> ExitStatus {
        ExitStatus(raw: -127, kind: .failed(errno: code, prefix: prefix))
    }

    /// Whether the job did not exit with 0.
    public var isFailure: Bool { kind != .exited(0) }

    /// The wrapper's own exit code by kickstart's convention: the job's exit code, 128+N when
    /// killed by signal N, 127 when it could not be executed.
    public var wrapperExitCode: Int32 {
        switch kind {
        case .exited(let code): return code
        case .signalled(let signal, _): return 128 + signal
        case .stopped, .failed: return 127
        }
    }

    /// The lines under `status:` (without the `status:` line), at `indent` spaces.
    func yamlLines(indent: Int) -> String { YAMLOut.string { yamlLines(indent: indent, into: &$0) } }

    func yamlLines(indent pad: Int, into out: inout YAMLOut) {
        out.line(pad, "raw", int: raw)
        switch kind {
        case .exited(let code):
            out.line(pad, "regular_exitcode", int: code)
        case .signalled(let signal, let core):
            out.line(pad, "signalled_signal", int: signal)
            out.key(pad, "singalled_name")
            out.quoted(signalName(signal))
            out.newline()
            out.key(pad, "corefile")
            out.raw(core ? "true\n" : "false\n")
        case .stopped(let signal):
            out.line(pad, "suspended_signal", int: signal)
            out.key(pad, "suspended_name")
            out.quoted(signalName(signal))
            out.newline()
        case .failed(let code, let prefix):
            out.key(pad, "failure_error")
            out.plain(String(code) + "   " + prefix + errorText(code))
            out.newline()
        }
    }
}

/// strsignal(3) text, e.g. "Killed" for 9 (C locale: kickstart never calls setlocale first).
public func signalName(_ signal: Int32) -> String {
    guard let text = strsignal(signal) else { return "Signal " + String(signal) }
    return String(cString: text)
}

/// strerror(3) text, e.g. "No such file or directory" for 2.
public func errorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "Error " + String(code) }
    return String(cString: text)
}
