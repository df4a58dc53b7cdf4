/// How Pegasus stores job output in `job_instance.stdout_text` / `stderr_text`, reproduced so
/// `pegasus-analyzer` finds each task's output: the text is URL-quoted byte by byte (control
/// bytes, bytes >= 0x7F, `%`, `'` and `"` become %XX) and kickstart's per-task output is laid
/// out as `#@ <task_submit_seq> stdout\n<text>\n#@ <seq> stderr\n<text>\n` sections
/// (Pegasus.monitoring.job: `utils.quote("#@ %d stdout\n" % n)`, limit MAX_OUTPUT_LENGTH).
public enum StampedeText {
    /// Pegasus keeps at most 64K of output per attempt.
    public static let maxOutputLength = 65_535

    /// Pegasus's `utils.quote`: URL-encodes the UTF-8 bytes of `text`.
    public static func quote(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F || byte == 0x25 || byte == 0x27 || byte == 0x22 {
                out.append(0x25)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Inverse of `quote` (Pegasus's `utils.unquote` followed by UTF-8 decoding).
    public static func unquote(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count,
               let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// The quoted `stdout_text` for an attempt: one section per non-empty task stdout/stderr,
    /// truncated as Pegasus does (each section counts its length + 20 against 64K).
    /// Returns nil when no task produced output.
    public static func jobStdoutText(_ outputs: [TaskOutput]) -> String? {
        var parts: [String] = []
        var size = 0
        func add(_ seq: Int, _ kind: String, _ text: String) {
            guard !text.isEmpty else { return }
            let remaining = maxOutputLength - size - 20
            guard remaining > 0 else { return }
            let snippet = text.count <= remaining ? text : String(text.prefix(remaining))
            parts.append(quote("#@ \(seq) \(kind)\n"))
            parts.append(quote(snippet))
            parts.append(quote("\n"))
            size += snippet.count + 20
        }
        for output in outputs {
            add(output.taskSeq, "stdout", output.stdout)
            add(output.taskSeq, "stderr", output.stderr)
        }
        return parts.isEmpty ? nil : parts.joined()
    }

    /// The quoted `stderr_text` for an attempt: the job's stderr file, cut to 64K - 2000
    /// characters before quoting (as Pegasus does). Nil stays nil.
    public static func jobStderrText(_ text: String?) -> String? {
        guard let text else { return nil }
        let limit = maxOutputLength - 2000
        return quote(text.count > limit ? String(text.prefix(limit)) : text)
    }
}
