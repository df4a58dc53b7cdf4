import Foundation
import SkeinReports

/// Measures the TUI on a run without a terminal: how long the Run screen takes to open (read
/// the run, build the tree, draw the first frame) and how long each key takes to redraw
/// (the model handles it, the view renders the frame, the in-memory backend diffs it).
public enum TUIBenchmark {
    public struct KeyTiming: Sendable {
        public var name: String
        public var count: Int
        public var mean: Double
        public var max: Double
    }

    public struct Result: Sendable {
        public var jobs: Int
        public var rows: Int
        /// Reading the run (status report, DAG, groupings): the background load; and of that,
        /// the status report alone.
        public var read: Double
        /// The CPU time reading took (every thread's: the DAG's tables are read on a second
        /// one): on a busy machine the wall time above includes waiting for a core, this does not.
        public var readCPU: Double = 0
        public var status: Double
        /// The model taking the data and drawing the first frame.
        public var firstFrame: Double
        /// Fully loaded: the whole read and the frame with every job.
        public var open: Double { read + firstFrame }
        /// A huge run's first frame (header counts and the loading line) drawn from the
        /// counts read ahead of the jobs, seconds from the start, and the CPU time by then;
        /// nil for a run small enough to skip it.
        public var countsFrame: Double? = nil
        public var countsFrameCPU: Double? = nil
        /// What the user waits for before the Run screen shows the run's counts.
        public var firstFrameAt: Double { countsFrame ?? open }
        public var keys: [KeyTiming]
        public var worstKey: Double { keys.map(\.max).max() ?? 0 }
        public var meanKey: Double {
            let n = keys.reduce(0) { $0 + $1.count }
            return n == 0 ? 0 : keys.reduce(0) { $0 + $1.mean * Double($1.count) } / Double(n)
        }
    }

    /// The issues' targets: a 100,000-job run opens in 1 s, a 1,000,000-job run in 3 s;
    /// every key redraws in 50 ms.
    public static let openTarget = 1.0
    public static let millionOpenTarget = 3.0
    public static let keyTarget = 0.050
    public static func openTarget(jobs: Int) -> Double { jobs >= 1_000_000 ? millionOpenTarget : openTarget }

    /// The keys measured, each pressed `repeats` times (names as in help).
    static let script: [(String, [Key])] = [
        ("j (down)", [.char("j")]),
        ("k (up)", [.char("k")]),
        ("Ctrl-d (half page)", [.ctrl("d")]),
        ("PgDn", [.pageDown]),
        ("G (bottom)", [.char("G")]),
        ("g (top)", [.char("g")]),
        ("f (next failed)", [.char("f")]),
        ("h (collapse)", [.char("h")]),
        ("l (expand)", [.char("l")]),
        ("space (mark)", [.char(" ")]),
        ("v (view)", [.char("v")]),
        ("/ filter 'fail' + Esc", [.char("/"), .char("f"), .char("a"), .char("i"), .char("l"), .escape]),
        ("C / E (fold all)", [.char("C"), .char("E")]),
    ]

