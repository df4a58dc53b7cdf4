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
    func yaml(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        var out = String(repeating: " ", count: indent) + YAMLText.plain(key) + ":\n"
        if let error { out += pad + "error: " + String(error) + "\n" }
        if let lfn { out += pad + "lfn: " + YAMLText.quoted(lfn) + "\n" }
        switch source {
        case .file(let name):
            out += pad + "file_name: " + YAMLText.plain(name) + "\n"
        case .temporary(let name, let descriptor):
            out += pad + "temporary_name: " + YAMLText.plain(name) + "\n" + pad + "descriptor: " + String(descriptor) + "\n"
        case .descriptor(let number):
            out += pad + "descriptor_number: " + String(number) + "\n"
        }
        if error == nil, let stat { out += stat.yamlLines(indent: indent + 2) }
        if output && error == nil {
            out += pad + "output: True\n"
            if let sha256 {
                out += pad + "sha256: " + sha256 + "\n"
                out += pad + "checksum_timing: " + Format.fixed(checksumTiming ?? 0, 2) + "\n"
            } else if checksumAsked {
                out += pad + "integrity_error: failed creating a checksum\n"
            }
        }
        if let data, (stat?.size ?? 1) > 0 {
            let block = YAMLText.literalBlock(data.text, indent: indent + 4, parentIndent: indent + 2)
            out += pad + "data_truncated: " + (data.truncated ? "true" : "false") + "\n"
            out += pad + "data: " + block.indicator + "\n" + block.body
        }
        return out
    }
}
