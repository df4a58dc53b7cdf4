#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SkeinYAML

/// Parses a large workflow file on two cores: the file is cut in the middle of its `jobs:`
/// list, each piece is parsed on its own thread, and the trees are joined.
///
/// The cut is made only where it is plainly safe (a block list item at the start of a line,
/// inside the top-level `jobs:` block); when a piece does not parse on its own (an alias to
/// an anchor in the other piece, say) the caller parses the whole file instead, so errors
/// and results are exactly those of a single pass.
enum SplitParser {
    static let minimumSize = 4 << 20

    /// Nil when the file is small or has no safe cut; then parse it whole.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLParser.Result? {
        guard bytes.count >= minimumSize, let cut = Cut.find(in: bytes) else { return nil }
        let head = UnsafeBufferPointer(rebasing: bytes[0..<cut.middle])
        let tail = UnsafeBufferPointer(rebasing: bytes[cut.middle..<bytes.count])
        nonisolated(unsafe) var second: Result<YAMLParser.Result, YAMLSyntaxError>?
        let work = DispatchWorkItem {
            // The second piece starts inside the jobs list: give it the key back.
            second = Result { () throws(YAMLSyntaxError) in try parseTail(tail, indent: cut.itemIndent, lineOffset: cut.middleLine - 2) }
        }
        DispatchQueue.global(qos: .userInitiated).async(execute: work)
        let first = try? YAMLParser.parse(head)
        work.wait()
        guard let first, case .success(let rest)? = second else { return nil }
        return join(first, rest)
    }

    /// The tree of the text before the cut with the tree of the text after it (read behind a
    /// `jobs:` line): the job lists joined, the top-level keys of both, duplicates among those.
    /// Nil when the trees do not have the shape a cut inside the jobs list gives.
    static func join(_ first: YAMLParser.Result, _ rest: YAMLParser.Result) -> YAMLParser.Result? {
        guard case .mapping(var top)? = first.root, case .mapping(let restMap)? = rest.root,
            let jobsIndex = top.entries.lastIndex(where: { $0.key.value == "jobs" }),
            case .sequence(var jobs) = top.entries[jobsIndex].value,
            let restJobs = restMap.entries.first, restJobs.key.value == "jobs",
            case .sequence(let moreJobs) = restJobs.value,
            jobsIndex == top.entries.count - 1
        else { return nil }
        jobs.items.append(contentsOf: moreJobs.items)
        top.entries[jobsIndex].value = .sequence(jobs)
        top.entries.append(contentsOf: restMap.entries.dropFirst())
        var duplicates = first.duplicateKeys + rest.duplicateKeys
        var seen: [String: SourceMark] = [:]
        for entry in top.entries {
            if let firstMark = seen[entry.key.value] { duplicates.append((entry.key, firstMark)) } else { seen[entry.key.value] = entry.key.mark }
        }
        // Keys repeated within one piece were already reported by that piece.
        var unique: [(key: YAMLScalar, first: SourceMark)] = []
        for d in duplicates where !unique.contains(where: { $0.key.mark.line == d.key.mark.line && $0.key.mark.column == d.key.mark.column && $0.key.value == d.key.value }) {
            unique.append(d)
        }
        return YAMLParser.Result(root: .mapping(top), duplicateKeys: unique)
    }

    private static func parseTail(_ tail: UnsafeBufferPointer<UInt8>, indent: Int, lineOffset: Int) throws(YAMLSyntaxError) -> YAMLParser.Result {
        var text = Array("jobs:\n".utf8)
        text.reserveCapacity(tail.count + 8)
        text.append(contentsOf: tail)
        return try YAMLParser.parse(text.withUnsafeBufferPointer { $0 }, lineOffset: lineOffset)
    }

    /// Where to cut: the start of a `jobs:` list item near the middle of the list.
    struct Cut {
        var middle: Int
        var middleLine: Int
        var itemIndent: Int

        static func find(in b: UnsafeBufferPointer<UInt8>) -> Cut? {
            let newline = UInt8(ascii: "\n"), dash = UInt8(ascii: "-"), space = UInt8(ascii: " ")
            // The top-level `jobs:` line.
            var i = 0
            var jobsLineEnd = -1
            while i < b.count {
                if b[i] == UInt8(ascii: "j"), i + 5 < b.count, b[i + 1] == UInt8(ascii: "o"), b[i + 2] == UInt8(ascii: "b"), b[i + 3] == UInt8(ascii: "s"), b[i + 4] == UInt8(ascii: ":"), b[i + 5] == newline {
                    jobsLineEnd = i + 5
                    break
                }
                i = lineEnd(b, from: i) + 1
            }
            guard jobsLineEnd > 0 else { return nil }
            // Items are `- ` at column 0 (PyYAML's layout) or `  - `.
            let first = jobsLineEnd + 1
            var indent = 0
            while first + indent < b.count, b[first + indent] == space { indent += 1 }
            guard first + indent + 1 < b.count, b[first + indent] == dash, b[first + indent + 1] == space, indent <= 2 else { return nil }
            // The block ends at the next line that starts with a non-space, non-dash character.
            var end = b.count
            var j = first
            while j < b.count {
                let c = b[j]
                if c != space, c != dash, c != newline, c != UInt8(ascii: "#") { end = j; break }
                j = lineEnd(b, from: j) + 1
            }
            guard end == b.count || indent == 0 else { return nil }
            // The first item start at or after the middle of the text from the jobs on (the
            // second piece also reads what follows the block, such as `jobDependencies`), or of
            // the block when that is where most of the text is; also a line start.
            var k = first + min((b.count - first) / 2, (end - first) * 3 / 4)
            while k < end, b[k - 1] != newline { k += 1 }
            while k < end {
                var ind = 0
                while k + ind < end, b[k + ind] == space { ind += 1 }
                if ind == indent, k + ind + 1 < end, b[k + ind] == dash, b[k + ind + 1] == space { break }
                k = min(lineEnd(b, from: k), end) + 1
            }
            guard k < end else { return nil }
            // Newlines before the cut, counted in a loop the compiler turns into vector code.
            var line = 1
            for byte in UnsafeBufferPointer(rebasing: b[0..<k]) { line &+= byte == newline ? 1 : 0 }
            return Cut(middle: k, middleLine: line, itemIndent: indent)
        }

        /// The index of the first newline at or after `start`, or `b.count`: `memchr`, which
        /// reads many bytes at a time (the search runs over the whole file before the parse
        /// starts, on one core).
        static func lineEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
            guard start < b.count, let base = b.baseAddress else { return b.count }
            guard let found = memchr(base + start, Int32(UInt8(ascii: "\n")), b.count - start) else { return b.count }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }
}