    public static func run(directory: String, width: Int = 160, height: Int = 48, repeats: Int = 20) throws -> Result {
        let location = try RunLocation.locate(directory)
        let clock = Date().timeIntervalSince1970
        let app = AppModel(width: width, height: height, now: clock)
        let screen = RunScreen(directory: location.directory, label: location.label, kind: location.kind)
        let backend = MemoryBackend(width: width, height: height)
        var buffer = CellBuffer(width: width, height: height)
        app.push(screen)
        var t = Date()
        let cpu = processCPU()
        // As the data queue does on a first load: the counts arrive ahead of the jobs and are drawn.
        var countsFrame: Double?, countsFrameCPU: Double?
        let data = try RunDataReader.read(location, now: clock, onCounts: { report in
            app.receive(DataUpdate(key: .run(location.directory), payload: .runCounts(report)))
            Renderer.render(app, into: &buffer, theme: .standard, glyphs: .unicode)
            backend.present(buffer)
            countsFrame = Date().timeIntervalSince(t)
            countsFrameCPU = processCPU() - cpu
        })
        let read = Date().timeIntervalSince(t)
        let readCPU = processCPU() - cpu
        t = Date()
        app.receive(DataUpdate(key: .run(location.directory), payload: .run(data)))
        Renderer.render(app, into: &buffer, theme: .standard, glyphs: .unicode)
        backend.present(buffer)
        let firstFrame = Date().timeIntervalSince(t)
        var timings: [KeyTiming] = []
        for (name, keys) in script {
            var total = 0.0, worst = 0.0
            for _ in 0..<repeats {
                let start = Date()
                for key in keys {
                    _ = app.handle(key)
                    Renderer.render(app, into: &buffer, theme: .standard, glyphs: .unicode)
                    backend.present(buffer)
                }
                let dt = Date().timeIntervalSince(start) / Double(keys.count)
                total += dt
                worst = max(worst, dt)
            }
            timings.append(KeyTiming(name: name, count: repeats, mean: total / Double(repeats), max: worst))
        }
        return Result(jobs: data.jobs.count, rows: data.tree.count, read: read, readCPU: readCPU, status: data.statusSeconds, firstFrame: firstFrame,
                      countsFrame: countsFrame, countsFrameCPU: countsFrameCPU, keys: timings)
    }

    /// CPU seconds this process has used (all its threads).
    static func processCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The report `skein tui --benchmark` prints: one column per run.
    public static func table(_ results: [(String, Result)]) -> String {
        func ms(_ s: Double) -> String { String(format: "%.2f", s * 1000) }
        var lines: [String] = []
        let names = results.map(\.0)
        let w = max(12, names.map(\.count).max() ?? 12)
        func row(_ label: String, _ values: [String]) {
            lines.append(label.padding(toLength: 34, withPad: " ", startingAt: 0) + values.map { String(repeating: " ", count: max(0, w - $0.count)) + $0 }.joined(separator: "  "))
        }
        row("run", names)
        row("jobs", results.map { Format.count($0.1.jobs) })
        row("tree rows", results.map { Format.count($0.1.rows) })
        row("open: first frame, counts (ms)", results.map { $0.1.countsFrame.map(ms) ?? "-" })
        row("  CPU time by then (ms)", results.map { $0.1.countsFrameCPU.map(ms) ?? "-" })
        row("open: read (ms)", results.map { ms($0.1.read) })
        row("  of which the status report", results.map { ms($0.1.status) })
        row("open: read, CPU time (ms)", results.map { ms($0.1.readCPU) })
        row("open: frame with every job (ms)", results.map { ms($0.1.firstFrame) })
        row("open: fully loaded (ms)", results.map { ms($0.1.open) })
        for (i, k) in (results.first?.1.keys ?? []).enumerated() {
            row("key \(k.name) (ms)", results.map { ms($0.1.keys[i].mean) + "/" + ms($0.1.keys[i].max) })
        }
        row("every key: mean (ms)", results.map { ms($0.1.meanKey) })
        row("every key: worst (ms)", results.map { ms($0.1.worstKey) })
        if results.count >= 2, let small = results.first?.1, let big = results.last?.1 {
            lines.append(String(format: "scaling %@ -> %@ jobs (x%.0f): fully loaded x%.1f, mean key x%.1f, worst key x%.1f",
                                Format.count(small.jobs), Format.count(big.jobs), Double(big.jobs) / Double(max(1, small.jobs)),
                                big.open / max(1e-9, small.open), big.meanKey / max(1e-9, small.meanKey), big.worstKey / max(1e-9, small.worstKey)))
        }
        for (name, r) in results where r.jobs >= 10_000 {
            let target = openTarget(jobs: r.jobs)
            let ok = r.firstFrameAt <= target && r.worstKey <= keyTarget
            lines.append(String(format: "%@: %@ (%@ jobs) opens in %.2f s with its counts (target <= %.0f s; fully loaded in %.2f s), every key redraws in at most %.1f ms (target <= %.0f ms)",
                                ok ? "PASS" : "FAIL", name, Format.count(r.jobs), r.firstFrameAt, target, r.open, r.worstKey * 1000, keyTarget * 1000))
        }
        return lines.joined(separator: "\n")
    }
}
