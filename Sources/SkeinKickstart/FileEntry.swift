import Glibc

/// One file a record describes: an entry under `files:` (outputs, stdin/stdout/stderr, metadata,
/// the wrapper itself, the record's own log file) or a job's `executable:`. Mirrors kickstart's
/// StatInfo: how the file was named (path, temporary file, or inherited descriptor), its stat or
/// the errno that prevented it, and for outputs the sha256, for captured stdio the text.
public struct FileEntry: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A named file: `file_name:` (the real path when it resolves).
        case file(String)
        /// A temporary file the wrapper created: `temporary_name:` and `descriptor:`.
        case temporary(String, descriptor: Int32)
        /// An inherited descriptor: `descriptor_number:`.
        case descriptor(Int32)
    }

    /// The key under `files:` (`stdout`, an LFN, ...) or `executable`.
    public var key: String
    public var source: Source
    public var lfn: String?
    /// errno when stat failed; then no stat lines are written.
    public var error: Int32?
    public var stat: FileStat?
    /// An output of the job (`-s`): written with `output: True` and its checksum.
    public var output: Bool
    public var sha256: String?
    public var checksumTiming: Double?
    /// Whether a checksum was asked for: an output without one then says `integrity_error`;
    /// when none was (integrity checking off, as kickstart without `-s`), it says nothing.
    public var checksumAsked = true
    /// Captured text for `data:`; written only when the file is not empty.
    public var data: CapturedText?

    public init(key: String, source: Source, lfn: String? = nil, error: Int32? = nil, stat: FileStat? = nil,
                output: Bool = false, sha256: String? = nil, checksumTiming: Double? = nil, data: CapturedText? = nil) {
        self.key = key
        self.source = source
        self.lfn = lfn
        self.error = error
        self.stat = stat
        self.output = output
        self.sha256 = sha256
        self.checksumTiming = checksumTiming
        self.data = data
    }

    /// A named file, stat'ed now; `file_name` is its real path when that resolves.
    public static func file(key: String, path: String, lfn: String? = nil) -> FileEntry {
        var entry = FileEntry(key: key, source: .file(realPath(path) ?? path), lfn: lfn)
        do { entry.stat = try FileStat.of(path) } catch { entry.error = error.code }
        return entry
    }

    /// An inherited or open descriptor, fstat'ed now.
    public static func descriptor(key: String, _ fd: Int32) -> FileEntry {
        var entry = FileEntry(key: key, source: .descriptor(fd))
        do { entry.stat = try FileStat.of(descriptor: fd) } catch { entry.error = error.code }
        return entry
    }

    /// A job output (`-s [LFN=]PATH`): stat, then sha256 of the content with its timing.
    public static func output(path: String, lfn: String?) -> FileEntry {
        var entry = file(key: lfn ?? path, path: path, lfn: lfn)
        entry.output = true
        guard entry.error == nil else { return entry }
        let started = Clock.now()
        entry.sha256 = try? SHA256.hash(file: path)
        entry.checksumTiming = Clock.now() - started
        return entry
    }

    /// realpath(3), or nil if the path does not resolve.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The entry as `key:` and its lines, the key at `indent` spaces.
    func yaml(indent: Int) -> String { YAMLOut.string { yaml(indent: indent, into: &$0) } }

    func yaml(indent: Int, into out: inout YAMLOut) {
        let pad = indent + 2
        out.spaces(indent)
        out.plain(key)
        out.raw(":\n")
        if let error { out.line(pad, "error", int: error) }
        if let lfn {
            out.key(pad, "lfn")
            out.quoted(lfn)
            out.newline()
        }
        switch source {
        case .file(let name):
            out.key(pad, "file_name")
            out.plain(name)
            out.newline()
        case .temporary(let name, let descriptor):
            out.key(pad, "temporary_name")
            out.plain(name)
            out.newline()
            out.line(pad, "descriptor", int: descriptor)
        case .descriptor(let number):
            out.line(pad, "descriptor_number", int: number)
        }
        if error == nil, let stat { stat.yamlLines(indent: pad, into: &out) }
        if output && error == nil {
            out.spaces(pad)
            out.raw("output: True\n")
            if let sha256 {
                out.key(pad, "sha256")
                out.text(sha256)
                out.newline()
                out.key(pad, "checksum_timing")
                out.fixed(checksumTiming ?? 0, 2)
                out.newline()
            } else if checksumAsked {
                out.spaces(pad)
                out.raw("integrity_error: failed creating a checksum\n")
            }
        }
        if let data, (stat?.size ?? 1) > 0 {
            let block = YAMLText.literalBlock(data.text, indent: indent + 4, parentIndent: indent + 2)
            out.key(pad, "data_truncated")
            out.raw(data.truncated ? "true\n" : "false\n")
            out.key(pad, "data")
            out.text(block.indicator)
            out.newline()
            out.text(block.body)
        }
    }
}
