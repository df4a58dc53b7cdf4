#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SkeinYAML

/// Reads a large workflow file without ever holding its text or its jobs as a YAML tree: the
/// file is mapped, cut in the middle of its `jobs:` list (`SplitParser.Cut`), both pieces are
/// parsed on two cores, and every job and `jobDependencies` entry is decoded the moment its
/// item is read and the item freed (`YAMLItemStream`); read pages of the mapping are given back
/// as the parsers go.
///
/// Why: a 1,000,000-job montage workflow is a 590 MB file whose tree took several times the
/// memory of the jobs decoded from it, and the text, the tree and the jobs were all alive at
/// once (about 6 GiB). This is the fast path for files that are fine: when anything in the
/// file needs a message (a syntax error, a duplicate key, a warning of any kind), it answers
/// nil and the caller reads the file the ordinary way, whose messages are exact.
enum StreamedWorkflowReader {
    static let minimumSize = SplitParser.minimumSize

    static func read(_ path: String) -> Workflow? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= minimumSize else { return nil }
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        defer { munmap(base, size) }
        let bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
        guard bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) != UInt8(ascii: "<") else { return nil }
        let cut = SplitParser.Cut.find(in: bytes)
        _ = madvise(base, size, MADV_DONTNEED)  // the search read every page; the parsers read them again

        let first = Piece(file: path)
        guard let cut else {
            guard let result = first.parse([YAMLInputPiece(bytes, mapped: true)], lineOffset: 0) else { return nil }
            return decode(result, path: path, pieces: [first])
        }
        let second = Piece(file: path)
        let head = UnsafeBufferPointer(rebasing: bytes[0..<cut.middle])
        let tail = UnsafeBufferPointer(rebasing: bytes[cut.middle..<size])
        nonisolated(unsafe) var tailResult: YAMLParser.Result?
        let work = DispatchWorkItem {
            // The second piece starts inside the jobs list: give it the key back.
            let header = Array("jobs:\n".utf8)
            header.withUnsafeBufferPointer { key in
                tailResult = second.parse([YAMLInputPiece(key), YAMLInputPiece(tail, mapped: true)], lineOffset: cut.middleLine - 2)
            }
        }
        DispatchQueue.global(qos: .userInitiated).async(execute: work)
        let headResult = first.parse([YAMLInputPiece(head, mapped: true)], lineOffset: 0)
        work.wait()
        guard let headResult, let tailResult, let joined = SplitParser.join(headResult, tailResult) else { return nil }
        return decode(joined, path: path, pieces: [first, second])
    }

    /// The rest of the document (header, catalogs) decoded as usual, with the streamed items.
    private static func decode(_ result: YAMLParser.Result, path: String, pieces: [Piece]) -> Workflow? {
        guard result.duplicateKeys.isEmpty, let root = result.root, pieces.allSatisfy({ $0.context.report.diagnostics.isEmpty }) else { return nil }
        var context = DecodeContext(file: path)
        let streamed = DecodeContext.StreamedItems(jobs: joined(pieces, \.jobs), dependencies: joined(pieces, \.dependencies))
        let workflow = context.workflow(root, streamed: streamed)
        return context.report.diagnostics.isEmpty ? workflow : nil
    }

    /// The pieces' lists one after the other, each piece's list given up as it is added, so
    /// the jobs of a large file are not held twice (the pieces' and the joined list).
    private static func joined<Item>(_ pieces: [Piece], _ list: ReferenceWritableKeyPath<Piece, [Item]>) -> [Item] {
        guard let first = pieces.first else { return [] }
        var all = first[keyPath: list]
        first[keyPath: list] = []
        all.reserveCapacity(pieces.reduce(0) { $0 + $1[keyPath: list].count } + all.count)
        for piece in pieces.dropFirst() {
            all.append(contentsOf: piece[keyPath: list])
            piece[keyPath: list] = []
        }
        return all
    }

    /// One parser's share: its decode context and what it decoded, in file order.
    private final class Piece: @unchecked Sendable {
        var context: DecodeContext
        var jobs: [Job] = []
        var dependencies: [JobDependency] = []

        init(file: String) { context = DecodeContext(file: file) }

        func parse(_ input: [YAMLInputPiece], lineOffset: Int) -> YAMLParser.Result? {
            let stream = YAMLItemStream(keys: ["jobs", "jobDependencies"]) { [self] key, node in
                if key == "jobs" {
                    if let job = context.job(node, index: jobs.count) { jobs.append(job) }
                } else if let dependency = context.dependency(node, index: dependencies.count) {
                    dependencies.append(dependency)
                }
            }
            return try? YAMLParser.parse(pieces: input, lineOffset: lineOffset, stream: stream)
        }
    }
}
