import Foundation

/// Measures the log viewer on a huge log through the real application loop (`TUIApplication`
/// with its data queue, line indexing and background search) on a `ScriptedBackend`: keys
/// typed from this thread, frames timed as they are shown. Steps: open the run, open the
/// job, `o` (time until its last line shows), keys while the lines are counted, `g` (line 1
/// of the file), a search for a text only on the last line from line 1 (the whole file
/// read), keys while that search runs.
public enum LogBenchmark {
    public static let openTarget = 0.5
    public static let searchTarget = 3.0
    public static let keyTarget = 0.050

    public struct Result: Sendable {
        public var bytes: Int
        /// `o` until the log's last line is drawn.
        public var open: Double
        /// `o` until every line is counted (the header shows the total).
        public var indexed: Double?
        /// `g` until line 1 of the file is drawn.
        public var top: Double?
        /// Enter on the search until the match is drawn with its line number.
        public var search: Double?
        /// Keys pressed while indexing and while searching: the time each took to answer.
        public var keysWhileIndexing: [Double]
        public var keysWhileSearching: [Double]
        /// Keys that got no answer within 2 s.
        public var unanswered: Int
        /// The screen when a step never finished (to see why).
        public var stuck: String?
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(runDirectory: String, job: String, logPath: String, needle: String, skeinExecutable: String,
                           environment: [String: String]) throws -> Result {
        let (first, last) = try ends(of: logPath)
        let bytes = (try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? NSNumber)?.intValue ?? 0
        let backend = ScriptedBackend(width: 160, height: 48)
        var options = TUIOptions(directories: [runDirectory], skeinExecutable: skeinExecutable, environment: environment)
        options.registryDirectory = NSTemporaryDirectory() + "skein-logbench-registry-\(getpid())"
        options.pegasusMasterDatabase = "/nonexistent/workflow.db"
        let app = TUIApplication(options: options, backend: backend)
        let done = DispatchSemaphore(value: 0)
        let box = UncheckedBox(app)
        let thread = Thread { _ = try? box.value.run(); done.signal() }
        thread.start()
        defer { backend.terminate(); _ = done.wait(timeout: .now() + 10) }
        func expect(_ what: String, _ timeout: Double = 60, _ ok: @escaping (String) -> Bool) throws {
            guard backend.waitForFrame(timeout: timeout, ok) != nil else {
                throw Failure(description: "the screen never showed \(what):\n\(backend.frame.text)")
            }
        }
        try expect("the run's job \(job)") { $0.contains(job) }
        backend.type("/")
        backend.type(job)
        backend.type([.enter])
        try expect("the filter") { $0.contains("filter '\(job)'") }
        backend.type([.enter])
        try expect("the job screen") { $0.contains("Definition") && $0.contains("stdout") }
        let lastShown = String(last.prefix(60))
        backend.watch { $0.contains(lastShown) }
        let opened = backend.type([.char("o")])
        try expect("the log's last line", 30) { $0.contains(lastShown) }
        let open = backend.watched!.timeIntervalSince(opened)
        // Keys while the lines are counted: the header says "counting lines" until done.
        var unanswered = 0
        var whileIndexing: [Double] = []
        let total = " lines \u{00B7} "
        backend.watch { !$0.contains("counting lines") && $0.contains(total) }
        var flip = false
        while backend.watched == nil && Date().timeIntervalSince(opened) < 120 {
            if let t = backend.press(.char(flip ? "j" : "k")) { whileIndexing.append(t) } else { unanswered += 1 }
            flip.toggle()
            usleep(20_000)
        }
        let indexed = backend.watched.map { $0.timeIntervalSince(opened) }
        // g: line 1 of the file.
        let firstShown = " 1 " + String(first.prefix(40))
        backend.watch { $0.contains(firstShown) }
        let g = backend.type([.char("g")])
        _ = backend.waitForFrame(timeout: 30) { $0.contains(firstShown) }
        let top = backend.watched.map { $0.timeIntervalSince(g) }
        // A search from line 1 for a text only on the last line: every byte is read.
        backend.type("/")
        backend.type(needle)
        // The match is the last line: it shows once the search found it and its part of the
        // file is loaded (the "/TEXT: line N" message goes with the next key, so not that).
        backend.watch { $0.contains(lastShown) }
        let searched = backend.type([.enter])
        var whileSearching: [Double] = []
        while backend.watched == nil && Date().timeIntervalSince(searched) < 60 {
            if let t = backend.press(.char(flip ? "j" : "k")) { whileSearching.append(t) } else { unanswered += 1 }
            flip.toggle()
            usleep(20_000)
        }
        let search = backend.watched.map { $0.timeIntervalSince(searched) }
        return Result(bytes: bytes, open: open, indexed: indexed, top: top, search: search,
                      keysWhileIndexing: whileIndexing, keysWhileSearching: whileSearching, unanswered: unanswered,
                      stuck: search == nil || indexed == nil || top == nil ? backend.frame.text : nil)
    }

    /// The file's first and last lines.
    static func ends(of path: String) throws -> (String, String) {
        guard let h = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot read \(path)") }
        defer { try? h.close() }
        let head = String(decoding: (try h.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        let size = try h.seekToEnd()
        try h.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try h.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        let first = head.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let last = tail.split(separator: "\n").last.map(String.init) ?? ""
        return (first, last)
    }

    /// The report: figures, targets and PASS/FAIL lines.
    public static func report(_ r: Result) -> String {
        func ms(_ s: Double?) -> String { s.map { String(format: "%.1f ms", $0 * 1000) } ?? "never" }
        func stats(_ xs: [Double]) -> String {
            guard !xs.isEmpty else { return "none pressed" }
            let sorted = xs.sorted()
            return String(format: "%d keys, median %.1f ms, worst %.1f ms", xs.count, sorted[sorted.count / 2] * 1000, sorted.last! * 1000)
        }
        let keys = r.keysWhileIndexing + r.keysWhileSearching
        let worst = keys.max() ?? 0
        var lines = [
            String(format: "log size                              %.2f GB (%@ bytes)", Double(r.bytes) / 1e9, Format.count(r.bytes)),
            "open (o until the last line shows)    " + ms(r.open),
            "count every line (o until the total)  " + ms(r.indexed),
            "g (line 1 of the file shows)          " + ms(r.top),
            "search the whole file (Enter to match) " + ms(r.search),
            "keys while counting lines             " + stats(r.keysWhileIndexing),
            "keys while searching                  " + stats(r.keysWhileSearching),
        ]
        if r.unanswered > 0 { lines.append("keys not answered within 2 s          \(r.unanswered)") }
        lines.append(String(format: "%@: the log opens in %.0f ms (target <= %.0f ms)", r.open <= openTarget ? "PASS" : "FAIL", r.open * 1000, openTarget * 1000))
        if let s = r.search {
            lines.append(String(format: "%@: the search across it finishes in %.2f s (target <= %.0f s)", s <= searchTarget ? "PASS" : "FAIL", s, searchTarget))
        } else {
            lines.append("FAIL: the search never showed its match")
        }
        lines.append(String(format: "%@: every key answers in at most %.1f ms while indexing and searching (target <= %.0f ms)",
                            worst <= keyTarget && r.unanswered == 0 && !keys.isEmpty ? "PASS" : "FAIL", worst * 1000, keyTarget * 1000))
        if let stuck = r.stuck { lines.append("the screen at the end:\n" + stuck) }
        return lines.joined(separator: "\n")
    }
}
