/// A request to steer a run, as the CLI's `halt`, `resume`, `kill`, `retry` and `remove`.
public struct ControlRequest: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case retry([String]), kill([String]), halt, resume, remove

        public var verb: String {
            switch self {
            case .retry: return "retry"
            case .kill: return "kill"
            case .halt: return "halt"
            case .resume: return "resume"
            case .remove: return "remove"
            }
        }
    }

    public var runDirectory: String
    public var action: Action

    public init(runDirectory: String, action: Action) {
        self.runDirectory = runDirectory
        self.action = action
    }
}

/// What the model asks the application to do (the model itself does no I/O).
public enum Effect: Equatable, Sendable {
    case quit
    case control(ControlRequest)
    case setTheme(String)
    case addRun(String)
    case refresh
    /// Show this file in the user's `$PAGER` (the TUI gives the terminal to it meanwhile).
    case openPager(String, line: Int? = nil)
    /// Search a log file's bytes in the background: the ranges in order, the first match
    /// (or, with `last`, the last one of the first range that has any).
    case searchFile(path: String, pattern: String, ranges: [FileSearch.Range], last: Bool)
    /// Load another part of a huge log (its window) into the viewer.
    case moveLog(path: String, to: LogWindowRequest)
    case cancelFileSearch
    /// Put this text on the clipboard through the terminal (OSC 52).
    case copy(String)
}

/// Whether a command applies now, and if not, why (shown, never hidden).
public enum Availability: Equatable, Sendable {
    case enabled
    case disabled(String)

    public var isEnabled: Bool { self == .enabled }
    public var reason: String? { if case .disabled(let r) = self { return r }; return nil }
}

/// A line of a document the views draw (definitions, records, tables): text segments, each
/// with the theme role that colours it.
public struct DocLine: Equatable, Sendable {
    public struct Segment: Equatable, Sendable {
        public var text: String
        public var role: ThemeRole
        public init(_ text: String, _ role: ThemeRole = .text) { self.text = text; self.role = role }
    }

    public var segments: [Segment]
    /// Too long for its row, the line keeps its end ("…/00/00/job.err.001"): for paths,
    /// whose last part says the most.
    public var keepsEnd = false

    public init(_ segments: [Segment]) { self.segments = segments }
    public init(_ text: String, _ role: ThemeRole = .text) { segments = [Segment(text, role)] }

    public static let blank = DocLine("")
    /// A file or folder path, shortened from the left when it does not fit.
    public static func path(_ path: String, _ role: ThemeRole = .dim) -> DocLine {
        var line = DocLine(path, role)
        line.keepsEnd = true
        return line
    }
    public static func heading(_ text: String) -> DocLine { DocLine(text, .header) }

    /// "  name        value", the name padded to `width`.
    public static func field(_ name: String, _ value: String, role: ThemeRole = .text, width: Int = 16) -> DocLine {
        let pad = max(1, width - name.count)
        return DocLine([Segment("  " + name + String(repeating: " ", count: pad), .dim), Segment(value, role)])
    }

    public var text: String { segments.map(\.text).joined() }
}
