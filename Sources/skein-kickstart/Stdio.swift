import Glibc
import SkeinKickstart

/// The job's stdin, stdout and stderr: files named with -i/-o/-e (opened by the wrapper, so a
/// bad path is reported in the record instead of failing inside the child) or the wrapper's own
/// descriptors. After the job each becomes a `files:` entry; stdout/stderr files carry the text.
struct Stdio {
    struct Stream {
        let key: String
        let number: Int32
        let path: String?
        var fd: Int32?
    }

    var streams: [Stream]
    /// errno and message prefix of the first file that could not be opened.
    var failure: (code: Int32, prefix: String)?

    /// Opens the named files: stdin for reading, stdout/stderr truncated and in append mode (so
    /// one file given for both keeps both streams' bytes).
    static func open(stdin: String?, stdout: String?, stderr: String?) -> Stdio {
        var result = Stdio(streams: [], failure: nil)
        let requests: [(String, Int32, String?)] = [("stdin", 0, stdin), ("stdout", 1, stdout), ("stderr", 2, stderr)]
        for (key, number, given) in requests {
            let path = given == "-" ? nil : given
            var stream = Stream(key: key, number: number, path: path, fd: nil)
            if let path, result.failure == nil {
                let flags = number == 0 ? O_RDONLY : O_RDWR | O_CREAT | O_TRUNC | O_APPEND
                let fd = Glibc.open(path, flags | O_CLOEXEC, 0o666)
                if fd >= 0 {
                    stream.fd = fd
                } else {
                    result.failure = (errno, "Unable to open " + key + " " + path + ": ")
                }
            }
            result.streams.append(stream)
        }
        return result
    }

    /// The descriptor to install as `number` in the job (nil: inherit).
    func descriptor(_ number: Int32) -> Int32? {
        streams[Int(number)].fd
    }

    /// The three `files:` entries; stdout/stderr files with their text unless `includeData` is off.
    func entries(includeData: Bool, keep: Int?) -> [FileEntry] {
        streams.map { stream in
            guard let path = stream.path else { return FileEntry.descriptor(key: stream.key, stream.number) }
            var entry = FileEntry.file(key: stream.key, path: path)
            if includeData, stream.number > 0, let fd = stream.fd {
                entry.data = CapturedText.read(descriptor: fd, keep: keep ?? Int.max / 4)
            }
            return entry
        }
    }

    func close() {
        for stream in streams { if let fd = stream.fd { Glibc.close(fd) } }
    }
}
